#include "tracker/common/id_generator.h"

#include <set>

#include "gtest/gtest.h"

namespace clicktrack::tracker {
namespace {

TEST(IdGeneratorTest, IdsOfOneMillisecondSortInMintingOrder) {
  IdGenerator ids;
  const absl::Time t = absl::FromUnixMillis(1'764'000'000'000);
  attribution::Ulid previous = ids.NewUlid(t);
  for (int i = 0; i < 1000; ++i) {
    const attribution::Ulid next = ids.NewUlid(t);
    EXPECT_LT(previous, next);
    EXPECT_EQ(next.time(), t);
    previous = next;
  }
}

TEST(IdGeneratorTest, IdsAreUniqueAndFollowTime) {
  IdGenerator ids;
  std::set<attribution::Ulid> seen;
  for (int i = 0; i < 1000; ++i) {
    seen.insert(ids.NewUlid(absl::FromUnixMillis(1'764'000'000'000 + i % 7)));
  }
  EXPECT_EQ(seen.size(), 1000u);
  EXPECT_LT(ids.NewUlid(absl::FromUnixMillis(1'000)), ids.NewUlid(absl::FromUnixMillis(2'000)));
}

TEST(IdGeneratorTest, LinkCodesAreAlphanumeric) {
  IdGenerator ids;
  const std::string code = ids.NewLinkCode();
  EXPECT_EQ(code.size(), 8u);
  EXPECT_TRUE(attribution::IsValidIdentifier(code));
  EXPECT_EQ(
      code.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"),
      std::string::npos);
  EXPECT_NE(ids.NewLinkCode(), ids.NewLinkCode());
}

TEST(IdGeneratorTest, SecretsAreHex) {
  const std::string secret = NewSecretHex(32);
  EXPECT_EQ(secret.size(), 64u);
  EXPECT_EQ(secret.find_first_not_of("0123456789abcdef"), std::string::npos);
}

}  // namespace
}  // namespace clicktrack::tracker
