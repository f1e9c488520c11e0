#include "storage/internal/range_compactor.h"

#include <utility>

namespace clicktrack::storage_internal {

RangeCompactor::RangeCompactor(rocksdb::DB& db) : db_(db) {
  thread_ = std::thread([this] { Loop(); });
}

RangeCompactor::~RangeCompactor() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
    queue_.clear();
  }
  canceled_.store(true, std::memory_order_release);
  ready_.notify_one();
  thread_.join();
}

void RangeCompactor::Request(rocksdb::ColumnFamilyHandle* family, std::string begin,
                             std::string end) {
  {
    std::lock_guard lock(mu_);
    queue_.push_back(Range{family, std::move(begin), std::move(end)});
  }
  ready_.notify_one();
}

void RangeCompactor::Loop() {
  for (;;) {
    Range range;
    {
      std::unique_lock lock(mu_);
      ready_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (stopping_) {
        return;
      }
      range = std::move(queue_.front());
      queue_.pop_front();
    }
    rocksdb::CompactRangeOptions options;
    // Down to the last level even where no compaction filter asks for it: that is where the
    // deleted entries are, and where the deletions can be dropped with them.
    options.bottommost_level_compaction = rocksdb::BottommostLevelCompaction::kForce;
    options.canceled = &canceled_;
    const rocksdb::Slice begin(range.begin);
    const rocksdb::Slice end(range.end);
    // A failure leaves the range as it was: readable, only slower until RocksDB's own
    // compactions reach it.
    (void)db_.CompactRange(options, range.family, &begin, &end);
    done_.fetch_add(1, std::memory_order_release);
  }
}

}  // namespace clicktrack::storage_internal
