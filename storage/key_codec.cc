#include "storage/key_codec.h"

namespace clicktrack::storage {
namespace {

constexpr uint32_t kSign32 = uint32_t{1} << 31;
constexpr uint64_t kSign64 = uint64_t{1} << 63;

}  // namespace

KeyBuffer& KeyBuffer::Byte(uint8_t value) {
  CLICKTRACK_CHECK(size_ + 1 <= kCapacity);  // ids are validated before they reach a key
  data_[size_++] = static_cast<char>(value);
  return *this;
}

KeyBuffer& KeyBuffer::Raw(absl::string_view bytes) {
  CLICKTRACK_CHECK(size_ + bytes.size() <= kCapacity);
  std::memcpy(data_.data() + size_, bytes.data(), bytes.size());
  size_ += bytes.size();
  return *this;
}

KeyBuffer& KeyBuffer::Id(absl::string_view id) {
  CLICKTRACK_CHECK(id.size() <= 255);
  Byte(static_cast<uint8_t>(id.size()));
  return Raw(id);
}

KeyBuffer& KeyBuffer::Uint32(uint32_t value) {
  for (int shift = 24; shift >= 0; shift -= 8) {
    Byte(static_cast<uint8_t>(value >> shift));
  }
  return *this;
}

KeyBuffer& KeyBuffer::Int32(int32_t value) {
  return Uint32(static_cast<uint32_t>(value) ^ kSign32);
}

KeyBuffer& KeyBuffer::Int64(int64_t value) {
  const uint64_t bits = static_cast<uint64_t>(value) ^ kSign64;
  for (int shift = 56; shift >= 0; shift -= 8) {
    Byte(static_cast<uint8_t>(bits >> shift));
  }
  return *this;
}

KeyBuffer& KeyBuffer::Ulid(const attribution::Ulid& id) {
  const auto binary = id.Binary();
  return Raw(absl::string_view(binary.data(), binary.size()));
}

bool KeyReader::Byte(uint8_t& value) {
  if (rest_.empty()) {
    return false;
  }
  value = static_cast<uint8_t>(rest_.front());
  rest_.remove_prefix(1);
  return true;
}

bool KeyReader::Id(absl::string_view& id) {
  uint8_t size = 0;
  if (!Byte(size) || rest_.size() < size) {
    return false;
  }
  id = rest_.substr(0, size);
  rest_.remove_prefix(size);
  return true;
}

bool KeyReader::Int32(int32_t& value) {
  if (rest_.size() < 4) {
    return false;
  }
  uint32_t bits = 0;
  for (int i = 0; i < 4; ++i) {
    bits = (bits << 8) | static_cast<uint8_t>(rest_[i]);
  }
  rest_.remove_prefix(4);
  value = static_cast<int32_t>(bits ^ kSign32);
  return true;
}

bool KeyReader::Int64(int64_t& value) {
  if (rest_.size() < 8) {
    return false;
  }
  uint64_t bits = 0;
  for (int i = 0; i < 8; ++i) {
    bits = (bits << 8) | static_cast<uint8_t>(rest_[i]);
  }
  rest_.remove_prefix(8);
  value = static_cast<int64_t>(bits ^ kSign64);
  return true;
}

bool KeyReader::Ulid(attribution::Ulid& id) {
  if (rest_.size() < attribution::Ulid::kBinarySize) {
    return false;
  }
  id = *attribution::Ulid::FromBinary(rest_.substr(0, attribution::Ulid::kBinarySize));
  rest_.remove_prefix(attribution::Ulid::kBinarySize);
  return true;
}

KeyBuffer ProgramKey(absl::string_view program_id) {
  KeyBuffer key;
  key.Byte(kProgramTag).Id(program_id);
  return key;
}

KeyBuffer PartnerKey(absl::string_view program_id, absl::string_view partner_id) {
  KeyBuffer key;
  key.Byte(kPartnerTag).Id(program_id).Id(partner_id);
  return key;
}

KeyBuffer LinkKey(absl::string_view code) {
  KeyBuffer key;
  key.Byte(kLinkTag).Id(code);
  return key;
}

KeyBuffer PartnerTokenKey(absl::string_view digest) {
  KeyBuffer key;
  key.Byte(kPartnerTokenTag).Raw(digest);
  return key;
}

KeyBuffer ClickKey(const attribution::Ulid& click_id) {
  KeyBuffer key;
  key.Ulid(click_id);
  return key;
}

KeyBuffer ShipLogKey(uint64_t position) {
  KeyBuffer key;
  key.Int64(static_cast<int64_t>(position));
  return key;
}

bool DecodeShipLogKey(absl::string_view key, uint64_t& position) {
  KeyReader reader(key);
  int64_t value = 0;
  if (!reader.Int64(value) || !reader.done() || value < 0) {
    return false;
  }
  position = static_cast<uint64_t>(value);
  return true;
}

KeyBuffer CustomerClicksPrefix(absl::string_view program_id, const attribution::Ulid& customer) {
  KeyBuffer key;
  key.Id(program_id).Ulid(customer);
  return key;
}

KeyBuffer CustomerClickKey(absl::string_view program_id, const attribution::Ulid& customer,
                           absl::Time time, const attribution::Ulid& click_id) {
  KeyBuffer key = CustomerClicksPrefix(program_id, customer);
  key.Int64(absl::ToUnixMicros(time)).Ulid(click_id);
  return key;
}

bool DecodeCustomerClickSuffix(absl::string_view suffix, CustomerClickKeyParts& parts) {
  KeyReader reader(suffix);
  int64_t micros = 0;
  if (!reader.Int64(micros) || !reader.Ulid(parts.click_id) || !reader.done()) {
    return false;
  }
  parts.time = absl::FromUnixMicros(micros);
  return true;
}

int32_t DayNumber(absl::CivilDay day) {
  return static_cast<int32_t>(day - absl::CivilDay(1970, 1, 1));
}

absl::CivilDay DayFromNumber(int32_t number) { return absl::CivilDay(1970, 1, 1) + number; }

KeyBuffer StatsPrefix(absl::string_view program_id, absl::string_view partner_id) {
  KeyBuffer key;
  key.Id(program_id).Id(partner_id);
  return key;
}

KeyBuffer StatsKey(absl::string_view program_id, absl::string_view partner_id, absl::CivilDay day,
                   StatsCounter counter) {
  KeyBuffer key = StatsPrefix(program_id, partner_id);
  key.Int32(DayNumber(day)).Byte(static_cast<uint8_t>(counter));
  return key;
}

bool DecodeStatsSuffix(absl::string_view suffix, StatsKeyParts& parts) {
  KeyReader reader(suffix);
  int32_t day = 0;
  if (!reader.Int32(day) || !reader.Byte(parts.counter) || !reader.done()) {
    return false;
  }
  parts.day = DayFromNumber(day);
  return true;
}

int32_t MonthNumber(absl::CivilMonth month) {
  return static_cast<int32_t>(month - absl::CivilMonth(1970, 1));
}

absl::CivilMonth MonthFromNumber(int32_t number) { return absl::CivilMonth(1970, 1) + number; }

KeyBuffer CohortPrefix(absl::string_view program_id, absl::string_view partner_id) {
  KeyBuffer key;
  key.Byte(0xFE).Id(program_id).Id(partner_id);
  return key;
}

KeyBuffer CohortKey(absl::string_view program_id, absl::string_view partner_id,
                    absl::CivilMonth cohort, absl::CivilMonth month, StatsCounter counter) {
  KeyBuffer key = CohortPrefix(program_id, partner_id);
  key.Int32(MonthNumber(cohort)).Int32(MonthNumber(month)).Byte(static_cast<uint8_t>(counter));
  return key;
}

bool DecodeCohortSuffix(absl::string_view suffix, CohortKeyParts& parts) {
  KeyReader reader(suffix);
  int32_t cohort = 0;
  int32_t month = 0;
  if (!reader.Int32(cohort) || !reader.Int32(month) || !reader.Byte(parts.counter) ||
      !reader.done()) {
    return false;
  }
  parts.cohort = MonthFromNumber(cohort);
  parts.month = MonthFromNumber(month);
  return true;
}

KeyBuffer AliasKey(absl::string_view program_id, const attribution::Ulid& customer) {
  KeyBuffer key;
  key.Byte('A').Id(program_id).Ulid(customer);
  return key;
}

KeyBuffer CustomerRefKey(absl::string_view program_id, absl::string_view customer_ref) {
  KeyBuffer key;
  key.Byte('R').Id(program_id).Id(customer_ref);
  return key;
}

KeyBuffer EmailKey(absl::string_view program_id, absl::string_view email_sha256) {
  KeyBuffer key;
  key.Byte('E').Id(program_id).Id(email_sha256);
  return key;
}

KeyBuffer ImportedClickKey(absl::string_view program_id, absl::string_view import_id) {
  KeyBuffer key;
  key.Byte('X').Id(program_id).Id(import_id);
  return key;
}

KeyBuffer CustomerKey(absl::string_view program_id, const attribution::Ulid& customer) {
  KeyBuffer key;
  key.Id(program_id).Ulid(customer);
  return key;
}

KeyBuffer PartnerTotalsKey(absl::string_view program_id, absl::string_view partner_id) {
  KeyBuffer key;
  key.Byte(0xFF).Id(program_id).Id(partner_id);
  return key;
}

KeyBuffer ConversionKey(absl::string_view program_id, absl::string_view order_id) {
  KeyBuffer key = ConversionPrefix(program_id);
  key.Id(order_id);
  return key;
}

KeyBuffer ConversionPrefix(absl::string_view program_id) {
  KeyBuffer key;
  key.Id(program_id);
  return key;
}

KeyBuffer RefundKey(absl::string_view program_id, absl::string_view refund_id) {
  KeyBuffer key;
  key.Byte('R').Id(program_id).Id(refund_id);
  return key;
}

KeyBuffer QueuedRefundsKey(absl::string_view program_id, absl::string_view order_id) {
  KeyBuffer key;
  key.Byte('Q').Id(program_id).Id(order_id);
  return key;
}

KeyBuffer PaymentLinkKey(absl::string_view program_id, absl::string_view ref) {
  KeyBuffer key;
  key.Byte('L').Id(program_id).Id(ref);
  return key;
}

KeyBuffer RefundTotalKey(absl::string_view program_id, absl::string_view key_name) {
  KeyBuffer key;
  key.Byte('T').Id(program_id).Id(key_name);
  return key;
}

KeyBuffer SourceEventKey(absl::string_view program_id, absl::string_view source_event_id) {
  KeyBuffer key;
  key.Byte('E').Id(program_id).Id(source_event_id);
  return key;
}

KeyBuffer DeliveryKey(const attribution::Ulid& delivery_id) {
  KeyBuffer key;
  key.Byte('D').Ulid(delivery_id);
  return key;
}

KeyBuffer PartnerDeliveriesPrefix(absl::string_view program_id, absl::string_view partner_id) {
  KeyBuffer key;
  key.Byte('P').Id(program_id).Id(partner_id);
  return key;
}

KeyBuffer PartnerDeliveryKey(absl::string_view program_id, absl::string_view partner_id,
                             const attribution::Ulid& delivery_id) {
  KeyBuffer key = PartnerDeliveriesPrefix(program_id, partner_id);
  key.Ulid(delivery_id);
  return key;
}

KeyBuffer DueDeliveryKey(absl::Time due, const attribution::Ulid& delivery_id) {
  KeyBuffer key;
  key.Byte(kDueDeliveryTag).Int64(absl::ToUnixMicros(due)).Ulid(delivery_id);
  return key;
}

bool DecodeDueDeliveryKey(absl::string_view key, absl::Time& due, attribution::Ulid& delivery_id) {
  KeyReader reader(key);
  uint8_t tag = 0;
  int64_t micros = 0;
  if (!reader.Byte(tag) || tag != kDueDeliveryTag || !reader.Int64(micros) ||
      !reader.Ulid(delivery_id) || !reader.done()) {
    return false;
  }
  due = absl::FromUnixMicros(micros);
  return true;
}

KeyBuffer LedgerPrefix(absl::string_view program_id, absl::string_view partner_id) {
  KeyBuffer key;
  key.Id(program_id).Id(partner_id);
  return key;
}

KeyBuffer LedgerKey(absl::string_view program_id, absl::string_view partner_id,
                    const attribution::Ulid& entry) {
  KeyBuffer key = LedgerPrefix(program_id, partner_id);
  key.Ulid(entry);
  return key;
}

KeyBuffer UnpaidPrefix(absl::string_view program_id, absl::string_view partner_id) {
  KeyBuffer key;
  key.Byte('U').Id(program_id).Id(partner_id);
  return key;
}

KeyBuffer UnpaidKey(absl::string_view program_id, absl::string_view partner_id,
                    const attribution::Ulid& entry) {
  KeyBuffer key = UnpaidPrefix(program_id, partner_id);
  key.Ulid(entry);
  return key;
}

KeyBuffer PayoutPrefix(absl::string_view program_id) {
  KeyBuffer key;
  key.Byte('P').Id(program_id);
  return key;
}

KeyBuffer PayoutKey(absl::string_view program_id, const attribution::Ulid& payout) {
  KeyBuffer key = PayoutPrefix(program_id);
  key.Ulid(payout);
  return key;
}

KeyBuffer PayoutIdempotencyKey(absl::string_view program_id, absl::string_view idempotency_key) {
  KeyBuffer key;
  key.Byte('I').Id(program_id).Id(idempotency_key);
  return key;
}

KeyBuffer PaidTotalKey(absl::string_view program_id, absl::string_view partner_id) {
  KeyBuffer key;
  key.Byte('S').Id(program_id).Id(partner_id);
  return key;
}

std::array<char, 8> EncodeCounter(int64_t value) {
  std::array<char, 8> out;
  const auto bits = static_cast<uint64_t>(value);
  for (int i = 0; i < 8; ++i) {
    out[i] = static_cast<char>(bits >> (8 * i));
  }
  return out;
}

bool DecodeCounter(absl::string_view bytes, int64_t& value) {
  if (bytes.size() != 8) {
    return false;
  }
  uint64_t bits = 0;
  for (int i = 7; i >= 0; --i) {
    bits = (bits << 8) | static_cast<uint8_t>(bytes[i]);
  }
  value = static_cast<int64_t>(bits);
  return true;
}

}  // namespace clicktrack::storage
