#include "pond/sim/demo_world.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>

#include "pond/base/json_writer.h"
#include "pond/base/time.h"
#include "pond/channels/tracking_api.h"
#include "pond/channels/wecom/wecom_callback.h"
#include "pond/channels/wecom/wecom_service.h"
#include "pond/model/event_names.h"

namespace pond::sim {

const wecom::WecomConfig kDemoWecom{"pondDemo", "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFE",
                                    "wwpond0demo0corp"};
namespace {

constexpr Micros kMinute = 60'000'000LL;
constexpr Micros kHour = 60 * kMinute;
constexpr Micros kDay = 24 * kHour;

// One simulated person. Identities are derived from the index, so nothing random is stored.
struct Person {
  int channel = 0;
  bool buyer_before = false;  // a package-card lead: bought on Taobao first
  bool is_friend = false;
  bool churned = false;
  bool in_group = false;
  int staff = -1;
  Micros friend_at = 0;
  int orders = 0;
  int next_order_day = -1;  // the day the next repurchase cycle comes round
  int sent_recent = 0;      // messages the brand sent in the last 7 days
  int sent_window_day = 0;
};

// A Segment call waiting for its day's submission, ordered by time; or, with
// DemoParams::wecom_callbacks, a WeCom callback's inner XML, or a WeCom profile.
struct Call {
  Micros at;
  int64_t order;  // creation order: a stable tie-break
  std::string json;
  std::string wecom_xml;      // sealed and opened as WeCom would post it
  std::string wecom_profile;  // externalcontact/get's answer, to its identify event
};

std::string Cdata(const char* name, const std::string& value) {
  return "<" + std::string(name) + "><![CDATA[" + value + "]]></" + name + ">";
}

std::string CallbackXml(Micros at, const std::string& event, const std::string& change,
                        const std::string& fields) {
  return "<xml>" + Cdata("ToUserName", kDemoWecom.corp_id) + Cdata("FromUserName", "sys") +
         "<CreateTime>" + std::to_string(at / kMicrosPerSecond) + "</CreateTime>" +
         Cdata("MsgType", "event") + Cdata("Event", event) + Cdata("ChangeType", change) + fields +
         "</xml>";
}

class Simulation {
 public:
  Simulation(const DemoParams& p, Engine& engine, FakeClock& clock, int zone)
      : p_(p),
        zone_(zone),
        engine_(engine),
        clock_(clock),
        rng_(p.seed),
        hour_of_day_(std::begin(kHourWeights), std::end(kHourWeights)) {
    stats_.channels.resize(p.channels.size());
    staff_friends_.assign(p.staff.size(), 0);
    std::vector<double> shares;
    for (const ChannelParams& c : p.channels) shares.push_back(c.lead_share);
    channel_pick_ = std::discrete_distribution<int>(shares.begin(), shares.end());
    for (int day = 0; day < p.days; ++day) SeasonOf(day);
    if (!p.wecom_record.empty()) record_.open(p.wecom_record, std::ios::trunc);
  }

  Result<DemoStats> Run(const DemoProgress& progress, const DemoDayHook& after_day) {
    if (!p_.wecom_record.empty() && !record_.is_open()) {
      return Status::InvalidArgument("cannot write the WeCom callbacks to " + p_.wecom_record);
    }
    RETURN_IF_ERROR(RegisterChannels());
    const std::vector<int64_t> leads = LeadsPerDay();
    for (int day = 0; day < p_.days; ++day) {
      day_start_ = day_start_of(day);
      added_today_.assign(p_.staff.size(), 0);
      known_before_today_ = static_cast<int64_t>(people_.size());
      std::vector<int64_t> channel_leads(p_.channels.size(), 0);
      for (int64_t i = 0; i < leads[day]; ++i) Arrive(day, &channel_leads);
      for (uint32_t id = 0; id < people_.size(); ++id) Live(day, id);
      for (const auto& [due_day, refund] : refunds_) {
        if (due_day == day) calls_.push_back(refund);
      }
      std::erase_if(refunds_, [&](const auto& r) { return r.first <= day; });
      RETURN_IF_ERROR(Submit());
      if (after_day) RETURN_IF_ERROR(after_day(day));
      RETURN_IF_ERROR(RecordSpend(day, channel_leads));
      if (progress) progress(day, stats_);
    }
    return stats_;
  }

 private:
  double Uniform() { return std::uniform_real_distribution<double>(0, 1)(rng_); }
  int64_t Between(int64_t lo, int64_t hi) {
    return std::uniform_int_distribution<int64_t>(lo, hi)(rng_);
  }
  bool Chance(double p) { return Uniform() < p; }

  static std::string Unionid(uint32_t id) { return "oDEMO" + std::to_string(100000000 + id); }
  static std::string Phone(uint32_t id) { return std::to_string(13900000000LL + id); }
  static std::string TaobaoNick(uint32_t id) { return "tb_buyer_" + std::to_string(id); }
  static std::string ExternalUserid(uint32_t id) { return "wmDEMO" + std::to_string(id); }

  Micros day_start_of(int day) const {
    return p_.end_micros - static_cast<Micros>(p_.days - day) * kDay;
  }
  // The day's weekend factor and shopping peak, from its local date.
  void SeasonOf(int day) {
    int64_t y;
    unsigned m, d;
    const int64_t days = (day_start_of(day) + int64_t{zone_} * 1'000'000) / kDay;
    CivilFromDays(days, &y, &m, &d);
    const int weekday = static_cast<int>(((days % 7) + 11) % 7);  // 1970-01-01 was a Thursday
    weekend_.push_back(weekday == 0 || weekday == 6 ? p_.weekend_factor : 1.0);
    if (m == 6 && d >= 10 && d <= 18) {
      order_peak_.push_back(p_.peak_618);
    } else if (m == 11 && d <= 11) {
      order_peak_.push_back(p_.peak_double11);
    } else {
      order_peak_.push_back(1.0);
    }
  }

  // A time in the day shaped like a consumer's day: quiet at night, a peak at 20:00–22:00.
  static constexpr double kHourWeights[24] = {2, 1, 0.5, 0.3, 0.3, 0.5, 1, 2, 3, 4, 4, 4,
                                              5, 4, 4,   4,   4,   4,   5, 6, 8, 9, 7, 4};
  Micros TimeOfDay() { return day_start_ + hour_of_day_(rng_) * kHour + Between(0, kHour - 1); }

  // Leads per day: the whole population spread by weekday shape and the two shopping peaks
  // (leads rise half as much as orders), summing exactly to p_.customers.
  std::vector<int64_t> LeadsPerDay() const {
    std::vector<double> weight(p_.days);
    double total = 0;
    for (int d = 0; d < p_.days; ++d) {
      weight[d] = weekend_[d] * (1 + (order_peak_[d] - 1) / 2);
      total += weight[d];
    }
    std::vector<int64_t> out(p_.days);
    double cumulative = 0;
    int64_t given = 0;
    for (int d = 0; d < p_.days; ++d) {
      cumulative += weight[d];
      const auto upto = static_cast<int64_t>(std::floor(p_.customers * cumulative / total + 1e-9));
      out[d] = upto - given;
      given = upto;
    }
    return out;
  }

  Status RegisterChannels() {
    ASSIGN_OR_RETURN(std::vector<Channel> existing, engine_.ListChannels(kDefaultWorkspace));
    for (const ChannelParams& c : p_.channels) {
      std::string id;
      for (const Channel& e : existing) {
        if (e.code == c.code) id = e.id;
      }
      if (id.empty()) {
        // Ids from the codes, not random: the same seed must give the same store.
        ASSIGN_OR_RETURN(
            Channel made,
            engine_.CreateChannel(kDefaultWorkspace, {"chn_" + c.code, c.code, c.name, c.kind, 0}));
        id = made.id;
      }
      channel_ids_.push_back(id);
    }
    return Status::Ok();
  }

  Status RecordSpend(int day, const std::vector<int64_t>& leads) {
    const std::string date = FormatIso8601(day_start_of(day), zone_).substr(0, 10);
    for (size_t c = 0; c < p_.channels.size(); ++c) {
      const int64_t spend = leads[c] * p_.channels[c].cost_per_lead_fen;
      if (spend == 0) continue;
      stats_.channels[c].spend_fen += spend;
      RETURN_IF_ERROR(engine_.AddChannelSpend(kDefaultWorkspace, {channel_ids_[c], date, spend}));
    }
    return Status::Ok();
  }

  // The staff account with the most room that can still add friends today, or -1.
  int AssignStaff() {
    int best = -1;
    for (size_t s = 0; s < p_.staff.size(); ++s) {
      if (added_today_[s] >= p_.staff[s].daily_add_limit) continue;
      const int64_t room = p_.staff[s].capacity - staff_friends_[s];
      if (room <= 0) continue;
      if (best < 0 || room > p_.staff[best].capacity - staff_friends_[best])
        best = static_cast<int>(s);
    }
    return best;
  }

  // A Segment call: type, anonymousId (a device, a WeChat unionid, a Taobao buyer), event
  // name, properties or traits, time, messageId.
  Call MakeCall(Micros at, const std::string& type, const std::string& anonymous_id,
                const std::string& event, const std::string& body_key, const std::string& body) {
    std::string j = "{\"type\":\"" + type + "\",\"anonymousId\":";
    AppendJsonString(&j, anonymous_id);
    if (!event.empty()) {
      j += ",\"event\":";
      AppendJsonString(&j, event);
    }
    if (!body_key.empty()) j += ",\"" + body_key + "\":" + body;
    j += ",\"timestamp\":\"" + FormatIso8601(at, zone_) + "\"";
    j += ",\"messageId\":\"demo-" + std::to_string(p_.seed) + "-" + std::to_string(++calls_made_) +
         "\"}";
    return {at, calls_made_, std::move(j), "", ""};
  }
  // A call of today's, within the day: nothing arrives from the future.
  void Emit(Micros at, const std::string& type, const std::string& anonymous_id,
            const std::string& event, const std::string& body_key, const std::string& body) {
    calls_.push_back(
        MakeCall(std::min(at, day_start_ + kDay - 1), type, anonymous_id, event, body_key, body));
  }
  void Track(Micros at, uint32_t id, const std::string& event, const std::string& properties) {
    Emit(at, "track", Unionid(id), event, "properties", properties);
  }
  // The WeCom-sourced events: callbacks with DemoParams::wecom_callbacks, else Segment calls.
  void FriendAdded(Micros at, uint32_t id, const std::string& staff, const std::string& state) {
    if (!p_.wecom_callbacks) {
      Track(
          at, id, kFriendAdded,
          Props({{"staff_id", staff}, {"state", state}, {"external_userid", ExternalUserid(id)}}));
      return;
    }
    Callback(at, CallbackXml(at, "change_external_contact", "add_external_contact",
                             Cdata("UserID", staff) + Cdata("ExternalUserID", ExternalUserid(id)) +
                                 Cdata("State", state)));
    // pond's follow-up fetches the profile: its unionid joins the friend to their first scan.
    calls_.push_back(
        {std::min(at + kMinute, day_start_ + kDay - 1), ++calls_made_, "", "",
         nlohmann::json{
             {"errcode", 0},
             {"errmsg", "ok"},
             {"external_contact",
              {{"external_userid", ExternalUserid(id)}, {"unionid", Unionid(id)}, {"type", 1}}}}
             .dump()});
  }
  void FriendDeleted(Micros at, uint32_t id, const std::string& staff) {
    if (!p_.wecom_callbacks) {
      Track(at, id, kFriendDeleted, Props({{"staff_id", staff}, {"by", "customer"}}));
      return;
    }
    Callback(at, CallbackXml(at, "change_external_contact", "del_follow_user",
                             Cdata("UserID", staff) + Cdata("ExternalUserID", ExternalUserid(id))));
  }
  void GroupChange(Micros at, uint32_t id, const std::string& group, bool join) {
    if (!p_.wecom_callbacks) {
      Track(at, id, join ? kGroupJoined : kGroupLeft,
            join ? Props({{"group_id", group}, {"via", "invite"}})
                 : Props({{"group_id", group}, {"reason", "quit"}}));
      return;
    }
    Callback(at, CallbackXml(at, "change_external_chat", "update",
                             Cdata("ChatId", group) +
                                 Cdata("UpdateDetail", join ? "add_member" : "del_member") +
                                 (join ? "<JoinScene>0</JoinScene>" : "<QuitScene>0</QuitScene>") +
                                 "<MemChangeCnt>1</MemChangeCnt><MemChangeList>" +
                                 Cdata("Item", ExternalUserid(id)) + "</MemChangeList>"));
  }
  void Callback(Micros at, std::string xml) {
    calls_.push_back({std::min(at, day_start_ + kDay - 1), ++calls_made_, "", std::move(xml), ""});
  }

  static std::string Props(std::initializer_list<std::pair<const char*, std::string>> kv) {
    std::string j = "{";
    for (const auto& [k, v] : kv) {
      if (j.size() > 1) j += ',';
      j += '"';
      j += k;
      j += "\":";
      AppendJsonString(&j, v);
    }
    return j + "}";
  }

  void Arrive(int day, std::vector<int64_t>* channel_leads) {
    const Micros at = TimeOfDay();
    const int channel = channel_pick_(rng_);
    ++(*channel_leads)[channel];
    const ChannelParams& ch = p_.channels[channel];
    if (known_before_today_ > 0 && Chance(p_.second_arrival)) {
      // Someone known scans again on another device (an H5 page, a mini program): a second
      // profile, until the identify that links the device to their WeChat merges the two.
      // Someone from an earlier day: their own first events are already in.
      const auto id = static_cast<uint32_t>(Between(0, known_before_today_ - 1));
      const std::string device =
          "dev-" + std::to_string(p_.seed) + "-" + std::to_string(calls_made_);
      Emit(at, "track", device, kChannelScanned, "properties", Props({{"channel", ch.code}}));
      Emit(at + Between(1, 30) * kMinute, "identify", device, "", "traits",
           Props({{"unionid", Unionid(id)}}));
      ++stats_.second_arrivals;
      return;
    }
    const auto id = static_cast<uint32_t>(people_.size());
    Person& person = people_.emplace_back();
    person.channel = channel;
    ++stats_.people;
    ++stats_.channels[channel].leads;
    if (ch.kind == ChannelKind::kPackageCard) {
      // The card came in a parcel: a Taobao order a few days earlier, known by nick and phone.
      person.buyer_before = true;
      Order(at - Between(2, 6) * kDay, id, day, true);
    }
    // The live code knows the scanner's WeChat: the unionid is an identity from the first scan.
    Track(at, id, kChannelScanned, Props({{"channel", ch.code}, {"unionid", Unionid(id)}}));
    if (!Chance(ch.pass_rate)) return;
    const int staff = AssignStaff();
    if (staff < 0) return;  // every account is full or at today's limit: the lead stays a lead
    ++added_today_[staff];
    ++staff_friends_[staff];
    person.is_friend = true;
    person.staff = staff;
    person.friend_at = at + Between(1, 60) * kMinute;
    ++stats_.friends;
    ++stats_.channels[channel].friends;
    FriendAdded(person.friend_at, id, p_.staff[staff].id, ch.code);
    // The first greeting asks for the phone number (and the Taobao name): the merge key.
    std::string traits = Traits(id);
    if (person.buyer_before || Chance(p_.phone_given)) {
      traits.back() = ',';
      traits += "\"phone\":\"" + Phone(id) + "\"}";
    }
    Emit(person.friend_at + Between(5, 120) * kMinute, "identify", Unionid(id), "", "traits",
         traits);
    if (Chance(p_.questionnaire)) {
      static const char* skins[] = {"油性", "干性", "混合", "敏感"};
      static const char* cares[] = {"价格", "成分", "效果"};
      std::string answers = "{\"questionnaire\":\"skin\",\"answers\":{\"肤质\":\"" +
                            std::string(skins[Between(0, 3)]) + "\",\"关心\":\"" +
                            cares[Between(0, 2)] + "\"}}";
      Track(person.friend_at + Between(10, 240) * kMinute, id, kQuestionnaireSubmitted, answers);
    }
    if (Chance(p_.group_join)) {
      person.in_group = true;
      GroupChange(person.friend_at + Between(30, 600) * kMinute, id, "grp_vip_1", true);
    }
  }

  std::string Traits(uint32_t id) {
    static const char* tiers[] = {"1", "2", "3", "4"};
    static const char* skins[] = {"oily", "dry", "combination", "sensitive"};
    static const char* price[] = {"high", "medium", "low"};
    const int64_t age = Between(18, 45);
    const int64_t year = 2026 - age;
    char birthday[16];
    std::snprintf(birthday, sizeof birthday, "%04d-%02d-%02d", static_cast<int>(year),
                  static_cast<int>(Between(1, 12)), static_cast<int>(Between(1, 28)));
    return "{\"gender\":\"" + std::string(Chance(0.88) ? "female" : "male") +
           "\",\"age\":" + std::to_string(age) + ",\"city_tier\":\"" + tiers[Between(0, 3)] +
           "\",\"skin\":\"" + skins[Between(0, 3)] + "\",\"price_sensitivity\":\"" +
           price[Between(0, 2)] + "\",\"birthday\":\"" + birthday + "\",\"unionid\":\"" +
           Unionid(id) + "\"}";
  }

  // An order of 1–3 catalogue items; some are refunded 1–7 days later. A Taobao order knows
  // the buyer by nick and phone only; a mini-program order by their WeChat.
  void Order(Micros at, uint32_t id, int day, bool taobao) {
    const std::string order_id =
        "D" + std::to_string(p_.seed) + "-" + std::to_string(++orders_made_);
    const std::string anonymous = taobao ? "tb-" + TaobaoNick(id) : Unionid(id);
    std::string items = "[";
    int64_t total = 0;
    const int64_t lines = Between(1, 3);
    for (int64_t k = 0; k < lines; ++k) {
      const Product& product = p_.catalogue[static_cast<size_t>(
          Between(0, static_cast<int64_t>(p_.catalogue.size()) - 1))];
      const int64_t quantity = Between(1, 2);
      total += product.price_fen * quantity;
      if (k > 0) items += ',';
      items += "{\"sku\":\"" + product.sku + "\",\"name\":";
      AppendJsonString(&items, product.name);
      items += ",\"category\":\"" + product.category +
               "\",\"quantity\":" + std::to_string(quantity) +
               ",\"price_fen\":" + std::to_string(product.price_fen) + "}";
    }
    items += "]";
    std::string properties = "{\"order_id\":\"" + order_id +
                             "\",\"amount_fen\":" + std::to_string(total) + ",\"source\":\"" +
                             (taobao ? "taobao" : "mini_program") + "\",\"products\":" + items;
    if (taobao)
      properties += ",\"taobao_nick\":\"" + TaobaoNick(id) + "\",\"phone\":\"" + Phone(id) + "\"";
    properties += "}";
    Emit(at, "track", anonymous, kOrderPaid, "properties", properties);
    ++stats_.orders;
    stats_.gmv_fen += total;
    if (!Chance(p_.refund)) return;
    ++stats_.refunds;
    const Micros refund_at = at + Between(1, 7) * kDay;
    // Submitted on the day it happens, with that day's calls.
    const int due = std::max(day, static_cast<int>((refund_at - day_start_of(0)) / kDay));
    refunds_.push_back({due, MakeCall(refund_at, "track", anonymous, kOrderRefunded, "properties",
                                      "{\"order_id\":\"" + order_id + "\",\"amount_fen\":" +
                                          std::to_string(total) + ",\"reason\":\"不想要了\"}")});
  }

  // A friend's day: interest fading with time, messages both ways, Moments, orders on their
  // cycle, leaving groups, and deleting the staff account (more likely after many messages).
  void Live(int day, uint32_t id) {
    Person& person = people_[id];
    if (!person.is_friend || person.churned || person.friend_at >= day_start_) return;
    const double age_days = static_cast<double>(day_start_ - person.friend_at) / kDay;
    const double interest = std::exp2(-age_days / p_.activity_half_life_days);
    if (day - person.sent_window_day >= 7) {
      person.sent_recent = 0;
      person.sent_window_day = day;
    }
    if (Chance(p_.message_in * interest)) {
      Track(TimeOfDay(), id, kMessageReceived,
            Props({{"staff_id", p_.staff[person.staff].id},
                   {"kind", "text"},
                   {"keyword", Chance(0.3) ? "price" : (Chance(0.5) ? "usage" : "shipping")}}));
    }
    if (Chance(p_.message_out)) {
      ++person.sent_recent;
      Track(TimeOfDay(), id, kMessageSent,
            Props({{"staff_id", p_.staff[person.staff].id}, {"template", "care"}}));
    }
    if (Chance(p_.moment_view * interest)) {
      Track(TimeOfDay(), id, kMomentViewed,
            Props({{"moment_id", "mo_" + std::to_string(day)},
                   {"staff_id", p_.staff[person.staff].id}}));
      if (Chance(p_.moment_like / p_.moment_view)) {
        Track(TimeOfDay(), id, kMomentLiked,
              Props({{"moment_id", "mo_" + std::to_string(day)},
                     {"staff_id", p_.staff[person.staff].id}}));
      }
    }
    const double season = weekend_[day] * order_peak_[day];
    bool buys = false;
    if (person.orders == 0) {
      buys = Chance(p_.first_order * season * (0.5 + interest));
    } else if (person.next_order_day == day) {
      buys = Chance(p_.repurchase * std::pow(p_.repurchase_decay, person.orders - 1));
      if (!buys) person.next_order_day = -1;  // the cycle is broken: no more repurchases
    }
    if (buys) {
      Order(TimeOfDay(), id, day, false);
      if (person.orders == 0) ++stats_.buyers;
      if (person.orders == 1) ++stats_.repeat_buyers;
      ++person.orders;
      person.next_order_day =
          day + static_cast<int>(Between(p_.repurchase_min_days, p_.repurchase_max_days));
    }
    if (person.in_group && Chance(p_.group_leave)) {
      person.in_group = false;
      GroupChange(TimeOfDay(), id, "grp_vip_1", false);
    }
    if (Chance(p_.churn + p_.churn_per_message * person.sent_recent)) {
      person.churned = true;
      --staff_friends_[person.staff];
      ++stats_.churned;
      FriendDeleted(TimeOfDay(), id, p_.staff[person.staff].id);
    }
  }

  // The day's calls in time order, parsed as POST /v1/batch would, submitted in batches.
  Status Submit() {
    std::stable_sort(calls_.begin(), calls_.end(), [](const Call& a, const Call& b) {
      return a.at != b.at ? a.at < b.at : a.order < b.order;
    });
    clock_.Set(day_start_ + kDay - 1);
    std::vector<Event> batch;
    std::string padded;
    for (Call& call : calls_) {
      if (call.json.empty()) {
        RETURN_IF_ERROR(WecomEvents(call, &batch));
        if (batch.size() >= kMaxEventsPerSubmit) RETURN_IF_ERROR(Flush(&batch));
        continue;
      }
      padded = call.json;
      padded.append(JsonPadding(), ' ');
      Result<Event> e =
          ParseSegmentCall(std::string_view(padded.data(), call.json.size()), clock_.NowMicros());
      if (!e.ok())
        return Status::Internal("demo call refused: " + e.status().ToString() + ": " + call.json);
      batch.push_back(std::move(*e));
      if (batch.size() == kMaxEventsPerSubmit) RETURN_IF_ERROR(Flush(&batch));
    }
    RETURN_IF_ERROR(Flush(&batch));
    stats_.events += static_cast<int64_t>(calls_.size());
    if (record_.is_open() && !record_.flush()) {
      return Status::Internal("cannot write " + p_.wecom_record);
    }
    calls_.clear();
    return Status::Ok();
  }
  // A callback sealed as WeCom posts it and opened by the callback path; or a profile's
  // identify event.
  Status WecomEvents(const Call& call, std::vector<Event>* batch) {
    const std::string message_id =
        "demo-" + std::to_string(p_.seed) + "-" + std::to_string(call.order);
    if (!call.wecom_profile.empty()) {
      batch->push_back(wecom::WecomService::ProfileEvent(nlohmann::json::parse(call.wecom_profile),
                                                         "wecom-profile:" + message_id, call.at));
      return Status::Ok();
    }
    const wecom::SealedCallback sealed =
        wecom::SealCallback(kDemoWecom, call.wecom_xml, std::to_string(call.at / kMicrosPerSecond),
                            "n" + message_id.substr(5));
    if (record_.is_open()) record_ << wecom::RecordedCallbackLine(sealed) << '\n';
    Result<std::vector<Event>> events = wecom::OpenCallback(kDemoWecom, sealed.query, sealed.body);
    if (!events.ok() || events->empty()) {
      return Status::Internal("demo callback refused: " + events.status().ToString() + ": " +
                              call.wecom_xml);
    }
    ++stats_.wecom_callbacks;
    for (Event& e : *events) batch->push_back(std::move(e));
    return Status::Ok();
  }

  Status Flush(std::vector<Event>* batch) {
    if (batch->empty()) return Status::Ok();
    RETURN_IF_ERROR(engine_.Submit(kDefaultWorkspace, std::move(*batch)).status());
    batch->clear();
    return Status::Ok();
  }

  const DemoParams& p_;
  const int zone_;  // the workspace's: local days, weekends and shopping peaks
  Engine& engine_;
  FakeClock& clock_;
  std::mt19937_64 rng_;
  std::discrete_distribution<int> hour_of_day_;
  std::discrete_distribution<int> channel_pick_;
  std::vector<double> weekend_;     // per day: the weekend factor
  std::vector<double> order_peak_;  // per day: 618 / Double-11 order multiplier
  DemoStats stats_;
  std::vector<Person> people_;
  std::vector<std::string> channel_ids_;
  std::vector<int64_t> staff_friends_;
  std::vector<int64_t> added_today_;
  std::vector<Call> calls_;
  std::vector<std::pair<int, Call>> refunds_;  // due day, call
  Micros day_start_ = 0;
  int64_t known_before_today_ = 0;
  int64_t calls_made_ = 0;
  std::ofstream record_;  // DemoParams::wecom_record
  int64_t orders_made_ = 0;
};

}  // namespace

Result<DemoStats> RunDemo(const DemoParams& params, Engine& engine, FakeClock& clock,
                          const DemoProgress& progress, const DemoDayHook& after_day) {
  if (params.customers < 1 || params.customers > 50'000'000) {
    return FieldError("customers", "1 to 50,000,000");
  }
  if (params.days < 1 || params.days > 3650) return FieldError("days", "1 to 3650");
  if (params.channels.empty() || params.staff.empty() || params.catalogue.empty()) {
    return FieldError("params", "needs channels, staff and a catalogue");
  }
  ASSIGN_OR_RETURN(const int zone, engine.UtcOffsetOf(kDefaultWorkspace));
  Simulation sim(params, engine, clock, zone);
  return sim.Run(progress, after_day);
}

}  // namespace pond::sim
