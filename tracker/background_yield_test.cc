#include "tracker/background_yield.h"

#include "gtest/gtest.h"

namespace clicktrack::tracker {
namespace {

using Work = storage::Maintenance::BackgroundWork;

TEST(BackgroundYieldTest, FlushesGetMoreThanCompactionsAndIdleGetsNothing) {
  EXPECT_EQ(BackgroundYield(Work{}, 1), absl::ZeroDuration());
  const absl::Duration compaction = BackgroundYield(Work{.compaction = true}, 1);
  const absl::Duration flush = BackgroundYield(Work{.flush = true}, 1);
  EXPECT_GT(compaction, absl::ZeroDuration());
  EXPECT_GT(flush, compaction);  // writes stop when memtables pile up, they only slow for L0
  EXPECT_EQ(BackgroundYield(Work{.flush = true, .compaction = true}, 1), flush);
  // Every pause fits well inside the 2 ms period: a request in flight waits at most one.
  EXPECT_LT(flush, absl::Milliseconds(1));
}

TEST(BackgroundYieldTest, ManyLoopsShareTheTwoBackgroundThreads) {
  const Work flush{.flush = true};
  EXPECT_EQ(BackgroundYield(flush, 2), BackgroundYield(flush, 1));
  EXPECT_EQ(BackgroundYield(flush, 8), BackgroundYield(flush, 1) / 4);
}

}  // namespace
}  // namespace clicktrack::tracker
