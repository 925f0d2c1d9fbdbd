// The events a journey writes, and how the runtime reads its own events back.
//
// The event log is the journey runtime's only durable state: an instance is where its last
// event says it is. Every event the runtime submits has a messageId that is a pure function of
// the instance and how many events it has written before ("jrn:<instance>.<n>"), and the entry
// event's id a pure function of what triggered it ("jrn:<journey>:t<seq>"). A timer that fires
// twice (before and after a crash) therefore proposes the same ids, and the engine's dedupe
// keeps the first: exactly once, without a separate timer table.
//
// Properties of every journey event (pond writes them in this order):
//   journey   the journey id            version  the version the instance runs
//   instance  seq of its journey_entered (absent on journey_entered itself)
//   n         events the instance wrote before this one (absent on journey_entered)
//   step      the step this event performed ("" on journey_entered)
//   at        the step the instance is at after it; "" once the instance has ended
// followed by what the event is about (channel, template, reason, arm, title, …).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "pond/model/event.h"
#include "pond/model/event_names.h"  // journey_entered, message_sent, …

namespace pond {

inline constexpr std::string_view kJourneyMessagePrefix = "jrn:";

// What the runtime reads back from one of its events.
struct JourneyEventInfo {
  std::string journey;
  int version = 0;
  int64_t instance = 0;  // 0 on journey_entered: the instance is that event's own seq
  int64_t n = -1;        // -1 on journey_entered
  std::string step;
  std::string at;
  // message_sent: for the caps and staff limits
  std::string channel;
  std::string staff;
  bool marketing = false;
  std::string reason;  // message_suppressed, journey_exited
};

// True (filling *info) when `e` is an event the runtime wrote: its messageId starts with
// "jrn:" and its properties have the journey fields. Anything else is an ordinary event.
bool ReadJourneyEvent(const Event& e, JourneyEventInfo* info);

// Starts a journey event for customer `customer_id`: name, messageId, timestamp and the common
// properties, leaving the object open ("{…,"at":"x"") so that the caller can add fields with
// AddProperty and must finish with CloseProperties.
Event StartJourneyEvent(const char* name, std::string message_id, const std::string& customer_id,
                        Micros at_time, const std::string& journey, int version, int64_t instance,
                        int64_t n, const std::string& step, const std::string& at);
void AddProperty(Event* e, std::string_view key, std::string_view string_value);
void AddRawProperty(Event* e, std::string_view key, std::string_view json_value);
void CloseProperties(Event* e);

// "jrn:<instance>.<n>": the id of an instance's n-th event.
std::string StepMessageId(int64_t instance, int64_t n);
// "jrn:<journey>:t<seq>": entering because of the event with that seq.
std::string EntryMessageId(const std::string& journey, int64_t trigger_seq);
// "jrn:<journey>:s<slot minutes>:<customer dense>": entering in a schedule's slot.
std::string ScheduleEntryMessageId(const std::string& journey, int64_t slot_minute,
                                   uint32_t customer);

}  // namespace pond
