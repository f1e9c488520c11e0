#pragma once

// Every handler of the API, one file per resource. Each takes the API's context and the call
// (its path segments, the program a scope loaded, the query, the body) and returns a response
// or an error status; routes.cc puts each in the table. A deferring handler returns nullopt
// once it has called call.defer().

#include <optional>

#include "absl/status/statusor.h"

#include "tracker/api/click_batcher.h"
#include "tracker/api/context.h"
#include "tracker/api/route_table.h"

namespace clicktrack::tracker {

using Reply = absl::StatusOr<HttpResponse>;
using DeferredReply = absl::StatusOr<std::optional<HttpResponse>>;

// Service (service_handlers.cc): liveness, and readiness (the store accepts writes).
Reply Healthz(const ApiContext& api, const Call& call);
Reply Readyz(const ApiContext& api, const Call& call);
// SPEC §4.6: Prometheus text format (docs/operations.md lists every figure).
Reply Metrics(const ApiContext& api, const Call& call);
// Backups of the store (docs/operations.md).
DeferredReply CreateBackup(const ApiContext& api, const Call& call);
Reply ListBackups(const ApiContext& api, const Call& call);

// The partner link (redirect_handler.cc). A HEAD is a preview: the bare destination, no
// cookie, no click. A GET stores the click through the loop's sink before its 302 leaves.
Reply RedirectPreview(const ApiContext& api, const Call& call);
DeferredReply Redirect(const ApiContext& api, ClickSink& click_sink, const Call& call);

// Conversions (pixel_handler.cc, postback_handler.cc): answered once durable.
DeferredReply Pixel(const ApiContext& api, const Call& call);
DeferredReply Postback(const ApiContext& api, const Call& call);
// Stripe webhooks (stripe_handler.cc): verified, decoded, decided once per event id.
DeferredReply StripeWebhook(const ApiContext& api, const Call& call);

// The first-party snippet t.js (snippet_handler.cc): 304 when If-None-Match names its ETag.
Reply Snippet(const ApiContext& api, const Call& call);

// Programs and partners (program_handlers.cc).
Reply PutProgram(const ApiContext& api, const Call& call);
Reply GetProgram(const ApiContext& api, const Call& call);
Reply PatchProgram(const ApiContext& api, const Call& call);
Reply PutPartner(const ApiContext& api, const Call& call);
Reply GetPartner(const ApiContext& api, const Call& call);
Reply ListPartners(const ApiContext& api, const Call& call);

// Links (link_handlers.cc).
Reply CreateLink(const ApiContext& api, const Call& call);
Reply GetLink(const ApiContext& api, const Call& call);
Reply PatchLink(const ApiContext& api, const Call& call);
Reply ListPartnerLinks(const ApiContext& api, const Call& call);

// Callers and partner tokens (token_handlers.cc, docs/dashboard.md): who is calling, the
// programs (admin), and a partner's tokens (made, listed, revoked by the admin).
Reply WhoAmI(const ApiContext& api, const Call& call);
Reply ListPrograms(const ApiContext& api, const Call& call);
Reply CreatePartnerToken(const ApiContext& api, const Call& call);
Reply ListPartnerTokens(const ApiContext& api, const Call& call);
Reply RevokePartnerToken(const ApiContext& api, const Call& call);

// The browser apps' files (web_handler.cc): a page or asset, and /dashboard -> /dashboard/.
Reply WebPage(const ApiContext& api, const Call& call);
Reply WebAppRoot(const ApiContext& api, const Call& call);

// Postbacks to partners (delivery_handlers.cc): the deliveries, and a retry of a failed one.
Reply ListDeliveries(const ApiContext& api, const Call& call);
Reply RetryDelivery(const ApiContext& api, const Call& call);

// Reports (report_handlers.cc).
Reply PartnerStats(const ApiContext& api, const Call& call);
Reply Commissions(const ApiContext& api, const Call& call);
Reply CustomerById(const ApiContext& api, const Call& call);
Reply CustomerByRef(const ApiContext& api, const Call& call);
// A partner's cohorts (cohort_handler.cc).
Reply Cohorts(const ApiContext& api, const Call& call);
// Program reports: KPIs (program_report_handlers.cc), segments and tiers (segment_handler.cc).
Reply ProgramKpis(const ApiContext& api, const Call& call);
Reply Segments(const ApiContext& api, const Call& call);
// Daily series and the partners table (series_handlers.cc).
Reply ProgramDaily(const ApiContext& api, const Call& call);
Reply PartnerDaily(const ApiContext& api, const Call& call);
Reply Leaderboard(const ApiContext& api, const Call& call);

// Balances and payouts (payout_handlers.cc); a payout is answered once durable.
Reply Balances(const ApiContext& api, const Call& call);
Reply PartnerBalance(const ApiContext& api, const Call& call);
DeferredReply CreatePayouts(const ApiContext& api, const Call& call);
// The ledger as CSV, streamed (ledger_export.cc).
Reply LedgerCsv(const ApiContext& api, const Call& call);
Reply ListPayouts(const ApiContext& api, const Call& call);

// Imports (import_handler.cc): answered when the importer is done with the file.
DeferredReply Import(const ApiContext& api, const Call& call);

}  // namespace clicktrack::tracker
