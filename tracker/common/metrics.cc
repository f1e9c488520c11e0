#include "tracker/common/metrics.h"

#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cmath>
#include <cstdlib>
#include <deque>
#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"

namespace clicktrack::tracker {
namespace {

// Every thread's counters, and the route labels. A thread takes the lock once, on its first
// count; a scrape takes it to walk the list.
struct Registry {
  std::mutex mu;
  std::deque<ThreadMetrics> threads;  // deque: elements never move
  // Route labels: written under `mu`, each before `route_count` publishes it, never changed
  // after, so that an access-log line reads its label without the lock.
  std::array<std::string, kMaxRoutes> routes{"none"};
  std::atomic<size_t> route_count{1};
};

Registry& TheRegistry() {
  static auto* registry = new Registry();  // never destroyed: threads may count until exit
  return *registry;
}

size_t StatusSlot(int status) {
  const auto* at = std::find(kStatusCodes.begin(), kStatusCodes.end(), status);
  return static_cast<size_t>(at - kStatusCodes.begin());  // kStatusCodes.size(): other
}

template <size_t N>
size_t SlotOf(const std::array<absl::string_view, N>& names, absl::string_view name) {
  const auto* at = std::find(names.begin(), names.end(), name);
  return at == names.end() ? N - 1 : static_cast<size_t>(at - names.begin());
}

std::string FormatValue(double value) {
  if (std::abs(value) < 1e15 && value == static_cast<double>(static_cast<int64_t>(value))) {
    return absl::StrCat(static_cast<int64_t>(value));
  }
  return absl::StrFormat("%.15g", value);  // StrCat keeps 6 digits: a start time needs 13
}

// Label values are from fixed lists, but escaped anyway as the format asks.
void AppendEscaped(std::string& out, absl::string_view value) {
  for (const char c : value) {
    if (c == '\\' || c == '"') {
      out.push_back('\\');
      out.push_back(c);
    } else if (c == '\n') {
      out.append("\\n");
    } else {
      out.push_back(c);
    }
  }
}

}  // namespace

void ThreadMetrics::ObserveRequest(uint16_t route, int status, uint64_t micros) {
  Route& cells = routes[route < kMaxRoutes ? route : 0];
  cells.by_status[StatusSlot(status)].Add();
  cells.latency.Observe(kLatencyBoundsMicros, micros);
}

void ThreadMetrics::ObserveStripeEvent(absl::string_view type, absl::string_view outcome) {
  stripe_events[SlotOf(kStripeEventTypes, type)][SlotOf(kStripeOutcomes, outcome)].Add();
}

ThreadMetrics& LocalMetrics() {
  thread_local ThreadMetrics* local = [] {
    Registry& registry = TheRegistry();
    std::lock_guard lock(registry.mu);
    return &registry.threads.emplace_back();
  }();
  return *local;
}

uint16_t RegisterRoute(absl::string_view label) {
  Registry& registry = TheRegistry();
  std::lock_guard lock(registry.mu);
  const size_t count = registry.route_count.load(std::memory_order_relaxed);
  const auto end = registry.routes.begin() + static_cast<ptrdiff_t>(count);
  if (const auto known = std::find(registry.routes.begin(), end, label); known != end) {
    return static_cast<uint16_t>(known - registry.routes.begin());
  }
  if (count == kMaxRoutes) {
    return 0;
  }
  registry.routes[count] = std::string(label);
  registry.route_count.store(count + 1, std::memory_order_release);
  return static_cast<uint16_t>(count);
}

std::string RouteLabel(uint16_t route) {
  const Registry& registry = TheRegistry();
  const size_t count = registry.route_count.load(std::memory_order_acquire);
  return registry.routes[route < count ? route : 0];
}

void MetricsText::Family(absl::string_view name, absl::string_view type, absl::string_view help) {
  absl::StrAppend(&text_, "# HELP ", name, " ", help, "\n# TYPE ", name, " ", type, "\n");
}

void MetricsText::Line(absl::string_view name, absl::string_view suffix, Labels labels,
                       absl::string_view extra_label, absl::string_view extra_value,
                       absl::string_view value) {
  absl::StrAppend(&text_, name, suffix);
  if (labels.size() != 0 || !extra_label.empty()) {
    text_.push_back('{');
    bool first = true;
    const auto append = [&](absl::string_view label, absl::string_view label_value) {
      absl::StrAppend(&text_, first ? "" : ",", label, "=\"");
      AppendEscaped(text_, label_value);
      text_.push_back('"');
      first = false;
    };
    for (const auto& [label, label_value] : labels) {
      append(label, label_value);
    }
    if (!extra_label.empty()) {
      append(extra_label, extra_value);
    }
    text_.push_back('}');
  }
  absl::StrAppend(&text_, " ", value, "\n");
}

void MetricsText::Sample(absl::string_view name, Labels labels, double value) {
  Line(name, "", labels, "", "", FormatValue(value));
}

void MetricsText::Sample(absl::string_view name, Labels labels, uint64_t value) {
  Line(name, "", labels, "", "", absl::StrCat(value));
}

void MetricsText::Histogram(absl::string_view name, Labels labels,
                            absl::Span<const uint64_t> bounds, absl::Span<const uint64_t> buckets,
                            uint64_t sum, double scale) {
  uint64_t cumulative = 0;
  for (size_t i = 0; i < buckets.size(); ++i) {
    cumulative += buckets[i];
    const std::string bound =
        i < bounds.size() ? FormatValue(static_cast<double>(bounds[i]) * scale) : "+Inf";
    Line(name, "_bucket", labels, "le", bound, absl::StrCat(cumulative));
  }
  Line(name, "_sum", labels, "", "", FormatValue(static_cast<double>(sum) * scale));
  Line(name, "_count", labels, "", "", absl::StrCat(cumulative));
}

namespace {

using LatencyBuckets = std::array<uint64_t, kLatencyBoundsMicros.size() + 1>;

// Plain sums of every thread's cells.
struct Sums {
  std::array<std::array<uint64_t, kStatusSlots>, kMaxRoutes> status{};
  std::array<LatencyBuckets, kMaxRoutes> latency{};
  std::array<uint64_t, kMaxRoutes> latency_sum{};
  uint64_t clicks = 0;
  uint64_t bot_clicks = 0;
  std::array<std::array<uint64_t, kStripeOutcomes.size()>, kStripeEventTypes.size()> stripe{};
  std::array<uint64_t, kDeliveryOutcomes.size()> deliveries{};
  LatencyBuckets lag{};
  uint64_t lag_sum = 0;
  std::vector<std::string> routes;
};

template <size_t N>
void AddCells(std::array<uint64_t, N>& sums, const std::array<base::OwnedCounter, N>& cells) {
  for (size_t i = 0; i < N; ++i) {
    sums[i] += cells[i].value();
  }
}

void AddThread(const ThreadMetrics& thread, Sums& sums) {
  for (size_t route = 0; route < kMaxRoutes; ++route) {
    AddCells(sums.status[route], thread.routes[route].by_status);
    AddCells(sums.latency[route], thread.routes[route].latency.buckets);
    sums.latency_sum[route] += thread.routes[route].latency.sum.value();
  }
  sums.clicks += thread.clicks.value();
  sums.bot_clicks += thread.bot_clicks.value();
  for (size_t type = 0; type < kStripeEventTypes.size(); ++type) {
    AddCells(sums.stripe[type], thread.stripe_events[type]);
  }
  AddCells(sums.deliveries, thread.deliveries);
  AddCells(sums.lag, thread.loop_lag.buckets);
  sums.lag_sum += thread.loop_lag.sum.value();
}

Sums SumThreads() {
  Registry& registry = TheRegistry();
  std::lock_guard lock(registry.mu);
  Sums sums;
  for (const ThreadMetrics& thread : registry.threads) {
    AddThread(thread, sums);
  }
  sums.routes.assign(registry.routes.begin(),
                     registry.routes.begin() + static_cast<ptrdiff_t>(registry.route_count.load(
                                                   std::memory_order_acquire)));
  return sums;
}

void WriteRequests(const Sums& sums, MetricsText& out) {
  out.Family("clicktrack_http_requests_total", "counter",
             "HTTP requests answered, by route pattern and status code.");
  for (size_t route = 0; route < sums.routes.size(); ++route) {
    for (size_t slot = 0; slot < kStatusSlots; ++slot) {
      if (sums.status[route][slot] != 0) {
        const std::string code =
            slot < kStatusCodes.size() ? absl::StrCat(kStatusCodes[slot]) : "other";
        out.Sample("clicktrack_http_requests_total",
                   {{"route", sums.routes[route]}, {"code", code}}, sums.status[route][slot]);
      }
    }
  }
  out.Family("clicktrack_http_request_duration_seconds", "histogram",
             "Time from a request's last byte read to its response's first byte queued.");
  for (size_t route = 0; route < sums.routes.size(); ++route) {
    const LatencyBuckets& buckets = sums.latency[route];
    if (std::any_of(buckets.begin(), buckets.end(), [](uint64_t n) { return n != 0; })) {
      out.Histogram("clicktrack_http_request_duration_seconds", {{"route", sums.routes[route]}},
                    kLatencyBoundsMicros, buckets, sums.latency_sum[route], 1e-6);
    }
  }
}

void WriteEvents(const Sums& sums, MetricsText& out) {
  out.Family("clicktrack_clicks_total", "counter",
             "Clicks recorded by the redirect, bots included.");
  out.Sample("clicktrack_clicks_total", {}, sums.clicks);
  out.Family("clicktrack_bot_clicks_total", "counter",
             "Clicks recorded as a bot's (SPEC 4.1): stored, never credited.");
  out.Sample("clicktrack_bot_clicks_total", {}, sums.bot_clicks);
  out.Family("clicktrack_stripe_events_total", "counter",
             "Verified Stripe webhook events, by event type and outcome.");
  for (size_t type = 0; type < kStripeEventTypes.size(); ++type) {
    for (size_t outcome = 0; outcome < kStripeOutcomes.size(); ++outcome) {
      if (sums.stripe[type][outcome] != 0) {
        out.Sample("clicktrack_stripe_events_total",
                   {{"type", kStripeEventTypes[type]}, {"outcome", kStripeOutcomes[outcome]}},
                   sums.stripe[type][outcome]);
      }
    }
  }
  out.Family("clicktrack_postback_deliveries_total", "counter",
             "Attempts to deliver a partner's postback, by outcome.");
  for (size_t outcome = 0; outcome < kDeliveryOutcomes.size(); ++outcome) {
    out.Sample("clicktrack_postback_deliveries_total", {{"outcome", kDeliveryOutcomes[outcome]}},
               sums.deliveries[outcome]);
  }
  out.Family("clicktrack_event_loop_lag_seconds", "histogram",
             "How late the event loops' periodic timers fired: what a ready request waits.");
  out.Histogram("clicktrack_event_loop_lag_seconds", {}, kLatencyBoundsMicros, sums.lag,
                sums.lag_sum, 1e-6);
}

// The fields of /proc/self/stat after the command name (which may hold spaces).
std::vector<std::string> ProcStatFields() {
  std::ifstream in("/proc/self/stat");
  std::string line;
  std::getline(in, line);
  const size_t end_of_name = line.rfind(')');
  if (end_of_name == std::string::npos) {
    return {};
  }
  return absl::StrSplit(line.substr(end_of_name + 1), ' ', absl::SkipEmpty());
}

uint64_t BootTimeSeconds() {
  std::ifstream in("/proc/stat");
  std::string key;
  uint64_t value = 0;
  while (in >> key) {
    if (key == "btime" && in >> value) {
      return value;
    }
  }
  return 0;
}

}  // namespace

void WriteThreadMetrics(MetricsText& out) {
  const Sums sums = SumThreads();
  WriteRequests(sums, out);
  WriteEvents(sums, out);
}

void WriteProcessMetrics(MetricsText& out) {
  // Fields of /proc/self/stat counted from 3 (state): utime 14, stime 15, starttime 22, rss 24.
  const std::vector<std::string> fields = ProcStatFields();
  const auto field = [&](size_t number) -> double {
    return number - 3 < fields.size() ? std::strtod(fields[number - 3].c_str(), nullptr) : 0.0;
  };
  const double ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
  const double page = static_cast<double>(sysconf(_SC_PAGESIZE));
  out.Family("process_resident_memory_bytes", "gauge", "Resident memory size in bytes.");
  out.Sample("process_resident_memory_bytes", {}, field(24) * page);
  out.Family("process_cpu_seconds_total", "counter", "User and system CPU time spent.");
  out.Sample("process_cpu_seconds_total", {}, (field(14) + field(15)) / ticks);
  out.Family("process_start_time_seconds", "gauge", "Start time since the Unix epoch.");
  out.Sample("process_start_time_seconds", {},
             static_cast<double>(BootTimeSeconds()) + field(22) / ticks);
  std::error_code ec;
  uint64_t open = 0;
  for (auto it = std::filesystem::directory_iterator("/proc/self/fd", ec);
       !ec && it != std::filesystem::directory_iterator(); it.increment(ec)) {
    ++open;
  }
  out.Family("process_open_fds", "gauge", "Open file descriptors.");
  out.Sample("process_open_fds", {}, open);
}

}  // namespace clicktrack::tracker
