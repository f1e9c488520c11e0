#include "tracker/api/context.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include <openssl/crypto.h>

#include "tracker/codec/hmac.h"

namespace clicktrack::tracker {
namespace {

std::string CookieAttributes(absl::string_view public_url) {
  const bool https = absl::StartsWithIgnoreCase(public_url, "https://");
  return absl::StrCat("; Max-Age=", kCustomerCookieMaxAgeSeconds, "; Path=/; HttpOnly",
                      https ? "; SameSite=None; Secure" : "; SameSite=Lax");
}

}  // namespace

absl::string_view BearerOf(absl::string_view authorization) {
  constexpr absl::string_view kScheme = "bearer ";
  if (!absl::StartsWithIgnoreCase(authorization, kScheme)) {
    return {};
  }
  return absl::StripAsciiWhitespace(authorization.substr(kScheme.size()));
}

BearerToken::BearerToken(absl::string_view token) : digest_(Sha256(token)) {}

bool BearerToken::Matches(absl::string_view authorization) const {
  const absl::string_view token = BearerOf(authorization);
  if (token.empty()) {
    return false;
  }
  // Comparing digests takes the same time whatever the token's length or content.
  const std::array<unsigned char, 32> digest = Sha256(token);
  return CRYPTO_memcmp(digest.data(), digest_.data(), digest.size()) == 0;
}

ApiContext::ApiContext(storage::Store& store, const Clock& clock, IdGenerator& ids,
                       ApiOptions options, Importer* importer, BackupRunner* backups)
    : config(store.config()),
      clicks(store.clicks()),
      committer(store.committer()),
      reports(store.reports()),
      maintenance(store.maintenance()),
      outbox(store.outbox()),
      clock(clock),
      ids(ids),
      options(std::move(options)),
      cookie_attributes(CookieAttributes(this->options.public_url)),
      importer(importer),
      backups(backups),
      admin_token_(this->options.admin_token) {}

}  // namespace clicktrack::tracker
