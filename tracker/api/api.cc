#include "tracker/api/api.h"

#include <utility>

#include "absl/strings/str_cat.h"

#include "tracker/api/access.h"
#include "tracker/api/click_batcher.h"
#include "tracker/api/handlers.h"
#include "tracker/codec/strict_query.h"

namespace clicktrack::tracker {
namespace {

// The operator's routes (/api/v1/admin/…): the admin token (401), then the query (400).
Scope OperatorScope(const ApiContext& api) {
  return Scope{
      .prefix = "/api/v1/admin",
      .check = [&api](const Call& call) -> absl::Status {
        if (absl::Status token = RequireAdmin(api, call.request.authorization); !token.ok()) {
          return token;
        }
        return ValidateQuery(call.query);
      },
  };
}

// The admin token, or a partner token on its own partner's reports: 401 for no caller, 403 for
// a partner out of its reach.
absl::Status CheckCaller(const ApiContext& api, const Call& call) {
  absl::StatusOr<Caller> caller = Authenticate(api, call.request.authorization);
  if (!caller.ok()) {
    return caller.status();
  }
  if (caller->partner) {
    return CheckPartnerReach(*caller->partner, call.request.method, call.path);
  }
  return absl::OkStatus();
}

// The admin API's scope: the token first (401, or 403 for a partner token out of its reach), then
// the program id and the query (400), for every path under a program, known route or not; below the
// program itself, the program (404) and the partner id or link code (400).
Scope AdminScope(const ApiContext& api) {
  const auto identifier = [](absl::string_view field) {
    return
        [field](absl::string_view value) { return attribution::ValidateIdentifier(field, value); };
  };
  return Scope{
      .prefix = "/api/v1/programs/{program}",
      .check = [&api](const Call& call) -> absl::Status {
        if (absl::Status caller = CheckCaller(api, call); !caller.ok()) {
          return caller;
        }
        if (absl::Status status =
                attribution::ValidateIdentifier("program_id", call.Param("program"));
            !status.ok()) {
          return status;
        }
        return ValidateQuery(call.query);
      },
      .load = [&api](Call& call) -> absl::Status {
        absl::StatusOr<storage::ConfigStore::ProgramRef> program =
            api.config.GetProgram(call.Param("program"));
        if (!program.ok()) {
          return program.status();
        }
        call.program = *std::move(program);
        return absl::OkStatus();
      },
      .param_checks = {{"partner", identifier("partner_id")},
                       {"code", identifier("code")},
                       {"token", identifier("token_id")}},
  };
}

// One event loop's routes and click sink.
class ApiHandler final : public RequestHandler {
 public:
  ApiHandler(const ApiContext& api, std::unique_ptr<ClickSink> click_sink)
      : click_sink_(std::move(click_sink)), routes_(ApiRoutes(api, *click_sink_)) {}

  std::optional<HttpResponse> Handle(const HttpRequest& request, uint16_t& route,
                                     absl::FunctionRef<LaterResponse()> defer) override {
    return routes_.Dispatch(request, defer, &route);
  }

 private:
  std::unique_ptr<ClickSink> click_sink_;
  RouteTable routes_;
};

}  // namespace

RouteTable ApiRoutes(const ApiContext& api, ClickSink& click_sink) {
  // A handler of handlers.h with the API's context bound: a Handler or a DeferringHandler.
  const auto bind = [&api](auto* handler) {
    return [&api, handler](const Call& call) { return handler(api, call); };
  };
  constexpr absl::string_view kProgram = "/api/v1/programs/{program}";
  const auto admin = [kProgram](absl::string_view rest) { return absl::StrCat(kProgram, rest); };

  RouteTable routes;
  routes.AddDeferring(Method::kGet, "/go/{code}", [&api, &click_sink](const Call& call) {
    return Redirect(api, click_sink, call);
  });
  routes.Add(Method::kHead, "/go/{code}", bind(RedirectPreview));
  routes.AddDeferring(Method::kGet, "/px.gif", bind(Pixel));
  routes.AddDeferring(Method::kGet, "/postback", bind(Postback));
  routes.AddDeferring(Method::kPost, "/postback", bind(Postback));
  routes.AddDeferring(Method::kPost, "/webhooks/stripe/{program}", bind(StripeWebhook));
  routes.Add(Method::kGet, "/t.js", bind(Snippet));
  routes.Add(Method::kHead, "/t.js", bind(Snippet));
  routes.Add(Method::kGet, "/healthz", bind(Healthz));
  routes.Add(Method::kHead, "/healthz", bind(Healthz));
  routes.Add(Method::kGet, "/readyz", bind(Readyz));
  routes.Add(Method::kHead, "/readyz", bind(Readyz));
  routes.Add(Method::kGet, "/metrics", bind(Metrics));
  for (absl::string_view app : {"/dashboard", "/portal", "/shared"}) {
    routes.Add(Method::kGet, app, bind(WebAppRoot));
    routes.Add(Method::kGet, absl::StrCat(app, "/{file}"), bind(WebPage));
    routes.Add(Method::kHead, absl::StrCat(app, "/{file}"), bind(WebPage));
  }
  routes.Add(Method::kGet, "/api/v1/me", bind(WhoAmI));
  routes.Add(Method::kGet, "/api/v1/programs", bind(ListPrograms));

  routes.AddScope(OperatorScope(api));
  routes.AddDeferring(Method::kPost, "/api/v1/admin/backups", bind(CreateBackup));
  routes.Add(Method::kGet, "/api/v1/admin/backups", bind(ListBackups));

  routes.AddScope(AdminScope(api));
  routes.Add(Method::kGet, kProgram, bind(GetProgram));
  routes.Add(Method::kPut, kProgram, bind(PutProgram));
  routes.Add(Method::kPatch, kProgram, bind(PatchProgram));
  routes.Add(Method::kGet, admin("/partners"), bind(ListPartners));
  routes.Add(Method::kGet, admin("/partners/{partner}"), bind(GetPartner));
  routes.Add(Method::kPut, admin("/partners/{partner}"), bind(PutPartner));
  routes.Add(Method::kGet, admin("/partners/{partner}/stats"), bind(PartnerStats));
  routes.Add(Method::kGet, admin("/partners/{partner}/cohorts"), bind(Cohorts));
  routes.Add(Method::kGet, admin("/kpis"), bind(ProgramKpis));
  routes.Add(Method::kGet, admin("/segments"), bind(Segments));
  routes.Add(Method::kGet, admin("/daily"), bind(ProgramDaily));
  routes.Add(Method::kGet, admin("/leaderboard"), bind(Leaderboard));
  routes.Add(Method::kGet, admin("/partners/{partner}/daily"), bind(PartnerDaily));
  routes.Add(Method::kGet, admin("/partners/{partner}/links"), bind(ListPartnerLinks));
  routes.Add(Method::kPost, admin("/partners/{partner}/tokens"), bind(CreatePartnerToken));
  routes.Add(Method::kGet, admin("/partners/{partner}/tokens"), bind(ListPartnerTokens));
  routes.Add(Method::kDelete, admin("/partners/{partner}/tokens/{token}"),
             bind(RevokePartnerToken));
  routes.AddDeferring(Method::kPost, admin("/import"), bind(Import));
  routes.Add(Method::kGet, admin("/balances"), bind(Balances));
  routes.Add(Method::kGet, admin("/partners/{partner}/balance"), bind(PartnerBalance));
  routes.AddDeferring(Method::kPost, admin("/payouts"), bind(CreatePayouts));
  routes.Add(Method::kGet, admin("/payouts"), bind(ListPayouts));
  routes.Add(Method::kGet, admin("/ledger.csv"), bind(LedgerCsv));
  routes.Add(Method::kGet, admin("/partners/{partner}/commissions"), bind(Commissions));
  routes.Add(Method::kGet, admin("/partners/{partner}/postbacks"), bind(ListDeliveries));
  routes.Add(Method::kPost, admin("/partners/{partner}/postbacks/{delivery}/retry"),
             bind(RetryDelivery));
  routes.Add(Method::kPost, admin("/links"), bind(CreateLink));
  routes.Add(Method::kGet, admin("/links/{code}"), bind(GetLink));
  routes.Add(Method::kPatch, admin("/links/{code}"), bind(PatchLink));
  routes.Add(Method::kGet, admin("/customers"), bind(CustomerByRef));
  routes.Add(Method::kGet, admin("/customers/{customer}"), bind(CustomerById));
  return routes;
}

std::unique_ptr<RequestHandler> NewApiHandler(const ApiContext& api,
                                              std::unique_ptr<ClickSink> click_sink) {
  return std::make_unique<ApiHandler>(api, std::move(click_sink));
}

}  // namespace clicktrack::tracker
