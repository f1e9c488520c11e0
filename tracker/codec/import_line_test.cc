#include "tracker/codec/import_line.h"

#include <string>

#include "gtest/gtest.h"

#include "tracker/common/json_text.h"

namespace clicktrack::tracker {
namespace {

const absl::Time kNow = absl::FromUnixSeconds(1'780'000'000);  // 2026-05-28

absl::Time At(absl::string_view text) { return *ParseTimestamp(text); }

TEST(ImportLineTest, DecodesAClick) {
  absl::StatusOr<ImportedRecord> record = DecodeImportLine(
      R"({"record":"click","at":"2026-01-02T03:04:05Z","link":"spring","click_id":"rf-1",)"
      R"("customer":"cus_1","email":" Ann@Example.com","sub1":"fb","extra":1})",
      "acme", kNow);
  ASSERT_TRUE(record.ok()) << record.status();
  const auto& click = std::get<ImportedClick>(*record);
  EXPECT_EQ(click.at, At("2026-01-02T03:04:05Z"));
  EXPECT_EQ(click.link, "spring");
  EXPECT_EQ(click.click_id, "rf-1");
  EXPECT_EQ(click.customer.customer_ref, "cus_1");
  EXPECT_EQ(click.customer.email_sha256, EmailSha256("ann@example.com"));
  EXPECT_EQ(click.subs[0], "fb");
  EXPECT_EQ(TimeOf(*record), click.at);
}

TEST(ImportLineTest, DecodesAConversionWithItsTimeAndOldClickId) {
  absl::StatusOr<ImportedRecord> record =
      DecodeImportLine(R"({"record":"conversion","at":"2026-01-02T03:04:05+01:00","order_id":"o1",)"
                       R"("amount":"10.00","currency":"USD","click_id":"a4e7-11"})",
                       "acme", kNow);
  ASSERT_TRUE(record.ok()) << record.status();
  const auto& conversion = std::get<ImportedConversion>(*record);
  EXPECT_EQ(conversion.at, At("2026-01-02T02:04:05Z"));
  EXPECT_EQ(conversion.fields.at("occurred_at"), "2026-01-02T02:04:05.000Z");
  EXPECT_EQ(conversion.fields.at("order_id"), "o1");
  EXPECT_FALSE(conversion.fields.contains("click_id"));
  EXPECT_EQ(conversion.click_id, "a4e7-11");
}

TEST(ImportLineTest, DecodesAnOwner) {
  absl::StatusOr<ImportedRecord> record = DecodeImportLine(
      R"({"record":"owner","customer":"cus_9","partner_id":"p1","since":"2025-03-01T00:00:00Z"})",
      "acme", kNow);
  ASSERT_TRUE(record.ok()) << record.status();
  const auto& owner = std::get<ImportedOwner>(*record);
  EXPECT_EQ(owner.customer_ref, "cus_9");
  EXPECT_EQ(owner.partner_id, "p1");
  EXPECT_EQ(TimeOf(*record), At("2025-03-01T00:00:00Z"));
}

TEST(ImportLineTest, RefusesBadLinesWithTheReason) {
  const struct {
    std::string line;
    std::string error;
  } cases[] = {
      {"", "JSON"},
      {"[1]", "object"},
      {R"({"at":"2026-01-01T00:00:00Z"})", "record: is required (a string)"},
      {R"({"record":"visit"})", "record: must be click, conversion or owner"},
      {R"({"record":"click","link":"a"})", "at: is required (a string)"},
      {R"({"record":"click","at":"yesterday","link":"a"})", "at: "},
      {R"({"record":"click","at":"2026-05-28T00:00:00Z","link":"a"})", ""},  // valid: control
      {R"({"record":"click","at":"2026-06-01T00:00:00Z","link":"a"})",
       "at: is more than 5 minutes in the future"},
      {R"({"record":"click","at":"1999-12-31T23:59:59Z","link":"a"})",
       "at: must not be before 2000-01-01"},
      {R"({"record":"click","at":"2026-01-01T00:00:00Z"})", "link: is required (a string)"},
      {R"({"record":"click","at":"2026-01-01T00:00:00Z","link":"a","email":"nobody"})",
       "email: must be an e-mail address"},
      {R"({"record":"click","at":"2026-01-01T00:00:00Z","link":"a","sub1":7})", "sub1: "},
      {R"({"record":"click","at":"2026-01-01T00:00:00Z","link":"a","link":"b"})", "twice"},
      {R"({"record":"conversion","at":"2026-01-01T00:00:00Z","amount":10})", "amount: "},
      {R"({"record":"conversion","at":"2026-01-01T00:00:00Z","program":"other"})",
       "program: is other, but this import is for acme"},
      {R"({"record":"conversion","at":"2026-01-01T00:00:00Z","occurred_at":"2026-01-02T00:00:00Z"})",
       "occurred_at: must be left out, or equal `at`"},
      {R"({"record":"owner","customer":"c","since":"2026-01-01T00:00:00Z"})",
       "partner_id: is required (a string)"},
      {R"({"record":"owner","partner_id":"p","since":"2026-01-01T00:00:00Z"})",
       "customer: is required (a string)"},
      {R"({"record":"owner","partner_id":"p","customer":"c"})", "since: is required (a string)"},
      {std::string(R"({"record":"click","link":")") + std::string(kMaxImportLineSize, 'a') + "\"}",
       "the line is longer than"},
  };
  for (const auto& [line, error] : cases) {
    absl::StatusOr<ImportedRecord> record = DecodeImportLine(line, "acme", kNow);
    if (error.empty()) {
      EXPECT_TRUE(record.ok()) << line << ": " << record.status();
      continue;
    }
    ASSERT_FALSE(record.ok()) << line;
    EXPECT_EQ(record.status().code(), absl::StatusCode::kInvalidArgument) << line;
    EXPECT_NE(record.status().message().find(error), absl::string_view::npos)
        << line.substr(0, 80) << " → " << record.status().message();
  }
}

}  // namespace
}  // namespace clicktrack::tracker
