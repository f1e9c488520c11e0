// UniqueClickMemory: it answers only for windows it knows all of, and keeps up with stores.

#include "storage/internal/unique_click_memory.h"

#include "gtest/gtest.h"

namespace clicktrack::storage_internal {
namespace {

const absl::Time kT0 = absl::FromUnixSeconds(1'780'000'000);
const absl::Duration kDay = absl::Hours(24);
const attribution::Ulid kCustomer = attribution::Ulid::Make(kT0, 1, 2);

TEST(UniqueClickMemoryTest, AnswersOnlyForWhatItLearnt) {
  UniqueClickMemory memory(10);
  EXPECT_EQ(memory.HadUniqueClick(kCustomer, "l1", kT0, kDay), std::nullopt);
  memory.Learn(kCustomer, "l1", kT0 - kDay, kT0 - absl::Hours(2));  // found 2 h before
  EXPECT_EQ(memory.HadUniqueClick(kCustomer, "l1", kT0, kDay), true);
  EXPECT_EQ(memory.HadUniqueClick(kCustomer, "l2", kT0, kDay), std::nullopt);  // other link
  // Exactly the period after that click it is still inside; a moment later it is not.
  EXPECT_EQ(memory.HadUniqueClick(kCustomer, "l1", kT0 + absl::Hours(22), kDay), true);
  EXPECT_EQ(memory.HadUniqueClick(kCustomer, "l1", kT0 + absl::Hours(23), kDay), false);
  // A window reaching back before what was learnt, or a click older than the one known.
  EXPECT_EQ(memory.HadUniqueClick(kCustomer, "l1", kT0 - absl::Minutes(1), kDay), std::nullopt);
  EXPECT_EQ(memory.HadUniqueClick(kCustomer, "l1", kT0 - absl::Hours(3), kDay), std::nullopt);
}

TEST(UniqueClickMemoryTest, AbsenceIsKnownAndStoresUpdateIt) {
  UniqueClickMemory memory(10);
  memory.Learn(kCustomer, "l1", kT0 - kDay, std::nullopt);
  EXPECT_EQ(memory.HadUniqueClick(kCustomer, "l1", kT0, kDay), false);
  memory.Stored(kCustomer, "l1", kT0);
  EXPECT_EQ(memory.HadUniqueClick(kCustomer, "l1", kT0 + absl::Hours(1), kDay), true);
  memory.Stored(kCustomer, "l2", kT0);  // a pair never learnt stays unknown
  EXPECT_EQ(memory.HadUniqueClick(kCustomer, "l2", kT0 + absl::Hours(1), kDay), std::nullopt);
  memory.Forget();
  EXPECT_EQ(memory.HadUniqueClick(kCustomer, "l1", kT0 + absl::Hours(1), kDay), std::nullopt);
}

TEST(UniqueClickMemoryTest, StartsAgainPastItsCapacity) {
  UniqueClickMemory memory(2);
  const attribution::Ulid a = attribution::Ulid::Make(kT0, 1, 1);
  const attribution::Ulid b = attribution::Ulid::Make(kT0, 2, 2);
  const attribution::Ulid c = attribution::Ulid::Make(kT0, 3, 3);
  memory.Learn(a, "l1", kT0 - kDay, std::nullopt);
  memory.Learn(b, "l1", kT0 - kDay, std::nullopt);
  memory.Learn(c, "l1", kT0 - kDay, std::nullopt);
  EXPECT_EQ(memory.HadUniqueClick(a, "l1", kT0, kDay), std::nullopt);
  EXPECT_EQ(memory.HadUniqueClick(c, "l1", kT0, kDay), false);
}

}  // namespace
}  // namespace clicktrack::storage_internal
