// First-reply time and reply rate per staff account (docs/conversations.md, "Replies"): how
// quickly and how often each staff member answers what customers ask in 1:1 chats — the
// operator's most asked question about their team.
//
// A turn starts with a customer's message (message_received) to a staff member when no turn
// between the two is open; the staff member's next message to that customer (message_sent)
// answers it, and the time between is the first-reply time. A turn answered within `window`
// (24 hours by default) is replied; one not answered within it is missed; one younger than the
// window with no answer yet is waiting and left out of the rate. Messages a staff member sends
// with no turn open (greetings, broadcasts) start nothing. Turns are counted where they start,
// inside [from, to).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "pond/base/clock.h"

namespace pond::analytics {

struct ChatMessage {
  uint32_t customer = 0;
  std::string staff;
  Micros at = 0;
  bool from_customer = false;
};

struct StaffReplies {
  std::string staff;
  int64_t turns = 0, replied = 0, missed = 0, waiting = 0;
  double reply_rate = 0;  // replied / (replied + missed); 0 when none
  // Over the replied turns, in seconds; 0 when none.
  int64_t median_seconds = 0, p90_seconds = 0, mean_seconds = 0;
};

struct ReplyReport {
  std::vector<StaffReplies> staff;  // by staff id
  StaffReplies all;                 // every staff account together (staff "")
};

inline constexpr Micros kReplyWindow = 24 * kMicrosPerHour;

// `messages` in any order; `now` decides what is still waiting.
ReplyReport ComputeReplyTimes(std::vector<ChatMessage> messages, Micros from, Micros to, Micros now,
                              Micros window = kReplyWindow);

}  // namespace pond::analytics
