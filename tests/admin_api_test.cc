// The admin API over HTTP against a real trackerd: auth, the records, every error status.

#include "absl/strings/match.h"
#include "gtest/gtest.h"

#include "tests/integration_fixture.h"

namespace clicktrack::testing {
namespace {

class AdminApiTest : public TrackerdTest {};

void ExpectError(const HttpResult& result, int status, absl::string_view mention) {
  EXPECT_EQ(result.status, status) << result.body;
  EXPECT_EQ(result.Header("content-type"), "application/json");
  EXPECT_TRUE(absl::StartsWith(result.body, R"({"error":")")) << result.body;
  EXPECT_TRUE(absl::StrContains(result.body, mention))
      << result.body << " should mention " << mention;
}

TEST_F(AdminApiTest, MissingOrWrongTokenIs401) {
  ExpectError(Send("GET", "/api/v1/programs/acme"), 401, "admin token");
  ExpectError(
      Send("GET", "/api/v1/programs/acme", "", {"Authorization: Bearer wrong-token-0123456789"}),
      401, "admin token");
  ExpectError(Send("GET", "/api/v1/programs/acme", "",
                   {std::string("Authorization: Basic ") + kAdminToken}),
              401, "admin token");
  EXPECT_EQ(Send("GET", "/api/v1/programs/acme").Header("www-authenticate"), "Bearer");
  // A 401 changes nothing.
  EXPECT_EQ(Send("PUT", "/api/v1/programs/acme", R"({"name": "A", "currency": "USD"})").status,
            401);
  EXPECT_EQ(Call("GET", "/api/v1/programs/acme").status, 404);
}

TEST_F(AdminApiTest, ProgramRoundTripOmitsSecrets) {
  SeedProgram();
  const HttpResult program = Call("GET", "/api/v1/programs/acme");
  ASSERT_EQ(program.status, 200);
  EXPECT_TRUE(absl::StrContains(program.body, R"("name":"Acme SaaS")"));
  EXPECT_TRUE(absl::StrContains(program.body, R"("first_sale":{"percent":"20"})"));
  EXPECT_TRUE(absl::StrContains(program.body, R"("window":"720h")"));
  EXPECT_FALSE(absl::StrContains(program.body, "at-least-16-chars"));
}

TEST_F(AdminApiTest, PartnersAreListedInOrder) {
  SeedProgram();
  ASSERT_EQ(
      Call("PUT", "/api/v1/programs/acme/partners/a0", R"({"email": "a@example.com"})").status,
      200);
  const HttpResult list = Call("GET", "/api/v1/programs/acme/partners");
  ASSERT_EQ(list.status, 200);
  const size_t a0 = list.body.find(R"("id":"a0")");
  const size_t p1 = list.body.find(R"("id":"p1")");
  ASSERT_NE(a0, std::string::npos);
  ASSERT_NE(p1, std::string::npos);
  EXPECT_LT(a0, p1);
  ExpectError(Call("GET", "/api/v1/programs/acme/partners/zz"), 404, "partner zz");
  ExpectError(Call("PUT", "/api/v1/programs/nope/partners/p1", "{}"), 404, "program nope");
}

TEST_F(AdminApiTest, LinksAreCreatedReadAndPatched) {
  SeedProgram();
  const HttpResult generated =
      Call("POST", "/api/v1/programs/acme/links",
           R"({"partner_id": "p1", "destination": "https://shop.example.com/"})");
  ASSERT_EQ(generated.status, 201) << generated.body;
  const size_t at = generated.body.find(R"("code":")");
  ASSERT_NE(at, std::string::npos);
  const std::string code = generated.body.substr(at + 8, generated.body.find('"', at + 8) - at - 8);
  EXPECT_GE(code.size(), 8u);
  EXPECT_TRUE(absl::StrContains(
      generated.body, absl::StrCat(R"("url":"http://)", process_->address(), "/go/", code)))
      << generated.body;

  MakeLink("mine", "https://shop.example.com/a");
  EXPECT_EQ(Call("GET", "/api/v1/programs/acme/links/mine").status, 200);
  const HttpResult patched = Call("PATCH", "/api/v1/programs/acme/links/mine",
                                  R"({"destination": "https://app.acme.io/b"})");
  ASSERT_EQ(patched.status, 200) << patched.body;
  EXPECT_TRUE(absl::StrContains(patched.body, R"("destination":"https://app.acme.io/b")"));
  EXPECT_TRUE(
      absl::StartsWith(Click("/go/mine").Header("location"), "https://app.acme.io/b?click_id="));
  ExpectError(Call("PATCH", "/api/v1/programs/acme/links/nope", R"({"active": false})"), 404,
              "nope");
}

TEST_F(AdminApiTest, BadJsonAndWrongTypesAre400NamingTheField) {
  ExpectError(Call("PUT", "/api/v1/programs/acme", "{not json"), 400, "not valid JSON");
  ExpectError(Call("PUT", "/api/v1/programs/acme", "[]"), 400, "JSON object");
  ExpectError(Call("PUT", "/api/v1/programs/acme", R"({"name": "A", "currency": 840})"), 400,
              "currency: must be a string");
  ExpectError(Call("PUT", "/api/v1/programs/acme", R"({"name": "A", "currency": "ZZZ"})"), 400,
              "currency");
  ExpectError(Call("PUT", "/api/v1/programs/acme",
                   R"({"name": "A", "currency": "USD", "commission": {"lead": {"fixed": 2.5}}})"),
              400, "commission.lead.fixed");
  ExpectError(
      Call("PUT", "/api/v1/programs/acme",
           absl::StrCat(R"({"name": ")", std::string(300, 'n'), R"(", "currency": "USD"})")),
      400, "name");
  ExpectError(Call("PUT", "/api/v1/programs/acme", "{\"name\": \"A\xff\", \"currency\": \"USD\"}"),
              400, "JSON");
  // Nothing of the above was stored.
  EXPECT_EQ(Call("GET", "/api/v1/programs/acme").status, 404);

  SeedProgram();
  ExpectError(Call("PUT", "/api/v1/programs/acme/partners/p2", R"({"email": 7})"), 400, "email");
  ExpectError(Call("PUT", "/api/v1/programs/acme/partners/p2", R"({"postback_url": "ftp://x"})"),
              400, "postback_url");
  ExpectError(Call("PUT", "/api/v1/programs/acme/partners/p2", R"({"joined_at": "last week"})"),
              400, "joined_at");
  EXPECT_EQ(Call("GET", "/api/v1/programs/acme/partners/p2").status, 404);
}

TEST_F(AdminApiTest, OddCharactersInIdsAndCodesAre400) {
  SeedProgram();
  ExpectError(Call("PUT", "/api/v1/programs/a%20b", R"({"name": "A", "currency": "USD"})"), 400,
              "program_id");
  ExpectError(Call("PUT", "/api/v1/programs/a.b", R"({"name": "A", "currency": "USD"})"), 400,
              "program_id");
  ExpectError(Call("PUT", absl::StrCat("/api/v1/programs/", std::string(65, 'a')),
                   R"({"name": "A", "currency": "USD"})"),
              400, "program_id");
  ExpectError(Call("PUT", "/api/v1/programs/acme/partners/p%2F1", "{}"), 400, "partner_id");
  ExpectError(
      Call(
          "POST", "/api/v1/programs/acme/links",
          R"({"partner_id": "p1", "code": "bad code", "destination": "https://shop.example.com/"})"),
      400, "code");
  ExpectError(Call("POST", "/api/v1/programs/acme/links",
                   R"({"partner_id": "p/1", "destination": "https://shop.example.com/"})"),
              400, "partner_id");
  ExpectError(Call("GET", "/api/v1/programs/acme/links/bad$code"), 400, "code");
}

TEST_F(AdminApiTest, DestinationsMustBeAllowedHttpUrls) {
  SeedProgram();
  for (const char* destination :
       {"javascript:alert(1)", "ftp://shop.example.com/", "https://evil.example.net/",
        "https://shop.example.com@evil.example.net/", "https://acme.io/", "/relative/path", ""}) {
    ExpectError(Call("POST", "/api/v1/programs/acme/links",
                     absl::StrCat(R"({"partner_id": "p1", "code": "x1", "destination": ")",
                                  destination, R"("})")),
                400, "destination");
  }
  EXPECT_EQ(Call("GET", "/api/v1/programs/acme/links/x1").status, 404);
  MakeLink("ok1", "https://shop.example.com/");
  ExpectError(Call("PATCH", "/api/v1/programs/acme/links/ok1",
                   R"({"destination": "https://evil.example.net/"})"),
              400, "destination");
  EXPECT_EQ(Click("/go/ok1").Header("location").substr(0, 25), "https://shop.example.com/");
}

TEST_F(AdminApiTest, UnknownPartnerIs404AndDuplicateCodeIs409) {
  SeedProgram();
  ExpectError(Call("POST", "/api/v1/programs/acme/links",
                   R"({"partner_id": "ghost", "destination": "https://shop.example.com/"})"),
              404, "partner ghost");
  ExpectError(Call("POST", "/api/v1/programs/nope/links",
                   R"({"partner_id": "p1", "destination": "https://shop.example.com/"})"),
              404, "program nope");
  MakeLink("taken", "https://shop.example.com/1");
  ExpectError(
      Call("POST", "/api/v1/programs/acme/links",
           R"({"partner_id": "p1", "code": "taken", "destination": "https://shop.example.com/2"})"),
      409, "taken");
  EXPECT_TRUE(absl::StrContains(Click("/go/taken").Header("location"), "shop.example.com/1?"));
}

TEST_F(AdminApiTest, CurrencyIsFixedOnceTheProgramHasConversions) {
  SeedProgram();
  const std::string in_eur =
      R"({"name": "Acme SaaS", "currency": "EUR", "postback_secret": "at-least-16-chars",
          "allowed_hosts": ["shop.example.com"]})";
  const std::string in_usd =
      R"({"name": "Acme SaaS", "currency": "usd", "postback_secret": "at-least-16-chars",
          "allowed_hosts": ["shop.example.com"]})";
  // Without conversions the currency may still change (a set-up mistake, fixed).
  ASSERT_EQ(Call("PUT", "/api/v1/programs/acme", in_eur).status, 200);
  ASSERT_EQ(Call("PUT", "/api/v1/programs/acme", in_usd).status, 200);
  ASSERT_EQ(Send("GET",
                 "/postback?program=acme&token=at-least-16-chars&order_id=o1&amount=10.00"
                 "&currency=USD")
                .status,
            200);
  const HttpResult refused = Call("PUT", "/api/v1/programs/acme", in_eur);
  EXPECT_EQ(refused.status, 409);
  EXPECT_TRUE(absl::StrContains(refused.body, "currency")) << refused.body;
  EXPECT_TRUE(absl::StrContains(Call("GET", "/api/v1/programs/acme").body, R"("currency":"USD")"));
  // Other changes, with the same currency, are still fine; so is another program's currency.
  EXPECT_EQ(Call("PUT", "/api/v1/programs/acme", in_usd).status, 200);
  EXPECT_EQ(Call("PUT", "/api/v1/programs/acme2", in_eur).status, 200);
  EXPECT_EQ(Call("PUT", "/api/v1/programs/acme2", in_usd).status, 200);
}

// SPEC §4.7: a postback into the tracker's own network is refused when the partner is saved,
// unless the daemon runs with --block-private-postbacks=false (private networks, tests).
TEST_F(AdminApiTest, PrivatePostbackUrlsAreRefusedUnlessAllowed) {
  SeedProgram();
  const std::string body = R"({"name": "P", "postback_url": "http://127.0.0.1:9/pb?c={click_id}"})";
  ExpectError(Call("PUT", "/api/v1/programs/acme/partners/p2", body), 400,
              "postback_url: host 127.0.0.1 is a loopback, private or link-local address");
  EXPECT_EQ(Call("GET", "/api/v1/programs/acme/partners/p2").status, 404);
  ASSERT_EQ(process_->Signal(SIGTERM), 0);
  StartTrackerd({"--block-private-postbacks=false"});
  EXPECT_EQ(Call("PUT", "/api/v1/programs/acme/partners/p2", body).status, 200);
}

TEST_F(AdminApiTest, ConfigSurvivesRestart) {
  SeedProgram();
  MakeLink("keep", "https://shop.example.com/k");
  ASSERT_EQ(process_->Signal(SIGTERM), 0);
  StartTrackerd();
  EXPECT_EQ(Call("GET", "/api/v1/programs/acme").status, 200);
  EXPECT_EQ(Call("GET", "/api/v1/programs/acme/partners/p1").status, 200);
  EXPECT_EQ(Click("/go/keep").status, 302);
}

}  // namespace
}  // namespace clicktrack::testing
