#include "tracker/http/http_wire.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "boost/beast/core/string.hpp"
#include "boost/beast/http/field.hpp"
#include "boost/beast/http/status.hpp"

namespace clicktrack::tracker {
namespace {

namespace http = boost::beast::http;

void Assign(std::string& to, boost::beast::string_view from) {
  to.assign(from.data(), from.size());
}

// Adds one more field of a name sent several times to what the earlier ones gave.
void AppendField(std::string& to, absl::string_view separator, boost::beast::string_view from) {
  if (!to.empty()) {
    to.append(separator.data(), separator.size());
  }
  to.append(from.data(), from.size());
}

Method ToMethod(http::verb verb) {
  switch (verb) {
    case http::verb::get:
      return Method::kGet;
    case http::verb::head:
      return Method::kHead;
    case http::verb::post:
      return Method::kPost;
    case http::verb::put:
      return Method::kPut;
    case http::verb::patch:
      return Method::kPatch;
    case http::verb::delete_:
      return Method::kDelete;
    default:
      return Method::kOther;
  }
}

// `to` = `target` in origin form: an absolute-form target loses its scheme and authority.
void AssignOriginForm(std::string& to, absl::string_view target) {
  for (absl::string_view scheme : {"http://", "https://"}) {
    if (absl::StartsWithIgnoreCase(target, scheme)) {
      const absl::string_view rest = target.substr(scheme.size());
      const size_t end = std::min(rest.find_first_of("/?"), rest.size());
      to.assign(end < rest.size() && rest[end] == '/' ? "" : "/");
      to.append(rest.data() + end, rest.size() - end);
      return;
    }
  }
  to.assign(target.data(), target.size());
}

// Why a complete header must be refused, or "" (see RequestParser).
absl::string_view HeaderRejection(const RequestData& data) {
  if (!data.transfer_encoding.empty()) {
    if (!absl::EqualsIgnoreCase(absl::StripAsciiWhitespace(data.transfer_encoding), "chunked")) {
      return "Transfer-Encoding must be chunked alone (RFC 9112 section 6.3)";
    }
    if (data.content_length_fields != 0) {
      return "Transfer-Encoding and Content-Length must not both be sent";
    }
  }
  if (data.version == 11 ? data.host_fields != 1 : data.host_fields > 1) {
    return "an HTTP/1.1 request needs exactly one Host header field";
  }
  if (data.authorization_fields > 1) {
    return "Authorization must be sent once";
  }
  return {};
}

// An unlinked read-write file in `dir`, or -1 with errno set.
int OpenUnlinkedFile(const std::string& dir) {
  const int fd = open(dir.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
  if (fd >= 0 || (errno != EOPNOTSUPP && errno != EISDIR)) {
    return fd;
  }
  std::string path = dir + "/body-XXXXXX";  // a file system without O_TMPFILE
  const int made = mkostemp(path.data(), O_CLOEXEC);
  if (made >= 0) {
    unlink(path.c_str());
  }
  return made;
}

}  // namespace

RequestData::~RequestData() {
  if (body_file >= 0) {
    close(body_file);
  }
}

void RequestData::Clear() {
  verb = http::verb::unknown;
  method.clear();
  target.clear();
  authorization.clear();
  cookie.clear();
  user_agent.clear();
  x_signature.clear();
  stripe_signature.clear();
  if_none_match.clear();
  accept_encoding.clear();
  idempotency_key.clear();
  forwarded_for.clear();
  body.clear();
  body_place = BodyPlace::kMemory;
  if (body_file >= 0) {
    close(body_file);
    body_file = -1;
  }
  body_error.clear();
  body_limit = 0;
  version = 11;
  expect_continue = false;
  rejection = {};
  host_fields = 0;
  authorization_fields = 0;
  content_length_fields = 0;
  transfer_encoding.clear();
}

HttpRequest RequestData::View() const {
  return HttpRequest{
      .method = ToMethod(verb),
      .target = target,
      .authorization = authorization,
      .cookie = cookie,
      .user_agent = user_agent,
      .x_signature = x_signature,
      .stripe_signature = stripe_signature,
      .if_none_match = if_none_match,
      .accept_encoding = accept_encoding,
      .idempotency_key = idempotency_key,
      .body = body,
      .body_place = body_place,
      .body_file = body_file,
      .body_error = body_error,
  };
}

RequestParser::RequestParser(RequestData& data, uint32_t header_limit, uint64_t body_limit,
                             const BodySpool* spool)
    : data_(data), spool_(spool) {
  this->header_limit(header_limit);
  this->body_limit(body_limit);
  data_.body_limit = body_limit;
  eager(true);
}

void RequestParser::on_request_impl(http::verb method, StringView method_text, StringView target,
                                    int version, ErrorCode& /*ec*/) {
  data_.verb = method;
  Assign(data_.method, method_text);
  AssignOriginForm(data_.target, absl::string_view(target.data(), target.size()));
  data_.version = version == 10 ? 10 : 11;
  // Beast checks Content-Length against the limit when the header ends: raise it now.
  if (spool_ != nullptr && spool_->accepts && spool_->accepts(ToMethod(method), data_.target)) {
    spool_accepted_ = true;
    body_limit(spool_->limit);
    data_.body_limit = spool_->limit;
  }
}

void RequestParser::on_response_impl(int /*code*/, StringView /*reason*/, int /*version*/,
                                     ErrorCode& ec) {
  ec = http::error::bad_version;  // a request parser never sees a status line
}

void RequestParser::on_field_impl(http::field name, StringView name_text, StringView value,
                                  ErrorCode& /*ec*/) {
  switch (name) {
    case http::field::authorization:
      ++data_.authorization_fields;
      Assign(data_.authorization, value);
      break;
    case http::field::host:
      ++data_.host_fields;
      break;
    case http::field::content_length:
      ++data_.content_length_fields;
      break;
    case http::field::transfer_encoding:
      AppendField(data_.transfer_encoding, ", ", value);
      break;
    case http::field::cookie:
      // RFC 6265 §5.4: one Cookie field, but HTTP/2 gateways may split it into several.
      AppendField(data_.cookie, "; ", value);
      break;
    case http::field::user_agent:
      Assign(data_.user_agent, value);
      break;
    case http::field::if_none_match:
      Assign(data_.if_none_match, value);
      break;
    case http::field::accept_encoding:
      AppendField(data_.accept_encoding, ", ", value);
      break;

    case http::field::expect:
      data_.expect_continue = boost::beast::iequals(value, "100-continue");
      break;
    case http::field::unknown:
      if (boost::beast::iequals(name_text, "X-Signature")) {
        Assign(data_.x_signature, value);
      } else if (boost::beast::iequals(name_text, "Stripe-Signature")) {
        Assign(data_.stripe_signature, value);
      } else if (boost::beast::iequals(name_text, "Idempotency-Key")) {
        Assign(data_.idempotency_key, value);
      } else if (boost::beast::iequals(name_text, "X-Forwarded-For")) {
        // RFC 9110 §5.3: fields of one name combine in order, joined by commas.
        AppendField(data_.forwarded_for, ", ", value);
      }
      break;
    default:
      break;
  }
}

void RequestParser::on_header_impl(ErrorCode& ec) {
  data_.rejection = HeaderRejection(data_);
  if (!data_.rejection.empty()) {
    ec = http::error::bad_field;
    return;
  }
  if (spool_accepted_) {
    StartSpool();
  }
}

void RequestParser::StartSpool() {
  if (!spool_->admits || !spool_->admits(data_.authorization)) {
    data_.body_place = BodyPlace::kDropped;
    return;
  }
  data_.body_file = OpenUnlinkedFile(spool_->dir);
  if (data_.body_file < 0) {
    data_.body_place = BodyPlace::kLost;
    data_.body_error = absl::StrCat("cannot create a file in ", spool_->dir, ": ", strerror(errno));
    return;
  }
  data_.body_place = BodyPlace::kFile;
}

void RequestParser::StoreBody(StringView bytes) {
  switch (data_.body_place) {
    case BodyPlace::kMemory:
      data_.body.append(bytes.data(), bytes.size());
      return;
    case BodyPlace::kFile:
      for (size_t done = 0; done < bytes.size();) {
        const ssize_t wrote = write(data_.body_file, bytes.data() + done, bytes.size() - done);
        if (wrote < 0 && errno == EINTR) {
          continue;
        }
        if (wrote <= 0) {
          data_.body_error = absl::StrCat("cannot write the request body: ", strerror(errno));
          data_.body_place = BodyPlace::kLost;
          close(data_.body_file);
          data_.body_file = -1;
          return;
        }
        done += static_cast<size_t>(wrote);
      }
      return;
    case BodyPlace::kDropped:
    case BodyPlace::kLost:
      return;
  }
}

void RequestParser::on_body_init_impl(const boost::optional<std::uint64_t>& content_length,
                                      ErrorCode& /*ec*/) {
  if (content_length.has_value() && data_.body_place == BodyPlace::kMemory) {
    // The parser has checked it against body_limit; the cap only guards against a mistake.
    data_.body.reserve(static_cast<size_t>(std::min<std::uint64_t>(*content_length, 1 << 20)));
  }
}

std::size_t RequestParser::on_body_impl(StringView body, ErrorCode& /*ec*/) {
  StoreBody(body);
  return body.size();
}

void RequestParser::on_chunk_header_impl(std::uint64_t /*size*/, StringView /*extensions*/,
                                         ErrorCode& /*ec*/) {}

std::size_t RequestParser::on_chunk_body_impl(std::uint64_t /*remain*/, StringView body,
                                              ErrorCode& /*ec*/) {
  StoreBody(body);
  return body.size();
}

void RequestParser::on_finish_impl(ErrorCode& /*ec*/) {}

void RequestId::AppendTo(std::string& out) const {
  absl::StrAppend(&out, absl::Hex(process, absl::kZeroPad8), "-", loop, "-", n);
}

void SerializeResponse(const HttpResponse& response, unsigned version, bool keep_alive, bool head,
                       std::string& out, const RequestId* id) {
  const auto status = static_cast<unsigned>(response.status);
  const boost::beast::string_view reason = http::obsolete_reason(http::int_to_status(status));
  absl::StrAppend(&out, version == 10 ? "HTTP/1.0 " : "HTTP/1.1 ", status, " ",
                  absl::string_view(reason.data(), reason.size()), "\r\nServer: clicktrack\r\n");
  if (!response.content_type.empty()) {
    absl::StrAppend(&out, "Content-Type: ", response.content_type, "\r\n");
  }
  for (const auto& [name, value] : response.headers) {
    absl::StrAppend(&out, name, ": ", value, "\r\n");
  }
  if (id != nullptr) {
    out.append("X-Request-Id: ");
    id->AppendTo(out);
    out.append("\r\n");
  }
  if (response.stream) {
    if (version != 10) {
      out.append("Transfer-Encoding: chunked\r\n");
    }
  } else if (status >= 200 && status != 204 && status != 304) {
    absl::StrAppend(&out, "Content-Length: ", response.body.size(), "\r\n");
  }
  if (version == 10 && keep_alive) {
    out.append("Connection: keep-alive\r\n");
  } else if (version != 10 && !keep_alive) {
    out.append("Connection: close\r\n");
  }
  out.append("\r\n");
  if (!head && !response.stream) {
    out.append(response.body);
  }
}

void AppendStreamPiece(absl::string_view piece, unsigned version, bool last, std::string& out) {
  if (version == 10) {
    out.append(piece.data(), piece.size());
    return;
  }
  if (!piece.empty()) {
    absl::StrAppend(&out, absl::Hex(piece.size()), "\r\n", piece, "\r\n");
  }
  if (last) {
    out.append("0\r\n\r\n");
  }
}

}  // namespace clicktrack::tracker
