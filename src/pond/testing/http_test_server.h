// A real HTTP/1.1 server on loopback for tests of pond's outbound calls: one thread, one request
// per connection (Connection: close), every request recorded and answered by a handler.
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace pond::testing {

struct RecordedRequest {
  std::string method;
  std::string target;                          // path and query
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;
};

struct CannedResponse {
  int status = 200;
  std::string body = "{}";
  std::string content_type = "application/json";
};

class HttpTestServer {
 public:
  using Handler = std::function<CannedResponse(const RecordedRequest&)>;
  explicit HttpTestServer(Handler handler);  // listens on 127.0.0.1, a free port
  ~HttpTestServer();
  int port() const { return port_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  std::vector<RecordedRequest> requests();
  void set_handler(Handler handler);

 private:
  void Serve();
  Handler handler_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::mutex mu_;
  std::vector<RecordedRequest> requests_;
  std::thread thread_;
};

}  // namespace pond::testing
