#include "tracker/background_yield.h"

namespace clicktrack::tracker {

namespace {
constexpr int kBackgroundThreads = 2;  // storage: one flush, one compaction thread
}  // namespace

absl::Duration BackgroundYield(const storage::Maintenance::BackgroundWork& work, int loops) {
  absl::Duration pause = work.flush        ? absl::Microseconds(750)
                         : work.compaction ? absl::Microseconds(250)
                                           : absl::ZeroDuration();
  if (loops > kBackgroundThreads) {
    pause = pause * kBackgroundThreads / loops;
  }
  return pause;
}

}  // namespace clicktrack::tracker
