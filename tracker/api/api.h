#pragma once

// The API of SPEC §4–§6 as request handlers, one per event loop.

#include <memory>

#include "tracker/api/click_batcher.h"
#include "tracker/api/context.h"
#include "tracker/api/route_table.h"
#include "tracker/http/request_handler.h"

namespace clicktrack::tracker {

// Every route of the API, with `click_sink` taking the redirects' clicks. `api` and
// `click_sink` must outlive the table.
RouteTable ApiRoutes(const ApiContext& api, ClickSink& click_sink);

// Whether a request is an import (SPEC §6), whose body the server should spool to a file
// (BodySpool::accepts).
bool IsImportTarget(Method method, absl::string_view target);

// The handler of one event loop: the routes, with that loop's click sink (a ClickBatcher whose
// flushes are posted to the loop). `api` must outlive it.
std::unique_ptr<RequestHandler> NewApiHandler(const ApiContext& api,
                                              std::unique_ptr<ClickSink> click_sink);

}  // namespace clicktrack::tracker
