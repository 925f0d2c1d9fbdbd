#include "pond/app/views.h"

#include <nlohmann/json.hpp>

#include "pond/app/personal_data.h"
#include "pond/base/json_text.h"
#include "pond/base/time.h"

namespace pond::app {
namespace {

using nlohmann::json;

// Raw JSON text from the store, embedded as a value (it was valid when it came in).
json Embed(const std::string& raw) {
  json j = json::parse(raw, nullptr, false);
  return j.is_discarded() ? json::object() : j;
}

json IdentityJson(const Identity& id, Disclosure d) {
  return {{"kind", IdentityKindName(id.kind)},
          {"value", d == Disclosure::kRevealed ? id.value : MaskIdentity(id.kind, id.value)}};
}

// Raw JSON that may hold personal data (traits, properties), masked unless revealed.
json EmbedPersonal(const std::string& raw, Disclosure d) {
  json j = Embed(raw);
  if (d == Disclosure::kMasked) MaskPersonalData(&j);
  return j;
}

json SummaryJson(const CustomerSummary& s, Disclosure d) {
  return {{"id", s.id},
          {"created_at", FormatIso8601(s.created_at)},
          {"last_seen", FormatIso8601(s.last_seen)},
          {"event_count", s.event_count},
          {"order_count", s.order_count},
          {"spent_fen", s.spent_fen},
          {"refunded_fen", s.refunded_fen},
          {"traits", EmbedPersonal(s.traits, d)},
          {"channel", s.channel.empty() ? json(nullptr) : json(s.channel)},
          {"owner", s.owner.empty() ? json(nullptr) : json(s.owner)}};
}

json OrderJson(const Order& o) {
  json items = json::array();
  for (const LineItem& li : o.items) {
    items.push_back({{"sku", li.sku},
                     {"name", li.name},
                     {"category", li.category},
                     {"quantity", li.quantity},
                     {"unit_price_fen", li.unit_price_fen},
                     {"amount_fen", li.amount_fen}});
  }
  return {{"order_id", o.order_id},
          {"paid_at", FormatIso8601(o.paid_at)},
          {"total_fen", o.total_fen},
          {"discount_fen", o.discount_fen},
          {"currency", o.currency},
          {"source", o.source},
          {"items", items}};
}

json EventJson(const Event& e, Disclosure d) {
  json j = {{"seq", e.seq},
            {"message_id", e.message_id},
            {"type", EventTypeName(e.type)},
            {"timestamp", FormatIso8601(e.timestamp)},
            {"received_at", FormatIso8601(e.received_at)},
            {"properties", EmbedPersonal(e.properties, d)}};
  if (!e.name.empty()) j["event"] = e.name;
  if (e.traits.size() > 2) j["traits"] = EmbedPersonal(e.traits, d);
  if (e.amount_fen) j["amount_fen"] = e.amount_fen;
  return j;
}

void AddLabels(json& row, const ScoreService::CustomerLabels& labels) {
  row["stage"] = labels.stage;
  row["rfm"] = labels.rfm.empty() ? json(nullptr) : json(labels.rfm);
}

json ProfileJson(const CustomerProfile& p, Disclosure d) {
  json j = SummaryJson(p.summary, d);
  json ids = json::array(), merges = json::array(), timeline = json::array(),
       orders = json::array(), refunds = json::array();
  for (const Identity& id : p.identities) ids.push_back(IdentityJson(id, d));
  for (const Merge& m : p.merged_from) {
    merges.push_back({{"customer", m.from_customer},
                      {"merged_at", FormatIso8601(m.merged_at)},
                      {"event_seq", m.event_seq},
                      {"identity", IdentityJson(m.reason, d)}});
  }
  for (const Event& e : p.timeline) timeline.push_back(EventJson(e, d));
  for (const Order& o : p.orders) orders.push_back(OrderJson(o));
  for (const Refund& r : p.refunds) {
    refunds.push_back({{"refund_id", r.refund_id},
                       {"order_id", r.order_id},
                       {"refunded_at", FormatIso8601(r.refunded_at)},
                       {"amount_fen", r.amount_fen},
                       {"reason", r.reason}});
  }
  j["identities"] = ids;
  j["tags"] = p.tags;
  j["merged_from"] = merges;
  j["orders"] = orders;
  j["refunds"] = refunds;
  j["timeline"] = timeline;
  return j;
}

}  // namespace

std::string ProfileJsonText(const CustomerProfile& p, Disclosure d) {
  return DumpJson(ProfileJson(p, d));
}

std::string ProfileJsonText(const CustomerProfile& p, const CustomerPlaces& places, Disclosure d) {
  json j = ProfileJson(p, d);
  AddLabels(j, places.labels);
  json journeys = json::array(), groups = json::array();
  for (const InstanceView& i : places.journeys) {
    journeys.push_back(
        {{"journey", i.journey}, {"step", i.step}, {"since", FormatIso8601(i.since)}});
  }
  for (const auto& [id, name] : places.groups) groups.push_back({{"id", id}, {"name", name}});
  j["journeys"] = std::move(journeys);
  j["groups"] = std::move(groups);
  return DumpJson(j);
}

namespace {

json SegmentJson(const SegmentInfo& s) {
  json j = {{"id", s.id},
            {"name", s.name},
            {"description", s.description},
            {"rule", s.rule},
            {"customers", s.customers},
            {"created_at", FormatIso8601(s.created_at)},
            {"updated_at", FormatIso8601(s.updated_at)}};
  // The same rule as the console's builder sends it.
  if (auto parsed = ParseRule(s.rule); parsed.ok()) j["rule_json"] = Embed(ToJson(**parsed));
  return j;
}

}  // namespace

std::string SegmentJsonText(const SegmentInfo& segment) { return DumpJson(SegmentJson(segment)); }

std::string SegmentListJsonText(const std::vector<SegmentInfo>& segments) {
  json data = json::array();
  for (const SegmentInfo& s : segments) data.push_back(SegmentJson(s));
  return DumpJson(
      {{"data", data}, {"next_cursor", nullptr}, {"total", static_cast<int64_t>(segments.size())}});
}

std::string SegmentPreviewJsonText(const SegmentPreview& p, Disclosure d) {
  json data = json::array();
  for (const CustomerSummary& s : p.customers) data.push_back(SummaryJson(s, d));
  return DumpJson({{"count", p.count},
                   {"rule", p.rule},
                   {"took_ms", static_cast<double>(p.took_micros) / 1000.0},
                   {"data", data}});
}

// `labels` and `tags` null: the summaries alone.
static std::string PageJsonText(const CustomerPage& page,
                                const std::vector<ScoreService::CustomerLabels>* labels,
                                const std::vector<std::vector<std::string>>* tags, Disclosure d) {
  json data = json::array();
  for (size_t i = 0; i < page.data.size(); ++i) {
    json row = SummaryJson(page.data[i], d);
    if (labels) AddLabels(row, (*labels)[i]);
    if (tags) row["tags"] = (*tags)[i];
    data.push_back(std::move(row));
  }
  json body = {{"data", data}, {"total", page.total}, {"next_cursor", nullptr}};
  if (page.next_cursor) body["next_cursor"] = *page.next_cursor;
  return DumpJson(body);
}

std::string CustomerPageJsonText(const CustomerPage& page, Disclosure d) {
  return PageJsonText(page, nullptr, nullptr, d);
}

std::string CustomerPageJsonText(const CustomerPage& page,
                                 const std::vector<ScoreService::CustomerLabels>& labels,
                                 const std::vector<std::vector<std::string>>& tags, Disclosure d) {
  return PageJsonText(page, &labels, &tags, d);
}

std::string JourneyStatsJsonText(const JourneyStats& s) {
  json at_step = json::object();
  for (const auto& [step, n] : s.at_step) at_step[step] = n;
  return DumpJson({{"journey", s.journey},
                   {"entered", s.entered},
                   {"live", s.live},
                   {"converted", s.converted},
                   {"exited", s.exited},
                   {"messages_sent", s.messages},
                   {"tasks_created", s.tasks},
                   {"at_step", at_step},
                   {"suppressed", s.suppressed},
                   {"deferred", s.deferred}});
}

}  // namespace pond::app
