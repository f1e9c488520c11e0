#include "attribution/click.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"

namespace clicktrack::attribution {
namespace {

// Link-preview fetchers and crawlers. Substrings, matched case-insensitively. Only agents
// that never stand for a person clicking: in-app browsers (Instagram, Snapchat, FBAN) are not
// listed, they are people.
constexpr absl::string_view kBotMarkers[] = {
    "slackbot",
    "facebookexternalhit",
    "facebookcatalog",
    "twitterbot",
    "telegrambot",
    "whatsapp",
    "googlebot",
    "adsbot-google",
    "mediapartners-google",
    "google-inspectiontool",
    "bingbot",
    "linkedinbot",
    "discordbot",
    "applebot",
    "pinterestbot",
    "redditbot",
    "skypeuripreview",
    "embedly",
    "yandexbot",
    "baiduspider",
    "duckduckbot",
    "ahrefsbot",
    "semrushbot",
    "mj12bot",
    "petalbot",
    "bytespider",
    "gptbot",
    "iframely",
    "vkshare",
    "mastodon",
    "bitlybot",
    "zoominfobot",
};

}  // namespace

bool IsBotUserAgent(absl::string_view user_agent) {
  if (user_agent.empty()) {
    return true;
  }
  // Lower-case a bounded prefix on the stack; markers sit near the start of real agents.
  char buffer[512];
  const size_t size = std::min(user_agent.size(), sizeof(buffer));
  for (size_t i = 0; i < size; ++i) {
    buffer[i] = absl::ascii_tolower(static_cast<unsigned char>(user_agent[i]));
  }
  const absl::string_view lower(buffer, size);
  return std::any_of(std::begin(kBotMarkers), std::end(kBotMarkers),
                     [&](absl::string_view marker) { return absl::StrContains(lower, marker); });
}

absl::string_view TruncateSub(absl::string_view value) {
  if (value.size() <= kMaxSubSize) {
    return value;
  }
  size_t end = kMaxSubSize;
  // Step back over continuation bytes (10xxxxxx) so the cut lands before a lead byte.
  while (end > 0 && (static_cast<unsigned char>(value[end]) & 0xC0) == 0x80) {
    --end;
  }
  return value.substr(0, end);
}

}  // namespace clicktrack::attribution
