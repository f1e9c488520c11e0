#include "tracker/api/click_batcher.h"

#include <algorithm>

#include "tracker/api/responses.h"
#include "tracker/common/log.h"
#include "tracker/common/metrics.h"

namespace clicktrack::tracker {

ClickSink::Slot ClickBatcher::Next() {
  if (committed_ == clicks_.size()) {
    clicks_.emplace_back();
    responses_.emplace_back();
  }
  return Slot{.click = clicks_[committed_], .response = responses_[committed_]};
}

void ClickBatcher::Commit(LaterResponse&& later) {
  ++committed_;
  laters_.push_back(std::move(later));
  if (!flush_posted_) {
    flush_posted_ = true;
    post_([this] { Flush(); });
  }
}

void ClickBatcher::Flush() {
  flush_posted_ = false;
  const size_t count = committed_;
  const absl::Status status = click_log_.RecordClicks(absl::MakeSpan(clicks_.data(), count));
  if (status.ok()) {
    ThreadMetrics& metrics = LocalMetrics();
    metrics.clicks.Add(count);
    metrics.bot_clicks.Add(static_cast<uint64_t>(
        std::count_if(clicks_.begin(), clicks_.begin() + static_cast<ptrdiff_t>(count),
                      [](const attribution::Click& click) { return click.bot; })));
  } else {
    // A redirect without its click is a lost commission: answer 503, the browser may retry.
    Log(LogLevel::kError, "click write failed",
        {{"clicks", count}, {"error", JsonText(status.ToString())}});
  }
  // The answers are written asynchronously: nothing below can call Next or Commit.
  for (size_t i = 0; i < count; ++i) {
    if (status.ok()) {
      std::move(laters_[i])(std::move(responses_[i]));  // read in place, not moved from
    } else {
      std::move(laters_[i])(
          ErrorResponse(absl::UnavailableError("the click could not be stored; retry")));
    }
  }
  committed_ = 0;
  laters_.clear();
}

}  // namespace clicktrack::tracker
