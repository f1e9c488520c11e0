#include "tracker/codec/strict_query.h"

#include "absl/strings/match.h"
#include "gtest/gtest.h"

#include "tracker/codec/conversion_request.h"

namespace clicktrack::tracker {
namespace {

TEST(StrictQueryTest, ConversionFieldsFromOnePass) {
  const absl::StatusOr<ConversionFields> fields =
      FieldsFromStrictQuery("program=acme&order_id=o%2F1&amount=9.90&utm_source=x&em%61il=A%40b.c");
  ASSERT_TRUE(fields.ok()) << fields.status();
  EXPECT_EQ(fields->at("program"), "acme");
  EXPECT_EQ(fields->at("order_id"), "o/1");
  EXPECT_EQ(fields->at("amount"), "9.90");
  EXPECT_EQ(fields->at("email"), "A@b.c");  // names are decoded too
  EXPECT_FALSE(fields->contains("utm_source"));
  EXPECT_EQ(fields->size(), 4u);
}

// SPEC §4: a field twice is 400 on every route but /go (defect 11 of issue 10: the first
// value silently won, so amount=10.00&amount=1000.00 recorded 10.00).
TEST(StrictQueryTest, StrictQueryRefusesAFieldGivenTwice) {
  for (const char* query : {"amount=10.00&amount=1000.00", "amount=1&am%6Funt=2", "a&a"}) {
    const absl::Status status = ValidateQuery(query);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << query;
    EXPECT_TRUE(absl::StrContains(status.message(), "given twice")) << status;
  }
  EXPECT_FALSE(FieldsFromStrictQuery("program=a&program=b").ok());
  EXPECT_TRUE(ValidateQuery("a=1&b=2&&c").ok());
}

// SPEC §4 (defect 1 of issue 10): bytes that are not UTF-8 are refused before they are stored.
TEST(StrictQueryTest, StrictQueryRefusesInvalidUtf8) {
  for (const char* query : {"order_id=%FF", "order_id=%C0%AF", "refund_id=r%E9", "%FF=1"}) {
    EXPECT_EQ(ValidateQuery(query).code(), absl::StatusCode::kInvalidArgument) << query;
  }
  EXPECT_TRUE(ValidateQuery("customer=caf%C3%A9").ok());
}

}  // namespace
}  // namespace clicktrack::tracker
