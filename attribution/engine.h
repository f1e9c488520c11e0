#pragma once

// The attribution engine (SPEC §5): a pure function from a program, an event and a read-only
// view of one program's state to a decision and the writes that carry it out. No I/O, no
// clock (the event's time is "now"), no threads; ids come from an injected IdSource.

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"

#include "attribution/conversion.h"
#include "attribution/program.h"
#include "attribution/stats_counter.h"

namespace clicktrack::attribution {

// Read access to one program's state. Reads see earlier writes of the same batch.
// Implementations return kUnavailable/kInternal when storage fails; the engine passes those on.
class AttributionView {
 public:
  virtual ~AttributionView() = default;

  virtual absl::StatusOr<std::optional<Conversion>> FindConversion(absl::string_view order_id) = 0;
  virtual absl::StatusOr<std::optional<Refund>> FindRefund(absl::string_view refund_id) = 0;
  // The refunds of `order_id` still queued (not applied), oldest first.
  virtual absl::StatusOr<std::vector<Refund>> QueuedRefunds(absl::string_view order_id) = 0;
  // A click of any program, or nullopt if unknown.
  struct FoundClick {
    std::string program_id;
    Ulid customer_id;
    ClickRef click;
  };
  virtual absl::StatusOr<std::optional<FoundClick>> FindClick(const Ulid& click_id) = 0;
  virtual absl::StatusOr<std::optional<CustomerState>> FindCustomer(const Ulid& customer) = 0;
  // The customer this one was merged into in this program, if any (one step).
  virtual absl::StatusOr<std::optional<Ulid>> FindAlias(const Ulid& customer) = 0;
  virtual absl::StatusOr<std::optional<Ulid>> FindByRef(absl::string_view customer_ref) = 0;
  virtual absl::StatusOr<std::optional<Ulid>> FindByEmail(absl::string_view email_sha256) = 0;
  // The clicks of `customer` in this program with from ≤ time ≤ to, bots included.
  virtual absl::StatusOr<std::vector<ClickRef>> ClicksOf(const Ulid& customer, absl::Time from,
                                                         absl::Time to) = 0;
  // The partner's all-time totals in this program (zeros for one never credited).
  virtual absl::StatusOr<PartnerTotals> FindPartnerTotals(absl::string_view partner_id) = 0;
  // The partner's per-partner rule overrides, if the partner exists.
  virtual std::optional<CommissionRules> PartnerRules(absl::string_view partner_id) = 0;

  // The order id a payment reference was linked to, if any.
  virtual absl::StatusOr<std::optional<std::string>> FindPaymentLink(absl::string_view ref) = 0;
  // The largest running refund total recorded under `key` (0 if none).
  virtual absl::StatusOr<int64_t> FindRefundTotal(absl::string_view key) = 0;
  // Whether an event with this source id was decided already.
  virtual absl::StatusOr<bool> SeenSourceEvent(absl::string_view source_event_id) = 0;
};

// Mints ids for new records. Thread-compatible.
class IdSource {
 public:
  virtual ~IdSource() = default;
  virtual Ulid NewId(absl::Time time) = 0;
};

struct CounterDelta {
  std::string partner_id;  // "" for unattributed conversions
  absl::CivilDay day;
  StatsCounter counter;
  int64_t delta = 0;
};

// A cohort counter: customers `partner_id` acquired in month `cohort`, active in `month`.
struct CohortDelta {
  std::string partner_id;
  absl::CivilMonth cohort;
  absl::CivilMonth month;
  StatsCounter counter;
  int64_t delta = 0;
};

// What happened and what to write. The writes are complete: applying them in any order within
// one atomic batch carries the decision out.
struct Decision {
  Result result = Result::kUnattributed;
  // The order's conversion after the event (for the response); absent only for a queued refund.
  std::optional<Conversion> conversion;
  // The refund processed or queued by this event (refunds only).
  std::optional<Refund> refund;

  // Writes.
  std::optional<Conversion> put_conversion;
  std::vector<Refund> put_refunds;
  std::optional<CustomerState> put_customer;
  std::vector<std::pair<Ulid, Ulid>> put_aliases;  // customer -> the one it was merged into
  std::string link_ref;                            // customer_ref -> put_customer->id
  std::string link_email;                          // email hash -> put_customer->id
  std::vector<LedgerEntry> ledger;
  std::vector<CounterDelta> counters;
  std::vector<CohortDelta> cohort_counters;
  // The totals of each partner in `counters`, after them.
  std::vector<std::pair<std::string, PartnerTotals>> put_partner_totals;
  std::vector<std::pair<std::string, std::string>> put_payment_links;  // reference -> order id
  std::vector<std::pair<std::string, int64_t>> put_refund_totals;      // key -> running total
  std::string put_source_event;  // the source event id to remember; "" = none
  // Facts worth a log line (a queued refund capped at its order, say).
  std::vector<std::string> notes;

  bool has_writes() const {
    return put_conversion.has_value() || !put_refunds.empty() || put_customer.has_value() ||
           !put_payment_links.empty() || !put_source_event.empty();
  }
};

// Decides `event` in `program` at `event.occurred_at`.
// Errors (nothing is to be written): kAlreadyExists when the order was recorded with another
// amount, or the refund id was used for another order or amount (409); kInvalidArgument when
// a refund would exceed its order's amount, or when the event would take a customer's LTV or
// a partner's totals past int64 minor units (400); the view's errors as they are.
absl::StatusOr<Decision> Attribute(const Program& program, const ConversionEvent& event,
                                   AttributionView& view, IdSource& ids);

// The default refund id of SPEC §4.4: order id and amount.
std::string DefaultRefundId(absl::string_view order_id, int64_t amount_minor);

}  // namespace clicktrack::attribution
