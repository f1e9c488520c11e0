#include "tracker/api/access.h"

#include <array>
#include <cstdlib>
#include <vector>

#include "absl/algorithm/container.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include <openssl/rand.h>

#include "tracker/codec/hmac.h"
#include "tracker/common/json_text.h"

namespace clicktrack::tracker {
namespace {

constexpr absl::string_view kPartnerReports[] = {"stats",     "cohorts", "commissions", "balance",
                                                 "postbacks", "links",   "daily"};

std::string RandomHex(size_t bytes) {
  std::array<unsigned char, 32> random{};
  if (bytes > random.size() || RAND_bytes(random.data(), static_cast<int>(bytes)) != 1) {
    // The system's random source failed: no token may be made from anything weaker.
    std::abort();
  }
  return HexOf(random, bytes);
}

absl::Status Unauthenticated(absl::string_view why) {
  return absl::UnauthenticatedError(absl::StrCat(why, ": send \"Authorization: Bearer <token>\""));
}

}  // namespace

absl::StatusOr<Caller> Authenticate(const ApiContext& api, absl::string_view authorization) {
  if (api.IsAdmin(authorization)) {
    return Caller{.admin = true};
  }
  const absl::string_view bearer = BearerOf(authorization);
  if (!absl::StartsWith(bearer, kPartnerTokenPrefix)) {
    return Unauthenticated("missing or wrong admin token");
  }
  std::optional<storage::PartnerToken> token = api.config.FindPartnerToken(Sha256(bearer));
  if (!token) {
    return Unauthenticated("unknown or revoked partner token");
  }
  if (token->expires_at && *token->expires_at <= api.clock.Now()) {
    return Unauthenticated(
        absl::StrCat("partner token expired at ", FormatTimestamp(*token->expires_at)));
  }
  return Caller{.partner = std::move(token)};
}

absl::Status RequireAdmin(const ApiContext& api, absl::string_view authorization) {
  absl::StatusOr<Caller> caller = Authenticate(api, authorization);
  if (!caller.ok()) {
    return caller.status();
  }
  if (!caller->admin) {
    return absl::PermissionDeniedError(
        "this route needs the admin token; a partner token reads only its own partner's "
        "reports");
  }
  return absl::OkStatus();
}

absl::Status CheckPartnerReach(const storage::PartnerToken& token, Method method,
                               absl::string_view path) {
  const std::vector<absl::string_view> segments = absl::StrSplit(path, '/');
  // "", "api", "v1", "programs", {program}, "partners", {partner}[, report]
  const bool own = segments.size() >= 7 && segments.size() <= 8 && segments[3] == "programs" &&
                   segments[4] == token.program_id && segments[5] == "partners" &&
                   segments[6] == token.partner_id;
  const bool report =
      own && (segments.size() == 7 || absl::c_linear_search(kPartnerReports, segments[7]));
  if (report && (method == Method::kGet || method == Method::kHead)) {
    return absl::OkStatus();
  }
  return absl::PermissionDeniedError(
      absl::StrCat("a partner token reads only its own partner's reports: GET /api/v1/programs/",
                   token.program_id, "/partners/", token.partner_id,
                   "[/stats|/cohorts|/commissions|/balance|/postbacks|/links|/daily]"));
}

std::string NewPartnerTokenSecret() { return absl::StrCat(kPartnerTokenPrefix, RandomHex(32)); }

std::string NewPartnerTokenId() { return absl::StrCat("tok_", RandomHex(8)); }

}  // namespace clicktrack::tracker
