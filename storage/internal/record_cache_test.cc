// RecordCache: what it remembers, how writes reach it, and its bound.

#include "storage/internal/record_cache.h"

#include <string>

#include "gtest/gtest.h"

namespace clicktrack::storage_internal {
namespace {

TEST(RecordCacheTest, RemembersValuesAndAbsencesPerFamily) {
  RecordCache cache(10);
  EXPECT_EQ(cache.Find(kCustomers, "c1"), nullptr);
  cache.Remember(kCustomers, "c1", "record");
  cache.Remember(kIdentities, "c1", std::nullopt);
  ASSERT_NE(cache.Find(kCustomers, "c1"), nullptr);
  EXPECT_EQ(*cache.Find(kCustomers, "c1"), "record");
  ASSERT_NE(cache.Find(kIdentities, "c1"), nullptr);
  EXPECT_FALSE(cache.Find(kIdentities, "c1")->has_value());  // known to be absent
}

TEST(RecordCacheTest, AWriteUpdatesAKnownKeyOnly) {
  RecordCache cache(10);
  cache.Remember(kIdentities, "alias", std::nullopt);
  cache.Update(kIdentities, "alias", "survivor");
  cache.Update(kIdentities, "unknown", "x");  // not read before: the store answers it
  EXPECT_EQ(*cache.Find(kIdentities, "alias"), "survivor");
  EXPECT_EQ(cache.Find(kIdentities, "unknown"), nullptr);
  cache.Update(kIdentities, "alias", std::nullopt);  // a deletion
  EXPECT_FALSE(cache.Find(kIdentities, "alias")->has_value());
}

TEST(RecordCacheTest, StartsAgainPastItsCapacityAndForgetsOnDemand) {
  RecordCache cache(3);
  for (const char* key : {"a", "b", "c"}) {
    cache.Remember(kCustomers, key, "v");
  }
  cache.Remember(kIdentities, "i", "v");
  EXPECT_NE(cache.Find(kCustomers, "a"), nullptr);
  cache.Remember(kCustomers, "d", "v");  // a fourth customer key: the family starts again
  EXPECT_EQ(cache.Find(kCustomers, "a"), nullptr);
  EXPECT_NE(cache.Find(kCustomers, "d"), nullptr);
  EXPECT_NE(cache.Find(kIdentities, "i"), nullptr);  // the other family is untouched
  cache.Forget();
  EXPECT_EQ(cache.Find(kCustomers, "d"), nullptr);
  EXPECT_EQ(cache.Find(kIdentities, "i"), nullptr);
}

}  // namespace
}  // namespace clicktrack::storage_internal
