#pragma once

// Turning a pixel hit or a postback into a validated attribution::ConversionEvent, and the
// decision back into the API's answer (SPEC §4.3, §4.4).

#include <map>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "boost/json/object.hpp"

#include "attribution/conversion.h"
#include "attribution/engine.h"
#include "attribution/program.h"

namespace clicktrack::tracker {

// The raw string fields of a conversion request, by name ("order_id", "amount", …).
using ConversionFields = std::map<std::string, std::string, std::less<>>;

// The fields of a query string, after ValidateQuery (SPEC §4: no field twice, UTF-8).
// Bad values are caught by BuildConversionEvent.
absl::StatusOr<ConversionFields> FieldsFromStrictQuery(absl::string_view query);

// The fields of a JSON body: `body` parsed from `text`, whose keys are checked for duplicates
// here. Strings only: a JSON number for an amount, or any non-string for another field, is
// kInvalidArgument naming the field. Unknown fields are ignored.
absl::StatusOr<ConversionFields> FieldsFromJsonBody(absl::string_view text,
                                                    const boost::json::object& body);

enum class ConversionSource {
  kPixel,     // a browser: occurred_at and status are ignored
  kPostback,  // server to server: occurred_at and status are taken
};

inline constexpr size_t kMaxOrderIdSize = 128;
inline constexpr size_t kMaxCustomerRefSize = 128;
inline constexpr size_t kMaxRefundIdSize = 160;
inline constexpr size_t kMaxClickIdSize = 32;
// How far in the future an occurred_at may be (clock skew between servers).
inline constexpr absl::Duration kMaxFutureSkew = absl::Minutes(5);

// The time of an event a server or an import gives (`field`, RFC 3339): from 2000-01-01 to
// `now` plus kMaxFutureSkew. kInvalidArgument naming `field`.
absl::StatusOr<absl::Time> ParseEventTime(absl::string_view field, absl::string_view text,
                                          absl::Time now);

// A text field of SPEC §4 (an order, refund or customer reference, an e-mail): at most
// `max_size` bytes of UTF-8 without control characters. kInvalidArgument naming `field`.
absl::Status ValidateText(absl::string_view field, absl::string_view value, size_t max_size);

// Sets identities.email_sha256 from `email_sha256` (64 hex digits) or else `email` (hashed by
// EmailSha256), when either is given. kInvalidArgument naming the bad field.
absl::Status DecodeEmailFields(const ConversionFields& fields, attribution::Identities& identities);

// Validates the fields against `program` and builds the event, with `now` as its time unless a
// postback gives occurred_at. `cookie` is the request's tc_cid value, if any (pixel only).
// kInvalidArgument naming the first bad field.
absl::StatusOr<attribution::ConversionEvent> BuildConversionEvent(
    const ConversionFields& fields, const attribution::Program& program, ConversionSource source,
    absl::Time now, std::optional<absl::string_view> cookie);

// The JSON answer of SPEC §4.4 for a decision; `now` decides pending vs approved.
boost::json::object EncodeDecision(const attribution::Decision& decision,
                                   const attribution::Program& program, absl::Time now);

// Lower-case hex SHA-256 of the normalised (trimmed, lower-cased) e-mail.
std::string EmailSha256(absl::string_view email);

}  // namespace clicktrack::tracker
