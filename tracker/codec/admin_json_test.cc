#include "tracker/codec/admin_json.h"

#include "boost/json/serialize.hpp"
#include "gtest/gtest.h"

namespace clicktrack::tracker {
namespace {

absl::StatusOr<attribution::Program> Decode(absl::string_view body) {
  absl::StatusOr<boost::json::object> object = ParseJsonObject(body);
  if (!object.ok()) {
    return object.status();
  }
  return DecodeProgram(*object, "acme");
}

void ExpectError(absl::string_view body, absl::string_view field) {
  absl::StatusOr<attribution::Program> program = Decode(body);
  ASSERT_FALSE(program.ok()) << body;
  EXPECT_EQ(program.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(program.status().message().find(field), absl::string_view::npos)
      << program.status() << " should name " << field;
}

TEST(JsonCodecTest, DecodesTheSpecExample) {
  absl::StatusOr<attribution::Program> program = Decode(R"({
    "name": "Acme SaaS", "currency": "USD", "postback_secret": "at-least-16-chars",
    "stripe_webhook_secret": "whsec_x", "allowed_hosts": ["shop.example.com"], "pixel": true,
    "attribution": {"window": "720h", "model": "last_click", "lifetime": "0"},
    "commission": {"first_sale": {"percent": "20"}, "repeat_sale": {"percent": "10"},
                   "upsell": {"percent": "15"}, "lead": {"fixed": "2.00"}, "hold": "720h",
                   "loyalty_bonus": {"ltv_over": "500.00", "amount": "25.00"}},
    "unknown_field": [1, 2, 3]})");
  ASSERT_TRUE(program.ok()) << program.status();
  EXPECT_EQ(program->commission.rules.first_sale->percent->hundredths, 2000);
  EXPECT_EQ(*program->commission.rules.lead->fixed_minor, 200);
  EXPECT_EQ(program->commission.hold, absl::Hours(720));
  EXPECT_EQ(program->commission.loyalty_bonus->ltv_over_minor, 50000);
  const std::string encoded = boost::json::serialize(EncodeProgram(*program));
  EXPECT_EQ(encoded.find("at-least-16-chars"), std::string::npos);  // secrets omitted
  EXPECT_EQ(encoded.find("whsec_x"), std::string::npos);
}

TEST(JsonCodecTest, DefaultsApply) {
  absl::StatusOr<attribution::Program> program = Decode(R"({"name": "A", "currency": "jpy"})");
  ASSERT_TRUE(program.ok()) << program.status();
  EXPECT_EQ(program->currency.Code(), "JPY");
  EXPECT_EQ(program->attribution.window, absl::Hours(720));
  EXPECT_EQ(program->attribution.lifetime, absl::ZeroDuration());
  EXPECT_EQ(program->attribution.model, attribution::AttributionModel::kLastClick);
  EXPECT_TRUE(program->pixel);
}

TEST(JsonCodecTest, BadInputNamesTheField) {
  ExpectError("", "not valid JSON");
  ExpectError("[1]", "JSON object");
  ExpectError(R"({"name": "A", "currency": "USD")", "not valid JSON");
  ExpectError(R"({"currency": "USD"})", "name");
  ExpectError(R"({"name": 5, "currency": "USD"})", "name: must be a string");
  ExpectError(R"({"name": "A", "currency": "XYZ"})", "currency");
  ExpectError(R"({"name": "A", "currency": "USD", "pixel": "yes"})", "pixel");
  ExpectError(R"({"name": "A", "currency": "USD", "allowed_hosts": "x"})", "allowed_hosts");
  ExpectError(R"({"name": "A", "currency": "USD", "allowed_hosts": [5]})", "allowed_hosts[0]");
  ExpectError(R"({"name": "A", "currency": "USD", "attribution": {"window": "30d"}})",
              "attribution.window");
  ExpectError(R"({"name": "A", "currency": "USD", "attribution": {"model": "linear"}})",
              "attribution.model");
  ExpectError(R"({"name": "A", "currency": "USD", "commission": {"lead": {"fixed": 2}}})",
              "commission.lead.fixed: must be a decimal string");
  ExpectError(R"({"name": "A", "currency": "USD", "commission": {"lead": {"fixed": "2.001"}}})",
              "commission.lead.fixed");
  ExpectError(
      R"({"name": "A", "currency": "USD", "commission": {"first_sale": {"percent": "1.234"}}})",
      "commission.first_sale.percent");
  ExpectError(R"({"name": "A", "currency": "USD", "commission": {"first_sale": {}}})",
              "commission.first_sale");
  ExpectError(R"({"name": "A", "currency": "USD", "commission": {"hold": "-1h"}})",
              "commission.hold");
  ExpectError(R"({"name": "A", "currency": "USD", "postback_secret": "short"})", "postback_secret");
  ExpectError(R"({"name": "A", "currency": "USD", "segments": {"window_days": 1.5}})",
              "segments.window_days");
}

TEST(JsonCodecTest, RejectsDeepNesting) {
  std::string deep = R"({"name": "A", "currency": "USD", "x": )";
  deep += std::string(100, '[') + std::string(100, ']') + "}";
  EXPECT_FALSE(ParseJsonObject(deep).ok());
}

TEST(JsonCodecTest, TimestampsRoundTrip) {
  const absl::Time t = absl::FromUnixMillis(1'764'000'000'123);
  EXPECT_EQ(FormatTimestamp(t), "2025-11-24T16:00:00.123Z");
  EXPECT_EQ(*ParseTimestamp("2025-11-24T16:00:00.123Z"), t);
  EXPECT_EQ(*ParseTimestamp("2025-11-24T18:00:00.123+02:00"), t);
  EXPECT_FALSE(ParseTimestamp("2025-11-24").ok());
  EXPECT_FALSE(ParseTimestamp("yesterday").ok());
}

// Defect 14 of issue 10: a year before 1000 printed unpadded ("999-…"), which is not RFC 3339.
TEST(JsonCodecTest, EarlyYearsAreFourDigitsAndYearsOutsideRfc3339AreRefused) {
  const absl::StatusOr<absl::Time> early = ParseTimestamp("0999-01-02T03:04:05Z");
  ASSERT_TRUE(early.ok()) << early.status();
  EXPECT_EQ(FormatTimestamp(*early), "0999-01-02T03:04:05.000Z");
  EXPECT_EQ(
      FormatTimestamp(absl::FromCivil(absl::CivilSecond(5, 1, 1, 0, 0, 0), absl::UTCTimeZone())),
      "0005-01-01T00:00:00.000Z");
  EXPECT_FALSE(ParseTimestamp("10000-01-01T00:00:00Z").ok());
  EXPECT_FALSE(ParseTimestamp("-0001-01-01T00:00:00Z").ok());
}

// Defect 11 of issue 10: a duplicate JSON key was silently taken (the last one won).
TEST(JsonCodecTest, ADuplicateKeyIsRefusedAtAnyDepth) {
  EXPECT_FALSE(ParseJsonObject(R"({"a": 1, "a": 2})").ok());
  EXPECT_FALSE(ParseJsonObject(R"({"x": {"a": 1, "b": [{"c": 1, "c": 1}]}})").ok());
  EXPECT_FALSE(ParseJsonObject(R"({"": 1, "": 2})").ok());
  EXPECT_EQ(ParseJsonObject(R"({"a": 1, "a": 2})").status().message(), "a: given twice");
  EXPECT_TRUE(ParseJsonObject(R"({"a": {"a": 1}, "b": [{"a": 1}, {"a": 2}]})").ok());
  EXPECT_TRUE(ParseJsonObjectKeepingLastKey(R"({"a": 1, "a": 2})").ok());
}

}  // namespace
}  // namespace clicktrack::tracker
