#pragma once

// A small blocking HTTP/1.1 client over a plain socket, for integration tests: it speaks to a
// real trackerd on loopback, and can also send malformed bytes on purpose.

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace clicktrack::testing {

struct HttpResult {
  std::string version;  // "HTTP/1.1"
  int status = 0;
  std::multimap<std::string, std::string> headers;  // names lower-cased
  std::string body;

  // The first value of header `name` (lower case), or "".
  std::string Header(absl::string_view name) const;
};

class HttpClient {
 public:
  // `address` is "host:port" (IPv4).
  explicit HttpClient(std::string address) : address_(std::move(address)) {}
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Sends one request on the kept-alive connection (reconnecting if needed) and reads the
  // response. `headers` are "Name: value" lines. HEAD responses are read without a body.
  absl::StatusOr<HttpResult> Request(absl::string_view method, absl::string_view target,
                                     const std::vector<std::string>& headers = {},
                                     absl::string_view body = "");

  // Sends `bytes` as they are on a fresh connection and reads one response.
  absl::StatusOr<HttpResult> Raw(absl::string_view bytes, bool head = false);

  // Sends `bytes` (several pipelined requests) in one write on a fresh connection and reads
  // `responses` responses, in order.
  absl::StatusOr<std::vector<HttpResult>> RawPipelined(absl::string_view bytes, int responses);

  // Sends `bytes` (may be empty, or a request cut short) on a fresh connection, then waits
  // for the server to close it, reading whatever it sends. Returns how long that took;
  // kDeadlineExceeded if the connection is still open after `limit`.
  absl::StatusOr<absl::Duration> TimeUntilClosed(absl::string_view bytes, absl::Duration limit);

  void Close();
  // SO_RCVBUF of the connections opened from now on (0: the system's default). A small one
  // makes the server's writes to this client block part way.
  void SetReceiveBuffer(int bytes) { receive_buffer_ = bytes; }
  // Connections opened so far (each reconnect counts).
  int connects() const { return connects_; }

 private:
  absl::Status Connect();
  absl::Status SendAll(absl::string_view bytes);
  absl::StatusOr<HttpResult> ReadResponse(bool head);
  // Reads more into buffer_: false when the peer closed.
  absl::StatusOr<bool> Fill();
  // Reads until buffer_ holds `size` bytes.
  absl::Status FillTo(size_t size);
  // A chunked body (RFC 9112 §7.1) from buffer_ on.
  absl::StatusOr<std::string> ReadChunkedBody();

  std::string address_;
  int fd_ = -1;
  int connects_ = 0;
  int receive_buffer_ = 0;
  std::string buffer_;
};

}  // namespace clicktrack::testing
