// The HTTP server: Boost.Beast over Asio, keep-alive, a few I/O threads. The only header of
// server/ that cli/ includes; Beast itself stays inside http_server.cc.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "pond/base/status.h"
#include "server/router.h"

namespace pond::server {

struct ServerOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 8080;  // 0: pick a free port (see HttpServer::port())
  int threads = 2;
  bool handle_signals = false;  // stop cleanly on SIGINT / SIGTERM
  std::string web_dir;          // the console's built files, served at `/` (empty: none)
  // Open connections at most; one more is answered 503 and closed at once.
  int max_connections = 1024;
  // A keep-alive connection is closed after this long however busy it is (its last response
  // says "Connection: close"), so that no client holds a connection and its buffers forever.
  std::chrono::seconds max_connection_age{300};
};

class HttpServer {
 public:
  // Starts every part of `app` not yet started, binds and listens; requests are served once
  // Run() is called. `app` must outlive the server.
  static Result<std::unique_ptr<HttpServer>> Start(app::App& app, const ServerOptions& options);
  virtual ~HttpServer() = default;
  virtual uint16_t port() const = 0;
  // Serves until Stop() (or a signal, when handle_signals). Blocks.
  virtual void Run() = 0;
  // Thread-safe.
  virtual void Stop() = 0;
};

// "127.0.0.1:8080" → host and port. Port 0 is allowed.
Result<ServerOptions> ParseListen(const std::string& listen);

}  // namespace pond::server
