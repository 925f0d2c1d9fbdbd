// A minimal blocking HTTP/1.1 keep-alive client for the benchmarks: enough to drive the real
// server over loopback without putting an HTTP library's weight on the client side.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

namespace pond::bench {

class HttpClient {
 public:
  explicit HttpClient(uint16_t port) {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int one = 1;
    setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) std::exit(1);
  }
  ~HttpClient() { close(fd_); }
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // The response's status, or -1 when the connection failed or the answer was not framed by
  // Content-Length. `authorization` is the whole header value ("Basic …", "Bearer …").
  int Post(const std::string& target, const std::string& authorization, const std::string& body) {
    return Exchange(
        "POST " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: " + authorization +
        "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
        "\r\n\r\n" + body);
  }
  int Get(const std::string& target, const std::string& authorization) {
    return Exchange("GET " + target +
                    " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: " + authorization + "\r\n\r\n");
  }

 private:
  int Exchange(const std::string& request) {
    for (size_t sent = 0; sent < request.size();) {
      ssize_t n = send(fd_, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) return -1;
      sent += static_cast<size_t>(n);
    }
    std::string response;
    char buf[16384];
    for (;;) {
      size_t head = response.find("\r\n\r\n");
      if (head != std::string::npos) {
        size_t field = response.find("Content-Length: ");
        if (field == std::string::npos || field > head) return -1;
        size_t length = std::strtoul(response.c_str() + field + 16, nullptr, 10);
        if (response.size() >= head + 4 + length) {
          return std::atoi(response.c_str() + 9);  // "HTTP/1.1 200"
        }
      }
      ssize_t n = recv(fd_, buf, sizeof buf, 0);
      if (n <= 0) return -1;
      response.append(buf, static_cast<size_t>(n));
    }
  }

  int fd_;
};

}  // namespace pond::bench
