#include "tracker/http/outgoing.h"

#include <algorithm>
#include <chrono>
#include <memory>
#include <optional>

#include "absl/strings/str_cat.h"
#include "boost/asio/io_context.hpp"
#include "boost/asio/ip/tcp.hpp"
#include "boost/asio/ssl.hpp"
#include "boost/beast/core.hpp"
#include "boost/beast/http.hpp"
#include "boost/beast/ssl.hpp"
#include "boost/url/parse.hpp"

namespace clicktrack::tracker {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

struct Target {
  bool tls = false;
  std::string host, port, path;
};

std::optional<Target> ParseTarget(const std::string& url) {
  auto parsed = boost::urls::parse_absolute_uri(url);
  if (!parsed) {
    return std::nullopt;
  }
  Target target;
  const std::string scheme(parsed->scheme());
  if (scheme != "http" && scheme != "https") {
    return std::nullopt;
  }
  target.tls = scheme == "https";
  target.host = std::string(parsed->encoded_host());
  target.port = parsed->has_port() ? std::string(parsed->port()) : (target.tls ? "443" : "80");
  target.path = std::string(parsed->encoded_target());
  if (target.path.empty() || target.path[0] != '/') {
    target.path.insert(0, "/");
  }
  return target;
}

bool Refused(const asio::ip::address& address, const OutgoingOptions& options) {
  if (!options.refuse_ipv4) {
    return false;
  }
  if (address.is_v4()) {
    return options.refuse_ipv4(address.to_v4().to_uint());
  }
  const asio::ip::address_v6 v6 = address.to_v6();
  if (v6.is_v4_mapped()) {
    return options.refuse_ipv4(asio::ip::make_address_v4(asio::ip::v4_mapped, v6).to_uint());
  }
  const bool unique_local = (v6.to_bytes()[0] & 0xFE) == 0xFC;
  return v6.is_loopback() || v6.is_link_local() || v6.is_site_local() || unique_local ||
         v6.is_unspecified();
}

// One GET, as a chain of callbacks on the client's io_context: resolve, check the addresses,
// connect, (TLS handshake,) write, read the header, read the body up to the limit. Every step
// runs under one deadline (the stream's expiry), set once the name is resolved.
class Exchange : public std::enable_shared_from_this<Exchange> {
 public:
  Exchange(asio::io_context& io, asio::ssl::context& tls, const OutgoingGet& request,
           const OutgoingOptions& options, OutgoingResult& result)
      : io_(io), tls_(tls), request_(request), options_(options), result_(result), resolver_(io) {}

  void Start() {
    const std::optional<Target> target = ParseTarget(request_.url);
    if (!target.has_value()) {
      result_.error = "not an absolute http(s) URL";
      return;
    }
    target_ = *target;
    resolver_.async_resolve(
        target_.host, target_.port,
        [self = shared_from_this()](ErrorCode ec, tcp::resolver::results_type found) {
          self->OnResolved(ec, std::move(found));
        });
  }

 private:
  using ErrorCode = boost::system::error_code;
  using TlsStream = beast::ssl_stream<beast::tcp_stream>;

  void OnResolved(ErrorCode ec, tcp::resolver::results_type found) {
    if (ec) {
      return Fail(ec);
    }
    for (const auto& entry : found) {
      if (Refused(entry.endpoint().address(), options_)) {
        result_.error = absl::StrCat(target_.host, " resolves to a private address (",
                                     entry.endpoint().address().to_string(),
                                     "): refused by --block-private-postbacks");
        result_.refused = true;
        return;
      }
    }
    beast::tcp_stream& stream = plain_.emplace(io_);
    stream.expires_after(absl::ToChronoMicroseconds(options_.timeout));
    stream.async_connect(found, [self = shared_from_this()](ErrorCode ec, const tcp::endpoint&) {
      self->OnConnected(ec);
    });
  }

  void OnConnected(ErrorCode ec) {
    if (ec) {
      return Fail(ec);
    }
    if (!target_.tls) {
      return Write();
    }
    TlsStream& stream = tls_stream_.emplace(std::move(*plain_), tls_);
    plain_.reset();
    SSL_set_tlsext_host_name(stream.native_handle(), target_.host.c_str());
    stream.set_verify_callback(asio::ssl::host_name_verification(target_.host));
    stream.async_handshake(asio::ssl::stream_base::client,
                           [self = shared_from_this()](ErrorCode ec) {
                             if (ec) {
                               return self->Fail(ec);
                             }
                             self->Write();
                           });
  }

  void Write() {
    get_ = {http::verb::get, target_.path, 11};
    get_.set(http::field::host, target_.host);
    get_.set(http::field::user_agent, options_.user_agent);
    get_.set(http::field::connection, "close");
    for (const auto& [name, value] : request_.headers) {
      get_.set(name, value);
    }
    parser_.body_limit(options_.max_body_bytes);
    WithStream([&](auto& stream) {
      http::async_write(stream, get_, [self = shared_from_this()](ErrorCode ec, size_t) {
        if (ec) {
          return self->Fail(ec);
        }
        self->ReadHeader();
      });
    });
  }

  void ReadHeader() {
    WithStream([&](auto& stream) {
      http::async_read_header(
          stream, buffer_, parser_, [self = shared_from_this()](ErrorCode ec, size_t) {
            if (ec) {
              return self->Fail(ec);
            }
            self->result_.status = static_cast<int>(self->parser_.get().result_int());
            self->ReadBody();
          });
    });
  }

  // The body is read up to the limit and dropped; a longer one, or none, is no error.
  void ReadBody() {
    WithStream([&](auto& stream) {
      http::async_read(stream, buffer_, parser_, [self = shared_from_this()](ErrorCode, size_t) {});
    });
  }

  template <class Visit>
  void WithStream(Visit visit) {
    if (tls_stream_.has_value()) {
      visit(*tls_stream_);
    } else {
      visit(*plain_);
    }
  }

  void Fail(ErrorCode ec) {
    if (result_.status == 0) {
      result_.error =
          ec == beast::error::timeout
              ? absl::StrCat("no answer within ", absl::FormatDuration(options_.timeout))
              : ec.message();
    }
  }

  asio::io_context& io_;
  asio::ssl::context& tls_;
  const OutgoingGet& request_;
  const OutgoingOptions& options_;
  OutgoingResult& result_;
  Target target_;
  tcp::resolver resolver_;
  std::optional<beast::tcp_stream> plain_;
  std::optional<TlsStream> tls_stream_;
  http::request<http::empty_body> get_;
  beast::flat_buffer buffer_;
  http::response_parser<http::string_body> parser_;
};

}  // namespace

std::vector<OutgoingResult> SendAll(const std::vector<OutgoingGet>& requests,
                                    const OutgoingOptions& options) {
  asio::io_context io;
  asio::ssl::context tls(asio::ssl::context::tls_client);
  const bool any_https = std::any_of(requests.begin(), requests.end(), [](const OutgoingGet& r) {
    return r.url.rfind("https:", 0) == 0;
  });
  if (any_https) {  // loads the system's CA certificates: only when needed
    tls.set_default_verify_paths();
  }
  tls.set_verify_mode(asio::ssl::verify_peer);
  std::vector<OutgoingResult> results(requests.size());
  for (size_t i = 0; i < requests.size(); ++i) {
    std::make_shared<Exchange>(io, tls, requests[i], options, results[i])->Start();
  }
  io.run();
  return results;
}

}  // namespace clicktrack::tracker
