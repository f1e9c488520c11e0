// Liveness and readiness, for load balancers and orchestrators.

#include "tracker/api/handlers.h"
#include "tracker/api/responses.h"

namespace clicktrack::tracker {

Reply Healthz(const ApiContext& /*api*/, const Call& /*call*/) {
  return JsonResponse(200, {{"status", "ok"}});
}

Reply Readyz(const ApiContext& api, const Call& /*call*/) {
  if (!api.maintenance.IsWritable()) {
    return absl::UnavailableError("store is not accepting writes");
  }
  return JsonResponse(200, {{"status", "ready"}});
}

}  // namespace clicktrack::tracker
