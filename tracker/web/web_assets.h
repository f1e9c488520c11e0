#pragma once

// The browser apps' files (the merchant dashboard, /dashboard/, and the partner portal,
// /portal/), embedded in trackerd at build time by embed_assets.py: no file is read at run
// time and nothing is fetched from another origin.

#include <span>
#include <string_view>

namespace clicktrack::tracker {

struct WebAsset {
  std::string_view path;          // the URL path: "/dashboard/index.html"
  std::string_view content_type;  // "text/javascript; charset=utf-8"
  std::string_view body;
  std::string_view gzip;  // body, gzip-compressed
  std::string_view etag;  // a strong ETag, quoted
};

// The file served at `path`, or null.
const WebAsset* FindWebAsset(std::string_view path);
// Every file, ordered by path.
std::span<const WebAsset> WebAssets();

}  // namespace clicktrack::tracker
