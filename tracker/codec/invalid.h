#pragma once

// The one shape of a field error: kInvalidArgument "<field>: <problem>" (SPEC §4), for request
// fields, JSON paths ("commission.first_sale.percent") and command-line flags alike.

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace clicktrack::tracker {

inline absl::Status Invalid(absl::string_view field, absl::string_view problem) {
  return absl::InvalidArgumentError(absl::StrCat(field, ": ", problem));
}

}  // namespace clicktrack::tracker
