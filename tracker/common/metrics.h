#pragma once

// /metrics: the counters each thread keeps for itself (ThreadMetrics: no lock and no shared
// atomic where something is counted), summed when Prometheus scrapes, and the text exposition
// format. Every label takes a value from a fixed list: routes are patterns, not paths.

#include <array>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <utility>

#include "absl/strings/string_view.h"
#include "absl/types/span.h"

#include "attribution/base/metric_cells.h"

namespace clicktrack::tracker {

inline constexpr std::array<uint64_t, 14> kLatencyBoundsMicros = {
    50,     100,    250,    500,     1'000,   2'500,     5'000,
    10'000, 25'000, 50'000, 100'000, 250'000, 1'000'000, 5'000'000};
// Status codes counted apart; any other counts as "other".
inline constexpr std::array<int, 24> kStatusCodes = {200, 201, 202, 204, 301, 302, 303, 304,
                                                     307, 308, 400, 401, 403, 404, 405, 409,
                                                     411, 413, 415, 422, 429, 431, 500, 503};
inline constexpr size_t kStatusSlots = kStatusCodes.size() + 1;
// Route 0 is "none": a request no route matched, or one the transport refused.
inline constexpr size_t kMaxRoutes = 96;
inline constexpr std::array<absl::string_view, 6> kStripeEventTypes = {
    "checkout.session.completed",
    "checkout.session.async_payment_succeeded",
    "invoice.paid",
    "invoice_payment.paid",
    "charge.refunded",
    "other"};
inline constexpr std::array<absl::string_view, 9> kStripeOutcomes = {
    "attributed", "unattributed", "duplicate", "reversed", "queued",
    "linked",     "ignored",      "rejected",  "error"};
enum class DeliveryOutcome { kDelivered, kRetrying, kFailed };
inline constexpr std::array<absl::string_view, 3> kDeliveryOutcomes = {"delivered", "retrying",
                                                                       "failed"};

struct ThreadMetrics {
  struct Route {
    std::array<base::OwnedCounter, kStatusSlots> by_status;
    base::HistogramCells<kLatencyBoundsMicros.size()> latency;
  };
  std::array<Route, kMaxRoutes> routes;
  base::OwnedCounter clicks;
  base::OwnedCounter bot_clicks;
  std::array<std::array<base::OwnedCounter, kStripeOutcomes.size()>, kStripeEventTypes.size()>
      stripe_events;
  std::array<base::OwnedCounter, kDeliveryOutcomes.size()> deliveries;
  // How late an event loop's periodic timer fired: the time a ready handler waited.
  base::HistogramCells<kLatencyBoundsMicros.size()> loop_lag;

  void ObserveRequest(uint16_t route, int status, uint64_t micros);
  void ObserveStripeEvent(absl::string_view type, absl::string_view outcome);
};

// The calling thread's counters, made on its first call and kept for the process's life (a
// finished thread's counts stay in the sums).
ThreadMetrics& LocalMetrics();

// Names a route for the metrics' `route` label; its number goes with each request. Call before
// serving; past kMaxRoutes - 1 routes, the rest count as "none".
uint16_t RegisterRoute(absl::string_view label);
// The label of a route's number ("none" for 0 or an unknown number).
std::string RouteLabel(uint16_t route);

// Builds a scrape in the Prometheus text exposition format, version 0.0.4.
class MetricsText {
 public:
  using Labels = std::initializer_list<std::pair<absl::string_view, absl::string_view>>;

  // A family's HELP and TYPE lines ("counter", "gauge", "histogram"); its samples follow.
  void Family(absl::string_view name, absl::string_view type, absl::string_view help);
  void Sample(absl::string_view name, Labels labels, double value);
  void Sample(absl::string_view name, Labels labels, uint64_t value);
  // A histogram's _bucket, _sum and _count samples from non-cumulative bucket counts over
  // `bounds` (buckets has one more: +Inf), with `scale` turning the bounds' and the sum's unit
  // into the base unit (1e-6 for microseconds to seconds).
  void Histogram(absl::string_view name, Labels labels, absl::Span<const uint64_t> bounds,
                 absl::Span<const uint64_t> buckets, uint64_t sum, double scale);

  std::string Take() { return std::move(text_); }

 private:
  void Line(absl::string_view name, absl::string_view suffix, Labels labels,
            absl::string_view extra_label, absl::string_view extra_value, absl::string_view value);

  std::string text_;
};

// Every thread's ThreadMetrics, summed, as counter and histogram families.
void WriteThreadMetrics(MetricsText& out);
// The process: resident memory, CPU time, open descriptors, start time (/proc/self).
void WriteProcessMetrics(MetricsText& out);

}  // namespace clicktrack::tracker
