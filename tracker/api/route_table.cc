#include "tracker/api/route_table.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

#include "tracker/api/responses.h"
#include "tracker/common/metrics.h"
#include "tracker/common/query_string.h"

namespace clicktrack::tracker {
namespace {

absl::string_view MethodName(Method method) {
  switch (method) {
    case Method::kGet:
      return "GET";
    case Method::kHead:
      return "HEAD";
    case Method::kPost:
      return "POST";
    case Method::kPut:
      return "PUT";
    case Method::kPatch:
      return "PATCH";
    case Method::kDelete:
      return "DELETE";
    case Method::kOther:
      break;
  }
  return "OTHER";
}

bool IsParam(absl::string_view segment) {
  return segment.size() >= 2 && segment.front() == '{' && segment.back() == '}';
}

}  // namespace

absl::string_view Call::Param(absl::string_view name) const {
  for (const auto& [key, value] : params) {
    if (key == name) {
      return value;
    }
  }
  return "";
}

RouteTable::Pattern RouteTable::Parse(absl::string_view pattern) {
  Pattern parsed;
  for (absl::string_view segment : absl::StrSplit(pattern.substr(1), '/')) {
    parsed.segments.emplace_back(segment);
  }
  return parsed;
}

bool RouteTable::Pattern::IsPrefixOf(const Segments& path) const {
  if (path.size() < segments.size()) {
    return false;
  }
  for (size_t i = 0; i < segments.size(); ++i) {
    if (!IsParam(segments[i]) && segments[i] != path[i]) {
      return false;
    }
  }
  return true;
}

bool RouteTable::Pattern::Matches(const Segments& path) const {
  return path.size() == segments.size() && IsPrefixOf(path);
}

void RouteTable::Pattern::Bind(const Segments& path, Call& call) const {
  for (size_t i = 0; i < segments.size() && i < path.size(); ++i) {
    if (IsParam(segments[i])) {
      call.params.emplace_back(absl::string_view(segments[i].data() + 1, segments[i].size() - 2),
                               path[i]);
    }
  }
}

void RouteTable::Add(Method method, absl::string_view pattern, Handler handler) {
  AddDeferring(method, pattern,
               [handler = std::move(handler)](
                   const Call& call) -> absl::StatusOr<std::optional<HttpResponse>> {
                 absl::StatusOr<HttpResponse> response = handler(call);
                 if (!response.ok()) {
                   return response.status();
                 }
                 return std::optional<HttpResponse>(*std::move(response));
               });
}

void RouteTable::AddDeferring(Method method, absl::string_view pattern, DeferringHandler handler) {
  rows_.push_back(Row{.method = method,
                      .pattern = Parse(pattern),
                      .handler = std::move(handler),
                      .metrics_route = RegisterRoute(pattern)});
}

void RouteTable::AddScope(Scope scope) {
  Pattern prefix = Parse(scope.prefix);
  scopes_.push_back(ScopeRow{.prefix = std::move(prefix), .scope = std::move(scope)});
}

absl::InlinedVector<const RouteTable::Row*, 4> RouteTable::RowsFor(const Segments& path) const {
  absl::InlinedVector<const Row*, 4> found;
  for (const Row& row : rows_) {
    if (row.pattern.Matches(path)) {
      found.push_back(&row);
    }
  }
  return found;
}

absl::Status RouteTable::PrepareBelowScopes(const Segments& path, Call& call) const {
  for (const ScopeRow& row : scopes_) {
    if (!row.prefix.IsPrefixOf(path) || path.size() == row.prefix.segments.size()) {
      continue;
    }
    if (row.scope.load) {
      if (absl::Status loaded = row.scope.load(call); !loaded.ok()) {
        return loaded;
      }
    }
    for (const auto& [name, check] : row.scope.param_checks) {
      for (const auto& [key, value] : call.params) {
        if (key == name) {
          if (absl::Status checked = check(value); !checked.ok()) {
            return checked;
          }
        }
      }
    }
  }
  return absl::OkStatus();
}

std::string RouteTable::AllowedMethods(absl::Span<const Row* const> rows) {
  std::string allow;
  for (const Row* row : rows) {
    absl::StrAppend(&allow, allow.empty() ? "" : ", ", MethodName(row->method));
  }
  return allow;
}

std::optional<HttpResponse> RouteTable::Dispatch(const HttpRequest& request,
                                                 absl::FunctionRef<LaterResponse()> defer,
                                                 uint16_t* route) const {
  const Target target = SplitTarget(request.target);
  if (target.path.empty() || target.path.front() != '/') {
    return ErrorResponse(absl::InvalidArgumentError("request target must be a path"));
  }
  const Segments path = absl::StrSplit(target.path.substr(1), '/');
  Call call{.request = request, .path = target.path, .query = target.query, .defer = defer};
  for (const ScopeRow& row : scopes_) {
    if (row.prefix.IsPrefixOf(path) && row.scope.check) {
      call.params.clear();
      row.prefix.Bind(path, call);
      if (absl::Status checked = row.scope.check(call); !checked.ok()) {
        return ErrorResponse(checked);
      }
    }
  }
  const absl::InlinedVector<const Row*, 4> rows = RowsFor(path);
  if (rows.empty()) {
    return ErrorResponse(absl::NotFoundError(absl::StrCat("no route for ", target.path)));
  }
  if (route != nullptr) {
    *route = rows.front()->metrics_route;
  }
  call.params.clear();  // the route's pattern names every segment the scopes named
  rows.front()->pattern.Bind(path, call);
  if (absl::Status prepared = PrepareBelowScopes(path, call); !prepared.ok()) {
    return ErrorResponse(prepared);
  }
  for (const Row* row : rows) {
    if (row->method == request.method) {
      absl::StatusOr<std::optional<HttpResponse>> reply = row->handler(call);
      if (!reply.ok()) {
        return ErrorResponse(reply.status());
      }
      return *std::move(reply);
    }
  }
  return MethodNotAllowed(AllowedMethods(rows));
}

}  // namespace clicktrack::tracker
