#include "tracker/codec/stripe_signature.h"

#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

#include "tracker/codec/hmac.h"

namespace clicktrack::tracker {
namespace {

constexpr char kSecret[] = "whsec_test_secret";
constexpr char kBody[] = R"({"id":"evt_1","type":"invoice.paid"})";
// HMAC-SHA256("whsec_test_secret", "1733140000." + kBody), computed independently (Python's
// hmac module).
constexpr char kSignature[] = "ffb6c0a811b99811d25367e4f9eee15b40ce05b7440c4f97a2e6a13eea6a77ba";
const absl::Time kSigned = absl::FromUnixSeconds(1733140000);

absl::Status Verify(absl::string_view header, absl::Time now = kSigned + absl::Seconds(5)) {
  return VerifyStripeSignature(header, kSecret, kBody, now);
}

TEST(StripeSignatureTest, AcceptsAGoodSignatureAmongOthers) {
  EXPECT_EQ(HmacSha256Hex(kSecret, absl::StrCat("1733140000.", kBody)), kSignature);
  EXPECT_TRUE(Verify(absl::StrCat("t=1733140000,v1=", kSignature)).ok());
  // While a secret rolls, two v1 come; v0 and unknown keys are ignored; hex in any case.
  EXPECT_TRUE(Verify(absl::StrCat("t=1733140000,v1=00ff,v1=", kSignature, ",v0=abc,x=1")).ok());
  EXPECT_TRUE(Verify(absl::StrCat("t=1733140000, v1=", absl::AsciiStrToUpper(kSignature))).ok());
  // A timestamp ahead of the clock is not refused (clocks differ); only old ones are.
  EXPECT_TRUE(Verify(absl::StrCat("t=1733140000,v1=", kSignature), kSigned - absl::Hours(1)).ok());
}

TEST(StripeSignatureTest, RefusesWithAReason) {
  const auto reason = [](absl::string_view header, absl::Time now = kSigned) {
    const absl::Status status = Verify(header, now);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << header;
    EXPECT_TRUE(absl::StartsWith(status.message(), "Stripe-Signature: ")) << status;
    return std::string(status.message());
  };
  EXPECT_TRUE(absl::StrContains(reason(""), "is required"));
  EXPECT_TRUE(absl::StrContains(reason(absl::StrCat("v1=", kSignature)), "t=<unix time>"));
  EXPECT_TRUE(absl::StrContains(reason("t=abc,v1=00"), "t=<unix time>"));
  EXPECT_TRUE(absl::StrContains(reason("t=1733140000,v0=00"), "no v1"));
  EXPECT_TRUE(absl::StrContains(
      reason(absl::StrCat("t=1733140000,v1=", kSignature), kSigned + absl::Seconds(301)),
      "older than 300 s"));
  EXPECT_TRUE(absl::StrContains(reason("t=1733140000,v1=0000"), "no v1 signature matches"));
  // The same signature for another body, timestamp or secret.
  EXPECT_TRUE(absl::StrContains(reason(absl::StrCat("t=1733140001,v1=", kSignature)),
                                "no v1 signature matches"));
  EXPECT_FALSE(VerifyStripeSignature(absl::StrCat("t=1733140000,v1=", kSignature), kSecret,
                                     absl::StrCat(kBody, " "), kSigned)
                   .ok());
  EXPECT_FALSE(VerifyStripeSignature(absl::StrCat("t=1733140000,v1=", kSignature), "whsec_other",
                                     kBody, kSigned)
                   .ok());
}

}  // namespace
}  // namespace clicktrack::tracker
