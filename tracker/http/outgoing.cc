#include "tracker/http/outgoing.h"

#include <algorithm>
#include <chrono>
#include <optional>

#include "absl/strings/str_cat.h"
#include "boost/asio/co_spawn.hpp"
#include "boost/asio/detached.hpp"
#include "boost/asio/io_context.hpp"
#include "boost/asio/ip/tcp.hpp"
#include "boost/asio/redirect_error.hpp"
#include "boost/asio/ssl.hpp"
#include "boost/asio/use_awaitable.hpp"
#include "boost/beast/core.hpp"
#include "boost/beast/http.hpp"
#include "boost/beast/ssl.hpp"
#include "boost/url/parse.hpp"

namespace clicktrack::tracker {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::awaitable;
using asio::use_awaitable;
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

template <class Stream>
awaitable<void> Exchange(Stream& stream, const Target& target, const OutgoingGet& request,
                         const OutgoingOptions& options, OutgoingResult& result) {
  http::request<http::empty_body> get{http::verb::get, target.path, 11};
  get.set(http::field::host, target.host);
  get.set(http::field::user_agent, options.user_agent);
  get.set(http::field::connection, "close");
  for (const auto& [name, value] : request.headers) {
    get.set(name, value);
  }
  co_await http::async_write(stream, get, use_awaitable);
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(options.max_body_bytes);
  boost::system::error_code ec;
  co_await http::async_read_header(stream, buffer, parser, asio::redirect_error(use_awaitable, ec));
  if (ec) {
    throw boost::system::system_error(ec);
  }
  result.status = static_cast<int>(parser.get().result_int());
  // The body is read up to the limit and dropped; a longer one is no error.
  co_await http::async_read(stream, buffer, parser, asio::redirect_error(use_awaitable, ec));
}

awaitable<void> SendOne(const OutgoingGet& request, const OutgoingOptions& options,
                        asio::ssl::context& tls, OutgoingResult& result) {
  const std::optional<Target> target = ParseTarget(request.url);
  if (!target.has_value()) {
    result.error = "not an absolute http(s) URL";
    co_return;
  }
  auto executor = co_await asio::this_coro::executor;
  const auto deadline =
      std::chrono::steady_clock::now() + absl::ToChronoMicroseconds(options.timeout);
  try {
    tcp::resolver resolver(executor);
    const tcp::resolver::results_type found =
        co_await resolver.async_resolve(target->host, target->port, use_awaitable);
    for (const auto& entry : found) {
      if (Refused(entry.endpoint().address(), options)) {
        result.error = absl::StrCat(target->host, " resolves to a private address (",
                                    entry.endpoint().address().to_string(),
                                    "): refused by --block-private-postbacks");
        result.refused = true;
        co_return;
      }
    }
    beast::tcp_stream tcp_stream(executor);
    tcp_stream.expires_at(deadline);
    co_await tcp_stream.async_connect(found, use_awaitable);
    if (!target->tls) {
      co_await Exchange(tcp_stream, *target, request, options, result);
      co_return;
    }
    beast::ssl_stream<beast::tcp_stream> tls_stream(std::move(tcp_stream), tls);
    SSL_set_tlsext_host_name(tls_stream.native_handle(), target->host.c_str());
    tls_stream.set_verify_callback(asio::ssl::host_name_verification(target->host));
    co_await tls_stream.async_handshake(asio::ssl::stream_base::client, use_awaitable);
    co_await Exchange(tls_stream, *target, request, options, result);
  } catch (const boost::system::system_error& e) {
    if (result.status == 0) {
      result.error = e.code() == beast::error::timeout
                         ? absl::StrCat("no answer within ", absl::FormatDuration(options.timeout))
                         : e.code().message();
    }
  }
}

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
    asio::co_spawn(io, SendOne(requests[i], options, tls, results[i]), asio::detached);
  }
  io.run();
  return results;
}

}  // namespace clicktrack::tracker
