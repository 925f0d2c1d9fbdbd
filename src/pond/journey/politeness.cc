#include "pond/journey/politeness.h"

#include <nlohmann/json.hpp>

#include "pond/base/time.h"
#include "pond/engine/tenant_state.h"
#include "pond/journey/journey.h"

namespace pond {
namespace {

using nlohmann::json;

Result<int> Count(const json& j, const std::string& path, int max) {
  if (!j.is_number_integer() || j.get<int64_t>() < 0 || j.get<int64_t>() > max) {
    return FieldError(path, "a whole number from 0 to " + std::to_string(max));
  }
  return j.get<int>();
}

Result<int> Minute(const json& j, const std::string& path) {
  std::optional<int> minute;
  if (j.is_string()) minute = ParseTimeOfDay(j.get<std::string>());
  if (!minute) return FieldError(path, "a local time \"HH:MM\"");
  return *minute;
}

Result<FrequencyCap> ParseCap(const json& j, const std::string& path) {
  if (!j.is_object()) {
    return FieldError(path, "{\"per_day\": N, \"per_week\": N, \"per_month\": N}");
  }
  FrequencyCap cap;
  for (const auto& [key, value] : j.items()) {
    if (key == "per_day") {
      ASSIGN_OR_RETURN(cap.per_day, Count(value, path + ".per_day", 100));
    } else if (key == "per_week") {
      ASSIGN_OR_RETURN(cap.per_week, Count(value, path + ".per_week", 700));
    } else if (key == "per_month") {
      ASSIGN_OR_RETURN(cap.per_month, Count(value, path + ".per_month", 3100));
    } else {
      return FieldError(path + "." + key, "unknown; a cap has per_day, per_week and per_month");
    }
  }
  return cap;
}

json CapJson(const FrequencyCap& cap) {
  return {{"per_day", cap.per_day}, {"per_week", cap.per_week}, {"per_month", cap.per_month}};
}

}  // namespace

const FrequencyCap& PolitenessSettings::CapFor(std::string_view channel) const {
  auto it = caps.find(std::string(channel));
  return it != caps.end() ? it->second : default_cap;
}

Result<PolitenessSettings> ParsePolitenessSettings(std::string_view text) {
  json j = json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return FieldError("body", "a JSON object");
  PolitenessSettings s;
  for (const auto& [key, value] : j.items()) {
    if (key == "quiet_hours") {
      if (!value.is_object() || !value.contains("start") || !value.contains("end")) {
        return FieldError("quiet_hours", "{\"start\": \"22:00\", \"end\": \"08:00\"}");
      }
      ASSIGN_OR_RETURN(s.quiet_start_minute, Minute(value["start"], "quiet_hours.start"));
      ASSIGN_OR_RETURN(s.quiet_end_minute, Minute(value["end"], "quiet_hours.end"));
    } else if (key == "caps") {
      if (!value.is_object() || value.size() > 10) {
        return FieldError("caps", "an object: \"default\" and channels to {per_day, per_week}");
      }
      for (const auto& [channel, cap] : value.items()) {
        ASSIGN_OR_RETURN(FrequencyCap c, ParseCap(cap, "caps." + channel));
        if (channel == "default") {
          s.default_cap = c;
          continue;
        }
        if (SendChannelIndex(channel) == 0 && channel != "outbox") {
          return FieldError("caps." + channel,
                            "\"default\" or a channel: outbox, wecom, sms, smtp, webhook");
        }
        s.caps[channel] = c;
      }
    } else if (key == "staff") {
      if (!value.is_object()) return FieldError("staff", "an object of limits");
      for (const auto& [limit, n] : value.items()) {
        const std::string path = "staff." + limit;
        if (limit == "messages_per_minute") {
          ASSIGN_OR_RETURN(s.staff.messages_per_minute, Count(n, path, 1000));
        } else if (limit == "messages_per_day") {
          ASSIGN_OR_RETURN(s.staff.messages_per_day, Count(n, path, 100000));
        } else if (limit == "adds_per_day") {
          ASSIGN_OR_RETURN(s.staff.adds_per_day, Count(n, path, 1000));
        } else if (limit == "transfers_per_day") {
          ASSIGN_OR_RETURN(s.staff.transfers_per_day, Count(n, path, 1000));
        } else {
          return FieldError(path,
                            "unknown; staff limits are messages_per_minute, messages_per_day, "
                            "adds_per_day and transfers_per_day");
        }
      }
    } else {
      return FieldError(key, "unknown; settings are quiet_hours, caps and staff");
    }
  }
  return s;
}

nlohmann::json PolitenessSettingsJson(const PolitenessSettings& s) {
  json caps = {{"default", CapJson(s.default_cap)}};
  for (const auto& [channel, cap] : s.caps) caps[channel] = CapJson(cap);
  json j = {{"quiet_hours",
             {{"start", FormatTimeOfDay(s.quiet_start_minute)},
              {"end", FormatTimeOfDay(s.quiet_end_minute)}}},
            {"caps", caps},
            {"staff",
             {{"messages_per_minute", s.staff.messages_per_minute},
              {"messages_per_day", s.staff.messages_per_day},
              {"adds_per_day", s.staff.adds_per_day},
              {"transfers_per_day", s.staff.transfers_per_day}}}};
  return j;
}

Micros LocalMonthStart(Micros now, int offset) {
  int64_t y = 0;
  unsigned m = 0, d = 0;
  CivilFromDays(LocalDay(now, offset), &y, &m, &d);
  return DaysFromCivil(y, m, 1) * kMicrosPerDay - offset * kMicrosPerSecond;
}

int MonthlyCap(const FrequencyCap& cap, std::string_view channel, Micros now, int offset) {
  if (cap.per_month > 0 || channel != "wecom") return cap.per_month;
  int64_t y = 0;
  unsigned m = 0, d = 0;
  CivilFromDays(LocalDay(now, offset), &y, &m, &d);
  const int64_t first = DaysFromCivil(y, m, 1);
  const int64_t next = m == 12 ? DaysFromCivil(y + 1, 1, 1) : DaysFromCivil(y, m + 1, 1);
  return static_cast<int>(next - first);
}

Micros QuietHoursEnd(const PolitenessSettings& s, Micros now, int offset) {
  const int start = s.quiet_start_minute, end = s.quiet_end_minute;
  if (start == end) return 0;
  const int64_t day = LocalDay(now, offset);
  const Micros midnight = day * kMicrosPerDay - offset * kMicrosPerSecond;
  const int minute = static_cast<int>((now - midnight) / kMicrosPerMinute);
  const bool wraps = start > end;  // 22:00–08:00
  const bool quiet = wraps ? (minute >= start || minute < end) : (minute >= start && minute < end);
  if (!quiet) return 0;
  const bool ends_tomorrow = wraps && minute >= start;
  return midnight + (ends_tomorrow ? kMicrosPerDay : 0) + end * kMicrosPerMinute;
}

std::string_view ConsentProblem(const TenantState& state, uint32_t customer,
                                std::string_view channel) {
  for (const std::string& tag :
       {std::string(kOptOutTag), std::string(kOptOutTag) + "_" + std::string(channel)}) {
    const uint32_t id = state.FindTag(tag);
    if (id != kNoIndex && state.tag_bitmaps()[id].contains(customer)) return "unsubscribed";
  }
  if (channel == "wecom" && state.OwnerOf(customer) == kNoIndex) return "not_friend";
  return "";
}

void SendLedger::Record(uint32_t customer, uint8_t channel, bool marketing, uint32_t staff,
                        Micros at, int offset) {
  if (marketing) {
    if (marks_.size() <= customer) marks_.resize(customer + 1);
    auto& m = marks_[customer];
    std::erase_if(m, [&](const Mark& k) { return k.at < at - 31 * kMicrosPerDay; });
    m.push_back({at, channel});
  }
  if (staff == kNoIndex) return;
  if (staff_.size() <= staff) staff_.resize(staff + 1);
  StaffCount& s = staff_[staff];
  const int64_t minute = at / kMicrosPerMinute, day = LocalDay(at, offset);
  if (minute != s.minute) s = {minute, 0, s.day, s.day_count};
  if (day != s.day) s = {s.minute, s.minute_count, day, 0};
  ++s.minute_count;
  ++s.day_count;
}

int SendLedger::MarketingSince(uint32_t customer, uint8_t channel, Micros since) const {
  if (customer >= marks_.size()) return 0;
  int n = 0;
  for (const Mark& m : marks_[customer]) n += m.channel == channel && m.at > since;
  return n;
}

int SendLedger::StaffThisMinute(uint32_t staff, Micros now) const {
  if (staff >= staff_.size()) return 0;
  return staff_[staff].minute == now / kMicrosPerMinute ? staff_[staff].minute_count : 0;
}

int SendLedger::StaffToday(uint32_t staff, Micros now, int offset) const {
  if (staff >= staff_.size()) return 0;
  return staff_[staff].day == LocalDay(now, offset) ? staff_[staff].day_count : 0;
}

void SendLedger::Clear() {
  marks_.clear();
  staff_.clear();
}

uint8_t SendChannelIndex(std::string_view channel) {
  for (size_t i = 0; i < std::size(kSendChannels); ++i) {
    if (channel == kSendChannels[i]) return static_cast<uint8_t>(i);
  }
  return 0;
}

}  // namespace pond
