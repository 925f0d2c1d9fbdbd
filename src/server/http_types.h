// Plain HTTP request/response values: the boundary between Beast (http_server.cc) and the
// handlers, so that handlers and tests never include Beast.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "pond/base/status.h"

namespace pond::server {

struct HttpRequest {
  std::string method;                          // "GET", "POST", …
  std::string path;                            // without the query string, percent-decoded
  std::map<std::string, std::string> query;    // decoded
  std::map<std::string, std::string> headers;  // names lower-cased
  // The body with JsonPadding() spare bytes after body_size, so simdjson can read it in place.
  std::string body;
  size_t body_size = 0;
  std::map<std::string, std::string> params;  // path parameters from the route pattern
  std::string remote_address;                 // the peer's IP (login throttling, audit)

  std::string_view Body() const { return std::string_view(body.data(), body_size); }
  std::string Header(const std::string& lower_name) const {
    auto it = headers.find(lower_name);
    return it == headers.end() ? std::string() : it->second;
  }
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::map<std::string, std::string> headers;
};

// Maps a Status code to its HTTP status (ARCHITECTURE.md's table).
int HttpStatusFor(StatusCode code);

// {"error": {"code": "invalid_argument", "message": "…", "field": "batch[3].timestamp"}}
HttpResponse ErrorResponse(const Status& status);

// A 200 (or `status`) response with a JSON body.
HttpResponse JsonResponse(std::string body, int status = 200);

}  // namespace pond::server
