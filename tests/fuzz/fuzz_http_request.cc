// libFuzzer target: the HTTP request reader (tracker/http_wire), as a connection feeds it:
// the bytes arrive in two pieces, several requests may follow each other (pipelining). POSTs
// to /import are spooled (to unlinked files in the temp directory) when they carry
// "Authorization: Bearer fuzz", and read and dropped otherwise.
#include <cstddef>
#include <cstdint>
#include <optional>

#include "boost/asio/buffer.hpp"
#include "boost/beast/http/error.hpp"

#include "tracker/http/http_wire.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using clicktrack::tracker::BodySpool;
  using clicktrack::tracker::Method;
  using clicktrack::tracker::RequestData;
  using clicktrack::tracker::RequestParser;
  static const BodySpool spool{
      .accepts =
          [](Method method, absl::string_view target) {
            return method == Method::kPost && target == "/import";
          },
      .admits = [](absl::string_view authorization) { return authorization == "Bearer fuzz"; },
      .dir = "/tmp",
      .limit = 1 << 20,
  };
  if (size == 0) {
    return 0;
  }
  const size_t split = data[0] % size;  // where the first read ends
  const auto* bytes = reinterpret_cast<const char*>(data + 1);
  const size_t length = size - 1;
  RequestData request;
  size_t offset = 0;
  for (int requests = 0; requests < 8 && offset < length; ++requests) {
    request.Clear();
    RequestParser parser(request, 8 * 1024, 64 * 1024, &spool);
    boost::beast::error_code ec;
    size_t available = offset < split ? split - offset : length - offset;
    while (available > 0) {
      const size_t used = parser.put(boost::asio::buffer(bytes + offset, available), ec);
      offset += used;
      if (ec == boost::beast::http::error::need_more) {
        if (offset + available - used >= length) {
          return 0;  // everything was offered: the connection waits for more bytes
        }
        available = length - offset;  // the next read brings the rest
        ec = {};
        continue;
      }
      break;
    }
    if (ec || !parser.is_done()) {
      return 0;  // the connection answers 400 and closes
    }
    (void)request.View();
  }
  return 0;
}
