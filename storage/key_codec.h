#pragma once

// Key encodings of every column family. Integers are big-endian with the sign bit flipped,
// so that byte order is numeric order and keys sort by time; variable-length ids carry a
// one-byte length prefix, so a key decodes unambiguously and "ab"+"c" never equals "a"+"bc".
// Keys are built in a fixed buffer on the stack: encoding never allocates.

#include <array>
#include <cstdint>
#include <cstring>

#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"

#include "attribution/base/check.h"
#include "attribution/ids.h"
#include "attribution/stats_counter.h"

namespace clicktrack::storage {

// A key under construction. Capacity fits the longest key of this file (two 64-byte ids
// plus fixed fields); the ids come validated (≤ kMaxIdentifierSize), so overflowing it is a bug.
class KeyBuffer {
 public:
  static constexpr size_t kCapacity = 400;

  KeyBuffer& Byte(uint8_t value);
  KeyBuffer& Id(absl::string_view id);  // length-prefixed
  KeyBuffer& Raw(absl::string_view bytes);
  KeyBuffer& Uint32(uint32_t value);
  KeyBuffer& Int32(int32_t value);  // sign bit flipped: negative sorts first
  KeyBuffer& Int64(int64_t value);  // sign bit flipped
  KeyBuffer& Ulid(const attribution::Ulid& id);

  absl::string_view view() const { return absl::string_view(data_.data(), size_); }
  size_t size() const { return size_; }

 private:
  std::array<char, kCapacity> data_;
  size_t size_ = 0;
};

// Reads fields back from a key, front to back. Every getter returns false when the key is
// too short or malformed (a corrupt or foreign key), leaving the reader unusable.
class KeyReader {
 public:
  explicit KeyReader(absl::string_view key) : rest_(key) {}
  bool Byte(uint8_t& value);
  bool Id(absl::string_view& id);
  bool Int32(int32_t& value);
  bool Int64(int64_t& value);
  bool Ulid(attribution::Ulid& id);
  bool done() const { return rest_.empty(); }

 private:
  absl::string_view rest_;
};

// config family: one record per program, partner and link, tagged by kind.
inline constexpr uint8_t kProgramTag = 'P';
inline constexpr uint8_t kPartnerTag = 'R';
inline constexpr uint8_t kLinkTag = 'L';
inline constexpr uint8_t kPartnerTokenTag = 'K';

KeyBuffer ProgramKey(absl::string_view program_id);
KeyBuffer PartnerKey(absl::string_view program_id, absl::string_view partner_id);
KeyBuffer LinkKey(absl::string_view code);
// 'K' + the token's 32-byte SHA-256.
KeyBuffer PartnerTokenKey(absl::string_view digest);

// clicks family: the click's ULID, 16 bytes (time-ordered).
KeyBuffer ClickKey(const attribution::Ulid& click_id);

// ship_log family: the entry's position (also the encoding of the last position shipped).
KeyBuffer ShipLogKey(uint64_t position);
// The position of a ship_log key; false for one that is not.
bool DecodeShipLogKey(absl::string_view key, uint64_t& position);

// customer_clicks family: program, customer, time (µs), click id. The clicks of one customer
// in one program within a time range are one seek.
KeyBuffer CustomerClicksPrefix(absl::string_view program_id, const attribution::Ulid& customer);
KeyBuffer CustomerClickKey(absl::string_view program_id, const attribution::Ulid& customer,
                           absl::Time time, const attribution::Ulid& click_id);
struct CustomerClickKeyParts {
  absl::Time time;
  attribution::Ulid click_id;
};
// Decodes the part of a customer_clicks key after its prefix.
bool DecodeCustomerClickSuffix(absl::string_view suffix, CustomerClickKeyParts& parts);

// stats family: program, partner, UTC day, counter -> int64 (summed by a merge operator).
using attribution::StatsCounter;
int32_t DayNumber(absl::CivilDay day);  // days since 1970-01-01
absl::CivilDay DayFromNumber(int32_t number);
KeyBuffer StatsPrefix(absl::string_view program_id, absl::string_view partner_id);
KeyBuffer StatsKey(absl::string_view program_id, absl::string_view partner_id, absl::CivilDay day,
                   StatsCounter counter);
struct StatsKeyParts {
  absl::CivilDay day;
  uint8_t counter = 0;
};
bool DecodeStatsSuffix(absl::string_view suffix, StatsKeyParts& parts);

// stats family, cohort counters: 0xFE, program, partner, month acquired, month active,
// counter -> int64 (stats keys start with a program id's length, 1 to 64: the two never meet).
// Months count from 1970-01.
int32_t MonthNumber(absl::CivilMonth month);
absl::CivilMonth MonthFromNumber(int32_t number);
KeyBuffer CohortPrefix(absl::string_view program_id, absl::string_view partner_id);
KeyBuffer CohortKey(absl::string_view program_id, absl::string_view partner_id,
                    absl::CivilMonth cohort, absl::CivilMonth month, StatsCounter counter);
struct CohortKeyParts {
  absl::CivilMonth cohort;
  absl::CivilMonth month;
  uint8_t counter = 0;
};
bool DecodeCohortSuffix(absl::string_view suffix, CohortKeyParts& parts);

// identities family: per program, a customer's alias (the customer it was merged into), and
// the merchant's references and e-mail hashes that identify a customer.
KeyBuffer AliasKey(absl::string_view program_id, const attribution::Ulid& customer);
KeyBuffer CustomerRefKey(absl::string_view program_id, absl::string_view customer_ref);
KeyBuffer EmailKey(absl::string_view program_id, absl::string_view email_sha256);
// identities family: 'X', program, a click's id on the platform it was imported from -> the
// click's 16-byte ULID here.
KeyBuffer ImportedClickKey(absl::string_view program_id, absl::string_view import_id);

// customers family: program, customer.
KeyBuffer CustomerKey(absl::string_view program_id, const attribution::Ulid& customer);

// customers family: 0xFF, program, partner (customer keys start with a program id's length,
// 1 to 64, so the two never meet).
KeyBuffer PartnerTotalsKey(absl::string_view program_id, absl::string_view partner_id);

// conversions family: program, order id (the idempotency key).
KeyBuffer ConversionKey(absl::string_view program_id, absl::string_view order_id);
KeyBuffer ConversionPrefix(absl::string_view program_id);

// refunds family: 'R', program, refund id -> the refund; and, while refunds wait for their
// order, 'Q', program, order id -> the ids of those refunds, oldest first (one point look-up
// per conversion, behind a bloom filter, instead of an iterator).
KeyBuffer RefundKey(absl::string_view program_id, absl::string_view refund_id);
KeyBuffer QueuedRefundsKey(absl::string_view program_id, absl::string_view order_id);
// refunds family, the payment system's state (SPEC §4.5): 'L', program, payment reference ->
// the order id it names; 'T', program, key -> the largest running refund total seen (int64);
// 'E', program, source event id -> empty (an event decided once, kept for good).
KeyBuffer PaymentLinkKey(absl::string_view program_id, absl::string_view ref);
KeyBuffer RefundTotalKey(absl::string_view program_id, absl::string_view key);
KeyBuffer SourceEventKey(absl::string_view program_id, absl::string_view source_event_id);

// ledger family: program, partner, entry ULID (time-ordered).
KeyBuffer LedgerPrefix(absl::string_view program_id, absl::string_view partner_id);
KeyBuffer LedgerKey(absl::string_view program_id, absl::string_view partner_id,
                    const attribution::Ulid& entry);

// ledger family, payouts (SPEC §6); the tags are above any program id's length byte (1 to 64):
// 'U', program, partner, entry id -> commission (int64) and approve_at (µs, int64), while the
// entry is unpaid; 'P', program, payout id -> the payout; 'I', program, idempotency key -> the
// payout order's fingerprint and payout ids; 'S', program, partner -> the total paid (int64).
KeyBuffer UnpaidPrefix(absl::string_view program_id, absl::string_view partner_id);
KeyBuffer UnpaidKey(absl::string_view program_id, absl::string_view partner_id,
                    const attribution::Ulid& entry);
KeyBuffer PayoutPrefix(absl::string_view program_id);
KeyBuffer PayoutKey(absl::string_view program_id, const attribution::Ulid& payout);
KeyBuffer PayoutIdempotencyKey(absl::string_view program_id, absl::string_view key);
KeyBuffer PaidTotalKey(absl::string_view program_id, absl::string_view partner_id);

// outbox family: 'D', delivery id -> the delivery; 'P', program, partner, delivery id -> ""
// (a partner's deliveries, newest last); 'N', next attempt (µs), delivery id -> "" while
// pending (the worker's queue, the most overdue first).
KeyBuffer DeliveryKey(const attribution::Ulid& delivery_id);
KeyBuffer PartnerDeliveriesPrefix(absl::string_view program_id, absl::string_view partner_id);
KeyBuffer PartnerDeliveryKey(absl::string_view program_id, absl::string_view partner_id,
                             const attribution::Ulid& delivery_id);
KeyBuffer DueDeliveryKey(absl::Time due, const attribution::Ulid& delivery_id);
inline constexpr uint8_t kDueDeliveryTag = 'N';
// Decodes a DueDeliveryKey.
bool DecodeDueDeliveryKey(absl::string_view key, absl::Time& due, attribution::Ulid& delivery_id);

// Stats values: int64, 8 bytes little-endian.
std::array<char, 8> EncodeCounter(int64_t value);
bool DecodeCounter(absl::string_view bytes, int64_t& value);

}  // namespace clicktrack::storage
