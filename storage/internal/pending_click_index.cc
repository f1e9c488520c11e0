#include "storage/internal/pending_click_index.h"

#include <algorithm>
#include <utility>

#include "absl/strings/match.h"

namespace clicktrack::storage_internal {

void PendingClickIndex::Start(absl::Time watermark) {
  std::lock_guard lock(mu_);
  watermark_ = watermark;
  horizon_ = watermark;
}

PendingClickIndex::Write PendingClickIndex::BeginWrite(absl::Time earliest) {
  std::lock_guard lock(mu_);
  const uint64_t ticket = next_ticket_++;
  writes_.emplace(ticket, earliest);
  return Write{.ticket = ticket, .horizon = horizon_};
}

void PendingClickIndex::EndWrite(uint64_t ticket, bool stored, std::vector<Entry>& entries) {
  std::lock_guard lock(mu_);
  writes_.erase(ticket);
  if (!stored) {
    return;
  }
  for (Entry& entry : entries) {
    AddTime(entry.time);
    entries_.insert_or_assign(std::move(entry.key),
                              Stored{.value = std::move(entry.value), .time = entry.time});
  }
}

std::optional<PendingClickIndex::Run> PendingClickIndex::TakeRun(absl::Time now, bool drain) {
  std::lock_guard lock(mu_);
  if (running_) {
    return std::nullopt;
  }
  size_t count = entries_.size() > kResident ? entries_.size() - kResident : 0;
  const bool waited =
      !entries_.empty() && absl::FromUnixMillis(times_.begin()->first) + kMaxWait <= now;
  if (drain || waited) {
    count = entries_.size();
  }
  count = std::min(count, kMaxRun);
  if (count == 0) {
    if (drain || now < watermark_ + kWatermarkEvery) {
      return std::nullopt;
    }
    running_ = true;
    const Run run{.watermark = Earliest().value_or(now)};
    horizon_ = std::max(horizon_, run.watermark);
    return run;
  }
  Run run;
  run.entries.reserve(count);
  absl::Time latest = absl::InfinitePast();
  auto it = entries_.lower_bound(cursor_);
  while (run.entries.size() < count) {
    if (it == entries_.end()) {
      it = entries_.begin();
    }
    run.entries.push_back(it);
    latest = std::max(latest, it->second.time);
    RemoveTime(it->second.time);
    ++it;
  }
  cursor_ = it == entries_.end() ? std::string() : it->first;
  // The run's entries are in the store once the watermark is: it may pass them.
  run.watermark = Earliest().value_or(latest);
  horizon_ = std::max(horizon_, run.watermark);
  running_ = true;
  return run;
}

void PendingClickIndex::Finish(const Run& run, bool written) {
  std::lock_guard lock(mu_);
  for (const Map::const_iterator it : run.entries) {
    if (written) {
      entries_.erase(it);
    } else {
      AddTime(it->second.time);
    }
  }
  if (written) {
    watermark_ = run.watermark;
  }
  running_ = false;
}

void PendingClickIndex::Visit(
    absl::string_view prefix, absl::string_view start,
    absl::FunctionRef<bool(absl::string_view, absl::string_view)> f) const {
  std::lock_guard lock(mu_);
  for (auto it = entries_.lower_bound(start);
       it != entries_.end() && absl::StartsWith(it->first, prefix); ++it) {
    if (!f(it->first, it->second.value)) {
      return;
    }
  }
}

size_t PendingClickIndex::size() const {
  std::lock_guard lock(mu_);
  return entries_.size();
}

void PendingClickIndex::AddTime(absl::Time time) { ++times_[absl::ToUnixMillis(time)]; }

void PendingClickIndex::RemoveTime(absl::Time time) {
  const auto it = times_.find(absl::ToUnixMillis(time));
  if (it != times_.end() && --it->second == 0) {
    times_.erase(it);
  }
}

std::optional<absl::Time> PendingClickIndex::Earliest() const {
  std::optional<absl::Time> earliest;
  if (!times_.empty()) {
    earliest = absl::FromUnixMillis(times_.begin()->first);
  }
  for (const auto& [ticket, time] : writes_) {
    earliest = earliest.has_value() ? std::min(*earliest, time) : time;
  }
  return earliest;
}

}  // namespace clicktrack::storage_internal
