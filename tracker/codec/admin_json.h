#pragma once

// The admin API's JSON: decoding with field-named errors, encoding of stored records.
// Unknown fields are ignored; a field of the wrong type is kInvalidArgument naming it;
// null counts as absent.

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "boost/json/object.hpp"

#include "attribution/link.h"
#include "attribution/program.h"
#include "tracker/codec/json_parse.h"
#include "tracker/common/json_text.h"

namespace clicktrack::tracker {

// The program in a PUT body, with `id` taken from the path. Timestamps are left unset.
absl::StatusOr<attribution::Program> DecodeProgram(const boost::json::object& body,
                                                   absl::string_view program_id);

// A partner in a PUT body. `joined_at` is nullopt when the body has none.
struct PartnerInput {
  attribution::Partner partner;
  std::optional<absl::Time> joined_at;
};
absl::StatusOr<PartnerInput> DecodePartner(const boost::json::object& body,
                                           const attribution::Program& program,
                                           absl::string_view partner_id);

// A POST .../links body.
struct LinkInput {
  std::string partner_id;
  std::string destination;
  std::optional<std::string> code;
};
absl::StatusOr<LinkInput> DecodeLinkInput(const boost::json::object& body);

// A PATCH .../links/{code} body.
struct LinkPatch {
  std::optional<std::string> destination;
  std::optional<bool> active;
};
absl::StatusOr<LinkPatch> DecodeLinkPatch(const boost::json::object& body);

// Records as answered by the API (secrets omitted, defaults filled in).
boost::json::object EncodeProgram(const attribution::Program& program);
boost::json::object EncodePartner(const attribution::Partner& partner,
                                  const attribution::Currency& currency);
boost::json::object EncodeLink(const attribution::Link& link, absl::string_view public_url);

}  // namespace clicktrack::tracker
