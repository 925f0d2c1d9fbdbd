// Fission (docs/fission.md): the economics planner.
#include "server/fission_views.h"
#include "server/handler_util.h"

namespace pond::server {

HttpResponse PlanFissionHandler(ApiContext&, const HttpRequest& req) {
  auto input = ParseFissionPlanInput(req.Body());
  if (!input.ok()) return ErrorResponse(input.status());
  auto plan = PlanFission(*input);
  if (!plan.ok()) return ErrorResponse(plan.status());
  return JsonResponse(DumpJson(FissionPlanJson(*input, *plan)));
}

}  // namespace pond::server
