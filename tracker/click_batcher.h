#pragma once

// Clicks batched per event-loop turn: every redirect that becomes ready in one turn of a
// worker's loop is stored with one RocksDB write, and each 302 leaves only after that write.

#include <vector>

#include "absl/functional/any_invocable.h"

#include "attribution/click.h"
#include "storage/store.h"
#include "tracker/http_types.h"

namespace clicktrack::tracker {

// Where a redirect hands its click and its answer (HttpRequest::click_sink).
class ClickSink {
 public:
  virtual ~ClickSink() = default;
  // Takes a click and the response that may be sent once the click is stored. `later` gets
  // `response`, or a 503 if the click could not be stored.
  virtual void Add(attribution::Click&& click, HttpResponse&& response, LaterResponse&& later) = 0;
};

// The ClickSink of one event loop. Not thread-safe: used only from its loop's thread.
class ClickBatcher final : public ClickSink {
 public:
  // Runs a task on the loop's thread after the handlers already queued.
  using Post = absl::AnyInvocable<void(absl::AnyInvocable<void()>)>;

  ClickBatcher(storage::Store& store, Post post) : store_(store), post_(std::move(post)) {}
  ClickBatcher(const ClickBatcher&) = delete;
  ClickBatcher& operator=(const ClickBatcher&) = delete;

  // The first click of a turn posts the flush; the others join it.
  void Add(attribution::Click&& click, HttpResponse&& response, LaterResponse&& later) override;

 private:
  void Flush();

  storage::Store& store_;
  Post post_;
  bool flush_posted_ = false;
  // Reused across turns: no allocation once warm.
  std::vector<attribution::Click> clicks_;
  std::vector<HttpResponse> responses_;
  std::vector<LaterResponse> laters_;
};

}  // namespace clicktrack::tracker
