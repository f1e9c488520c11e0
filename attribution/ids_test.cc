#include "attribution/ids.h"

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace clicktrack::attribution {
namespace {

TEST(UlidTest, TextRoundTrip) {
  const Ulid id = Ulid::Make(absl::FromUnixMillis(1'700'000'000'123), 0xBEEF, 0x0123456789ABCDEF);
  const std::string text = id.ToString();
  ASSERT_EQ(text.size(), 26u);
  const std::optional<Ulid> parsed = Ulid::FromText(text);
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(*parsed, id);
  EXPECT_EQ(parsed->time(), absl::FromUnixMillis(1'700'000'000'123));
}

TEST(UlidTest, BinaryRoundTrip) {
  const Ulid id = Ulid::Make(absl::FromUnixMillis(42), 0xFFFF, ~uint64_t{0});
  const auto binary = id.Binary();
  const std::optional<Ulid> parsed = Ulid::FromBinary(absl::string_view(binary.data(), 16));
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(*parsed, id);
  EXPECT_FALSE(Ulid::FromBinary("short").has_value());
}

TEST(UlidTest, KnownEncoding) {
  // Zero is 26 zeros; the maximum value starts with 7 and continues with Z.
  EXPECT_EQ(Ulid{}.ToString(), "00000000000000000000000000");
  EXPECT_EQ((Ulid{.hi = ~uint64_t{0}, .lo = ~uint64_t{0}}).ToString(),
            "7ZZZZZZZZZZZZZZZZZZZZZZZZZ");
}

TEST(UlidTest, TextAndBinarySortByTime) {
  std::vector<Ulid> ids;
  for (int64_t ms : std::initializer_list<int64_t>{5, 1'000, 999'999'999, 1'700'000'000'000,
                                                   281'474'976'710'655}) {
    ids.push_back(Ulid::Make(absl::FromUnixMillis(ms), 0xFFFF - ms % 7, ms * 31));
  }
  for (size_t i = 1; i < ids.size(); ++i) {
    EXPECT_LT(ids[i - 1].ToString(), ids[i].ToString());
    const auto a = ids[i - 1].Binary();
    const auto b = ids[i].Binary();
    EXPECT_LT(std::string(a.data(), 16), std::string(b.data(), 16));
  }
}

TEST(UlidTest, RejectsMalformedText) {
  EXPECT_FALSE(Ulid::FromText("").has_value());
  EXPECT_FALSE(Ulid::FromText("0000000000000000000000000").has_value());    // 25 chars
  EXPECT_FALSE(Ulid::FromText("000000000000000000000000000").has_value());  // 27 chars
  EXPECT_FALSE(Ulid::FromText("8ZZZZZZZZZZZZZZZZZZZZZZZZZ").has_value());   // > 128 bits
  EXPECT_FALSE(Ulid::FromText("0000000000000000000000000I").has_value());   // not Crockford
  EXPECT_FALSE(Ulid::FromText("0000000000000000000000000u").has_value());   // lower case
  EXPECT_FALSE(Ulid::FromText("01HZ-00000000000000000000A").has_value());
}

TEST(UlidTest, TimeIsClampedTo48Bits) {
  EXPECT_EQ(Ulid::Make(absl::FromUnixMillis(-5), 0, 0).time(), absl::UnixEpoch());
}

TEST(IdentifierTest, AcceptsSafeCharacters) {
  EXPECT_TRUE(IsValidIdentifier("acme"));
  EXPECT_TRUE(IsValidIdentifier("Acme_SaaS-2"));
  EXPECT_TRUE(IsValidIdentifier(std::string(64, 'a')));
}

TEST(IdentifierTest, RejectsOddCharactersAndSizes) {
  for (const char* bad : {"", "a b", "a/b", "a.b", "..", "a%2F", "ü", "a\nb", "a?b"}) {
    EXPECT_FALSE(IsValidIdentifier(bad)) << bad;
  }
  EXPECT_FALSE(IsValidIdentifier(std::string(65, 'a')));
  const absl::Status status = ValidateIdentifier("partner_id", "a/b");
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(status.message().find("partner_id"), absl::string_view::npos);
}

}  // namespace
}  // namespace clicktrack::attribution
