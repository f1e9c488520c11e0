// The first-party snippet (SPEC §4.8): t.js, embedded at build time, cacheable by ETag.

#include <array>
#include <string>

#include "absl/strings/str_cat.h"

#include "tracker/api/handlers.h"
#include "tracker/api/responses.h"
#include "tracker/api/snippet_js.h"
#include "tracker/codec/hmac.h"

namespace clicktrack::tracker {
namespace {

// A strong ETag from the script's bytes: it changes exactly when t.js does.
const std::string& SnippetEtag() {
  static const std::string etag = [] {
    return absl::StrCat("\"", HexOf(Sha256(kSnippetJs), 8), "\"");
  }();
  return etag;
}

}  // namespace

Reply Snippet(const ApiContext& /*api*/, const Call& call) {
  HttpResponse response;
  response.headers.emplace_back("ETag", SnippetEtag());
  response.headers.emplace_back("Cache-Control", "public, max-age=3600");
  if (!call.request.if_none_match.empty() &&
      IfNoneMatchHits(call.request.if_none_match, SnippetEtag())) {
    response.status = 304;
    return response;
  }
  response.status = 200;
  response.content_type = "application/javascript";
  response.body = kSnippetJs;
  return response;
}

}  // namespace clicktrack::tracker
