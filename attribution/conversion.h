#pragma once

// Conversions, refunds, customers and ledger entries: the records of the attribution engine.
// Plain data; the rules live in engine.h.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"

#include "attribution/ids.h"
#include "attribution/program.h"

namespace clicktrack::attribution {

// What the merchant says it is (`type`).
enum class ConversionType { kSale, kUpsell, kLead };
// What the payment system says happened to it (`status`).
enum class PaymentStatus { kApproved, kRefunded, kChargeback };
// What the engine decides it is (SPEC §5.5).
enum class ConversionKind { kLead, kFirstSale, kRepeatSale, kUpsell };
// The result words of SPEC §5, and two for events that are no conversion: `linked` (identities
// or a payment reference linked) and `ignored` (only remembered).
enum class Result { kAttributed, kUnattributed, kDuplicate, kReversed, kQueued, kLinked, kIgnored };
// What an event does. The pixel and postbacks send conversions (a sale, a lead or a refund, by
// `type` and `status`); a payment system's event may also only link identities to one customer,
// link payment references to an order, or do nothing but be remembered (SPEC §4.5).
// An import (SPEC §6) may also set a customer's owner as the old platform had it.
enum class EventEffect { kConversion, kLinkIdentities, kLinkPayment, kNone, kSetOwner };
enum class LedgerType { kAccrual, kReversal, kBonus };
enum class CommissionStatus { kNone, kPending, kApproved, kReversed, kPaid };

absl::string_view ConversionKindName(ConversionKind kind);
absl::string_view ResultName(Result result);
absl::string_view LedgerTypeName(LedgerType type);
absl::string_view CommissionStatusName(CommissionStatus status);
// The API's words for what the merchant and the payment system say (SPEC §4); nullopt for
// anything else.
std::optional<ConversionType> ParseConversionType(absl::string_view name);
std::optional<PaymentStatus> ParsePaymentStatus(absl::string_view name);

// The rule that priced a commission (SPEC §6): the partner's override or the program's, so
// that anyone can recompute the commission from the amount.
struct PricingRule {
  CommissionRule rule;
  bool from_partner = false;
};

// Who the conversion is about. Every field is optional; all given ones resolve to one customer.
struct Identities {
  std::optional<Ulid> click_id;         // a click of this tracker
  std::optional<Ulid> cookie_customer;  // the tc_cid cookie
  std::string customer_ref;             // the merchant's reference (e.g. Stripe cus_…); "" = none
  std::string email_sha256;  // lower-case hex SHA-256 of the normalised e-mail; "" = none

  bool empty() const {
    return !click_id && !cookie_customer && customer_ref.empty() && email_sha256.empty();
  }
};

// One validated event from the pixel, a postback or a webhook.
struct ConversionEvent {
  std::string order_id;
  int64_t amount_minor = 0;
  ConversionType type = ConversionType::kSale;
  PaymentStatus status = PaymentStatus::kApproved;
  std::string refund_id;  // refunds only; the parser defaults it (SPEC §4.4)
  absl::Time occurred_at = absl::UnixEpoch();
  Identities identities;

  // What a payment system adds (SPEC §4.5).
  EventEffect effect = EventEffect::kConversion;
  // The payment system's own references. Of a sale: other names of its order (payment intent,
  // charge, invoice) by which a later refund finds it. Of a refund: names of its order to try
  // after order_id, in order. Of a payment link: the references to link to order_id.
  std::vector<std::string> payment_refs;
  // Of a refund whose amount_minor is the running total refunded under this key (a Stripe
  // charge): the refund is the increase over the largest total seen for the key. "" = none.
  std::string refund_total_key;
  // The source's own id of the event (Stripe's evt_…): decided once; a repeat is a duplicate.
  std::string source_event_id;
  // Of kSetOwner: the partner that owns the customer from occurred_at.
  std::string owner_partner_id;
};

// A conversion as stored, unique per (program, order_id), with its refund totals.
struct Conversion {
  Ulid id;
  std::string order_id;
  Ulid customer_id;
  ConversionKind kind = ConversionKind::kFirstSale;
  std::string partner_id;        // "" = unattributed
  std::optional<Ulid> click_id;  // the click credited, when a click decided it
  int64_t amount_minor = 0;
  int64_t commission_minor = 0;
  absl::Time occurred_at = absl::UnixEpoch();
  absl::Time approve_at = absl::UnixEpoch();  // end of the hold
  int64_t refunded_minor = 0;
  int64_t reversed_minor = 0;  // commission taken back by refunds so far (≥ 0)
  // When the credited partner became the customer's owner (its cohort); nullopt when
  // unattributed, and for conversions stored before cohorts were kept.
  std::optional<absl::Time> acquired_at;
  // The rule that priced commission_minor; nullopt when no rule paid (or stored before rules
  // were kept).
  std::optional<PricingRule> rule;

  bool attributed() const { return !partner_id.empty(); }
  bool is_sale() const { return kind != ConversionKind::kLead; }
};

// The commission status of `conversion` at `now` (kNone when unattributed or zero).
CommissionStatus StatusAt(const Conversion& conversion, absl::Time now);

// A refund or chargeback, unique per (program, refund_id); kept even before its order arrives.
struct Refund {
  Ulid id;
  std::string refund_id;
  std::string order_id;
  int64_t amount_minor = 0;    // as received
  int64_t applied_minor = 0;   // as applied (capped at what the order had left)
  int64_t reversed_minor = 0;  // commission this refund took back (≥ 0)
  absl::Time occurred_at = absl::UnixEpoch();
  bool applied = false;  // false while queued for its order
  // While queued: the other references (payment refs) it waits under besides order_id.
  std::vector<std::string> also_queued_under;
};

// A customer's state in one program.
struct CustomerState {
  Ulid id;
  std::string owner_partner_id;  // "" = nobody owns the customer
  absl::Time owned_since = absl::UnixEpoch();
  int64_t sales = 0;
  int64_t leads = 0;
  int64_t ltv_minor = 0;    // sales minus refunds, leads excluded
  int64_t owner_sales = 0;  // sales credited to the owner since owned_since
  bool bonus_paid = false;
  std::vector<Ulid> merged;  // customers merged into this one: their clicks count as its own

  bool has_owner() const { return !owner_partner_id.empty(); }
};

// A partner's money in one program, all time, as gross sums (every movement counted by its
// size, whatever its sign): no sum of any of its daily counters over any range of days can be
// larger, so a report never overflows if these don't (SPEC §3: no total ever wraps). The
// partner "" holds the unattributed conversions.
struct PartnerTotals {
  int64_t revenue_minor = 0;     // sales amounts
  int64_t refunded_minor = 0;    // refunded amounts of sales
  int64_t commission_minor = 0;  // accruals, reversals and bonuses, all kinds together
  // The first attributed conversion credited to the partner (SPEC §6, dormant); nullopt if none.
  std::optional<absl::Time> first_conversion_at;
};

// One commission movement of a partner.
struct LedgerEntry {
  Ulid id;  // time-ordered: the ledger lists newest first by id
  std::string partner_id;
  LedgerType type = LedgerType::kAccrual;
  Ulid conversion_id;
  std::string order_id;
  std::optional<ConversionKind> kind;  // nullopt for a bonus
  int64_t amount_minor = 0;            // the order amount (0 for a bonus)
  int64_t commission_minor = 0;        // signed movement
  absl::Time created_at = absl::UnixEpoch();
  absl::Time approve_at = absl::UnixEpoch();
  std::optional<Ulid> payout_id;    // the payout that settled it (attribution/payout.h)
  std::optional<PricingRule> rule;  // of an accrual or reversal: its conversion's
};

// A click as attribution sees it.
struct ClickRef {
  Ulid id;
  absl::Time time = absl::UnixEpoch();
  std::string partner_id;
  bool bot = false;
};

}  // namespace clicktrack::attribution
