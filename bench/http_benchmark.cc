// The HTTP framing of a redirect as the server does it (Beast): parsing the request and
// serialising the 302. Figures from Release builds only; smoke-run by the tests.

#include "boost/beast/http.hpp"

#include <string>

#include "benchmark/benchmark.h"
#include "boost/beast/core/flat_buffer.hpp"

namespace clicktrack {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;

constexpr char kRequest[] =
    "GET /go/jane1?sub1=newsletter HTTP/1.1\r\n"
    "Host: t.example.com\r\n"
    "User-Agent: Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/130.0\r\n"
    "Accept: text/html,application/xhtml+xml\r\n"
    "Cookie: _ga=GA1.2.3; tc_cid=01KAT9QKX1B0000000000000AB\r\n"
    "\r\n";

void BM_ParseRequest(benchmark::State& state) {
  for (auto _ : state) {
    http::request_parser<http::string_body> parser;
    parser.header_limit(8 * 1024);
    parser.body_limit(64 * 1024);
    beast::error_code ec;
    parser.put(boost::asio::buffer(kRequest, sizeof(kRequest) - 1), ec);
    benchmark::DoNotOptimize(parser.is_done());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ParseRequest);

void BM_SerializeRedirect(benchmark::State& state) {
  const std::string location =
      "https://shop.example.com/landing?utm_source=partner&click_id=01KAT9QKX1B0000000000000AB";
  const std::string cookie =
      "tc_cid=01KAT9QKX1B0000000000000AB; Max-Age=34560000; Path=/; HttpOnly; SameSite=None; "
      "Secure";
  size_t bytes = 0;
  for (auto _ : state) {
    http::response<http::string_body> response;
    response.version(11);
    response.result(http::status::found);
    response.set(http::field::server, "clicktrack");
    response.set(http::field::cache_control, "no-store");
    response.set(http::field::location, location);
    response.set(http::field::set_cookie, cookie);
    response.keep_alive(true);
    response.prepare_payload();
    http::response_serializer<http::string_body> serializer(response);
    beast::error_code ec;
    while (!serializer.is_done() && !ec) {
      serializer.next(ec, [&](beast::error_code&, const auto& buffers) {
        const size_t size = beast::buffer_bytes(buffers);
        bytes += size;
        serializer.consume(size);
      });
    }
  }
  benchmark::DoNotOptimize(bytes);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_SerializeRedirect);

}  // namespace
}  // namespace clicktrack

BENCHMARK_MAIN();
