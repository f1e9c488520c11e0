#include "attribution/money.h"

#include <algorithm>
#include <array>
#include <cstdlib>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace clicktrack::attribution {
namespace {

struct CurrencyEntry {
  const char* code;
  int exponent;
};

// Active ISO 4217 codes, sorted, with their minor-unit exponents.
constexpr CurrencyEntry kCurrencies[] = {
    {"AED", 2}, {"AFN", 2}, {"ALL", 2}, {"AMD", 2}, {"ANG", 2}, {"AOA", 2}, {"ARS", 2}, {"AUD", 2},
    {"AWG", 2}, {"AZN", 2}, {"BAM", 2}, {"BBD", 2}, {"BDT", 2}, {"BGN", 2}, {"BHD", 3}, {"BIF", 0},
    {"BMD", 2}, {"BND", 2}, {"BOB", 2}, {"BOV", 2}, {"BRL", 2}, {"BSD", 2}, {"BTN", 2}, {"BWP", 2},
    {"BYN", 2}, {"BZD", 2}, {"CAD", 2}, {"CDF", 2}, {"CHE", 2}, {"CHF", 2}, {"CHW", 2}, {"CLF", 4},
    {"CLP", 0}, {"CNY", 2}, {"COP", 2}, {"COU", 2}, {"CRC", 2}, {"CUP", 2}, {"CVE", 2}, {"CZK", 2},
    {"DJF", 0}, {"DKK", 2}, {"DOP", 2}, {"DZD", 2}, {"EGP", 2}, {"ERN", 2}, {"ETB", 2}, {"EUR", 2},
    {"FJD", 2}, {"FKP", 2}, {"GBP", 2}, {"GEL", 2}, {"GHS", 2}, {"GIP", 2}, {"GMD", 2}, {"GNF", 0},
    {"GTQ", 2}, {"GYD", 2}, {"HKD", 2}, {"HNL", 2}, {"HTG", 2}, {"HUF", 2}, {"IDR", 2}, {"ILS", 2},
    {"INR", 2}, {"IQD", 3}, {"IRR", 2}, {"ISK", 0}, {"JMD", 2}, {"JOD", 3}, {"JPY", 0}, {"KES", 2},
    {"KGS", 2}, {"KHR", 2}, {"KMF", 0}, {"KPW", 2}, {"KRW", 0}, {"KWD", 3}, {"KYD", 2}, {"KZT", 2},
    {"LAK", 2}, {"LBP", 2}, {"LKR", 2}, {"LRD", 2}, {"LSL", 2}, {"LYD", 3}, {"MAD", 2}, {"MDL", 2},
    {"MGA", 2}, {"MKD", 2}, {"MMK", 2}, {"MNT", 2}, {"MOP", 2}, {"MRU", 2}, {"MUR", 2}, {"MVR", 2},
    {"MWK", 2}, {"MXN", 2}, {"MXV", 2}, {"MYR", 2}, {"MZN", 2}, {"NAD", 2}, {"NGN", 2}, {"NIO", 2},
    {"NOK", 2}, {"NPR", 2}, {"NZD", 2}, {"OMR", 3}, {"PAB", 2}, {"PEN", 2}, {"PGK", 2}, {"PHP", 2},
    {"PKR", 2}, {"PLN", 2}, {"PYG", 0}, {"QAR", 2}, {"RON", 2}, {"RSD", 2}, {"RUB", 2}, {"RWF", 0},
    {"SAR", 2}, {"SBD", 2}, {"SCR", 2}, {"SDG", 2}, {"SEK", 2}, {"SGD", 2}, {"SHP", 2}, {"SLE", 2},
    {"SOS", 2}, {"SRD", 2}, {"SSP", 2}, {"STN", 2}, {"SVC", 2}, {"SYP", 2}, {"SZL", 2}, {"THB", 2},
    {"TJS", 2}, {"TMT", 2}, {"TND", 3}, {"TOP", 2}, {"TRY", 2}, {"TTD", 2}, {"TWD", 2}, {"TZS", 2},
    {"UAH", 2}, {"UGX", 0}, {"USD", 2}, {"USN", 2}, {"UYI", 0}, {"UYU", 2}, {"UYW", 4}, {"UZS", 2},
    {"VED", 2}, {"VES", 2}, {"VND", 0}, {"VUV", 0}, {"WST", 2}, {"XAF", 0}, {"XCD", 2}, {"XCG", 2},
    {"XOF", 0}, {"XPF", 0}, {"YER", 2}, {"ZAR", 2}, {"ZMW", 2}, {"ZWG", 2},
};

constexpr int64_t kPow10[] = {1, 10, 100, 1000, 10000};

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

absl::StatusOr<Currency> FindCurrency(absl::string_view code) {
  if (code.size() == 3) {
    std::array<char, 3> upper = {absl::ascii_toupper(static_cast<unsigned char>(code[0])),
                                 absl::ascii_toupper(static_cast<unsigned char>(code[1])),
                                 absl::ascii_toupper(static_cast<unsigned char>(code[2]))};
    const absl::string_view key(upper.data(), 3);
    const auto* it = std::lower_bound(
        std::begin(kCurrencies), std::end(kCurrencies), key,
        [](const CurrencyEntry& e, absl::string_view k) { return absl::string_view(e.code) < k; });
    if (it != std::end(kCurrencies) && absl::string_view(it->code) == key) {
      Currency currency;
      std::copy(key.begin(), key.end(), currency.code);
      currency.exponent = it->exponent;
      return currency;
    }
  }
  return absl::InvalidArgumentError("not an ISO 4217 currency code");
}

absl::StatusOr<int64_t> ParseAmount(absl::string_view text, const Currency& currency) {
  if (text.empty()) {
    return absl::InvalidArgumentError("must be a decimal string such as \"49.90\"");
  }
  if (text.front() == '-') {
    return absl::InvalidArgumentError("must not be negative");
  }
  const size_t dot = text.find('.');
  const absl::string_view whole = text.substr(0, dot);
  const absl::string_view fraction =
      dot == absl::string_view::npos ? absl::string_view() : text.substr(dot + 1);
  const bool digits_only = !whole.empty() && std::all_of(whole.begin(), whole.end(), IsDigit) &&
                           std::all_of(fraction.begin(), fraction.end(), IsDigit) &&
                           (dot == absl::string_view::npos || !fraction.empty());
  if (!digits_only) {
    return absl::InvalidArgumentError("must be a decimal string such as \"49.90\"");
  }
  if (fraction.size() > static_cast<size_t>(currency.exponent)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "has more than ", currency.exponent, " decimals, the most ", currency.Code(), " allows"));
  }
  int64_t value = 0;
  for (const char c : whole) {
    value = value * 10 + (c - '0');
    if (value > kMaxAmountMinor) {
      return absl::InvalidArgumentError("is too large");
    }
  }
  int64_t minor_fraction = 0;
  for (const char c : fraction) {
    minor_fraction = minor_fraction * 10 + (c - '0');
  }
  minor_fraction *= kPow10[currency.exponent - static_cast<int>(fraction.size())];
  // value ≤ 10^15 here, so the multiplication cannot overflow.
  const int64_t minor = value * kPow10[currency.exponent] + minor_fraction;
  if (minor > kMaxAmountMinor) {
    return absl::InvalidArgumentError("is too large");
  }
  return minor;
}

std::string FormatAmount(int64_t minor_units, const Currency& currency) {
  const bool negative = minor_units < 0;
  // Negate in unsigned arithmetic so that INT64_MIN formats too.
  const uint64_t magnitude = negative ? uint64_t{0} - static_cast<uint64_t>(minor_units)
                                      : static_cast<uint64_t>(minor_units);
  const uint64_t scale = static_cast<uint64_t>(kPow10[currency.exponent]);
  std::string out = negative ? "-" : "";
  absl::StrAppend(&out, magnitude / scale);
  if (currency.exponent > 0) {
    std::string fraction = absl::StrCat(magnitude % scale);
    out.push_back('.');
    out.append(static_cast<size_t>(currency.exponent) - fraction.size(), '0');
    out.append(fraction);
  }
  return out;
}

absl::StatusOr<Percent> ParsePercent(absl::string_view text) {
  // A percent is an amount with two decimals, bounded to 100.
  static constexpr Currency kHundredths = {.code = {'P', 'C', 'T', 0}, .exponent = 2};
  if (!text.empty() && text.front() == '-') {
    return absl::InvalidArgumentError("must not be negative");
  }
  absl::StatusOr<int64_t> hundredths = ParseAmount(text, kHundredths);
  if (!hundredths.ok()) {
    const size_t dot = text.find('.');
    if (dot != absl::string_view::npos && text.size() - dot - 1 > 2) {
      return absl::InvalidArgumentError("has more than 2 decimals");
    }
    return absl::InvalidArgumentError("must be a decimal string such as \"12.5\"");
  }
  if (*hundredths > 100'00) {
    return absl::InvalidArgumentError("must be at most 100");
  }
  return Percent{.hundredths = *hundredths};
}

std::string FormatPercent(Percent percent) {
  std::string out = absl::StrCat(percent.hundredths / 100);
  const int64_t fraction = percent.hundredths % 100;
  if (fraction != 0) {
    out.push_back('.');
    out.push_back(static_cast<char>('0' + fraction / 10));
    if (fraction % 10 != 0) {
      out.push_back(static_cast<char>('0' + fraction % 10));
    }
  }
  return out;
}

int64_t ApplyPercent(int64_t amount_minor, Percent percent) {
  const __int128 product = static_cast<__int128>(amount_minor) * percent.hundredths;
  const __int128 magnitude = product < 0 ? -product : product;
  const __int128 rounded = (magnitude + 5000) / 10000;  // halves away from zero
  return static_cast<int64_t>(product < 0 ? -rounded : rounded);
}

}  // namespace clicktrack::attribution
