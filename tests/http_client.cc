#include "tests/http_client.h"

#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

namespace clicktrack::testing {
namespace {

constexpr int kTimeoutMillis = 10'000;

}  // namespace

std::string HttpResult::Header(absl::string_view name) const {
  const auto it = headers.find(std::string(name));
  return it == headers.end() ? "" : it->second;
}

HttpClient::~HttpClient() { Close(); }

void HttpClient::Close() {
  if (fd_ >= 0) {
    ::close(fd_);
    fd_ = -1;
  }
  buffer_.clear();
}

absl::Status HttpClient::Connect() {
  ++connects_;
  Close();
  const size_t colon = address_.rfind(':');
  int port = 0;
  if (colon == std::string::npos || !absl::SimpleAtoi(address_.substr(colon + 1), &port)) {
    return absl::InvalidArgumentError(absl::StrCat("bad address ", address_));
  }
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  if (inet_pton(AF_INET, address_.substr(0, colon).c_str(), &addr.sin_addr) != 1) {
    return absl::InvalidArgumentError(absl::StrCat("bad host in ", address_));
  }
  fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd_ < 0) {
    return absl::UnavailableError(absl::StrCat("socket: ", std::strerror(errno)));
  }
  if (receive_buffer_ > 0) {
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &receive_buffer_, sizeof(receive_buffer_));
  }
  if (::connect(fd_, reinterpret_cast<const sockaddr*>(&addr), sizeof(addr)) != 0) {
    const int error = errno;
    Close();
    return absl::UnavailableError(absl::StrCat("connect ", address_, ": ", std::strerror(error)));
  }
  const int one = 1;
  ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  return absl::OkStatus();
}

absl::Status HttpClient::SendAll(absl::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t sent = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (sent < 0) {
      if (errno == EINTR) {
        continue;
      }
      return absl::UnavailableError(absl::StrCat("send: ", std::strerror(errno)));
    }
    bytes.remove_prefix(static_cast<size_t>(sent));
  }
  return absl::OkStatus();
}

absl::StatusOr<bool> HttpClient::Fill() {
  pollfd pfd{.fd = fd_, .events = POLLIN, .revents = 0};
  const int ready = ::poll(&pfd, 1, kTimeoutMillis);
  if (ready == 0) {
    return absl::DeadlineExceededError("timed out waiting for the server");
  }
  char chunk[16384];
  const ssize_t got = ::recv(fd_, chunk, sizeof(chunk), 0);
  if (got < 0) {
    return absl::UnavailableError(absl::StrCat("recv: ", std::strerror(errno)));
  }
  buffer_.append(chunk, static_cast<size_t>(got));
  return got > 0;
}

absl::Status HttpClient::FillTo(size_t size) {
  while (buffer_.size() < size) {
    absl::StatusOr<bool> more = Fill();
    if (!more.ok()) {
      return more.status();
    }
    if (!*more) {
      return absl::UnavailableError("connection closed inside a body");
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> HttpClient::ReadChunkedBody() {
  std::string body;
  for (;;) {
    size_t line_end;
    while ((line_end = buffer_.find("\r\n")) == std::string::npos) {
      if (absl::Status status = FillTo(buffer_.size() + 1); !status.ok()) {
        return status;
      }
    }
    size_t size = 0;
    if (!absl::SimpleHexAtoi(absl::string_view(buffer_).substr(0, line_end), &size)) {
      return absl::DataLossError(absl::StrCat("bad chunk size: ", buffer_.substr(0, line_end)));
    }
    if (absl::Status status = FillTo(line_end + 2 + size + 2); !status.ok()) {
      return status;
    }
    body.append(buffer_, line_end + 2, size);
    buffer_.erase(0, line_end + 2 + size + 2);  // no trailer fields: the last CRLF follows 0
    if (size == 0) {
      return body;
    }
  }
}

absl::StatusOr<HttpResult> HttpClient::ReadResponse(bool head) {
  size_t header_end;
  while ((header_end = buffer_.find("\r\n\r\n")) == std::string::npos) {
    absl::StatusOr<bool> more = Fill();
    if (!more.ok()) {
      return more.status();
    }
    if (!*more) {
      return absl::UnavailableError("connection closed before a response");
    }
  }
  HttpResult result;
  const std::vector<absl::string_view> lines =
      absl::StrSplit(absl::string_view(buffer_).substr(0, header_end), "\r\n");
  const std::vector<absl::string_view> status_line = absl::StrSplit(lines[0], ' ');
  result.version = std::string(status_line[0]);
  if (status_line.size() < 2 || !absl::SimpleAtoi(status_line[1], &result.status)) {
    return absl::DataLossError(absl::StrCat("bad status line: ", lines[0]));
  }
  for (size_t i = 1; i < lines.size(); ++i) {
    const size_t colon = lines[i].find(':');
    if (colon == absl::string_view::npos) {
      continue;
    }
    result.headers.emplace(absl::AsciiStrToLower(lines[i].substr(0, colon)),
                           std::string(absl::StripAsciiWhitespace(lines[i].substr(colon + 1))));
  }
  buffer_.erase(0, header_end + 4);
  if (!head && absl::AsciiStrToLower(result.Header("transfer-encoding")) == "chunked") {
    absl::StatusOr<std::string> body = ReadChunkedBody();
    if (!body.ok()) {
      return body.status();
    }
    result.body = *std::move(body);
    return result;
  }
  size_t length = 0;
  const std::string content_length = result.Header("content-length");
  if (!head && !content_length.empty() && !absl::SimpleAtoi(content_length, &length)) {
    return absl::DataLossError("bad Content-Length");
  }
  if (head || result.status == 204 || result.status == 304 || result.status / 100 == 1) {
    length = 0;
  }
  if (absl::Status filled = FillTo(length); !filled.ok()) {
    return filled;
  }
  result.body = buffer_.substr(0, length);
  buffer_.erase(0, length);
  if (absl::AsciiStrToLower(result.Header("connection")) == "close") {
    Close();
  }
  return result;
}

absl::StatusOr<HttpResult> HttpClient::Request(absl::string_view method, absl::string_view target,
                                               const std::vector<std::string>& headers,
                                               absl::string_view body) {
  std::string request = absl::StrCat(method, " ", target, " HTTP/1.1\r\nHost: ", address_, "\r\n");
  for (const std::string& header : headers) {
    absl::StrAppend(&request, header, "\r\n");
  }
  if (!body.empty() || method == "POST" || method == "PUT" || method == "PATCH") {
    absl::StrAppend(&request, "Content-Length: ", body.size(), "\r\n");
  }
  absl::StrAppend(&request, "\r\n", body);
  for (int attempt = 0; attempt < 2; ++attempt) {
    if (fd_ < 0) {
      if (absl::Status status = Connect(); !status.ok()) {
        return status;
      }
    }
    if (absl::Status status = SendAll(request); !status.ok()) {
      Close();
      continue;  // the server closed an idle connection: reconnect once
    }
    absl::StatusOr<HttpResult> result = ReadResponse(method == "HEAD");
    // Only a connection the server had already closed (no byte of a response) is retried:
    // anything else may have been processed, and a retry would send it twice.
    if (result.ok() || attempt == 1 ||
        result.status().message() != "connection closed before a response") {
      return result;
    }
    Close();
  }
  return absl::UnavailableError("request failed");
}

absl::StatusOr<HttpResult> HttpClient::Raw(absl::string_view bytes, bool head) {
  if (absl::Status status = Connect(); !status.ok()) {
    return status;
  }
  if (absl::Status status = SendAll(bytes); !status.ok()) {
    return status;
  }
  absl::StatusOr<HttpResult> result = ReadResponse(head);
  Close();
  return result;
}

absl::StatusOr<absl::Duration> HttpClient::TimeUntilClosed(absl::string_view bytes,
                                                           absl::Duration limit) {
  if (absl::Status status = Connect(); !status.ok()) {
    return status;
  }
  if (absl::Status status = SendAll(bytes); !status.ok()) {
    return status;
  }
  const absl::Time start = absl::Now();
  const absl::Time give_up = start + limit;
  char chunk[4096];
  for (;;) {
    const absl::Duration left = give_up - absl::Now();
    if (left <= absl::ZeroDuration()) {
      Close();
      return absl::DeadlineExceededError(
          absl::StrCat("the server kept the connection open for ", absl::FormatDuration(limit)));
    }
    const timeval wait = absl::ToTimeval(left);
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &wait, sizeof(wait));
    const ssize_t got = ::recv(fd_, chunk, sizeof(chunk), 0);
    if (got == 0 || (got < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
      Close();  // closed (or reset) by the server
      return absl::Now() - start;
    }
  }
}

absl::StatusOr<std::vector<HttpResult>> HttpClient::RawPipelined(absl::string_view bytes,
                                                                 int responses) {
  if (absl::Status status = Connect(); !status.ok()) {
    return status;
  }
  if (absl::Status status = SendAll(bytes); !status.ok()) {
    return status;
  }
  std::vector<HttpResult> results;
  for (int i = 0; i < responses; ++i) {
    absl::StatusOr<HttpResult> result = ReadResponse(/*head=*/false);
    if (!result.ok()) {
      Close();
      return result.status();
    }
    results.push_back(*std::move(result));
  }
  Close();
  return results;
}

}  // namespace clicktrack::testing
