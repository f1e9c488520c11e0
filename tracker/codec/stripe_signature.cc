#include "tracker/codec/stripe_signature.h"

#include <optional>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

#include "tracker/codec/hmac.h"
#include "tracker/codec/invalid.h"

namespace clicktrack::tracker {
namespace {

constexpr absl::string_view kHeader = "Stripe-Signature";

struct SignatureHeader {
  std::optional<int64_t> timestamp;
  absl::string_view timestamp_text;  // as sent: the signed payload starts with it
  std::vector<std::string> v1;       // lower-cased
};

// Splits on ',' then on the first '='; keeps t and every v1.
SignatureHeader ParseHeader(absl::string_view header) {
  SignatureHeader parsed;
  for (absl::string_view item : absl::StrSplit(header, ',')) {
    const std::pair<absl::string_view, absl::string_view> pair =
        absl::StrSplit(item, absl::MaxSplits('=', 1));
    const absl::string_view key = absl::StripAsciiWhitespace(pair.first);
    const absl::string_view value = absl::StripAsciiWhitespace(pair.second);
    int64_t seconds = 0;
    if (key == "t" && absl::SimpleAtoi(value, &seconds)) {
      parsed.timestamp = seconds;
      parsed.timestamp_text = value;
    } else if (key == "v1" && !value.empty()) {
      parsed.v1.push_back(absl::AsciiStrToLower(value));
    }
  }
  return parsed;
}

}  // namespace

absl::Status VerifyStripeSignature(absl::string_view header, absl::string_view secret,
                                   absl::string_view body, absl::Time now,
                                   absl::Duration tolerance) {
  if (header.empty()) {
    return Invalid(kHeader, "is required");
  }
  const SignatureHeader parsed = ParseHeader(header);
  if (!parsed.timestamp.has_value()) {
    return Invalid(kHeader, "must carry t=<unix time>");
  }
  if (parsed.v1.empty()) {
    return Invalid(kHeader, "has no v1 signature");
  }
  if (now - absl::FromUnixSeconds(*parsed.timestamp) > tolerance) {
    return Invalid(kHeader, absl::StrCat("is older than ", absl::ToInt64Seconds(tolerance),
                                         " s (a replay, or a clock far off)"));
  }
  const std::string expected =
      HmacSha256Hex(secret, absl::StrCat(parsed.timestamp_text, ".", body));
  bool matched = false;
  for (const std::string& candidate : parsed.v1) {
    matched = ConstantTimeEquals(candidate, expected) || matched;  // every one compared
  }
  if (!matched) {
    return Invalid(kHeader,
                   "no v1 signature matches the body signed with the program's "
                   "stripe_webhook_secret");
  }
  return absl::OkStatus();
}

}  // namespace clicktrack::tracker
