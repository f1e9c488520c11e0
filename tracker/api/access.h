#pragma once

// Who may call the admin API (docs/dashboard.md): the admin token reaches everything; a
// partner token reaches only GETs of its own partner's reports, under its own program.

#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

#include "storage/store.h"
#include "tracker/api/context.h"
#include "tracker/http/http_types.h"

namespace clicktrack::tracker {

// Partner tokens start with this, so that a leaked one is recognised (and can be scanned for).
inline constexpr absl::string_view kPartnerTokenPrefix = "ctp_";

struct Caller {
  bool admin = false;
  std::optional<storage::PartnerToken> partner;  // a live partner token
};

// The caller an Authorization header names. kUnauthenticated when it names nobody: no token,
// a wrong one, a revoked one, or an expired one (the message says which of the last).
absl::StatusOr<Caller> Authenticate(const ApiContext& api, absl::string_view authorization);

// For the operator's routes and anything else a partner may not reach: OK for the admin,
// kPermissionDenied for a partner, kUnauthenticated for nobody.
absl::Status RequireAdmin(const ApiContext& api, absl::string_view authorization);

// Whether a partner token may make this call: GET (or HEAD) of
// /api/v1/programs/{its program}/partners/{its partner}[/stats|cohorts|commissions|balance|
// postbacks|links|daily]. kPermissionDenied otherwise, naming what it may do.
absl::Status CheckPartnerReach(const storage::PartnerToken& token, Method method,
                               absl::string_view path);

// A new token, "ctp_" and 64 hex digits from the system's random source, and a new token id,
// "tok_" and 16 hex digits.
std::string NewPartnerTokenSecret();
std::string NewPartnerTokenId();

}  // namespace clicktrack::tracker
