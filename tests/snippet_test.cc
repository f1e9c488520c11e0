// GET /t.js (SPEC §4.8): the first-party snippet, served from the binary and cached by ETag.

#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

#include "tests/integration_fixture.h"

namespace clicktrack::testing {
namespace {

using SnippetTest = TrackerdTest;

TEST_F(SnippetTest, ServedSmallCacheableAndRevalidatedByETag) {
  const HttpResult script = Send("GET", "/t.js");
  ASSERT_EQ(script.status, 200);
  EXPECT_EQ(script.Header("content-type"), "application/javascript");
  EXPECT_EQ(script.Header("cache-control"), "public, max-age=3600");
  const std::string etag = script.Header("etag");
  ASSERT_EQ(etag.size(), 18u) << etag;  // a quoted strong tag of 16 hex digits
  EXPECT_LT(script.body.size(), 2048u);
  EXPECT_TRUE(absl::StrContains(script.body, "clicktrack = { convert: convert"));
  EXPECT_TRUE(absl::StrContains(script.body, "data-program"));

  for (const std::string& condition :
       {etag, absl::StrCat("W/", etag), absl::StrCat("\"x\", ", etag), std::string("*")}) {
    const HttpResult unchanged =
        Send("GET", "/t.js", "", {absl::StrCat("If-None-Match: ", condition)});
    EXPECT_EQ(unchanged.status, 304) << condition;
    EXPECT_EQ(unchanged.Header("etag"), etag);
    EXPECT_TRUE(unchanged.body.empty());
  }
  EXPECT_EQ(Send("GET", "/t.js", "", {"If-None-Match: \"other\""}).status, 200);
  const HttpResult head = Send("HEAD", "/t.js");
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.Header("etag"), etag);
  const HttpResult post = Send("POST", "/t.js");
  EXPECT_EQ(post.status, 405);
  EXPECT_EQ(post.Header("allow"), "GET, HEAD");
}

}  // namespace
}  // namespace clicktrack::testing
