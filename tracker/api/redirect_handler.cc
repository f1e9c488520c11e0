// The partner link (SPEC §4.2): a 302 to the destination, with the click stored first.

#include <array>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

#include "attribution/base/utf8.h"
#include "attribution/click.h"
#include "attribution/ids.h"
#include "tracker/api/handlers.h"
#include "tracker/api/responses.h"
#include "tracker/common/query_string.h"

namespace clicktrack::tracker {
namespace {

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

absl::StatusOr<HttpResponse> RedirectPreview(const ApiContext& api, const Call& call) {
  HttpResponse response;
  response.status = 302;
  response.headers.emplace_back("Cache-Control", "no-store");
  const bool found =
      api.config.VisitActiveLink(call.Param("code"), [&](const storage::CachedLink& link) {
        response.headers.emplace_back("Location", link.redirect.bare());
      });
  return found ? std::move(response) : PlainResponse(404, "link not found\n");
}

absl::StatusOr<std::optional<HttpResponse>> Redirect(const ApiContext& api, ClickSink& click_sink,
                                                     const Call& call) {
  const absl::string_view code = call.Param("code");
  // The click and the 302 are filled in place, in the click sink's reused slot: no allocation
  // once warm.
  const ClickSink::Slot slot = click_sink.Next();
  attribution::Click& click = slot.click;
  HttpResponse& response = slot.response;
  response.status = 302;
  response.content_type.clear();
  response.body.clear();
  SetHeader(response, 0, "Cache-Control") = "no-store";
  std::string& location = SetHeader(response, 1, "Location");

  // One clock reading, at millisecond precision, serves the click's id and its time.
  const absl::Time now = absl::FromUnixMillis(absl::ToUnixMillis(api.clock.Now()));
  click.id = api.ids.NewUlid(now);
  click.time = now;
  const auto click_text = click.id.Text();
  const absl::string_view click_id(click_text.data(), click_text.size());

  const bool found = api.config.VisitActiveLink(code, [&](const storage::CachedLink& cached) {
    click.program_id = cached.link.program_id;
    click.partner_id = cached.link.partner_id;
    click.link_code = cached.link.code;
    cached.redirect.AppendTo(click_id, location);
  });
  if (!found) {
    return PlainResponse(404, "link not found\n");  // the slot was not committed
  }

  std::optional<attribution::Ulid> customer;
  if (const std::optional<absl::string_view> cookie =
          FindCookie(call.request.cookie, kCustomerCookie)) {
    customer = attribution::Ulid::FromText(*cookie);
  }
  // A new visitor's customer id is the id of the click that brought them: the click record
  // then serves as the customer's first click, with no customer_clicks entry to write.
  click.new_customer = !customer.has_value();
  click.customer_id = customer.has_value() ? *customer : click.id;
  click.bot = attribution::IsBotUserAgent(call.request.user_agent);
  ReadSubs(call.query, click);

  const auto customer_text = click.customer_id.Text();
  absl::StrAppend(&SetHeader(response, 2, "Set-Cookie"), kCustomerCookie, "=",
                  absl::string_view(customer_text.data(), customer_text.size()),
                  api.cookie_attributes);
  response.headers.resize(3);

  // The click is in the store before the 302 leaves: a redirect without its click is a lost
  // commission, so a failed write answers 503 (the click sink's) and the browser may retry.
  click_sink.Commit(call.defer());
  return std::nullopt;
}

}  // namespace clicktrack::tracker
