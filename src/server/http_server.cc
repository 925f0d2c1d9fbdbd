#include "server/http_server.h"

#include <algorithm>
#include <atomic>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/version.hpp>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <thread>
#include <vector>

#include "pond/base/query_string.h"
#include "pond/channels/tracking_api.h"
#include "server/router.h"

namespace pond::server {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

constexpr auto kIdleTimeout = std::chrono::seconds(60);
constexpr size_t kMaxHeaderBytes = 16 * 1024;
// When accept fails for want of file descriptors, wait this long before the next try instead of
// spinning a core on an error that only a closing connection can clear.
constexpr auto kAcceptBackoff = std::chrono::milliseconds(100);

// RFC 9112 §6.1: a request's transfer coding must end in chunked, and a request with both
// Transfer-Encoding and Content-Length is refused (the classic request-smuggling pair). pond
// supports no coding but chunked, so the only accepted value is "chunked", in any case.
Status CheckFraming(const http::request<http::string_body>& req) {
  auto te = req.find(http::field::transfer_encoding);
  if (te == req.end()) return Status::Ok();
  if (req.find(http::field::content_length) != req.end()) {
    return FieldError("Transfer-Encoding", "must not come with Content-Length (RFC 9112 §6.1)");
  }
  std::string value(te->value());
  for (char& c : value) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.pop_back();
  if (value != "chunked") {
    return FieldError("Transfer-Encoding",
                      "only \"chunked\" is supported, not \"" + value.substr(0, 20) + "\"");
  }
  return Status::Ok();
}

HttpRequest Convert(http::request<http::string_body>&& in) {
  HttpRequest r;
  r.method = std::string(in.method_string());
  std::string_view target(in.target().data(), in.target().size());
  size_t q = target.find('?');
  r.path = PercentDecode(target.substr(0, q), false);
  if (q != std::string_view::npos) r.query = ParseQueryString(target.substr(q + 1));
  for (const auto& field : in) {
    std::string name(field.name_string());
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    r.headers[name] = std::string(field.value());
  }
  r.body = std::move(in.body());
  r.body_size = r.body.size();
  r.body.append(JsonPadding(), ' ');
  return r;
}

// The open connections, for the cap: counted from a session's start to its end.
struct ConnectionCount {
  std::atomic<int> open{0};
};

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket&& socket, Router& router, ConnectionCount& count,
          std::chrono::seconds max_age)
      : stream_(std::move(socket)),
        router_(router),
        count_(count),
        close_at_(std::chrono::steady_clock::now() + max_age) {
    count_.open.fetch_add(1, std::memory_order_relaxed);
    beast::error_code ec;
    const tcp::endpoint peer = stream_.socket().remote_endpoint(ec);
    if (!ec) peer_ = peer.address().to_string();
  }
  ~Session() { count_.open.fetch_sub(1, std::memory_order_relaxed); }

  void Run() {
    net::dispatch(stream_.get_executor(),
                  beast::bind_front_handler(&Session::DoRead, shared_from_this()));
  }

  // Over the cap: one 503 and close, without reading the request.
  void Refuse() {
    net::dispatch(stream_.get_executor(), [self = shared_from_this()] {
      HttpResponse busy = ErrorResponse(Status::Unavailable("too many open connections; retry"));
      busy.status = 503;
      busy.headers["Retry-After"] = "1";
      self->Send(std::move(busy), 11, false);
    });
  }

 private:
  void DoRead() {
    parser_.emplace();
    parser_->body_limit(kMaxRequestBodyBytes);
    parser_->header_limit(kMaxHeaderBytes);
    // Idle for at most kIdleTimeout, and never past the connection's age limit.
    const auto now = std::chrono::steady_clock::now();
    stream_.expires_after(std::max<std::chrono::steady_clock::duration>(
        std::chrono::seconds(1),
        std::min<std::chrono::steady_clock::duration>(kIdleTimeout, close_at_ - now)));
    http::async_read(stream_, buffer_, *parser_,
                     beast::bind_front_handler(&Session::OnRead, shared_from_this()));
  }

  void OnRead(beast::error_code ec, size_t) {
    if (ec == http::error::end_of_stream || ec == net::error::operation_aborted ||
        ec == beast::error::timeout || ec == net::error::connection_reset ||
        ec == net::error::eof) {
      return DoClose();
    }
    if (ec) {
      // Malformed HTTP or a body over the hard cap: answer once and close.
      HttpResponse err =
          ec == http::error::body_limit
              ? ErrorResponse(Status::PayloadTooLarge(
                    "request body over " + std::to_string(kMaxRequestBodyBytes / 1024 / 1024) +
                    " MB"))
              : ErrorResponse(Status::InvalidArgument("malformed HTTP request: " + ec.message()));
      if (ec == http::error::body_limit) err.status = 413;
      return Send(std::move(err), 11, false);
    }
    http::request<http::string_body> req = parser_->release();
    unsigned version = req.version();
    if (Status framing = CheckFraming(req); !framing.ok()) {
      return Send(ErrorResponse(framing), version, false);
    }
    bool keep_alive = req.keep_alive() && std::chrono::steady_clock::now() < close_at_;
    HttpRequest request = Convert(std::move(req));
    request.remote_address = peer_;
    Send(router_.Handle(request), version, keep_alive);
  }

  void Send(HttpResponse&& out, unsigned version, bool keep_alive) {
    res_ = {};
    res_.version(version);
    res_.result(static_cast<http::status>(out.status));
    res_.set(http::field::server, "pond");
    res_.set(http::field::content_type, out.content_type);
    for (const auto& [k, v] : out.headers) res_.set(k, v);
    res_.keep_alive(keep_alive);
    res_.body() = std::move(out.body);
    res_.prepare_payload();
    http::async_write(stream_, res_,
                      beast::bind_front_handler(&Session::OnWrite, shared_from_this(),
                                                !keep_alive || res_.need_eof()));
  }

  void OnWrite(bool close, beast::error_code ec, size_t) {
    if (ec) return;
    if (close) return DoClose();
    DoRead();
  }

  void DoClose() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::string peer_;  // the client's IP address
  http::response<http::string_body> res_;
  Router& router_;
  ConnectionCount& count_;
  std::chrono::steady_clock::time_point close_at_;
};

class ServerImpl final : public HttpServer {
 public:
  ServerImpl(app::App& app, const ServerOptions& options)
      : options_(options),
        ioc_(options.threads),
        acceptor_(net::make_strand(ioc_)),
        accept_backoff_(acceptor_.get_executor()),
        signals_(ioc_),
        router_(app, metrics_, options.web_dir) {}

  Status Listen() {
    beast::error_code ec;
    auto address = net::ip::make_address(options_.host, ec);
    if (ec) return FieldError("listen", "not an IP address: " + options_.host);
    tcp::endpoint endpoint(address, options_.port);
    acceptor_.open(endpoint.protocol(), ec);
    if (!ec) acceptor_.set_option(net::socket_base::reuse_address(true), ec);
    if (!ec) acceptor_.bind(endpoint, ec);
    if (!ec) acceptor_.listen(net::socket_base::max_listen_connections, ec);
    if (ec) {
      return Status::Unavailable("cannot listen on " + options_.host + ":" +
                                 std::to_string(options_.port) + ": " + ec.message());
    }
    port_ = acceptor_.local_endpoint().port();
    DoAccept();
    if (options_.handle_signals) {
      signals_.add(SIGINT);
      signals_.add(SIGTERM);
      signals_.async_wait([this](beast::error_code, int) { Stop(); });
    }
    return Status::Ok();
  }

  uint16_t port() const override { return port_; }

  void Run() override {
    std::vector<std::thread> threads;
    for (int i = 1; i < options_.threads; ++i) threads.emplace_back([this] { ioc_.run(); });
    ioc_.run();
    for (auto& t : threads) t.join();
  }

  void Stop() override { ioc_.stop(); }

 private:
  void DoAccept() {
    acceptor_.async_accept(net::make_strand(ioc_), [this](beast::error_code ec, tcp::socket s) {
      if (ec == net::error::operation_aborted) return;  // stopping
      if (ec == net::error::no_descriptors || ec.value() == ENFILE || ec == net::error::no_memory ||
          ec == net::error::no_buffer_space) {
        metrics_.accept_backoffs.fetch_add(1, std::memory_order_relaxed);
        accept_backoff_.expires_after(kAcceptBackoff);
        accept_backoff_.async_wait([this](beast::error_code) { DoAccept(); });
        return;
      }
      if (!ec) {
        s.set_option(tcp::no_delay(true), ec);
        auto session = std::make_shared<Session>(std::move(s), router_, connections_,
                                                 options_.max_connection_age);
        if (connections_.open.load(std::memory_order_relaxed) > options_.max_connections) {
          metrics_.connections_refused.fetch_add(1, std::memory_order_relaxed);
          session->Refuse();
        } else {
          session->Run();
        }
      }
      DoAccept();
    });
  }

  ServerOptions options_;
  // Before ioc_: sessions still queued in it when it is destroyed count themselves out here.
  ConnectionCount connections_;
  net::io_context ioc_;
  tcp::acceptor acceptor_;
  net::steady_timer accept_backoff_;
  net::signal_set signals_;
  ServerMetrics metrics_;
  Router router_;
  uint16_t port_ = 0;
};

}  // namespace

Result<std::unique_ptr<HttpServer>> HttpServer::Start(app::App& app, const ServerOptions& options) {
  RETURN_IF_ERROR(app.Start(app::kAllParts));
  auto server = std::make_unique<ServerImpl>(app, options);
  RETURN_IF_ERROR(server->Listen());
  return std::unique_ptr<HttpServer>(std::move(server));
}

Result<ServerOptions> ParseListen(const std::string& listen) {
  ServerOptions o;
  size_t colon = listen.rfind(':');
  if (colon == std::string::npos || colon == 0) {
    return FieldError("listen", "expected HOST:PORT, like 127.0.0.1:8080");
  }
  o.host = listen.substr(0, colon);
  if (o.host.size() > 2 && o.host.front() == '[' && o.host.back() == ']') {
    o.host = o.host.substr(1, o.host.size() - 2);
  }
  if (o.host == "localhost") o.host = "127.0.0.1";
  std::string port = listen.substr(colon + 1);
  char* end = nullptr;
  long p = std::strtol(port.c_str(), &end, 10);
  if (port.empty() || *end != '\0' || p < 0 || p > 65535) {
    return FieldError("listen", "port must be 0 to 65535");
  }
  o.port = static_cast<uint16_t>(p);
  return o;
}

}  // namespace pond::server
