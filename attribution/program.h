#pragma once

// Programs and partners: a merchant's partner program with its attribution settings and
// commission plan, and the partners in it. Plain data plus validation; no I/O.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "absl/types/span.h"

#include "attribution/money.h"

namespace clicktrack::attribution {

enum class AttributionModel { kLastClick, kFirstClick };

absl::string_view AttributionModelName(AttributionModel model);
// "last_click" or "first_click"; nullopt for anything else.
std::optional<AttributionModel> ParseAttributionModel(absl::string_view name);

// SPEC §5.3: a program's click window when it names none.
inline constexpr absl::Duration kDefaultAttributionWindow = absl::Hours(720);

struct AttributionSettings {
  // How long after a click a conversion may still be credited to it. Default: 720h.
  absl::Duration window = kDefaultAttributionWindow;
  AttributionModel model = AttributionModel::kLastClick;
  // How long a partner owns a customer after the first attributed conversion.
  // Zero means forever. Default: forever.
  absl::Duration lifetime = absl::ZeroDuration();
};

// A commission rule: a percent of the order amount, a fixed amount, or both added.
struct CommissionRule {
  std::optional<Percent> percent;
  std::optional<int64_t> fixed_minor;  // minor units of the program's currency
};

// Per-kind rules. An absent rule pays nothing (upsell falls back to repeat_sale).
struct CommissionRules {
  std::optional<CommissionRule> first_sale;
  std::optional<CommissionRule> repeat_sale;
  std::optional<CommissionRule> upsell;
  std::optional<CommissionRule> lead;
};

struct LoyaltyBonus {
  int64_t ltv_over_minor = 0;  // the bonus is paid once LTV is strictly above this
  int64_t amount_minor = 0;
};

struct CommissionPlan {
  CommissionRules rules;
  // How long a commission stays pending before it is approved. Default: 0 (at once).
  absl::Duration hold = absl::ZeroDuration();
  std::optional<LoyaltyBonus> loyalty_bonus;
};

// Thresholds of the partner segments report (SPEC §6).
struct SegmentSettings {
  int window_days = 30;
  int newcomer_days = 90;
  int star_days = 180;
  Percent star_share = Percent{.hundredths = 15'00};
  int dormant_days = 90;
};

struct Program {
  std::string id;
  std::string name;
  Currency currency;
  std::string postback_secret;             // empty: postbacks are refused
  std::string stripe_webhook_secret;       // empty: Stripe webhooks are refused
  std::vector<std::string> allowed_hosts;  // lower case; "*.example.com" for subdomains
  bool pixel = true;
  AttributionSettings attribution;
  CommissionPlan commission;
  SegmentSettings segments;
  absl::Time created_at = absl::UnixEpoch();
  absl::Time updated_at = absl::UnixEpoch();
};

struct Partner {
  std::string program_id;
  std::string id;
  std::string name;
  std::string email;
  std::string postback_url;
  CommissionRules commission;  // per-partner overrides of the program's rules
  absl::Time joined_at = absl::UnixEpoch();
};

inline constexpr size_t kMaxNameSize = 200;
inline constexpr size_t kMaxEmailSize = 254;
inline constexpr size_t kMaxUrlSize = 2048;
inline constexpr size_t kMinSecretSize = 16;
inline constexpr size_t kMaxSecretSize = 256;
inline constexpr size_t kMaxAllowedHosts = 100;
inline constexpr size_t kMaxHostSize = 253;

// Checks every field of a program: identifiers, sizes, secrets, allowed hosts, durations,
// rules and thresholds. Returns kInvalidArgument whose message starts with the field name.
absl::Status ValidateProgram(const Program& program);

// Checks a partner's fields (not that its program exists). kInvalidArgument naming the field.
absl::Status ValidatePartner(const Partner& partner);

// Checks one allowed-host entry: a lower-case host name or IPv4 address, optionally with a
// leading "*." (every subdomain, not the bare domain). No ports, no paths.
bool IsValidHostPattern(absl::string_view pattern);

// True if `host` (any case, optional trailing dot) matches one of `allowed_hosts`: exactly,
// or as a strict subdomain of a "*." entry. Pure; does not allocate for hosts up to 253 bytes.
bool IsHostAllowed(absl::Span<const std::string> allowed_hosts, absl::string_view host);

}  // namespace clicktrack::attribution
