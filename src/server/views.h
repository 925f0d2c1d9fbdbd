// JSON shapes of API resources, shared by the HTTP handlers and `pond … --json`, so that the CLI
// prints exactly what the API returns.
#pragma once

#include <string>

#include "pond/engine/engine.h"

namespace pond::server {

std::string ProfileJsonText(const CustomerProfile& profile);
std::string CustomerPageJsonText(const CustomerPage& page);

}  // namespace pond::server
