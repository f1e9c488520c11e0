#pragma once

// The engine's view of one program, read through the committer's WriteBatchWithIndex: it
// sees the committed store plus the writes of earlier decisions in the same batch. Apply
// adds a decision's own writes to that batch.

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "rocksdb/db.h"
#include "rocksdb/utilities/write_batch_with_index.h"

#include "attribution/engine.h"
#include "storage/internal/counter_sums.h"
#include "storage/internal/families.h"
#include "storage/internal/pending_click_index.h"
#include "storage/internal/record_cache.h"

namespace clicktrack::storage_internal {

class BatchView final : public attribution::AttributionView {
 public:
  using PartnerRulesLookup =
      std::function<std::optional<attribution::CommissionRules>(absl::string_view)>;

  // `cache` remembers customers and identities across batches (RecordCache); the caller keeps
  // it in step with what it writes.
  // `pending` holds the customer_clicks entries the click log has not stored yet.
  BatchView(rocksdb::DB& db, rocksdb::WriteBatchWithIndex& batch,
            const std::vector<rocksdb::ColumnFamilyHandle*>& families, RecordCache& cache,
            const PendingClickIndex& pending, std::string program_id,
            PartnerRulesLookup partner_rules)
      : db_(db),
        batch_(batch),
        families_(families),
        cache_(cache),
        pending_(pending),
        program_id_(std::move(program_id)),
        partner_rules_(std::move(partner_rules)) {}

  absl::StatusOr<std::optional<attribution::Conversion>> FindConversion(
      absl::string_view order_id) override;
  absl::StatusOr<std::optional<attribution::Refund>> FindRefund(
      absl::string_view refund_id) override;
  absl::StatusOr<std::vector<attribution::Refund>> QueuedRefunds(
      absl::string_view order_id) override;
  absl::StatusOr<std::optional<FoundClick>> FindClick(const attribution::Ulid& click_id) override;
  absl::StatusOr<std::optional<attribution::CustomerState>> FindCustomer(
      const attribution::Ulid& customer) override;
  absl::StatusOr<std::optional<attribution::Ulid>> FindAlias(
      const attribution::Ulid& customer) override;
  absl::StatusOr<std::optional<attribution::Ulid>> FindByRef(
      absl::string_view customer_ref) override;
  absl::StatusOr<std::optional<attribution::Ulid>> FindByEmail(
      absl::string_view email_sha256) override;
  absl::StatusOr<std::vector<attribution::ClickRef>> ClicksOf(const attribution::Ulid& customer,
                                                              absl::Time from,
                                                              absl::Time to) override;
  absl::StatusOr<attribution::PartnerTotals> FindPartnerTotals(
      absl::string_view partner_id) override;
  std::optional<attribution::CommissionRules> PartnerRules(absl::string_view partner_id) override;
  absl::StatusOr<std::optional<std::string>> FindPaymentLink(absl::string_view ref) override;
  absl::StatusOr<int64_t> FindRefundTotal(absl::string_view key) override;
  absl::StatusOr<bool> SeenSourceEvent(absl::string_view source_event_id) override;

  // Adds the writes of `decision` to the batch, and its stats counter deltas to `counters`
  // (merged into the batch once per batch: the engine never reads stats). Reads through the
  // batch where a write depends on what is stored (the queue of refunds waiting for an order).
  absl::Status Apply(const attribution::Decision& decision, CounterSums& counters);

 private:
  // Adds `refund` to, or (once applied) removes it from, the queues of its order and of the
  // other references it waits under.
  absl::Status UpdateRefundQueue(const attribution::Refund& refund);
  absl::Status UpdateRefundQueueOf(absl::string_view order_id, const attribution::Refund& refund);
  // The payment system's state of `decision`: payment links, refund totals, the source event.
  absl::Status ApplyPaymentState(const attribution::Decision& decision);

  // The value at `key` in `family`, batch first. nullopt if absent.
  absl::StatusOr<std::optional<std::string>> Get(size_t family, absl::string_view key);
  absl::StatusOr<std::optional<attribution::Ulid>> GetUlid(Family family, absl::string_view key);
  // The same for the families that only the committer writes (RecordCache::Keeps): the
  // batch, then the cache, then the store, whose answer the cache remembers.
  absl::StatusOr<std::optional<std::string>> CachedGet(Family family, absl::string_view key);

  rocksdb::DB& db_;
  rocksdb::WriteBatchWithIndex& batch_;
  const std::vector<rocksdb::ColumnFamilyHandle*>& families_;
  RecordCache& cache_;
  const PendingClickIndex& pending_;
  // CachedGet's iterators over the batch, made on first use: valid as the batch grows, and
  // never used after the batch is rolled back.
  std::unique_ptr<rocksdb::WBWIIterator> customers_in_batch_;
  std::unique_ptr<rocksdb::WBWIIterator> identities_in_batch_;
  std::string program_id_;
  PartnerRulesLookup partner_rules_;
};

}  // namespace clicktrack::storage_internal
