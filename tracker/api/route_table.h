#pragma once

// Routes as data: (method, path pattern, handler) rows, and scopes that guard a whole subtree
// of paths (the admin API's token and program). Dispatch answers in a fixed order, the same
// for every route:
//
//   1. a target that is not a path: 400;
//   2. each scope whose prefix the path is under: its check (401 for a token, 400 for a bad
//      program id or query), before anything is said about routes;
//   3. no row for the path: 404 "no route for <path>";
//   4. a path strictly below a scope's prefix: the scope's load (404 for an unknown program),
//      then the scope's check of each named segment (400);
//   5. no row for the method: 405 with Allow listing the rows' methods in table order;
//   6. the handler; an error it returns becomes a JSON error response (responses.h).

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/inlined_vector.h"
#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

#include "attribution/program.h"
#include "tracker/http/http_types.h"

namespace clicktrack::tracker {

// One request as a handler sees it.
struct Call {
  const HttpRequest& request;
  absl::string_view path;
  absl::string_view query;
  absl::FunctionRef<LaterResponse()> defer;
  // The segments named in the route's pattern ("{partner}"), in pattern order.
  absl::InlinedVector<std::pair<absl::string_view, absl::string_view>, 4> params;
  // What a scope's load found (the program of /api/v1/programs/{program}/…), else null.
  std::shared_ptr<const attribution::Program> program;

  // The segment named `name`; "" when the pattern has none.
  absl::string_view Param(absl::string_view name) const;
};

// A handler that answers at once.
using Handler = std::function<absl::StatusOr<HttpResponse>(const Call&)>;
// A handler that may answer later: nullopt after calling call.defer() once.
using DeferringHandler = std::function<absl::StatusOr<std::optional<HttpResponse>>(const Call&)>;

struct Scope {
  std::string prefix;  // a pattern: "/api/v1/programs/{program}"
  // Runs for every path under the prefix (at least as deep), before routes are looked up.
  std::function<absl::Status(const Call&)> check;
  // Runs for a found route strictly below the prefix, before its method is checked.
  std::function<absl::Status(Call&)> load;
  // Checks of named segments below the prefix, by name, run after `load`.
  std::vector<std::pair<std::string, std::function<absl::Status(absl::string_view)>>> param_checks;
};

class RouteTable {
 public:
  void Add(Method method, absl::string_view pattern, Handler handler);
  void AddDeferring(Method method, absl::string_view pattern, DeferringHandler handler);
  void AddScope(Scope scope);

  // The answer to `request`, or nullopt when the handler deferred it. Sets `route`, when
  // given, to the metrics number of the pattern the path matched (0: none).
  std::optional<HttpResponse> Dispatch(const HttpRequest& request,
                                       absl::FunctionRef<LaterResponse()> defer,
                                       uint16_t* route = nullptr) const;

 private:
  using Segments = absl::InlinedVector<absl::string_view, 8>;
  struct Pattern {
    std::vector<std::string> segments;  // "{name}" matches any one segment
    bool Matches(const Segments& path) const;
    bool IsPrefixOf(const Segments& path) const;
    void Bind(const Segments& path, Call& call) const;
  };
  struct Row {
    Method method;
    Pattern pattern;
    DeferringHandler handler;
    uint16_t metrics_route = 0;  // the pattern's number for /metrics (common/metrics.h)
  };
  struct ScopeRow {
    Pattern prefix;
    Scope scope;
  };

  static Pattern Parse(absl::string_view pattern);
  // The rows whose pattern matches, in table order.
  absl::InlinedVector<const Row*, 4> RowsFor(const Segments& path) const;
  absl::Status PrepareBelowScopes(const Segments& path, Call& call) const;
  static std::string AllowedMethods(absl::Span<const Row* const> rows);

  std::vector<Row> rows_;
  std::vector<ScopeRow> scopes_;
};

}  // namespace clicktrack::tracker
