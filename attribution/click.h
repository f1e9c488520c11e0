#pragma once

// A click on a partner link, and the rules about which clicks count.

#include <array>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"

#include "attribution/ids.h"

namespace clicktrack::attribution {

inline constexpr size_t kSubCount = 5;
inline constexpr size_t kMaxSubSize = 255;

struct Click {
  Ulid id;
  absl::Time time = absl::UnixEpoch();
  std::string program_id;
  std::string partner_id;
  std::string link_code;
  Ulid customer_id;
  // A bot or link-preview fetch: stored, but never attributed and never counted.
  bool bot = false;
  // The first click of this customer on this link in 24 hours (counts as a unique click).
  bool unique = false;
  std::array<std::string, kSubCount> subs;  // sub1..sub5, each at most kMaxSubSize bytes
  // Not stored: the customer id was minted for this click, so the customer has no earlier
  // click to look up.
  bool new_customer = false;
};

// Repeat clicks of one customer on one link within this period count as one unique click.
inline constexpr absl::Duration kUniqueClickPeriod = absl::Hours(24);

// Whether `later` repeats `earlier`, a unique click: the same customer on the same link of the
// same program, less than kUniqueClickPeriod after it. (Callers know `earlier` came first.)
inline bool RepeatsUniqueClick(const Click& earlier, const Click& later) {
  return earlier.unique && earlier.customer_id == later.customer_id &&
         earlier.program_id == later.program_id && earlier.link_code == later.link_code &&
         earlier.time + kUniqueClickPeriod > later.time;
}

// True for a missing or empty User-Agent, and for known bots and link-preview fetchers
// (Slackbot, facebookexternalhit, Twitterbot, TelegramBot, WhatsApp, Googlebot and the
// other crawlers listed in click.cc), matched case-insensitively. `curl` is not a bot.
// Pure; does not allocate.
bool IsBotUserAgent(absl::string_view user_agent);

// `value` cut to at most kMaxSubSize bytes, never in the middle of a UTF-8 sequence.
absl::string_view TruncateSub(absl::string_view value);

}  // namespace clicktrack::attribution
