// smtp: one email per message through the configured server. The Message-ID is made from the
// delivery's idempotency key, so a receiving system can drop a redelivery.
#include <nlohmann/json.hpp>

#include "pond/base/base64.h"
#include "pond/base/time.h"
#include "pond/channels/outbound/channels.h"
#include "pond/channels/outbound/http_client.h"

namespace pond::outbound {
namespace {

// The subject is the text's first line (at most 100 bytes), the body the whole text, both as
// UTF-8 in base64 so any language survives any server.
std::string Compose(const std::string& from, const std::string& to, const OutboundMessage& m) {
  std::string subject = m.text.substr(0, m.text.find('\n'));
  if (subject.size() > 100) subject.resize(100);
  std::string body64 = Base64Encode(m.text);
  std::string wrapped;
  for (size_t i = 0; i < body64.size(); i += 76) wrapped += body64.substr(i, 76) + "\r\n";
  std::string id = m.id;
  for (char& ch : id) {
    if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '.' && ch != '-') ch = '.';
  }
  return "From: <" + from + ">\r\nTo: <" + to + ">\r\nSubject: =?UTF-8?B?" + Base64Encode(subject) +
         "?=\r\nMessage-ID: <" + id + "@pond>\r\nMIME-Version: 1.0\r\n" +
         "Content-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n" +
         "X-Pond-Delivery: " + m.id + "\r\n\r\n" + wrapped;
}

class SmtpChannel final : public OutboundChannel {
 public:
  explicit SmtpChannel(const ChannelSettings& s) : s_(s) {}

  DeliveryResult Deliver(const OutboundMessage& m) override {
    if (s_.smtp_url.empty() || s_.smtp_from.empty()) {
      return {Outcome::kFailed, "no smtp server: set channels.smtp.url and from"};
    }
    const std::string to = IdentityOf(m, IdentityKind::kEmail);
    if (to.empty()) return {Outcome::kFailed, "the customer has no email address"};
    HttpReply r = SmtpSend(s_.smtp_url, s_.smtp_from, to, Compose(s_.smtp_from, to, m), s_.timeout);
    if (r.status == 250) return {Outcome::kDelivered, "SMTP 250"};
    // No answer or a 4xx reply (greylisting, busy) may pass later; 5xx will not.
    Outcome o = r.status >= 500 ? Outcome::kFailed : Outcome::kRetry;
    return {o, "SMTP " + std::to_string(r.status) + ": " + r.error};
  }

 private:
  ChannelSettings s_;
};

}  // namespace

std::unique_ptr<OutboundChannel> MakeSmtpChannel(const ChannelSettings& s) {
  return std::make_unique<SmtpChannel>(s);
}

}  // namespace pond::outbound
