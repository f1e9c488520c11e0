#include "tracker/click_batcher.h"

#include "tracker/log.h"
#include "tracker/status_mapping.h"

namespace clicktrack::tracker {

void ClickBatcher::Add(attribution::Click&& click, HttpResponse&& response, LaterResponse&& later) {
  clicks_.push_back(std::move(click));
  responses_.push_back(std::move(response));
  laters_.push_back(std::move(later));
  if (!flush_posted_) {
    flush_posted_ = true;
    post_([this] { Flush(); });
  }
}

void ClickBatcher::Flush() {
  flush_posted_ = false;
  const absl::Status status = store_.RecordClicks(absl::MakeSpan(clicks_));
  if (!status.ok()) {
    // A redirect without its click is a lost commission: answer 503, the browser may retry.
    Log(LogLevel::kError, "click write failed",
        {{"clicks", clicks_.size()}, {"error", JsonText(status.ToString())}});
  }
  for (size_t i = 0; i < laters_.size(); ++i) {
    std::move(laters_[i])(status.ok() ? std::move(responses_[i])
                                      : ErrorResponse(absl::UnavailableError(
                                            "the click could not be stored; retry")));
  }
  clicks_.clear();
  responses_.clear();
  laters_.clear();
}

}  // namespace clicktrack::tracker
