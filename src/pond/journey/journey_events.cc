#include "pond/journey/journey_events.h"

#include "pond/base/json_writer.h"
#include "pond/base/simdjson_util.h"
#include "pond/engine/tenant_state.h"

namespace pond {

bool ReadJourneyEvent(const Event& e, JourneyEventInfo* info) {
  if (!e.message_id.starts_with(kJourneyMessagePrefix)) return false;
  thread_local simdjson::ondemand::parser parser;
  thread_local simdjson::padded_string buffer;
  if (buffer.size() < e.properties.size()) buffer = simdjson::padded_string(e.properties.size());
  std::memcpy(buffer.data(), e.properties.data(), e.properties.size());
  simdjson::ondemand::document doc;
  const simdjson::padded_string_view view(buffer.data(), e.properties.size(),
                                          buffer.size() + simdjson::SIMDJSON_PADDING);
  if (parser.iterate(view).get(doc)) return false;
  simdjson::ondemand::object obj;
  if (doc.get_object().get(obj)) return false;
  *info = JourneyEventInfo{};
  bool has_journey = false, has_at = false;
  for (auto field : obj) {
    std::string_view key;
    if (field.unescaped_key().get(key)) return false;
    simdjson::ondemand::value v = field.value();
    std::string_view text;
    int64_t number = 0;
    bool flag = false;
    if (key == "journey") {
      if (v.get_string().get(text)) return false;
      info->journey = text;
      has_journey = true;
    } else if (key == "version") {
      if (v.get_int64().get(number)) return false;
      info->version = static_cast<int>(number);
    } else if (key == "instance") {
      if (v.get_int64().get(info->instance)) return false;
    } else if (key == "n") {
      if (v.get_int64().get(info->n)) return false;
    } else if (key == "step") {
      if (v.get_string().get(text)) return false;
      info->step = text;
    } else if (key == "at") {
      if (v.get_string().get(text)) return false;
      info->at = text;
      has_at = true;
    } else if (key == "channel") {
      if (!v.get_string().get(text)) info->channel = text;
    } else if (key == "staff") {
      if (!v.get_string().get(text)) info->staff = text;
    } else if (key == "reason") {
      if (!v.get_string().get(text)) info->reason = text;
    } else if (key == "marketing") {
      if (!v.get_bool().get(flag)) info->marketing = flag;
    }
  }
  return has_journey && has_at && info->version > 0;
}

Event StartJourneyEvent(const char* name, std::string message_id, const std::string& customer_id,
                        Micros at_time, const std::string& journey, int version, int64_t instance,
                        int64_t n, const std::string& step, const std::string& at) {
  Event e;
  e.message_id = std::move(message_id);
  e.type = EventType::kTrack;
  e.name = name;
  e.timestamp = at_time;
  e.identities.push_back({IdentityKind::kCustomerId, customer_id});
  e.properties = "{\"journey\":";
  AppendJsonString(&e.properties, journey);
  e.properties += ",\"version\":" + std::to_string(version);
  if (n >= 0) {
    e.properties += ",\"instance\":" + std::to_string(instance);
    e.properties += ",\"n\":" + std::to_string(n);
  }
  e.properties += ",\"step\":";
  AppendJsonString(&e.properties, step);
  e.properties += ",\"at\":";
  AppendJsonString(&e.properties, at);
  return e;
}

void AddProperty(Event* e, std::string_view key, std::string_view string_value) {
  e->properties += ',';
  AppendJsonString(&e->properties, key);
  e->properties += ':';
  AppendJsonString(&e->properties, string_value);
}

void AddRawProperty(Event* e, std::string_view key, std::string_view json_value) {
  e->properties += ',';
  AppendJsonString(&e->properties, key);
  e->properties += ':';
  e->properties += json_value;
}

void CloseProperties(Event* e) { e->properties += '}'; }

std::string StepMessageId(int64_t instance, int64_t n) {
  return std::string(kJourneyMessagePrefix) + std::to_string(instance) + "." + std::to_string(n);
}

std::string EntryMessageId(const std::string& journey, int64_t trigger_seq) {
  return std::string(kJourneyMessagePrefix) + journey + ":t" + std::to_string(trigger_seq);
}

std::string ScheduleEntryMessageId(const std::string& journey, int64_t slot_minute,
                                   uint32_t customer) {
  return std::string(kJourneyMessagePrefix) + journey + ":s" + std::to_string(slot_minute) + ":" +
         std::to_string(customer);
}

}  // namespace pond
