#include "tracker/codec/json_fields.h"

#include "absl/strings/str_cat.h"

#include "attribution/base/status_macros.h"
#include "attribution/duration.h"
#include "tracker/codec/invalid.h"

namespace clicktrack::tracker {

std::string Fields::Path(absl::string_view name) const {
  return prefix_.empty() ? std::string(name) : absl::StrCat(prefix_, ".", name);
}

const boost::json::value* Fields::Find(absl::string_view name) const {
  const boost::json::value* value =
      object_.if_contains(boost::json::string_view(name.data(), name.size()));
  return value == nullptr || value->is_null() ? nullptr : value;
}

absl::StatusOr<std::optional<std::string>> Fields::String(absl::string_view name) const {
  const boost::json::value* value = Find(name);
  if (value == nullptr) {
    return std::nullopt;
  }
  if (!value->is_string()) {
    return Invalid(Path(name), "must be a string");
  }
  const boost::json::string& s = value->get_string();
  return std::string(s.data(), s.size());
}

absl::StatusOr<std::optional<std::string>> Fields::Decimal(absl::string_view name) const {
  const boost::json::value* value = Find(name);
  if (value != nullptr && value->is_number()) {
    return Invalid(Path(name), "must be a decimal string such as \"49.90\", not a JSON number");
  }
  return String(name);
}

absl::StatusOr<std::optional<bool>> Fields::Bool(absl::string_view name) const {
  const boost::json::value* value = Find(name);
  if (value == nullptr) {
    return std::nullopt;
  }
  if (!value->is_bool()) {
    return Invalid(Path(name), "must be true or false");
  }
  return value->get_bool();
}

absl::StatusOr<std::optional<int64_t>> Fields::Int(absl::string_view name) const {
  const boost::json::value* value = Find(name);
  if (value == nullptr) {
    return std::nullopt;
  }
  if (value->is_int64()) {
    return value->get_int64();
  }
  if (value->is_uint64() && value->get_uint64() <= static_cast<uint64_t>(INT64_MAX)) {
    return static_cast<int64_t>(value->get_uint64());
  }
  return Invalid(Path(name), "must be a whole number");
}

absl::StatusOr<const boost::json::object*> Fields::Object(absl::string_view name) const {
  const boost::json::value* value = Find(name);
  if (value == nullptr) {
    return nullptr;
  }
  if (!value->is_object()) {
    return Invalid(Path(name), "must be an object");
  }
  return &value->get_object();
}

absl::StatusOr<const boost::json::array*> Fields::Array(absl::string_view name) const {
  const boost::json::value* value = Find(name);
  if (value == nullptr) {
    return nullptr;
  }
  if (!value->is_array()) {
    return Invalid(Path(name), "must be an array");
  }
  return &value->get_array();
}

absl::StatusOr<std::optional<absl::Duration>> Fields::Duration(absl::string_view name) const {
  CLICKTRACK_ASSIGN_OR_RETURN(std::optional<std::string> text, String(name));
  if (!text.has_value()) {
    return std::nullopt;
  }
  absl::StatusOr<absl::Duration> duration = attribution::ParseApiDuration(*text);
  if (!duration.ok()) {
    return Invalid(Path(name), duration.status().message());
  }
  return *duration;
}

absl::StatusOr<std::optional<attribution::Percent>> Fields::Percent(absl::string_view name) const {
  CLICKTRACK_ASSIGN_OR_RETURN(std::optional<std::string> text, Decimal(name));
  if (!text.has_value()) {
    return std::nullopt;
  }
  absl::StatusOr<attribution::Percent> percent = attribution::ParsePercent(*text);
  if (!percent.ok()) {
    return Invalid(Path(name), percent.status().message());
  }
  return *percent;
}

absl::StatusOr<std::optional<int64_t>> Fields::Amount(absl::string_view name,
                                                      const attribution::Currency& currency) const {
  CLICKTRACK_ASSIGN_OR_RETURN(std::optional<std::string> text, Decimal(name));
  if (!text.has_value()) {
    return std::nullopt;
  }
  absl::StatusOr<int64_t> amount = attribution::ParseAmount(*text, currency);
  if (!amount.ok()) {
    return Invalid(Path(name), amount.status().message());
  }
  return *amount;
}

}  // namespace clicktrack::tracker
