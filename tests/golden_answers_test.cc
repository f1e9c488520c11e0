// Golden answers: a fixed walk through every class of answer and error of the API (route
// precedence, methods, admin scope, bodies, the pixel, postbacks, links), against a real
// trackerd. Each answer's status, Content-Type, Allow, WWW-Authenticate and body, with ids,
// timestamps and the port masked, must match tests/golden/answers.txt line by line, so that a
// refactoring that changes what a client sees fails here. After an intended change:
//   CLICKTRACK_UPDATE_GOLDEN=1 build/tests/integration_test --gtest_filter='GoldenAnswers*'
// and review the diff of the golden file.

#include <cstdlib>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "gtest/gtest.h"

#include "tests/integration_fixture.h"

namespace clicktrack::testing {
namespace {

struct Step {
  const char* method;
  const char* target;
  const char* body;
  bool admin;  // sends the admin token
};

constexpr char kGoldenFile[] = CLICKTRACK_SOURCE_DIR "/tests/golden/answers.txt";

// Requests in order; later ones see what earlier ones stored.
const Step kSteps[] = {
    {"GET", "/", "", false},
    {"GET", "/nope", "", false},
    {"POST", "/go/x", "", false},
    {"DELETE", "/healthz", "", false},
    {"GET", "/healthz", "", false},
    {"HEAD", "/healthz", "", false},
    {"GET", "/readyz", "", false},
    {"HEAD", "/px.gif", "", false},
    {"GET", "/px.gif", "", false},
    {"GET", "/px.gif?program=nope&order_id=1", "", false},
    {"PUT", "/postback", "", false},
    {"GET", "/postback", "", false},
    {"GET", "/postback?program=nope", "", false},
    {"POST", "/postback", "{", false},
    {"GET", "/api/v1/programs", "", true},
    {"GET", "/api/v1/programs/acme", "", false},
    {"GET", "/api/v1/programs/acme/bogus", "", false},
    {"GET", "/api/v1/programs/acme", "", true},
    {"GET", "/api/v1/programs/ac%20me", "", true},
    {"GET", "/api/v1/programs/acme/", "", true},
    {"GET", "/api/v1/programs/acme?a=1&a=2", "", true},
    {"DELETE", "/api/v1/programs/acme", "", true},
    {"HEAD", "/api/v1/programs/acme", "", true},
    {"DELETE", "/api/v1/programs/acme/partners", "", true},
    {"GET", "/api/v1/programs/acme/bogus", "", true},
    {"PUT", "/api/v1/programs/acme", R"({"name":"Acme"})", true},
    {"PUT", "/api/v1/programs/acme",
     R"({"name":"Acme","currency":"USD","allowed_hosts":["shop.example.com"],)"
     R"("postback_secret":"0123456789abcdef","commission":{"first_sale":{"percent":"20"}}})",
     true},
    {"GET", "/api/v1/programs/acme/partners", "", true},
    {"GET", "/api/v1/programs/acme/partners/p%201", "", true},
    {"POST", "/api/v1/programs/acme/partners/p%201", "", true},
    {"GET", "/api/v1/programs/acme/partners/p1", "", true},
    {"PUT", "/api/v1/programs/acme/partners/p1", R"({"name":"P1","email":7})", true},
    {"PUT", "/api/v1/programs/acme/partners/p1", R"({"name":"P1"})", true},
    {"POST", "/api/v1/programs/acme/partners/p1", "", true},
    {"GET", "/api/v1/programs/acme/partners/p1/stats?from=bad", "", true},
    {"GET", "/api/v1/programs/acme/partners/p1/other", "", true},
    {"POST", "/api/v1/programs/acme/partners/p1/stats", "", true},
    {"GET", "/api/v1/programs/acme/partners/p9/commissions", "", true},
    {"GET", "/api/v1/programs/acme/links", "", true},
    {"POST", "/api/v1/programs/acme/links",
     R"({"partner_id":"p9","destination":"https://shop.example.com/x","code":"c1"})", true},
    {"POST", "/api/v1/programs/acme/links",
     R"({"partner_id":"p1","destination":"https://evil.example/x","code":"c1"})", true},
    {"POST", "/api/v1/programs/acme/links",
     R"({"partner_id":"p1","destination":"https://shop.example.com/x","code":"c1"})", true},
    {"POST", "/api/v1/programs/acme/links",
     R"({"partner_id":"p1","destination":"https://shop.example.com/x","code":"c1"})", true},
    {"GET", "/api/v1/programs/acme/links/c%201", "", true},
    {"DELETE", "/api/v1/programs/acme/links/c1", "", true},
    {"PATCH", "/api/v1/programs/acme/links/zz", R"({"active":false})", true},
    {"GET", "/api/v1/programs/acme/links/c1/x", "", true},
    {"GET", "/api/v1/programs/acme/customers", "", true},
    {"GET", "/api/v1/programs/acme/customers?ref=nobody", "", true},
    {"GET", "/api/v1/programs/acme/customers/01kat9qkx1b0000000000000ab", "", true},
    {"GET", "/api/v1/programs/acme/customers/bad", "", true},
    {"POST", "/api/v1/programs/acme/customers/bad", "", true},
    {"GET", "/api/v1/programs/nope/partners", "", true},
    {"HEAD", "/go/c1", "", false},
    {"GET", "/go/", "", false},
    {"GET", "/go/zz", "", false},
    {"GET", "/go/c1/x", "", false},
    {"GET", "/px.gif?program=acme&order_id=o1&amount=1.00&currency=EUR", "", false},
    {"GET", "/px.gif?program=acme&order_id=o1&amount=1.00&currency=USD", "", false},
    {"GET", "/px.gif?program=acme&order_id=o1&amount=2.00&currency=USD", "", false},
    {"GET", "/postback?program=acme&token=wrong&order_id=o2", "", false},
    {"GET", "/postback?program=acme&token=0123456789abcdef&order_id=o2", "", false},
    {"GET", "/postback?program=acme&token=0123456789abcdef&order_id=o2&amount=3.00&currency=USD",
     "", false},
    {"GET",
     "/postback?program=acme&token=0123456789abcdef&order_id=o2&amount=3.00&currency=USD"
     "&status=refunded",
     "", false},
    {"POST", "/postback", R"({"program":"acme","order_id":"o3"})", false},
    {"GET", "/api/v1/programs/acme/partners/p1/commissions?limit=x", "", true},
};

// Ids, timestamps and the daemon's address vary from run to run.
std::string Mask(std::string text, const std::string& address) {
  text = absl::StrReplaceAll(text, {{address, "<ADDRESS>"}});
  static const std::regex kUlid("[0-9A-HJKMNP-TV-Z]{26}");
  static const std::regex kTimestamp(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)");
  return std::regex_replace(std::regex_replace(text, kUlid, "<ID>"), kTimestamp, "<TIME>");
}

class GoldenAnswersTest : public TrackerdTest {
 protected:
  std::string Answer(const Step& step) {
    std::vector<std::string> headers = {kBrowserAgent};
    if (step.admin) {
      headers.push_back(absl::StrCat("Authorization: Bearer ", kAdminToken));
    }
    const HttpResult result = Send(step.method, step.target, step.body, headers);
    const bool binary = result.Header("content-type") == "image/gif";
    return Mask(absl::StrCat(step.method, " ", step.target, " -> ", result.status, " | type: ",
                             result.Header("content-type"), " | allow: ", result.Header("allow"),
                             " | www-authenticate: ", result.Header("www-authenticate"),
                             " | result: ", result.Header("x-tracker-result"), " | body: ",
                             binary ? "<GIF>" : absl::StrReplaceAll(result.body, {{"\n", "\\n"}})),
                process_->address());
  }
};

TEST_F(GoldenAnswersTest, EveryAnswerIsAsRecorded) {
  std::vector<std::string> answers;
  for (const Step& step : kSteps) {
    answers.push_back(Answer(step));
  }
  const char* update = std::getenv("CLICKTRACK_UPDATE_GOLDEN");
  if (update != nullptr && std::string(update) == "1") {
    std::ofstream(kGoldenFile) << absl::StrJoin(answers, "\n") << "\n";
    GTEST_SKIP() << "wrote " << kGoldenFile;
  }
  std::ifstream in(kGoldenFile);
  ASSERT_TRUE(in) << "missing " << kGoldenFile;
  std::stringstream golden;
  golden << in.rdbuf();
  const std::vector<std::string> expected = absl::StrSplit(golden.str(), '\n', absl::SkipEmpty());
  ASSERT_EQ(expected.size(), answers.size()) << "re-record the golden file (see the top)";
  for (size_t i = 0; i < answers.size(); ++i) {
    EXPECT_EQ(answers[i], expected[i]);
  }
}

}  // namespace
}  // namespace clicktrack::testing
