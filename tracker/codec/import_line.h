#pragma once

// One line of an import (SPEC §6): a JSON object whose `record` says what it is, decoded and
// checked on its own, without the store. Lines are independent: a bad one is rejected alone.

#include <array>
#include <string>
#include <variant>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

#include "attribution/click.h"
#include "attribution/conversion.h"
#include "tracker/codec/conversion_request.h"

namespace clicktrack::tracker {

// The longest line an import takes; a longer one is rejected alone.
inline constexpr size_t kMaxImportLineSize = 64 * 1024;
// An old platform's id of a click, or of the customer in a click line.
inline constexpr size_t kMaxImportedIdSize = 128;

// {"record": "click", "at", "link", "click_id"?, "customer"?, "email"?, "sub1".."sub5"?}
struct ImportedClick {
  absl::Time at;
  std::string link;
  std::string click_id;              // the old platform's; "" = none
  attribution::Identities customer;  // customer_ref and email_sha256 only
  std::array<std::string, attribution::kSubCount> subs;
};

// {"record": "conversion", "at", …the fields of a postback (SPEC §4.4)…}: `fields` with
// occurred_at set to `at`, and without click_id, which names a click of the old platform.
struct ImportedConversion {
  absl::Time at;
  ConversionFields fields;
  std::string click_id;  // "" = none
};

// {"record": "owner", "customer", "partner_id", "since"}
struct ImportedOwner {
  absl::Time since;
  std::string customer_ref;
  std::string partner_id;
};

using ImportedRecord = std::variant<ImportedClick, ImportedConversion, ImportedOwner>;

// The record's time: the order in which an import applies its records.
absl::Time TimeOf(const ImportedRecord& record);

// Decodes one line (without its line break) of an import into `program_id`. Times must be
// RFC 3339, from 2000-01-01 to `now` plus 5 minutes. kInvalidArgument naming the first bad field
// ("at: is required"). A conversion's fields are checked by BuildConversionEvent later.
absl::StatusOr<ImportedRecord> DecodeImportLine(absl::string_view line,
                                                absl::string_view program_id, absl::Time now);

}  // namespace clicktrack::tracker
