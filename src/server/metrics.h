// /metrics in Prometheus' text exposition format (version 0.0.4).
#pragma once

#include <string>

#include "pond/engine/engine.h"
#include "server/router.h"

namespace pond::server {

std::string RenderMetrics(Engine& engine, const ServerMetrics& server);

}  // namespace pond::server
