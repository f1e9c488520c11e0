#pragma once

// Routes a parsed request to its handler and returns the response. No sockets, no Beast:
// the server hands it an HttpRequest and writes back the HttpResponse.

#include <array>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/inlined_vector.h"
#include "absl/functional/function_ref.h"
#include "absl/strings/string_view.h"
#include "boost/json/object.hpp"

#include "storage/store.h"
#include "tracker/click_batcher.h"
#include "tracker/common/clock.h"
#include "tracker/common/id_generator.h"
#include "tracker/http/http_types.h"
#include "tracker/http/request_handler.h"

namespace clicktrack::tracker {

struct RouterOptions {
  // Base of the links handed out ("https://t.example.com"), without a trailing slash.
  // An https base makes the customer cookie SameSite=None; Secure.
  std::string public_url = "http://127.0.0.1:8080";
  // The admin API's bearer token. Must not be empty.
  std::string admin_token;
};

inline constexpr absl::string_view kCustomerCookie = "tc_cid";
// 400 days: the longest lifetime Chrome keeps. Re-set on every click, so it slides.
inline constexpr int64_t kCustomerCookieMaxAgeSeconds = 34'560'000;

// Thread-safe: handlers share only the store (thread-safe) and immutable options.
class Router {
 public:
  Router(storage::Store& store, const Clock& clock, IdGenerator& ids, RouterOptions options);

  // Most routes answer at once: the response is returned. Conversions answer only once they
  // are durable: then Handle returns nullopt after calling `defer` once, and the response goes
  // to the LaterResponse it returned, from the committer's thread.
  // Redirects hand their clicks to `click_sink` (the loop's), or store them at once when it
  // is null.
  std::optional<HttpResponse> Handle(const HttpRequest& request, ClickSink* click_sink,
                                     absl::FunctionRef<LaterResponse()> defer);

  // A click batcher for one event loop (see click_batcher.h).
  std::unique_ptr<ClickSink> NewClickBatcher(PostToLoop post) {
    return std::make_unique<ClickBatcher>(store_, std::move(post));
  }

 private:
  using Segments = absl::InlinedVector<absl::string_view, 8>;  // no allocation for our routes

  bool IsAuthorized(absl::string_view authorization) const;
  HttpResponse HandleAdmin(const HttpRequest& request, const Segments& segments,
                           absl::string_view query);

  std::optional<HttpResponse> Redirect(const HttpRequest& request, ClickSink* click_sink,
                                       absl::string_view code, absl::string_view query,
                                       absl::FunctionRef<LaterResponse()> defer);
  HttpResponse Ready() const;

  // Conversions (conversion_handlers.cc).
  std::optional<HttpResponse> Pixel(const HttpRequest& request, absl::string_view query,
                                    absl::FunctionRef<LaterResponse()> defer);
  std::optional<HttpResponse> Postback(const HttpRequest& request, absl::string_view query,
                                       absl::FunctionRef<LaterResponse()> defer);

  // Reports (report_handlers.cc).
  HttpResponse Commissions(const attribution::Program& program, absl::string_view partner_id,
                           absl::string_view query) const;
  HttpResponse CustomerById(const attribution::Program& program,
                            absl::string_view customer_id) const;
  HttpResponse CustomerByRef(const attribution::Program& program, absl::string_view query) const;

  HttpResponse PutProgram(absl::string_view program_id, absl::string_view body);
  HttpResponse GetProgram(absl::string_view program_id) const;
  HttpResponse PutPartner(const attribution::Program& program, absl::string_view partner_id,
                          absl::string_view body);
  HttpResponse GetPartner(const attribution::Program& program, absl::string_view partner_id) const;
  HttpResponse ListPartners(const attribution::Program& program) const;
  HttpResponse PartnerStats(const attribution::Program& program, absl::string_view partner_id,
                            absl::string_view query) const;
  HttpResponse CreateLink(const attribution::Program& program, absl::string_view body);
  HttpResponse GetLink(const attribution::Program& program, absl::string_view code) const;
  HttpResponse PatchLink(const attribution::Program& program, absl::string_view code,
                         absl::string_view body);

  storage::Store& store_;
  const Clock& clock_;
  IdGenerator& ids_;
  const RouterOptions options_;
  const std::array<unsigned char, 32> admin_token_digest_;
  const std::string cookie_attributes_;
};

// The request handler of one event loop: the router, with the loop's click batcher.
class LoopHandler final : public RequestHandler {
 public:
  LoopHandler(Router& router, PostToLoop post)
      : router_(router), click_sink_(router.NewClickBatcher(std::move(post))) {}
  std::optional<HttpResponse> Handle(const HttpRequest& request,
                                     absl::FunctionRef<LaterResponse()> defer) override {
    return router_.Handle(request, click_sink_.get(), defer);
  }

 private:
  Router& router_;
  std::unique_ptr<ClickSink> click_sink_;
};

// A JSON response with `status`.
HttpResponse JsonResponse(int status, const boost::json::object& body);

}  // namespace clicktrack::tracker
