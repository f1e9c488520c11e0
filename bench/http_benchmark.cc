// The HTTP framing of a redirect as the server does it (tracker/http_wire): parsing the
// request into reused strings and serialising the 302. Figures from Release builds only;
// smoke-run by the tests.

#include <string>

#include "benchmark/benchmark.h"
#include "boost/asio/buffer.hpp"

#include "tracker/http/http_wire.h"

namespace clicktrack {
namespace {

constexpr char kRequest[] =
    "GET /go/jane1?sub1=newsletter HTTP/1.1\r\n"
    "Host: t.example.com\r\n"
    "User-Agent: Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/130.0\r\n"
    "Accept: text/html,application/xhtml+xml\r\n"
    "Cookie: _ga=GA1.2.3; tc_cid=01KAT9QKX1B0000000000000AB\r\n"
    "\r\n";

// One connection's request after request: the strings keep their capacity, as in a session.
void BM_ParseRequest(benchmark::State& state) {
  tracker::RequestData data;
  for (auto _ : state) {
    data.Clear();
    tracker::RequestParser parser(data, 8 * 1024, 64 * 1024, nullptr);
    boost::beast::error_code ec;
    parser.put(boost::asio::buffer(kRequest, sizeof(kRequest) - 1), ec);
    benchmark::DoNotOptimize(parser.is_done());
  }
  if (data.target != "/go/jane1?sub1=newsletter") {
    state.SkipWithError("request not parsed");
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ParseRequest);

void BM_SerializeRedirect(benchmark::State& state) {
  tracker::HttpResponse response;
  response.status = 302;
  response.headers.emplace_back("Cache-Control", "no-store");
  response.headers.emplace_back(
      "Location",
      "https://shop.example.com/landing?utm_source=partner&click_id=01KAT9QKX1B0000000000000AB");
  response.headers.emplace_back(
      "Set-Cookie",
      "tc_cid=01KAT9QKX1B0000000000000AB; Max-Age=34560000; Path=/; HttpOnly; SameSite=None; "
      "Secure");
  std::string out;  // reused, as the session's
  for (auto _ : state) {
    out.clear();
    tracker::SerializeResponse(response, 11, /*keep_alive=*/true, /*head=*/false, out);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_SerializeRedirect);

}  // namespace
}  // namespace clicktrack

BENCHMARK_MAIN();
