#pragma once

// HTTP/1.1 on the wire, without the socket: a request parser that keeps only what the router
// reads, and a response serialiser. Both reuse their strings from request to request, so a
// warm connection allocates nothing for them. Beast's basic_parser does the parsing.

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"
#include "boost/beast/core/error.hpp"
#include "boost/beast/http/basic_parser.hpp"
#include "boost/beast/http/verb.hpp"

#include "tracker/http/http_types.h"

namespace clicktrack::tracker {

// What one request carried, as far as the router is concerned. Owned by a connection and
// cleared, not freed, between its requests.
struct RequestData {
  boost::beast::http::verb verb = boost::beast::http::verb::unknown;
  std::string method;  // as sent, for logs
  std::string target;
  std::string authorization;
  std::string cookie;  // several Cookie fields are joined with "; "
  std::string user_agent;
  std::string x_signature;
  std::string stripe_signature;
  std::string if_none_match;
  std::string accept_encoding;  // several fields are joined with ", "
  std::string idempotency_key;
  std::string forwarded_for;  // X-Forwarded-For; several fields are joined with ", "
  std::string body;
  BodyPlace body_place = BodyPlace::kMemory;
  int body_file = -1;  // owned: closed by Clear() and the destructor
  std::string body_error;
  uint64_t body_limit = 0;  // the limit this request was parsed under
  unsigned version = 11;    // 10 or 11
  bool expect_continue = false;
  // Set with a parse error of our own (RFC 9112 rules Beast does not enforce): why the
  // request is refused, for the 400's body.
  absl::string_view rejection;
  // What the header checks need; not part of the router's view.
  int host_fields = 0;
  int authorization_fields = 0;
  int content_length_fields = 0;
  std::string transfer_encoding;  // several fields are joined with ", "

  RequestData() = default;
  ~RequestData();
  RequestData(const RequestData&) = delete;
  RequestData& operator=(const RequestData&) = delete;

  void Clear();
  // Whether the body is being spooled: to a file, or dropped.
  bool spooling() const {
    return body_place == BodyPlace::kFile || body_place == BodyPlace::kDropped;
  }
  // The router's view of it; valid while this object is unchanged.
  HttpRequest View() const;
};

// A request's id: unique within the process's run, and across runs with the random tag.
struct RequestId {
  uint32_t process = 0;  // random, chosen when the server starts
  size_t loop = 0;       // the event loop
  uint64_t n = 0;        // the loop's count of requests so far

  void AppendTo(std::string& out) const;  // "<8 hex>-<loop>-<n>"
  std::string Text() const {
    std::string text;
    AppendTo(text);
    return text;
  }
};

// Parses one request into a RequestData. One parser per request (Beast's parsers cannot be
// reset); construction costs nothing. Runs eagerly: a put() with the whole request in its
// buffer parses header and body at once.
// Beyond Beast's checks it refuses (an error, with data.rejection saying why), as RFC 9112
// requires: a Transfer-Encoding other than `chunked` (§6.3: the body's end is unknown, and
// reading it as empty lets a body smuggle a second request), one with a Content-Length too,
// an HTTP/1.1 request without exactly one Host (§3.2), and two Authorization fields. An
// absolute-form target (`http://host/path?q`, §3.2.2) is turned into its origin form.
// With a `spool` (may be null), the requests it accepts get its limit and its file.
class RequestParser final : public boost::beast::http::basic_parser<true> {
 public:
  RequestParser(RequestData& data, uint32_t header_limit, uint64_t body_limit,
                const BodySpool* spool);

 private:
  using ErrorCode = boost::beast::error_code;
  using StringView = boost::beast::string_view;

  void on_request_impl(boost::beast::http::verb method, StringView method_text, StringView target,
                       int version, ErrorCode& ec) override;
  void on_response_impl(int code, StringView reason, int version, ErrorCode& ec) override;
  void on_field_impl(boost::beast::http::field name, StringView name_text, StringView value,
                     ErrorCode& ec) override;
  void on_header_impl(ErrorCode& ec) override;
  void on_body_init_impl(const boost::optional<std::uint64_t>& content_length,
                         ErrorCode& ec) override;
  std::size_t on_body_impl(StringView body, ErrorCode& ec) override;
  void on_chunk_header_impl(std::uint64_t size, StringView extensions, ErrorCode& ec) override;
  std::size_t on_chunk_body_impl(std::uint64_t remain, StringView body, ErrorCode& ec) override;
  void on_finish_impl(ErrorCode& ec) override;

  // Opens the spool file, or drops the body, once the header is complete.
  void StartSpool();
  void StoreBody(StringView bytes);

  RequestData& data_;
  const BodySpool* spool_;
  bool spool_accepted_ = false;
};

// Appends `response` as HTTP/1.x bytes to `out`: status line, Server, Content-Type, the
// response's headers, Content-Length (none for 1xx, 204 and 304), Connection when it differs
// from the version's default, then the body unless `head` (a HEAD keeps the GET's length).
// A streamed response (HttpResponse::stream) gets Transfer-Encoding: chunked instead of a
// Content-Length (none for HTTP/1.0, whose body ends with the connection), and no body here.
// With `id`, an X-Request-Id header names the request as the access log does.
void SerializeResponse(const HttpResponse& response, unsigned version, bool keep_alive, bool head,
                       std::string& out, const RequestId* id = nullptr);

// Appends one piece of a streamed body to `out`: a chunk (none for an empty piece), and after
// the `last` piece the final empty chunk. HTTP/1.0: the bytes as they are.
void AppendStreamPiece(absl::string_view piece, unsigned version, bool last, std::string& out);

}  // namespace clicktrack::tracker
