#include "pond/channels/outbound/http_client.h"

#include <curl/curl.h>

#include <cstring>
#include <mutex>

namespace pond::outbound {
namespace {

void GlobalInit() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

size_t Append(char* data, size_t size, size_t n, void* out) {
  static_cast<std::string*>(out)->append(data, size * n);
  return size * n;
}

HttpReply Perform(CURL* curl, const std::string& url, std::chrono::milliseconds timeout) {
  HttpReply reply;
  char error[CURL_ERROR_SIZE] = {0};
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout.count()));
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, Append);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &reply.body);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error);
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  CURLcode code = curl_easy_perform(curl);
  if (code != CURLE_OK) {
    reply.error = error[0] ? error : curl_easy_strerror(code);
    return reply;
  }
  long status = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  reply.status = static_cast<int>(status);
  return reply;
}

}  // namespace

HttpReply HttpPost(const std::string& url, const Headers& headers, const std::string& body,
                   std::chrono::milliseconds timeout) {
  GlobalInit();
  CURL* curl = curl_easy_init();
  if (!curl) return {0, "", "curl_easy_init failed"};
  curl_slist* list = nullptr;
  for (const auto& [name, value] : headers) {
    list = curl_slist_append(list, (name + ": " + value).c_str());
  }
  list = curl_slist_append(list, "Expect:");  // no 100-continue round trip
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, list);
  curl_easy_setopt(curl, CURLOPT_POST, 1L);
  curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.data());
  curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  HttpReply reply = Perform(curl, url, timeout);
  curl_slist_free_all(list);
  curl_easy_cleanup(curl);
  return reply;
}

HttpReply HttpGet(const std::string& url, std::chrono::milliseconds timeout) {
  GlobalInit();
  CURL* curl = curl_easy_init();
  if (!curl) return {0, "", "curl_easy_init failed"};
  HttpReply reply = Perform(curl, url, timeout);
  curl_easy_cleanup(curl);
  return reply;
}

namespace {

struct Upload {
  const std::string* text;
  size_t at = 0;
};

size_t ReadUpload(char* buffer, size_t size, size_t n, void* data) {
  Upload* u = static_cast<Upload*>(data);
  size_t left = u->text->size() - u->at;
  size_t take = std::min(left, size * n);
  std::memcpy(buffer, u->text->data() + u->at, take);
  u->at += take;
  return take;
}

}  // namespace

HttpReply SmtpSend(const std::string& url, const std::string& from, const std::string& to,
                   const std::string& message, std::chrono::milliseconds timeout) {
  GlobalInit();
  CURL* curl = curl_easy_init();
  if (!curl) return {0, "", "curl_easy_init failed"};
  char error[CURL_ERROR_SIZE] = {0};
  Upload upload{&message};
  curl_slist* rcpt = curl_slist_append(nullptr, ("<" + to + ">").c_str());
  const std::string mail_from = "<" + from + ">";
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
  curl_easy_setopt(curl, CURLOPT_MAIL_FROM, mail_from.c_str());
  curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, rcpt);
  curl_easy_setopt(curl, CURLOPT_READFUNCTION, ReadUpload);
  curl_easy_setopt(curl, CURLOPT_READDATA, &upload);
  curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout.count()));
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error);
  CURLcode code = curl_easy_perform(curl);
  long status = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  curl_slist_free_all(rcpt);
  curl_easy_cleanup(curl);
  HttpReply reply;
  reply.status = code == CURLE_OK ? 250 : static_cast<int>(status);
  if (code != CURLE_OK) reply.error = error[0] ? error : curl_easy_strerror(code);
  return reply;
}

std::string UrlEncode(const std::string& text) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char ch : text) {
    if (std::isalnum(ch) || ch == '-' || ch == '_' || ch == '.' || ch == '~') {
      out += static_cast<char>(ch);
    } else {
      out += '%';
      out += kHex[ch >> 4];
      out += kHex[ch & 15];
    }
  }
  return out;
}

}  // namespace pond::outbound
