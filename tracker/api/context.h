#pragma once

// What every handler of the API works with: the store's roles, the clock, id minting and the
// options. Built once by main(); shared read-only by the handlers of every event loop.

#include <array>
#include <functional>
#include <string>

#include "absl/strings/string_view.h"

#include "storage/store.h"
#include "tracker/common/clock.h"
#include "tracker/common/id_generator.h"
#include "tracker/common/metrics.h"

namespace clicktrack::tracker {

struct ApiOptions {
  // Base of the links handed out ("https://t.example.com"), without a trailing slash.
  // An https base makes the customer cookie SameSite=None; Secure.
  std::string public_url = "http://127.0.0.1:8080";
  // The admin API's bearer token. Must not be empty.
  std::string admin_token;
  // SPEC §4.7: refuse partner postback URLs that point into private IPv4 space.
  bool block_private_postbacks = true;
  // What /metrics adds from parts the API does not hold (the transport, the build).
  std::function<void(MetricsText&)> more_metrics;
  // An edge node's: why its link to Kafka is degraded, "" while it is not (/readyz).
  std::function<std::string()> kafka_degraded;
};

inline constexpr absl::string_view kCustomerCookie = "tc_cid";
// 400 days: the longest lifetime Chrome keeps. Re-set on every click, so it slides.
inline constexpr int64_t kCustomerCookieMaxAgeSeconds = 34'560'000;

class Importer;
class BackupRunner;

// The token of an "Authorization: Bearer <token>" header (scheme in any case, spaces around
// the token dropped), or "" for any other header.
absl::string_view BearerOf(absl::string_view authorization);

// A bearer token, kept as its digest: whether an Authorization header carries it, compared in
// constant time.
class BearerToken {
 public:
  explicit BearerToken(absl::string_view token);
  bool Matches(absl::string_view authorization) const;

 private:
  std::array<unsigned char, 32> digest_;
};

class ApiContext {
 public:
  // `importer` runs the imports (SPEC §6); null: the import route answers 503.
  ApiContext(storage::Store& store, const Clock& clock, IdGenerator& ids, ApiOptions options,
             Importer* importer = nullptr, BackupRunner* backups = nullptr);

  storage::ConfigStore& config;
  storage::ClickLog& clicks;
  storage::ConversionCommitter& committer;
  storage::ReportReader& reports;
  storage::Maintenance& maintenance;
  storage::Outbox& outbox;
  const Clock& clock;
  IdGenerator& ids;
  const ApiOptions options;
  // "; Max-Age=…; Path=/; HttpOnly; SameSite=…" for the customer cookie.
  const std::string cookie_attributes;
  Importer* const importer;
  // Null without --backup-dir: backup routes answer 409.
  BackupRunner* const backups;

  // Whether an Authorization header carries the admin token, compared in constant time.
  bool IsAdmin(absl::string_view authorization) const {
    return admin_token_.Matches(authorization);
  }

 private:
  const BearerToken admin_token_;
};

}  // namespace clicktrack::tracker
