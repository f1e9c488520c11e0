#pragma once

// Typed access to the members of one JSON object (SPEC §4), naming fields by their dotted path.
// Unknown members are ignored; null counts as absent; a member of the wrong type is
// kInvalidArgument naming it ("commission.first_sale.percent: must be a decimal string…").

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "boost/json/array.hpp"
#include "boost/json/object.hpp"

#include "attribution/money.h"

namespace clicktrack::tracker {

class Fields {
 public:
  // `prefix` is the object's own path ("" for the body, "commission" for a member).
  Fields(const boost::json::object& object, std::string prefix)
      : object_(object), prefix_(std::move(prefix)) {}

  // `name`'s dotted path, for error messages.
  std::string Path(absl::string_view name) const;
  // The member, or nullptr when absent or null.
  const boost::json::value* Find(absl::string_view name) const;

  // Each typed getter answers nullopt (or nullptr) when the member is absent, and
  // kInvalidArgument naming it when it has another type or an invalid value.
  absl::StatusOr<std::optional<std::string>> String(absl::string_view name) const;
  // A decimal string: a JSON number is refused, so that no amount passes through a double.
  absl::StatusOr<std::optional<std::string>> Decimal(absl::string_view name) const;
  absl::StatusOr<std::optional<bool>> Bool(absl::string_view name) const;
  absl::StatusOr<std::optional<int64_t>> Int(absl::string_view name) const;
  absl::StatusOr<const boost::json::object*> Object(absl::string_view name) const;
  absl::StatusOr<const boost::json::array*> Array(absl::string_view name) const;
  // A Go-style duration string ("720h").
  absl::StatusOr<std::optional<absl::Duration>> Duration(absl::string_view name) const;
  // A decimal amount of `currency`, in minor units.
  absl::StatusOr<std::optional<int64_t>> Amount(absl::string_view name,
                                                const attribution::Currency& currency) const;
  absl::StatusOr<std::optional<attribution::Percent>> Percent(absl::string_view name) const;

 private:
  const boost::json::object& object_;
  std::string prefix_;
};

}  // namespace clicktrack::tracker
