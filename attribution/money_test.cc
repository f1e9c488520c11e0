#include "attribution/money.h"

#include "gtest/gtest.h"

namespace clicktrack::attribution {
namespace {

Currency Must(absl::string_view code) {
  absl::StatusOr<Currency> currency = FindCurrency(code);
  EXPECT_TRUE(currency.ok()) << code;
  return currency.value_or(Currency{});
}

TEST(CurrencyTest, ExponentsAndCaseInsensitivity) {
  EXPECT_EQ(Must("USD").exponent, 2);
  EXPECT_EQ(Must("usd").Code(), "USD");
  EXPECT_EQ(Must("JPY").exponent, 0);
  EXPECT_EQ(Must("KWD").exponent, 3);
  EXPECT_EQ(Must("Eur").exponent, 2);
  EXPECT_FALSE(FindCurrency("XXX").ok());
  EXPECT_FALSE(FindCurrency("US").ok());
  EXPECT_FALSE(FindCurrency("USDT").ok());
  EXPECT_FALSE(FindCurrency("").ok());
}

struct AmountCase {
  const char* currency;
  const char* text;
  int64_t minor;
  const char* formatted;
};

class AmountRoundTripTest : public ::testing::TestWithParam<AmountCase> {};

TEST_P(AmountRoundTripTest, ParsesAndFormats) {
  const AmountCase& c = GetParam();
  const Currency currency = Must(c.currency);
  absl::StatusOr<int64_t> minor = ParseAmount(c.text, currency);
  ASSERT_TRUE(minor.ok()) << minor.status();
  EXPECT_EQ(*minor, c.minor);
  EXPECT_EQ(FormatAmount(*minor, currency), c.formatted);
  absl::StatusOr<int64_t> again = ParseAmount(FormatAmount(*minor, currency), currency);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, c.minor);
}

INSTANTIATE_TEST_SUITE_P(
    Currencies, AmountRoundTripTest,
    ::testing::Values(
        AmountCase{"USD", "49.90", 4990, "49.90"}, AmountCase{"USD", "100", 10000, "100.00"},
        AmountCase{"USD", "0.5", 50, "0.50"}, AmountCase{"USD", "0", 0, "0.00"},
        AmountCase{"USD", "007.01", 701, "7.01"}, AmountCase{"JPY", "500", 500, "500"},
        AmountCase{"KWD", "1.234", 1234, "1.234"}, AmountCase{"KWD", "2.5", 2500, "2.500"},
        AmountCase{"KWD", "0.001", 1, "0.001"},
        AmountCase{"USD", "10000000000000.00", 1'000'000'000'000'000, "10000000000000.00"}));

TEST(AmountTest, RejectsTooManyDecimals) {
  EXPECT_FALSE(ParseAmount("1.001", Must("USD")).ok());
  EXPECT_FALSE(ParseAmount("1.5", Must("JPY")).ok());
  EXPECT_FALSE(ParseAmount("1.0001", Must("KWD")).ok());
  EXPECT_NE(ParseAmount("1.001", Must("USD")).status().message().find("decimals"),
            absl::string_view::npos);
}

TEST(AmountTest, RejectsNegativeAndMalformed) {
  const Currency usd = Must("USD");
  for (const char* bad : {"-1", "-0.01", "", ".", "1.", ".5", "+1", " 1", "1 ", "1e3", "1,00",
                          "abc", "0x10", "1.2.3", "NaN", "inf"}) {
    EXPECT_FALSE(ParseAmount(bad, usd).ok()) << bad;
  }
  EXPECT_NE(ParseAmount("-1", usd).status().message().find("negative"), absl::string_view::npos);
}

TEST(AmountTest, RejectsOverflow) {
  const Currency usd = Must("USD");
  EXPECT_FALSE(ParseAmount("10000000000000.01", usd).ok());
  EXPECT_FALSE(ParseAmount("99999999999999999999999999", usd).ok());
  EXPECT_FALSE(ParseAmount("9223372036854775808", Must("JPY")).ok());
}

TEST(AmountTest, FormatsNegativeAndExtremes) {
  EXPECT_EQ(FormatAmount(-5, Must("USD")), "-0.05");
  EXPECT_EQ(FormatAmount(-1234, Must("KWD")), "-1.234");
  EXPECT_EQ(FormatAmount(INT64_MIN, Must("JPY")), "-9223372036854775808");
}

TEST(PercentTest, ParsesAndFormats) {
  EXPECT_EQ(ParsePercent("12.5")->hundredths, 1250);
  EXPECT_EQ(ParsePercent("20")->hundredths, 2000);
  EXPECT_EQ(ParsePercent("0.05")->hundredths, 5);
  EXPECT_EQ(ParsePercent("100")->hundredths, 10000);
  EXPECT_EQ(FormatPercent(Percent{1250}), "12.5");
  EXPECT_EQ(FormatPercent(Percent{2000}), "20");
  EXPECT_EQ(FormatPercent(Percent{5}), "0.05");
  EXPECT_EQ(FormatPercent(Percent{1234}), "12.34");
}

TEST(PercentTest, RejectsBadInput) {
  EXPECT_NE(ParsePercent("12.345").status().message().find("2 decimals"), absl::string_view::npos);
  EXPECT_FALSE(ParsePercent("-1").ok());
  EXPECT_FALSE(ParsePercent("100.01").ok());
  EXPECT_FALSE(ParsePercent("abc").ok());
  EXPECT_FALSE(ParsePercent("").ok());
}

TEST(ApplyPercentTest, RoundsHalvesAwayFromZero) {
  EXPECT_EQ(ApplyPercent(4990, Percent{2000}), 998);  // 49.90 × 20 % = 9.98
  EXPECT_EQ(ApplyPercent(5, Percent{1000}), 1);       // 0.05 × 10 % = 0.005 -> 0.01
  EXPECT_EQ(ApplyPercent(4, Percent{1000}), 0);       // 0.004 -> 0.00
  EXPECT_EQ(ApplyPercent(-5, Percent{1000}), -1);     // -0.005 -> -0.01
  EXPECT_EQ(ApplyPercent(15, Percent{1250}), 2);      // 1.875 -> 2
  EXPECT_EQ(ApplyPercent(kMaxAmountMinor, Percent{10000}), kMaxAmountMinor);
}

}  // namespace
}  // namespace clicktrack::attribution
