#include "tracker/router.h"

#include <array>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "boost/json/serialize.hpp"
#include <openssl/crypto.h>
#include <openssl/sha.h>

#include "attribution/base/utf8.h"
#include "attribution/click.h"
#include "attribution/ids.h"
#include "tracker/codec/admin_json.h"
#include "tracker/codec/strict_query.h"
#include "tracker/common/log.h"
#include "tracker/common/query_string.h"
#include "tracker/status_mapping.h"

namespace clicktrack::tracker {
namespace {

std::array<unsigned char, 32> Sha256(absl::string_view text) {
  std::array<unsigned char, 32> digest;
  SHA256(reinterpret_cast<const unsigned char*>(text.data()), text.size(), digest.data());
  return digest;
}

HttpResponse PlainResponse(int status, absl::string_view body) {
  HttpResponse response;
  response.status = status;
  response.content_type = "text/plain; charset=utf-8";
  response.body = std::string(body);
  return response;
}

HttpResponse MethodNotAllowed(absl::string_view allow) {
  HttpResponse response = ErrorResponse(absl::InvalidArgumentError("method not allowed"));
  response.status = 405;
  response.headers.emplace_back("Allow", std::string(allow));
  return response;
}

std::string CookieAttributes(absl::string_view public_url) {
  const bool https = absl::StartsWithIgnoreCase(public_url, "https://");
  return absl::StrCat("; Max-Age=", kCustomerCookieMaxAgeSeconds, "; Path=/; HttpOnly",
                      https ? "; SameSite=None; Secure" : "; SameSite=Lax");
}

// Header `index` of a response being refilled: named `name`, its old value cleared but its
// capacity kept.
std::string& SetHeader(HttpResponse& response, size_t index, absl::string_view name) {
  if (index == response.headers.size()) {
    response.headers.emplace_back();
  }
  auto& [header_name, value] = response.headers[index];
  header_name = name;
  value.clear();
  return value;
}

// sub1..sub5 of the query into the click's subs, reusing their strings; the first occurrence
// of each wins, invalid UTF-8 becomes U+FFFD, values longer than kMaxSubSize are cut on a
// UTF-8 boundary.
void ReadSubs(absl::string_view query, attribution::Click& click) {
  std::array<bool, attribution::kSubCount> seen{};
  for (std::string& sub : click.subs) {
    sub.clear();
  }
  ForEachQueryParam(query, [&](absl::string_view name, absl::string_view raw_value) {
    if (name.size() == 4 && absl::StartsWith(name, "sub") && name[3] >= '1' &&
        name[3] < static_cast<char>('1' + attribution::kSubCount)) {
      const size_t index = static_cast<size_t>(name[3] - '1');
      if (!seen[index]) {
        seen[index] = true;
        std::string& sub = click.subs[index];
        PercentDecodeTo(raw_value, sub);
        if (!base::IsValidUtf8(sub)) {
          sub = base::ToValidUtf8(sub);  // SPEC §4: /go never fails over its query
        }
        sub.resize(attribution::TruncateSub(sub).size());
      }
    }
    return true;
  });
}

}  // namespace

HttpResponse JsonResponse(int status, const boost::json::object& body) {
  HttpResponse response;
  response.status = status;
  response.content_type = "application/json";
  response.body = SerializeJson(body);
  return response;
}

Router::Router(storage::Store& store, const Clock& clock, IdGenerator& ids, RouterOptions options)
    : store_(store),
      clock_(clock),
      ids_(ids),
      options_(std::move(options)),
      admin_token_digest_(Sha256(options_.admin_token)),
      cookie_attributes_(CookieAttributes(options_.public_url)) {}

bool Router::IsAuthorized(absl::string_view authorization) const {
  constexpr absl::string_view kScheme = "bearer ";
  if (authorization.size() <= kScheme.size() ||
      !absl::StartsWithIgnoreCase(authorization, kScheme)) {
    return false;
  }
  const absl::string_view token = absl::StripAsciiWhitespace(authorization.substr(kScheme.size()));
  // Comparing digests takes the same time whatever the token's length or content.
  const std::array<unsigned char, 32> digest = Sha256(token);
  return CRYPTO_memcmp(digest.data(), admin_token_digest_.data(), digest.size()) == 0;
}

std::optional<HttpResponse> Router::Handle(const HttpRequest& request, ClickSink* click_sink,
                                           absl::FunctionRef<LaterResponse()> defer) {
  const Target target = SplitTarget(request.target);
  if (target.path.empty() || target.path.front() != '/') {
    return ErrorResponse(absl::InvalidArgumentError("request target must be a path"));
  }
  const Segments segments = absl::StrSplit(target.path.substr(1), '/');
  const bool get_or_head = request.method == Method::kGet || request.method == Method::kHead;

  if (segments.size() == 2 && segments[0] == "go") {
    if (!get_or_head) {
      return MethodNotAllowed("GET, HEAD");
    }
    return Redirect(request, click_sink, segments[1], target.query, defer);
  }
  if (segments.size() == 1 && segments[0] == "px.gif") {
    if (request.method != Method::kGet) {
      return MethodNotAllowed("GET");  // a HEAD must not record a conversion
    }
    return Pixel(request, target.query, defer);
  }
  if (segments.size() == 1 && segments[0] == "postback") {
    if (request.method != Method::kGet && request.method != Method::kPost) {
      return MethodNotAllowed("GET, POST");
    }
    return Postback(request, target.query, defer);
  }
  if (segments.size() == 1 && (segments[0] == "healthz" || segments[0] == "readyz")) {
    if (!get_or_head) {
      return MethodNotAllowed("GET, HEAD");
    }
    return segments[0] == "healthz" ? JsonResponse(200, {{"status", "ok"}}) : Ready();
  }
  if (segments.size() >= 4 && segments[0] == "api" && segments[1] == "v1" &&
      segments[2] == "programs") {
    if (!IsAuthorized(request.authorization)) {
      return ErrorResponse(absl::UnauthenticatedError(
          "missing or wrong admin token: send \"Authorization: Bearer <token>\""));
    }
    return HandleAdmin(request, segments, target.query);
  }
  return ErrorResponse(absl::NotFoundError(absl::StrCat("no route for ", target.path)));
}

HttpResponse Router::Ready() const {
  if (!store_.maintenance().IsWritable()) {
    return ErrorResponse(absl::UnavailableError("store is not accepting writes"));
  }
  return JsonResponse(200, {{"status", "ready"}});
}

HttpResponse Router::HandleAdmin(const HttpRequest& request, const Segments& segments,
                                 absl::string_view query) {
  const absl::string_view program_id = segments[3];
  if (absl::Status status = attribution::ValidateIdentifier("program_id", program_id);
      !status.ok()) {
    return ErrorResponse(status);
  }
  if (absl::Status status = ValidateQuery(query); !status.ok()) {
    return ErrorResponse(status);
  }
  const Method method = request.method;
  if (segments.size() == 4) {
    if (method == Method::kPut) {
      return PutProgram(program_id, request.body);
    }
    if (method == Method::kGet) {
      return GetProgram(program_id);
    }
    return MethodNotAllowed("GET, PUT");
  }

  const auto found = store_.config().GetProgram(program_id);  // StatusOr<ProgramRef>
  const absl::string_view collection = segments[4];
  const bool known_route =
      (collection == "partners" && segments.size() <= 7 &&
       (segments.size() != 7 || segments[6] == "stats" || segments[6] == "commissions")) ||
      (collection == "links" && segments.size() <= 6) ||
      (collection == "customers" && segments.size() <= 6);
  if (!known_route) {
    return ErrorResponse(
        absl::NotFoundError(absl::StrCat("no route for /", absl::StrJoin(segments, "/"))));
  }
  if (!found.ok()) {
    return ErrorResponse(found.status());
  }
  const storage::ConfigStore::ProgramRef& program = *found;

  if (collection == "partners") {
    if (segments.size() == 5) {
      return method == Method::kGet ? ListPartners(*program) : MethodNotAllowed("GET");
    }
    const absl::string_view partner_id = segments[5];
    if (absl::Status status = attribution::ValidateIdentifier("partner_id", partner_id);
        !status.ok()) {
      return ErrorResponse(status);
    }
    if (segments.size() == 7) {
      if (method != Method::kGet) {
        return MethodNotAllowed("GET");
      }
      return segments[6] == "stats" ? PartnerStats(*program, partner_id, query)
                                    : Commissions(*program, partner_id, query);
    }
    if (method == Method::kPut) {
      return PutPartner(*program, partner_id, request.body);
    }
    return method == Method::kGet ? GetPartner(*program, partner_id) : MethodNotAllowed("GET, PUT");
  }

  if (collection == "customers") {
    if (method != Method::kGet) {
      return MethodNotAllowed("GET");
    }
    return segments.size() == 5 ? CustomerByRef(*program, query)
                                : CustomerById(*program, segments[5]);
  }

  // links
  if (segments.size() == 5) {
    return method == Method::kPost ? CreateLink(*program, request.body) : MethodNotAllowed("POST");
  }
  const absl::string_view code = segments[5];
  if (absl::Status status = attribution::ValidateIdentifier("code", code); !status.ok()) {
    return ErrorResponse(status);
  }
  if (method == Method::kPatch) {
    return PatchLink(*program, code, request.body);
  }
  return method == Method::kGet ? GetLink(*program, code) : MethodNotAllowed("GET, PATCH");
}

std::optional<HttpResponse> Router::Redirect(const HttpRequest& request, ClickSink* click_sink,
                                             absl::string_view code, absl::string_view query,
                                             absl::FunctionRef<LaterResponse()> defer) {
  if (request.method == Method::kHead) {
    // A HEAD is a preview: bare destination, no cookie, no click.
    HttpResponse response;
    response.status = 302;
    response.headers.emplace_back("Cache-Control", "no-store");
    const bool found = store_.config().VisitActiveLink(code, [&](const storage::CachedLink& link) {
      response.headers.emplace_back("Location", link.redirect.bare());
    });
    return found ? std::optional<HttpResponse>(std::move(response))
                 : PlainResponse(404, "link not found\n");
  }

  // The click and the 302 are filled in place: in the click sink's reused slot (no allocation
  // once warm), or in these when there is no sink.
  attribution::Click own_click;
  HttpResponse own_response;
  const ClickSink::Slot slot = click_sink != nullptr
                                   ? click_sink->Next()
                                   : ClickSink::Slot{.click = own_click, .response = own_response};
  attribution::Click& click = slot.click;
  HttpResponse& response = slot.response;
  response.status = 302;
  response.content_type.clear();
  response.body.clear();
  SetHeader(response, 0, "Cache-Control") = "no-store";
  std::string& location = SetHeader(response, 1, "Location");

  // One clock reading, at millisecond precision, serves the click's id and its time.
  const absl::Time now = absl::FromUnixMillis(absl::ToUnixMillis(clock_.Now()));
  click.id = ids_.NewUlid(now);
  click.time = now;
  const auto click_text = click.id.Text();
  const absl::string_view click_id(click_text.data(), click_text.size());

  const bool found = store_.config().VisitActiveLink(code, [&](const storage::CachedLink& cached) {
    click.program_id = cached.link.program_id;
    click.partner_id = cached.link.partner_id;
    click.link_code = cached.link.code;
    cached.redirect.AppendTo(click_id, location);
  });
  if (!found) {
    return PlainResponse(404, "link not found\n");  // the slot was not committed
  }

  std::optional<attribution::Ulid> customer;
  if (const std::optional<absl::string_view> cookie = FindCookie(request.cookie, kCustomerCookie)) {
    customer = attribution::Ulid::FromText(*cookie);
  }
  // A new visitor's customer id is the id of the click that brought them: the click record
  // then serves as the customer's first click, with no customer_clicks entry to write.
  click.new_customer = !customer.has_value();
  click.customer_id = customer.has_value() ? *customer : click.id;
  click.bot = attribution::IsBotUserAgent(request.user_agent);
  ReadSubs(query, click);

  const auto customer_text = click.customer_id.Text();
  absl::StrAppend(&SetHeader(response, 2, "Set-Cookie"), kCustomerCookie, "=",
                  absl::string_view(customer_text.data(), customer_text.size()),
                  cookie_attributes_);
  response.headers.resize(3);

  // The click is in the store before the 302 leaves: a redirect without its click is a lost
  // commission, so a failed write answers 503 and the visitor's browser may retry.
  if (click_sink != nullptr) {
    click_sink->Commit(defer());
    return std::nullopt;
  }
  if (absl::Status status = store_.clicks().RecordClick(click); !status.ok()) {
    Log(LogLevel::kError, "click write failed",
        {{"code", JsonText(code)}, {"error", JsonText(status.ToString())}});
    return ErrorResponse(absl::UnavailableError("the click could not be stored; retry"));
  }
  return std::move(response);
}

}  // namespace clicktrack::tracker
