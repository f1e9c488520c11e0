#pragma once

// Clicks batched per event-loop turn: every redirect that becomes ready in one turn of a
// worker's loop is stored with one RocksDB write, and each 302 leaves only after that write.

#include <vector>

#include "absl/functional/any_invocable.h"

#include "attribution/click.h"
#include "storage/store.h"
#include "tracker/http/http_types.h"
#include "tracker/http/request_handler.h"

namespace clicktrack::tracker {

// Where a redirect hands its click and its answer (one per event loop).
class ClickSink {
 public:
  // A click and its response, filled in place by the router. Slots are reused from earlier
  // requests, so that a redirect allocates nothing once warm: every field must be set.
  struct Slot {
    attribution::Click& click;
    HttpResponse& response;
  };

  virtual ~ClickSink() = default;
  // The slot to fill. Nothing is queued until Commit: a request that fails after Next (an
  // unknown link) leaves the slot to the next one.
  virtual Slot Next() = 0;
  // Queues the slot of the last Next: `later` gets its response once the click is stored,
  // or a 503 if it could not be stored.
  virtual void Commit(LaterResponse&& later) = 0;
};

// The ClickSink of one event loop. Not thread-safe: used only from its loop's thread.
class ClickBatcher final : public ClickSink {
 public:
  ClickBatcher(storage::ClickLog& click_log, PostToLoop post)
      : click_log_(click_log), post_(std::move(post)) {}
  ClickBatcher(const ClickBatcher&) = delete;
  ClickBatcher& operator=(const ClickBatcher&) = delete;

  Slot Next() override;
  // The first click of a turn posts the flush; the others join it.
  void Commit(LaterResponse&& later) override;

 private:
  void Flush();

  storage::ClickLog& click_log_;
  PostToLoop post_;
  bool flush_posted_ = false;
  // Slots [0, committed_) wait for the flush; the rest are kept for reuse, with their strings.
  size_t committed_ = 0;
  std::vector<attribution::Click> clicks_;
  std::vector<HttpResponse> responses_;
  std::vector<LaterResponse> laters_;  // one per committed slot
};

}  // namespace clicktrack::tracker
