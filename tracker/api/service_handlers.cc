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
  // An edge whose Kafka is away still redirects from its own store: ready, and says so.
  if (api.options.kafka_degraded) {
    if (std::string why = api.options.kafka_degraded(); !why.empty()) {
      return JsonResponse(200, {{"status", "ready"}, {"degraded", {{"kafka", why}}}});
    }
  }
  return JsonResponse(200, {{"status", "ready"}});
}

}  // namespace clicktrack::tracker
