// A small blocking HTTP(S) and SMTP client over libcurl, for the outbound channels. One call,
// one connection; the channels' own retry policy decides what to do with a failure.
#pragma once

#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include "pond/base/status.h"

namespace pond::outbound {

struct HttpReply {
  int status = 0;  // 0: no HTTP answer (connection refused, timeout); see `error`
  std::string body;
  std::string error;  // curl's message when status == 0
};

using Headers = std::vector<std::pair<std::string, std::string>>;

// POST `body` to `url`. Never throws; network failures come back as status 0.
HttpReply HttpPost(const std::string& url, const Headers& headers, const std::string& body,
                   std::chrono::milliseconds timeout);
HttpReply HttpGet(const std::string& url, std::chrono::milliseconds timeout);

// Sends one message (RFC 5322 text with headers) through an SMTP server ("smtp://host:port").
// `status` is the server's last reply code (250 when accepted), 0 when none came.
HttpReply SmtpSend(const std::string& url, const std::string& from, const std::string& to,
                   const std::string& message, std::chrono::milliseconds timeout);

// "a b&c" → "a%20b%26c"
std::string UrlEncode(const std::string& text);

}  // namespace pond::outbound
