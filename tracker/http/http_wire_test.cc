#include "tracker/http/http_wire.h"

#include <unistd.h>

#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "boost/asio/buffer.hpp"
#include "boost/beast/http/error.hpp"
#include "gtest/gtest.h"

namespace clicktrack::tracker {
namespace {

namespace http = boost::beast::http;

struct Parsed {
  boost::beast::error_code ec;
  bool done = false;
  size_t used = 0;
};

Parsed Parse(RequestData& data, absl::string_view bytes, uint32_t header_limit = 8192,
             uint64_t body_limit = 65536, const BodySpool* spool = nullptr) {
  RequestParser parser(data, header_limit, body_limit, spool);
  Parsed parsed;
  parsed.used = parser.put(boost::asio::const_buffer(bytes.data(), bytes.size()), parsed.ec);
  parsed.done = parser.is_done();
  return parsed;
}

TEST(RequestParserTest, KeepsWhatTheRouterReads) {
  RequestData data;
  const Parsed parsed =
      Parse(data,
            "POST /postback?x=1 HTTP/1.1\r\nHost: t\r\nUser-Agent: UA/1\r\n"
            "Authorization: Bearer abc\r\nx-signature: sha256=ff\r\n"
            "Cookie: a=1\r\nCookie: tc_cid=XYZ\r\nContent-Length: 4\r\n\r\nbodyGET");
  ASSERT_FALSE(parsed.ec) << parsed.ec.message();
  EXPECT_TRUE(parsed.done);
  const HttpRequest request = data.View();
  EXPECT_EQ(request.method, Method::kPost);
  EXPECT_EQ(data.method, "POST");
  EXPECT_EQ(request.target, "/postback?x=1");
  EXPECT_EQ(request.user_agent, "UA/1");
  EXPECT_EQ(request.authorization, "Bearer abc");
  EXPECT_EQ(request.x_signature, "sha256=ff");
  EXPECT_EQ(request.cookie, "a=1; tc_cid=XYZ");
  EXPECT_EQ(request.body, "body");
  EXPECT_EQ(data.version, 11u);
}

TEST(RequestParserTest, StopsAtTheEndOfOnePipelinedRequest) {
  RequestData data;
  const std::string first = "GET /go/a HTTP/1.1\r\nHost: t\r\n\r\n";
  const Parsed parsed = Parse(data, first + "GET /go/b HTTP/1.1\r\n\r\n");
  ASSERT_FALSE(parsed.ec);
  EXPECT_TRUE(parsed.done);
  EXPECT_EQ(parsed.used, first.size());
  EXPECT_EQ(data.target, "/go/a");
}

// Defect 7 of issue 10 (request smuggling): a Transfer-Encoding whose last coding is not
// chunked was read as an empty body, and the body then parsed as the next request.
TEST(RequestParserTest, RefusesTransferEncodingsOtherThanChunked) {
  for (const char* coding : {"gzip", "chunked, gzip", "xchunked", "identity", "gzip, chunked"}) {
    RequestData data;
    const Parsed parsed = Parse(data, absl::StrCat("POST /postback HTTP/1.1\r\nHost: t\r\n"
                                                   "Transfer-Encoding: ",
                                                   coding, "\r\n\r\nGET /go/x HTTP/1.1\r\n\r\n"));
    EXPECT_TRUE(parsed.ec) << coding;
    EXPECT_TRUE(absl::StrContains(data.rejection, "Transfer-Encoding")) << coding;
  }
  RequestData split;
  EXPECT_TRUE(Parse(split,
                    "POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n"
                    "Transfer-Encoding: gzip\r\n\r\n0\r\n\r\n")
                  .ec);
  RequestData both;
  EXPECT_TRUE(Parse(both,
                    "POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n"
                    "Content-Length: 5\r\n\r\n0\r\n\r\n")
                  .ec);
  RequestData chunked;
  EXPECT_FALSE(Parse(chunked,
                     "POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: Chunked\r\n"
                     "\r\n3\r\nabc\r\n0\r\n\r\n")
                   .ec);
  EXPECT_EQ(chunked.body, "abc");
}

// Defect 13 of issue 10: RFC 9112 conformance of the request head.
TEST(RequestParserTest, NeedsOneHostInHttp11AndOneAuthorization) {
  RequestData none;
  EXPECT_TRUE(Parse(none, "GET / HTTP/1.1\r\n\r\n").ec);
  EXPECT_TRUE(absl::StrContains(none.rejection, "Host"));
  RequestData two;
  EXPECT_TRUE(Parse(two, "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n").ec);
  RequestData old;
  EXPECT_FALSE(Parse(old, "GET / HTTP/1.0\r\n\r\n").ec);  // 1.0 had no Host
  RequestData auth;
  EXPECT_TRUE(Parse(auth,
                    "GET / HTTP/1.1\r\nHost: a\r\nAuthorization: Bearer x\r\n"
                    "Authorization: Bearer y\r\n\r\n")
                  .ec);
  EXPECT_TRUE(absl::StrContains(auth.rejection, "Authorization"));
}

TEST(RequestParserTest, AcceptsAbsoluteFormTargets) {
  const std::pair<const char*, const char*> cases[] = {
      {"http://t.example/go/a?sub1=x", "/go/a?sub1=x"},
      {"HTTPS://t.example:8443/healthz", "/healthz"},
      {"http://t.example", "/"},
      {"http://t.example?x=1", "/?x=1"},
      {"/plain?q", "/plain?q"},
  };
  for (const auto& [target, origin] : cases) {
    RequestData data;
    const Parsed parsed =
        Parse(data, absl::StrCat("GET ", target, " HTTP/1.1\r\nHost: t.example\r\n\r\n"));
    ASSERT_FALSE(parsed.ec) << target;
    EXPECT_EQ(data.target, origin);
  }
}

TEST(RequestParserTest, ChunkedBodiesAreJoined) {
  RequestData data;
  const Parsed parsed =
      Parse(data,
            "POST /postback HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
            "3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n");
  ASSERT_FALSE(parsed.ec) << parsed.ec.message();
  EXPECT_TRUE(parsed.done);
  EXPECT_EQ(data.body, "abcde");
}

TEST(RequestParserTest, LimitsAndMalformedInputAreErrors) {
  RequestData data;
  EXPECT_EQ(Parse(data, "GET / HTTP/1.1\r\nX: " + std::string(200, 'a') + "\r\n\r\n", 100).ec,
            http::error::header_limit);
  data.Clear();
  EXPECT_EQ(Parse(data, "POST / HTTP/1.1\r\nContent-Length: 11\r\n\r\n", 8192, 10).ec,
            http::error::body_limit);
  data.Clear();
  EXPECT_TRUE(Parse(data, "GARBAGE\r\n\r\n").ec);
  data.Clear();
  EXPECT_EQ(Parse(data, "GET / HTTP/1.1\r\nHost: t\r\n").ec, http::error::need_more);
}

// The whole content of the file open as `fd`.
std::string ReadAll(int fd) {
  std::string content;
  char chunk[256];
  for (off_t at = 0;;) {
    const ssize_t got = pread(fd, chunk, sizeof chunk, at);
    if (got <= 0) {
      return content;
    }
    content.append(chunk, static_cast<size_t>(got));
    at += got;
  }
}

TEST(RequestParserTest, SpoolsAcceptedBodiesToAFileUpToTheSpoolLimit) {
  const BodySpool spool{
      .accepts =
          [](Method method, absl::string_view target) {
            return method == Method::kPost && target == "/in";
          },
      .admits = [](absl::string_view authorization) { return authorization == "Bearer ok"; },
      .dir = testing::TempDir(),
      .limit = 100,
  };
  const std::string body(80, 'x');  // over the body limit of 16, within the spool's
  const std::string head = "POST /in HTTP/1.1\r\nHost: t\r\nContent-Length: 80\r\n";
  RequestData data;
  Parsed parsed = Parse(data, head + "Authorization: Bearer ok\r\n\r\n" + body, 8192, 16, &spool);
  ASSERT_FALSE(parsed.ec) << parsed.ec.message();
  EXPECT_EQ(data.View().body_place, BodyPlace::kFile);
  EXPECT_EQ(data.body, "");
  EXPECT_EQ(ReadAll(data.View().body_file), body);
  data.Clear();
  EXPECT_EQ(data.body_file, -1);

  parsed = Parse(data, head + "Authorization: Bearer no\r\n\r\n" + body, 8192, 16, &spool);
  ASSERT_FALSE(parsed.ec) << parsed.ec.message();
  EXPECT_EQ(data.body_place, BodyPlace::kDropped);
  EXPECT_EQ(data.body_file, -1);
  data.Clear();

  parsed =
      Parse(data, "POST /in HTTP/1.1\r\nHost: t\r\nContent-Length: 101\r\n\r\n", 8192, 16, &spool);
  EXPECT_EQ(parsed.ec, http::error::body_limit);
  EXPECT_EQ(data.body_limit, 100u);
  data.Clear();
  parsed = Parse(data, "POST /other HTTP/1.1\r\nHost: t\r\nContent-Length: 17\r\n\r\n", 8192, 16,
                 &spool);
  EXPECT_EQ(parsed.ec, http::error::body_limit);
}

TEST(RequestParserTest, ExpectContinueIsNoted) {
  RequestData data;
  const Parsed parsed = Parse(
      data, "POST / HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n");
  EXPECT_FALSE(parsed.ec);
  EXPECT_FALSE(parsed.done);  // the header is in, the body is awaited
  EXPECT_TRUE(data.expect_continue);
  data.Clear();
  EXPECT_FALSE(data.expect_continue);
  EXPECT_TRUE(data.body.empty());
}

HttpResponse Redirect() {
  HttpResponse response;
  response.status = 302;
  response.headers.emplace_back("Location", "https://shop.example.com/?click_id=1");
  return response;
}

TEST(SerializeResponseTest, RedirectOnKeptAliveHttp11) {
  std::string out;
  SerializeResponse(Redirect(), 11, /*keep_alive=*/true, /*head=*/false, out);
  EXPECT_EQ(out,
            "HTTP/1.1 302 Found\r\nServer: clicktrack\r\n"
            "Location: https://shop.example.com/?click_id=1\r\nContent-Length: 0\r\n\r\n");
}

TEST(SerializeResponseTest, ConnectionHeaderOnlyWhereTheVersionDiffers) {
  std::string out;
  SerializeResponse(Redirect(), 11, /*keep_alive=*/false, /*head=*/false, out);
  EXPECT_TRUE(absl::StrContains(out, "\r\nConnection: close\r\n\r\n")) << out;
  out.clear();
  SerializeResponse(Redirect(), 10, /*keep_alive=*/true, /*head=*/false, out);
  EXPECT_TRUE(absl::StartsWith(out, "HTTP/1.0 302 Found\r\n")) << out;
  EXPECT_TRUE(absl::StrContains(out, "\r\nConnection: keep-alive\r\n\r\n")) << out;
  out.clear();
  SerializeResponse(Redirect(), 10, /*keep_alive=*/false, /*head=*/false, out);
  EXPECT_FALSE(absl::StrContains(out, "Connection")) << out;
}

TEST(SerializeResponseTest, BodyWithTypeAndHeadKeepsTheLength) {
  HttpResponse response;
  response.status = 404;
  response.content_type = "application/json";
  response.body = R"({"error":"x"})";
  std::string out;
  SerializeResponse(response, 11, true, /*head=*/false, out);
  EXPECT_EQ(out,
            "HTTP/1.1 404 Not Found\r\nServer: clicktrack\r\nContent-Type: application/json\r\n"
            "Content-Length: 13\r\n\r\n{\"error\":\"x\"}");
  out.clear();
  SerializeResponse(response, 11, true, /*head=*/true, out);
  EXPECT_TRUE(absl::EndsWith(out, "Content-Length: 13\r\n\r\n")) << out;
}

TEST(SerializeResponseTest, NoContentLengthFor204) {
  HttpResponse response;
  response.status = 204;
  std::string out;
  SerializeResponse(response, 11, true, false, out);
  EXPECT_EQ(out, "HTTP/1.1 204 No Content\r\nServer: clicktrack\r\n\r\n");
}

TEST(SerializeResponseTest, AStreamedBodyIsChunkedInHttp11AndRawInHttp10) {
  HttpResponse response;
  response.content_type = "text/csv";
  response.body = "ignored";
  response.stream = [](std::string&) { return StreamStep::kDone; };
  std::string out;
  SerializeResponse(response, 11, /*keep_alive=*/true, /*head=*/false, out);
  EXPECT_EQ(out,
            "HTTP/1.1 200 OK\r\nServer: clicktrack\r\nContent-Type: text/csv\r\n"
            "Transfer-Encoding: chunked\r\n\r\n");
  out.clear();
  AppendStreamPiece("a,b\r\n", 11, /*last=*/false, out);
  AppendStreamPiece("", 11, /*last=*/false, out);  // nothing: an empty chunk would end the body
  AppendStreamPiece(std::string(26, 'x'), 11, /*last=*/true, out);
  EXPECT_EQ(out, "5\r\na,b\r\n\r\n1a\r\n" + std::string(26, 'x') + "\r\n0\r\n\r\n");

  out.clear();
  SerializeResponse(response, 10, /*keep_alive=*/false, /*head=*/false, out);
  EXPECT_EQ(out, "HTTP/1.0 200 OK\r\nServer: clicktrack\r\nContent-Type: text/csv\r\n\r\n");
  out.clear();
  AppendStreamPiece("a,b", 10, /*last=*/true, out);
  EXPECT_EQ(out, "a,b");
}

}  // namespace
}  // namespace clicktrack::tracker
