#include "pond/app/erasure.h"

#include "pond/app/personal_data.h"

namespace pond::app {

Result<nlohmann::json> EraseCustomer(Engine& engine, const std::string& ws, const std::string& id) {
  if (!id.starts_with("cus_") || id.size() > 64) {
    return FieldError("id", "a customer id (cus_…): erasure names the customer by pond's id");
  }
  ASSIGN_OR_RETURN(ErasureResult r, engine.EraseCustomer(ws, id, IsErasableKey));
  return nlohmann::json({{"customer", r.customer_id},
                         {"erased", true},
                         {"identities", r.identities},
                         {"events_rewritten", r.events_rewritten}});
}

}  // namespace pond::app
