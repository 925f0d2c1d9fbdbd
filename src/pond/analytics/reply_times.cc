#include "pond/analytics/reply_times.h"

#include <algorithm>
#include <map>
#include <tuple>

namespace pond::analytics {
namespace {

// Fills the figures of `s` from its first-reply times (seconds).
void Summarize(std::vector<int64_t> seconds, StaffReplies* s) {
  const int64_t judged = s->replied + s->missed;
  s->reply_rate = judged ? static_cast<double>(s->replied) / static_cast<double>(judged) : 0;
  if (seconds.empty()) return;
  std::sort(seconds.begin(), seconds.end());
  const size_t n = seconds.size();
  s->median_seconds = n % 2 ? seconds[n / 2] : (seconds[n / 2 - 1] + seconds[n / 2]) / 2;
  s->p90_seconds = seconds[std::min(n - 1, (n * 9 + 9) / 10 - 1)];
  int64_t sum = 0;
  for (int64_t x : seconds) sum += x;
  s->mean_seconds = sum / static_cast<int64_t>(n);
}

}  // namespace

ReplyReport ComputeReplyTimes(std::vector<ChatMessage> messages, Micros from, Micros to, Micros now,
                              Micros window) {
  std::sort(messages.begin(), messages.end(), [](const ChatMessage& a, const ChatMessage& b) {
    return std::tie(a.staff, a.customer, a.at, b.from_customer) <
           std::tie(b.staff, b.customer, b.at, a.from_customer);  // a reply at the same instant
  });                                                             // comes after the question
  std::map<std::string, StaffReplies> by_staff;
  std::map<std::string, std::vector<int64_t>> seconds;
  std::vector<int64_t> all_seconds;
  auto count = [&](const std::string& staff, Micros start, Micros answered) {
    if (start < from || start >= to) return;
    StaffReplies& s = by_staff[staff];
    s.staff = staff;
    ++s.turns;
    if (answered >= 0 && answered - start <= window) {
      ++s.replied;
      const int64_t sec = (answered - start) / kMicrosPerSecond;
      seconds[staff].push_back(sec);
      all_seconds.push_back(sec);
    } else if (answered < 0 && now - start < window) {
      ++s.waiting;
    } else {
      ++s.missed;
    }
  };
  size_t i = 0;
  while (i < messages.size()) {
    const std::string& staff = messages[i].staff;
    const uint32_t customer = messages[i].customer;
    Micros open = -1;  // the open turn's start
    for (; i < messages.size() && messages[i].staff == staff && messages[i].customer == customer;
         ++i) {
      const ChatMessage& m = messages[i];
      if (m.from_customer) {
        if (open < 0) open = m.at;
      } else if (open >= 0) {
        count(staff, open, m.at);
        open = -1;
      }
    }
    if (open >= 0) count(staff, open, -1);
  }
  ReplyReport out;
  out.all.staff = "";
  for (auto& [staff, s] : by_staff) {
    Summarize(seconds[staff], &s);
    out.all.turns += s.turns;
    out.all.replied += s.replied;
    out.all.missed += s.missed;
    out.all.waiting += s.waiting;
    out.staff.push_back(s);
  }
  Summarize(std::move(all_seconds), &out.all);
  return out;
}

}  // namespace pond::analytics
