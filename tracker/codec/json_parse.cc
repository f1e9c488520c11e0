#include "tracker/codec/json_parse.h"

#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "boost/json/basic_parser_impl.hpp"
#include "boost/json/parse.hpp"

namespace clicktrack::tracker {
namespace {

namespace json = boost::json;
using ErrorCode = boost::system::error_code;

constexpr int kMaxDepth = 32;

json::parse_options Options() {
  json::parse_options options;
  options.max_depth = kMaxDepth;
  return options;
}

// A SAX handler for json::basic_parser that remembers the keys of every open object and stops
// at the first one seen twice. Values are not built.
class DuplicateKeyFinder {
 public:
  static constexpr std::size_t max_object_size = std::size_t(-1);  // NOLINT: Boost's names
  static constexpr std::size_t max_array_size = std::size_t(-1);   // NOLINT
  static constexpr std::size_t max_key_size = std::size_t(-1);     // NOLINT
  static constexpr std::size_t max_string_size = std::size_t(-1);  // NOLINT

  // The first key seen twice in one object, if any.
  const std::optional<std::string>& duplicate() const { return duplicate_; }

  bool on_document_begin(ErrorCode&) { return true; }
  bool on_document_end(ErrorCode&) { return true; }
  bool on_object_begin(ErrorCode&) {
    open_.emplace_back();
    return true;
  }
  bool on_object_end(std::size_t, ErrorCode&) {
    open_.pop_back();
    return true;
  }
  bool on_array_begin(ErrorCode&) { return true; }
  bool on_array_end(std::size_t, ErrorCode&) { return true; }
  bool on_key_part(json::string_view part, std::size_t, ErrorCode&) {
    key_.append(part.data(), part.size());
    return true;
  }
  bool on_key(json::string_view part, std::size_t, ErrorCode& ec) {
    key_.append(part.data(), part.size());
    if (!open_.back().insert(key_).second) {
      duplicate_ = std::move(key_);
      ec = json::error::syntax;  // stops the parser; duplicate() tells why
      return false;
    }
    key_.clear();
    return true;
  }
  bool on_string_part(json::string_view, std::size_t, ErrorCode&) { return true; }
  bool on_string(json::string_view, std::size_t, ErrorCode&) { return true; }
  bool on_number_part(json::string_view, ErrorCode&) { return true; }
  bool on_int64(std::int64_t, json::string_view, ErrorCode&) { return true; }
  bool on_uint64(std::uint64_t, json::string_view, ErrorCode&) { return true; }
  bool on_double(double, json::string_view, ErrorCode&) { return true; }
  bool on_bool(bool, ErrorCode&) { return true; }
  bool on_null(ErrorCode&) { return true; }
  bool on_comment_part(json::string_view, ErrorCode&) { return true; }
  bool on_comment(json::string_view, ErrorCode&) { return true; }

 private:
  std::vector<absl::flat_hash_set<std::string>> open_;
  std::string key_;
  std::optional<std::string> duplicate_;
};

}  // namespace

absl::StatusOr<json::object> ParseJsonObjectKeepingLastKey(absl::string_view body) {
  ErrorCode ec;
  json::value value =
      json::parse(json::string_view(body.data(), body.size()), ec, json::storage_ptr(), Options());
  if (ec) {
    return absl::InvalidArgumentError(absl::StrCat("body is not valid JSON: ", ec.message()));
  }
  if (!value.is_object()) {
    return absl::InvalidArgumentError("body must be a JSON object");
  }
  return std::move(value.get_object());
}

absl::Status CheckNoDuplicateKeys(absl::string_view body) {
  json::basic_parser<DuplicateKeyFinder> parser(Options());
  ErrorCode ec;
  parser.write_some(false, body.data(), body.size(), ec);
  if (const std::optional<std::string>& key = parser.handler().duplicate()) {
    return absl::InvalidArgumentError(absl::StrCat(*key, ": given twice"));
  }
  return absl::OkStatus();
}

absl::StatusOr<json::object> ParseJsonObject(absl::string_view body) {
  absl::StatusOr<json::object> object = ParseJsonObjectKeepingLastKey(body);
  if (object.ok()) {
    if (absl::Status status = CheckNoDuplicateKeys(body); !status.ok()) {
      return status;
    }
  }
  return object;
}

}  // namespace clicktrack::tracker
