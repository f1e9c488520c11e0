#pragma once

// Money is integer minor units of an ISO 4217 currency; decimal strings only at the edges.
// Never floating point.

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace clicktrack::attribution {

// An ISO 4217 currency: its upper-case code and the number of decimals of its minor unit
// (USD 2, JPY 0, KWD 3).
struct Currency {
  char code[4] = {0, 0, 0, 0};
  int exponent = 2;

  absl::string_view Code() const { return absl::string_view(code, 3); }
  friend bool operator==(const Currency& a, const Currency& b) { return a.Code() == b.Code(); }
};

// Looks up an active ISO 4217 code, case-insensitively ("usd" = "USD").
// Returns kInvalidArgument for anything else. Thread-safe; does not allocate on success.
absl::StatusOr<Currency> FindCurrency(absl::string_view code);

// The largest amount accepted anywhere: 10^15 minor units, so that sums of many amounts
// stay far from int64 overflow.
inline constexpr int64_t kMaxAmountMinor = 1'000'000'000'000'000;

// Parses a non-negative decimal string ("49.90", "100", "0.5") into minor units of
// `currency`. Fewer decimals than the currency has are fine; more are kInvalidArgument, and
// so are signs, spaces, exponents, empty strings and values above kMaxAmountMinor.
// The error message does not name the field: callers prefix it.
absl::StatusOr<int64_t> ParseAmount(absl::string_view text, const Currency& currency);

// Formats minor units with exactly `currency.exponent` decimals: 4990 USD -> "49.90",
// -5 USD -> "-0.05", 500 JPY -> "500".
std::string FormatAmount(int64_t minor_units, const Currency& currency);

// A percentage with up to two decimals, held as hundredths of a percent: "12.5" -> 1250.
struct Percent {
  int64_t hundredths = 0;
  friend bool operator==(const Percent&, const Percent&) = default;
};

// Parses "0" to "100" with up to two decimals; anything else is kInvalidArgument.
absl::StatusOr<Percent> ParsePercent(absl::string_view text);
// Shortest exact form: 1250 -> "12.5", 2000 -> "20", 5 -> "0.05".
std::string FormatPercent(Percent percent);

// amount × percent / 100, rounded to the nearest minor unit, halves away from zero.
// Exact for every |amount| ≤ kMaxAmountMinor. Pure.
int64_t ApplyPercent(int64_t amount_minor, Percent percent);

}  // namespace clicktrack::attribution
