// The console's files (web/dist, built by scripts/setup.sh) served at `/`: a path that names a
// file under the directory gets it; any other path outside /v1 gets index.html, so the
// single-page app's own routes (/customers/cus_…) survive a reload.
#pragma once

#include <optional>
#include <string>

#include "server/http_types.h"

namespace pond::server {

// nullopt when `web_dir` is empty or has no index.html (the caller answers 404). Paths with
// "..", a backslash or a NUL never leave the directory: they get index.html.
std::optional<HttpResponse> ServeStatic(const std::string& web_dir, const std::string& path);

// "text/html; charset=utf-8" for .html, and so on; application/octet-stream when unknown.
std::string ContentTypeFor(const std::string& path);

}  // namespace pond::server
