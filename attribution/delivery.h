#pragma once

// SPEC §4.7, postbacks to partners: a delivery of one commission movement to the partner's
// postback_url, its macros, and its retry policy. Plain data and pure functions.

#include <array>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

#include "attribution/click.h"
#include "attribution/conversion.h"
#include "attribution/ids.h"
#include "attribution/money.h"

namespace clicktrack::attribution {

enum class DeliveryState { kPending, kDelivered, kFailed };
absl::string_view DeliveryStateName(DeliveryState state);

// Any 2xx delivers; anything else, or no answer within kDeliveryTimeout, is retried after
// 1 s, doubling up to 1 h, kMaxDeliveryAttempts attempts in all; then the delivery is failed.
inline constexpr int kMaxDeliveryAttempts = 12;
inline constexpr absl::Duration kDeliveryTimeout = absl::Seconds(10);
inline constexpr absl::Duration kFirstRetryDelay = absl::Seconds(1);
inline constexpr absl::Duration kLongestRetryDelay = absl::Hours(1);

struct Delivery {
  Ulid id;  // also the X-Clicktrack-Delivery header, the same on every attempt
  std::string program_id;
  std::string partner_id;
  LedgerType event = LedgerType::kAccrual;  // {event}: conversion, reversal or bonus
  std::string url;                          // the postback_url with its macros replaced
  DeliveryState state = DeliveryState::kPending;
  int attempts = 0;
  int last_status = 0;     // the last answer's HTTP status; 0 = none
  std::string last_error;  // why the last attempt failed; "" = it did not
  absl::Time next_attempt_at = absl::UnixEpoch();
  absl::Time created_at = absl::UnixEpoch();
};

// The {event} word of a ledger entry's type: conversion, reversal or bonus.
absl::string_view DeliveryEventName(LedgerType type);

// The delivery of `entry` to `postback_url`, due at once. `conversion` is the entry's order;
// `click` the click credited, if any (for {click_id} and {sub1}…{sub5}).
Delivery NewDelivery(const Ulid& id, absl::string_view program_id, absl::string_view postback_url,
                     const LedgerEntry& entry, const Conversion& conversion, const Click* click,
                     const Currency& currency);

// The delivery after an attempt at `now` that got `status` (0: no answer) or `error`.
void RecordAttempt(Delivery& delivery, absl::Time now, int status, absl::string_view error);
// The delivery after an attempt refused before any connection (its host resolves to a private
// address): failed at once, with `reason`; an admin may retry it once the URL is fixed.
void RecordRefusal(Delivery& delivery, absl::string_view reason);

// A failed delivery put back to pending, due at `now`, its attempts counted afresh (the admin
// API's retry). kFailedPrecondition, naming its state, when it is not failed.
absl::Status Reopen(Delivery& delivery, absl::Time now);

// SPEC §4.7's macros, each value URL-encoded (RFC 3986 unreserved characters kept).
struct PostbackMacros {
  std::string click_id;
  std::array<std::string, kSubCount> subs;
  std::string order_id, conversion_id, amount, commission, currency, status, kind, event,
      partner_id, delivery_id;
};
std::string ExpandPostbackUrl(absl::string_view url, const PostbackMacros& macros);

}  // namespace clicktrack::attribution
