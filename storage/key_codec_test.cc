#include "storage/key_codec.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace clicktrack::storage {
namespace {

using attribution::Ulid;

std::string Bytes(const KeyBuffer& key) { return std::string(key.view()); }

TEST(KeyCodecTest, SignedIntegersSortNumerically) {
  std::vector<int64_t> values = {INT64_MIN, -1'000'000, -1, 0, 1, 255, 256, 1'000'000, INT64_MAX};
  for (size_t i = 1; i < values.size(); ++i) {
    KeyBuffer a;
    KeyBuffer b;
    a.Int64(values[i - 1]);
    b.Int64(values[i]);
    EXPECT_LT(Bytes(a), Bytes(b)) << values[i - 1] << " vs " << values[i];
  }
  std::vector<int32_t> days = {-5, -1, 0, 1, 20'000, 70'000};
  for (size_t i = 1; i < days.size(); ++i) {
    KeyBuffer a;
    KeyBuffer b;
    a.Int32(days[i - 1]);
    b.Int32(days[i]);
    EXPECT_LT(Bytes(a), Bytes(b));
  }
}

TEST(KeyCodecTest, IntegersRoundTrip) {
  KeyBuffer key;
  key.Int64(-42).Int32(-7).Byte(9).Id("prog");
  KeyReader reader(key.view());
  int64_t i64 = 0;
  int32_t i32 = 0;
  uint8_t byte = 0;
  absl::string_view id;
  ASSERT_TRUE(reader.Int64(i64) && reader.Int32(i32) && reader.Byte(byte) && reader.Id(id));
  EXPECT_TRUE(reader.done());
  EXPECT_EQ(i64, -42);
  EXPECT_EQ(i32, -7);
  EXPECT_EQ(byte, 9);
  EXPECT_EQ(id, "prog");
}

TEST(KeyCodecTest, ReaderRejectsTruncatedKeys) {
  KeyBuffer key;
  key.Id("abcdef");
  KeyReader reader(key.view().substr(0, 4));
  absl::string_view id;
  EXPECT_FALSE(reader.Id(id));
  int64_t value = 0;
  EXPECT_FALSE(KeyReader("1234567").Int64(value));
}

TEST(KeyCodecTest, LengthPrefixKeepsIdsApart) {
  // ("ab", "c") and ("a", "bc") concatenate to the same text but must not collide.
  EXPECT_NE(Bytes(PartnerKey("ab", "c")), Bytes(PartnerKey("a", "bc")));
  EXPECT_NE(Bytes(StatsPrefix("ab", "c")), Bytes(StatsPrefix("a", "bc")));
}

TEST(KeyCodecTest, CustomerClickKeysSortByTimeWithinCustomer) {
  const Ulid customer = Ulid::Make(absl::FromUnixSeconds(1), 1, 2);
  const absl::Time t0 = absl::FromUnixSeconds(1'700'000'000);
  const Ulid click = Ulid::Make(t0, 3, 4);
  const std::string early = Bytes(CustomerClickKey("acme", customer, t0, click));
  const std::string later =
      Bytes(CustomerClickKey("acme", customer, t0 + absl::Microseconds(1), click));
  const std::string much_later =
      Bytes(CustomerClickKey("acme", customer, t0 + absl::Hours(48), click));
  EXPECT_LT(early, later);
  EXPECT_LT(later, much_later);
  const std::string prefix = Bytes(CustomerClicksPrefix("acme", customer));
  EXPECT_EQ(early.substr(0, prefix.size()), prefix);

  CustomerClickKeyParts parts;
  ASSERT_TRUE(DecodeCustomerClickSuffix(absl::string_view(later).substr(prefix.size()), parts));
  EXPECT_EQ(parts.time, t0 + absl::Microseconds(1));
  EXPECT_EQ(parts.click_id, click);
}

TEST(KeyCodecTest, StatsKeysSortByDayThenCounter) {
  const absl::CivilDay d1(2026, 1, 31);
  const absl::CivilDay d2(2026, 2, 1);
  const std::string a = Bytes(StatsKey("p", "x", d1, StatsCounter::kClicks));
  const std::string b = Bytes(StatsKey("p", "x", d1, StatsCounter::kUniqueClicks));
  const std::string c = Bytes(StatsKey("p", "x", d2, StatsCounter::kClicks));
  EXPECT_LT(a, b);
  EXPECT_LT(b, c);
  const std::string prefix = Bytes(StatsPrefix("p", "x"));
  StatsKeyParts parts;
  ASSERT_TRUE(DecodeStatsSuffix(absl::string_view(c).substr(prefix.size()), parts));
  EXPECT_EQ(parts.day, d2);
  EXPECT_EQ(parts.counter, static_cast<uint8_t>(StatsCounter::kClicks));
}

TEST(KeyCodecTest, DayNumbers) {
  EXPECT_EQ(DayNumber(absl::CivilDay(1970, 1, 1)), 0);
  EXPECT_EQ(DayNumber(absl::CivilDay(1970, 1, 2)), 1);
  EXPECT_EQ(DayNumber(absl::CivilDay(1969, 12, 31)), -1);
  EXPECT_EQ(DayFromNumber(DayNumber(absl::CivilDay(2026, 11, 24))), absl::CivilDay(2026, 11, 24));
}

TEST(KeyCodecTest, CountersRoundTrip) {
  for (int64_t v : {int64_t{0}, int64_t{1}, int64_t{-1}, INT64_MAX, INT64_MIN}) {
    const auto bytes = EncodeCounter(v);
    int64_t back = 0;
    ASSERT_TRUE(DecodeCounter(absl::string_view(bytes.data(), bytes.size()), back));
    EXPECT_EQ(back, v);
  }
  int64_t ignored = 0;
  EXPECT_FALSE(DecodeCounter("short", ignored));
}

}  // namespace
}  // namespace clicktrack::storage
