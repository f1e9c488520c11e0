// The browser apps (docs/dashboard.md): /dashboard/, /portal/ and their shared files, from
// the copies embedded at build time (tracker/web/web_assets.h). Every answer forbids framing,
// sniffing and any origin but this one; a client that accepts gzip gets the compressed copy.

#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

#include "tracker/api/handlers.h"
#include "tracker/api/responses.h"
#include "tracker/web/web_assets.h"

namespace clicktrack::tracker {
namespace {

// Scripts, styles, fonts, images and API calls from this origin only; no inline script or
// style, no plugin, no framing, forms post only here.
constexpr absl::string_view kContentSecurityPolicy =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'";

void AddPageHeaders(HttpResponse& response) {
  response.headers.emplace_back("Content-Security-Policy", std::string(kContentSecurityPolicy));
  response.headers.emplace_back("X-Content-Type-Options", "nosniff");
  response.headers.emplace_back("X-Frame-Options", "DENY");
  response.headers.emplace_back("Referrer-Policy", "no-referrer");
}

// RFC 9110 §12.5.3: whether `header` lists gzip with a non-zero weight.
bool AcceptsGzip(absl::string_view header) {
  for (absl::string_view coding : absl::StrSplit(header, ',')) {
    std::pair<absl::string_view, absl::string_view> parts = absl::StrSplit(coding, ';');
    if (!absl::EqualsIgnoreCase(absl::StripAsciiWhitespace(parts.first), "gzip")) {
      continue;
    }
    absl::string_view weight = absl::StripAsciiWhitespace(parts.second);
    double q = 1;
    return !absl::ConsumePrefix(&weight, "q=") || !absl::SimpleAtod(weight, &q) || q > 0;
  }
  return false;
}

}  // namespace

Reply WebPage(const ApiContext& /*api*/, const Call& call) {
  std::string path(call.path);
  if (absl::EndsWith(path, "/")) {
    absl::StrAppend(&path, "index.html");
  }
  const WebAsset* asset = FindWebAsset(path);
  if (asset == nullptr) {
    return absl::NotFoundError(absl::StrCat("no page at ", call.path));
  }
  HttpResponse response;
  AddPageHeaders(response);
  response.headers.emplace_back("ETag", std::string(asset->etag));
  // Revalidated on every use: a new build's pages are seen at once, an unchanged one is a 304.
  response.headers.emplace_back("Cache-Control", "no-cache");
  response.headers.emplace_back("Vary", "Accept-Encoding");
  if (IfNoneMatchHits(call.request.if_none_match,
                      absl::string_view(asset->etag.data(), asset->etag.size()))) {
    response.status = 304;
    return response;
  }
  response.content_type = std::string(asset->content_type);
  if (AcceptsGzip(call.request.accept_encoding)) {
    response.headers.emplace_back("Content-Encoding", "gzip");
    response.body = std::string(asset->gzip);
  } else {
    response.body = std::string(asset->body);
  }
  return response;
}

Reply WebAppRoot(const ApiContext& /*api*/, const Call& call) {
  HttpResponse response;
  response.status = 301;
  AddPageHeaders(response);
  response.headers.emplace_back("Location", absl::StrCat(call.path, "/"));
  return response;
}

}  // namespace clicktrack::tracker
