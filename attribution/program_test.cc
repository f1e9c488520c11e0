#include "attribution/program.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace clicktrack::attribution {
namespace {

Program ValidProgram() {
  Program program;
  program.id = "acme";
  program.name = "Acme SaaS";
  program.currency = *FindCurrency("USD");
  program.postback_secret = "0123456789abcdef";
  program.allowed_hosts = {"shop.example.com", "*.acme.io"};
  return program;
}

void ExpectInvalid(const Program& program, absl::string_view field) {
  const absl::Status status = ValidateProgram(program);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << field;
  EXPECT_EQ(status.message().substr(0, field.size()), field) << status;
}

TEST(ProgramTest, ValidProgramPasses) { EXPECT_TRUE(ValidateProgram(ValidProgram()).ok()); }

TEST(ProgramTest, EachBadFieldIsNamed) {
  Program p = ValidProgram();
  p.id = "a/b";
  ExpectInvalid(p, "program_id");
  p = ValidProgram();
  p.name = "";
  ExpectInvalid(p, "name");
  p = ValidProgram();
  p.name = std::string(201, 'n');
  ExpectInvalid(p, "name");
  p = ValidProgram();
  p.postback_secret = "short";
  ExpectInvalid(p, "postback_secret");
  p = ValidProgram();
  p.allowed_hosts = {"https://shop.example.com"};
  ExpectInvalid(p, "allowed_hosts[0]");
  p = ValidProgram();
  p.attribution.window = absl::ZeroDuration();
  ExpectInvalid(p, "attribution.window");
  p = ValidProgram();
  p.commission.rules.first_sale = CommissionRule{};
  ExpectInvalid(p, "commission.first_sale");
  p = ValidProgram();
  p.segments.window_days = 0;
  ExpectInvalid(p, "segments.window_days");
}

TEST(HostPatternTest, ValidAndInvalidPatterns) {
  for (const char* good :
       {"shop.example.com", "*.example.com", "localhost", "127.0.0.1", "xn--bcher-kva.example"}) {
    EXPECT_TRUE(IsValidHostPattern(good)) << good;
  }
  for (const char* bad :
       {"", "*", "*.", "Shop.example.com", "shop.example.com:443", "shop.example.com/x", "http://x",
        "a..b", "-a.com", "a-.com", "*.*.example.com", "ex ample.com", "sub.*.example.com"}) {
    EXPECT_FALSE(IsValidHostPattern(bad)) << bad;
  }
}

TEST(HostAllowedTest, ExactAndWildcardMatching) {
  const std::vector<std::string> allowed = {"shop.example.com", "*.acme.io"};
  EXPECT_TRUE(IsHostAllowed(allowed, "shop.example.com"));
  EXPECT_TRUE(IsHostAllowed(allowed, "SHOP.Example.COM"));
  EXPECT_TRUE(IsHostAllowed(allowed, "shop.example.com."));
  EXPECT_TRUE(IsHostAllowed(allowed, "app.acme.io"));
  EXPECT_TRUE(IsHostAllowed(allowed, "a.b.acme.io"));
  EXPECT_FALSE(IsHostAllowed(allowed, "acme.io"));  // the bare domain is not a subdomain
  EXPECT_FALSE(IsHostAllowed(allowed, "evilacme.io"));
  EXPECT_FALSE(IsHostAllowed(allowed, "example.com"));
  EXPECT_FALSE(IsHostAllowed(allowed, "shop.example.com.evil.com"));
  EXPECT_FALSE(IsHostAllowed(allowed, ""));
  EXPECT_FALSE(IsHostAllowed({}, "shop.example.com"));
}

TEST(PartnerTest, Validation) {
  Partner partner{.program_id = "acme", .id = "p1", .name = "Jane", .email = "jane@example.com"};
  EXPECT_TRUE(ValidatePartner(partner).ok());
  partner.email = "not-an-email";
  EXPECT_EQ(ValidatePartner(partner).code(), absl::StatusCode::kInvalidArgument);
  partner.email = "";
  partner.id = "p 1";
  EXPECT_NE(ValidatePartner(partner).message().find("partner_id"), absl::string_view::npos);
}

}  // namespace
}  // namespace clicktrack::attribution
