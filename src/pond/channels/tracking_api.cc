#include "pond/channels/tracking_api.h"

#include <random>

#include "pond/base/money.h"
#include "pond/base/simdjson_util.h"
#include "pond/base/time.h"
#include "pond/base/utf8.h"
#include "pond/model/event_names.h"

namespace pond {
namespace {

using simdjson::ondemand::json_type;
using simdjson::ondemand::object;
using simdjson::ondemand::value;

constexpr size_t kMaxIdBytes = 256;

// Parsers are reused per thread: constructing one allocates its buffers. Three roles, because a
// document must stay valid while a helper parses a nested value of it:
//   TopParser   — a whole request body (batch, orders)
//   CallParser  — one call or order object inside it
//   FieldParser — a field of a call (traits, context, properties), parsed again for identities
//                 and money; these never nest with each other.
simdjson::ondemand::parser& TopParser() {
  thread_local simdjson::ondemand::parser p;
  return p;
}
simdjson::ondemand::parser& CallParser() {
  thread_local simdjson::ondemand::parser p;
  return p;
}
simdjson::ondemand::parser& FieldParser() {
  thread_local simdjson::ondemand::parser p;
  return p;
}
constexpr size_t kMaxEventNameChars = 200;

Status JsonError(simdjson::error_code err, const std::string& field) {
  std::string problem = "invalid JSON (" + std::string(simdjson::error_message(err)) + ")";
  return field.empty() ? Status::InvalidArgument(problem) : FieldError(field, problem);
}

// Ids and names travel into logs, CSV exports and the store's index keys: no NUL, no other
// control character.
Status CheckNoControl(std::string_view s, const std::string& field) {
  for (unsigned char c : s) {
    if (c < 0x20 || c == 0x7f) {
      return FieldError(field, "must not contain control characters (U+0000 to U+001F, U+007F)");
    }
  }
  return Status::Ok();
}

// Reads a string or number as text (Segment ids may be numbers).
Status ReadId(value& v, const std::string& field, std::string* out) {
  json_type type;
  if (v.type().get(type)) return FieldError(field, "invalid value");
  if (type == json_type::string) {
    std::string_view s;
    if (v.get_string().get(s)) return FieldError(field, "invalid string");
    *out = s;
  } else if (type == json_type::number) {
    *out = std::string(RawToken(v));
  } else if (type == json_type::null) {
    out->clear();
  } else {
    return FieldError(field, "must be a string");
  }
  if (out->size() > kMaxIdBytes) {
    return FieldError(field, "longer than " + std::to_string(kMaxIdBytes) + " bytes");
  }
  return CheckNoControl(*out, field);
}

Status ReadString(value& v, const std::string& field, std::string* out) {
  std::string_view s;
  json_type type;
  if (v.type().get(type)) return FieldError(field, "invalid value");
  if (type == json_type::null) return Status::Ok();
  if (v.get_string().get(s)) return FieldError(field, "must be a string");
  *out = s;
  return CheckNoControl(s, field);
}

Status ReadObject(value& v, const std::string& field, std::string_view* out) {
  json_type type;
  if (v.type().get(type)) return FieldError(field, "invalid value");
  if (type == json_type::null) return Status::Ok();
  if (type != json_type::object) return FieldError(field, "must be an object");
  std::string_view raw;
  if (auto err = RawJson(v, &raw)) return JsonError(err, field);
  *out = raw;
  return Status::Ok();
}

Status ReadTime(value& v, const std::string& field, Micros* out) {
  std::string_view s;
  json_type type;
  if (v.type().get(type)) return FieldError(field, "invalid value");
  if (type == json_type::null) return Status::Ok();
  if (v.get_string().get(s)) return FieldError(field, "must be an ISO-8601 string");
  Result<Micros> t = ParseIso8601(s);
  if (!t.ok()) return FieldError(field, t.status().message());
  *out = *t;
  return Status::Ok();
}

}  // namespace

void CollectIdentities(std::string_view object_json, bool padded, std::vector<Identity>* out) {
  if (object_json.size() <= 2) return;
  simdjson::ondemand::document doc;
  object obj;
  if (IterateObjectView(FieldParser(), object_json, padded, &doc, &obj)) return;
  for (auto fr : obj) {
    simdjson::ondemand::field f;
    if (std::move(fr).get(f)) return;
    std::string_view key = RawKey(f);
    auto kind = IdentityKindFromName(key);
    if (!kind || *kind == IdentityKind::kUserId || *kind == IdentityKind::kAnonymousId ||
        *kind == IdentityKind::kCustomerId) {
      continue;  // ids come from their own fields; pond's customer ids only from pond itself
    }
    std::string raw;
    if (!ReadId(f.value(), "", &raw).ok() || raw.empty()) continue;
    if (auto norm = NormalizeIdentity(*kind, raw)) {
      Identity id{*kind, std::move(*norm)};
      bool dup = false;
      for (const Identity& o : *out) dup |= o == id;
      if (!dup) out->push_back(std::move(id));
    }
  }
}

namespace {

// context.traits of a context object (a padded slice), as a slice of the same text, or "".
std::string_view ContextTraits(std::string_view context_json) {
  if (context_json.size() <= 2) return {};
  value traits;
  simdjson::ondemand::document doc;
  object obj;
  if (IterateObjectView(FieldParser(), context_json, true, &doc, &obj) ||
      obj["traits"].get(traits)) {
    return {};
  }
  std::string_view out;
  if (!ReadObject(traits, "", &out).ok()) return {};
  return out;
}

// Parses one call object (already size-checked) into an Event.
Status ParseCall(object& obj, std::string_view implied_type, std::string_view default_type,
                 Micros received_at, Micros batch_sent_at, Event* e) {
  std::string type_name(implied_type);
  Micros sent_at = batch_sent_at, original = 0;
  bool has_timestamp = false;
  std::string previous_id, group_id;
  // Views into the request body (which is padded), so nested parses need no copies.
  std::string_view properties, traits, context;
  for (auto fr : obj) {
    simdjson::ondemand::field f;
    if (auto err = std::move(fr).get(f)) return JsonError(err, "");
    std::string_view key = RawKey(f);
    value v = f.value();
    if (key == "type") {
      std::string t;
      RETURN_IF_ERROR(ReadString(v, "type", &t));
      if (implied_type.empty()) type_name = t;
    } else if (key == "messageId") {
      RETURN_IF_ERROR(ReadId(v, "messageId", &e->message_id));
    } else if (key == "userId") {
      RETURN_IF_ERROR(ReadId(v, "userId", &e->user_id));
    } else if (key == "anonymousId") {
      RETURN_IF_ERROR(ReadId(v, "anonymousId", &e->anonymous_id));
    } else if (key == "previousId") {
      RETURN_IF_ERROR(ReadId(v, "previousId", &previous_id));
    } else if (key == "groupId") {
      RETURN_IF_ERROR(ReadId(v, "groupId", &group_id));
    } else if (key == "event") {
      RETURN_IF_ERROR(ReadString(v, "event", &e->name));
    } else if (key == "name") {
      if (e->name.empty()) RETURN_IF_ERROR(ReadString(v, "name", &e->name));
    } else if (key == "properties") {
      RETURN_IF_ERROR(ReadObject(v, "properties", &properties));
    } else if (key == "traits") {
      RETURN_IF_ERROR(ReadObject(v, "traits", &traits));
    } else if (key == "context") {
      RETURN_IF_ERROR(ReadObject(v, "context", &context));
    } else if (key == "timestamp") {
      RETURN_IF_ERROR(ReadTime(v, "timestamp", &e->timestamp));
      has_timestamp = e->timestamp != 0;
    } else if (key == "originalTimestamp") {
      RETURN_IF_ERROR(ReadTime(v, "originalTimestamp", &original));
    } else if (key == "sentAt") {
      RETURN_IF_ERROR(ReadTime(v, "sentAt", &sent_at));
    }
    // Anything else (integrations, channel, version, …) is accepted and not kept.
  }
  if (type_name.empty()) type_name = default_type;
  auto type = EventTypeFromName(type_name);
  if (!type) {
    return FieldError("type", "unknown call type \"" + type_name.substr(0, 40) +
                                  "\" (identify, track, page, screen, group, alias)");
  }
  e->type = *type;
  if (e->user_id.empty() && e->anonymous_id.empty()) {
    return FieldError("userId", "userId or anonymousId is required");
  }
  if (e->type == EventType::kTrack && e->name.empty()) {
    return FieldError("event", "required for track");
  }
  if (e->type == EventType::kTrack && IsWrittenOnlyByPond(e->name)) {
    return FieldError("event", "\"" + e->name +
                                   "\" is written by pond only (money, rewards and group places "
                                   "follow from it); use /v1/distribution, /v1/fission or "
                                   "/v1/group-codes");
  }
  if (Utf8Length(e->name) > kMaxEventNameChars) {
    return FieldError(e->type == EventType::kTrack ? "event" : "name",
                      "longer than " + std::to_string(kMaxEventNameChars) + " characters");
  }
  if (e->type == EventType::kAlias && previous_id.empty()) {
    return FieldError("previousId", "required for alias");
  }
  if (e->type == EventType::kGroup && group_id.empty()) {
    return FieldError("groupId", "required for group");
  }
  // Segment's clock-skew correction.
  e->received_at = received_at;
  if (!has_timestamp) {
    if (original != 0 && sent_at != 0) {
      e->timestamp = received_at - (sent_at - original);
    } else if (original != 0) {
      e->timestamp = original;
    } else {
      e->timestamp = received_at;
    }
  }

  if (!properties.empty()) e->properties.assign(properties);
  if (!traits.empty()) e->traits.assign(traits);
  if (!context.empty()) e->context.assign(context);
  CollectIdentities(traits, true, &e->identities);
  CollectIdentities(ContextTraits(context), true, &e->identities);
  if (e->type == EventType::kTrack) CollectIdentities(properties, true, &e->identities);
  if (e->type == EventType::kAlias) {
    // alias(userId, previousId): previousId is almost always the anonymous id it replaces.
    if (auto norm = NormalizeIdentity(IdentityKind::kAnonymousId, previous_id)) {
      e->identities.push_back({IdentityKind::kAnonymousId, *norm});
    }
  }
  if (e->type == EventType::kTrack) RETURN_IF_ERROR(ParseMoneyEvent(*e, properties, true));
  return Status::Ok();
}

// The objects of a JSON array as raw slices of the (padded) body: the calls of a batch, the
// orders of an orders request. `limit_error` is returned once there are more than `limit`.
Status CollectObjects(value v, const std::string& field, size_t limit, const Status& limit_error,
                      std::vector<std::string_view>* out) {
  simdjson::ondemand::array arr;
  if (v.get_array().get(arr)) return FieldError(field, "must be an array");
  for (auto item : arr) {
    value iv;
    std::string_view raw;
    json_type type;
    std::string element = field + "[" + std::to_string(out->size()) + "]";
    if (item.get(iv) || iv.type().get(type) || type != json_type::object) {
      return FieldError(element, "must be an object");
    }
    if (auto err = RawJson(iv, &raw)) return JsonError(err, element);
    if (out->size() == limit) return limit_error;
    out->push_back(raw);
  }
  return Status::Ok();
}

Status ParseOne(std::string_view raw, std::string_view implied_type, std::string_view default_type,
                Micros received_at, Micros batch_sent_at, const SegmentLimits& limits, Event* e) {
  if (raw.size() > limits.max_event_bytes) {
    return Status::PayloadTooLarge("event is " + std::to_string(raw.size()) +
                                   " bytes, more than the " +
                                   std::to_string(limits.max_event_bytes / 1024) + " KB limit");
  }
  // The slice lies inside a padded body, so the padding after it is readable.
  simdjson::ondemand::document doc;
  object obj;
  if (auto err = IterateObjectView(CallParser(), raw, true, &doc, &obj)) return JsonError(err, "");
  RETURN_IF_ERROR(ParseCall(obj, implied_type, default_type, received_at, batch_sent_at, e));
  if (!AtEnd(doc)) return Status::InvalidArgument("invalid JSON (trailing content)");
  RETURN_IF_ERROR(
      CheckEventTime(e->timestamp, received_at, "timestamp", limits.earliest, limits.max_lead));
  return Status::Ok();
}

Status ReadAmount(value& v, const std::string& field, int64_t* fen) {
  json_type type;
  if (v.type().get(type)) return FieldError(field, "invalid value");
  std::string_view text;
  if (type == json_type::string) {
    if (v.get_string().get(text)) return FieldError(field, "invalid string");
  } else if (type == json_type::number) {
    text = RawToken(v);
  } else {
    return FieldError(field, "must be a yuan amount like 99.9 or \"99.90\"");
  }
  Result<Money> m = Money::ParseYuan(text);
  if (!m.ok()) return FieldError(field, m.status().message());
  *fen = m->fen();
  return Status::Ok();
}

Status ReadFen(value& v, const std::string& field, int64_t* fen) {
  int64_t n;
  if (v.get_int64().get(n)) return FieldError(field, "must be an integer number of fen");
  *fen = n;
  return Status::Ok();
}

// An amount of an order, a line or a refund: never negative, never more than kMaxMoneyFen, so
// that no sum pond keeps can overflow.
Status CheckMoney(int64_t fen, const std::string& field) {
  if (fen < 0) return FieldError(field, "must not be negative");
  if (fen > kMaxMoneyFen) {
    return FieldError(field, "more than the limit of " + std::to_string(kMaxMoneyFen) + " fen (¥" +
                                 std::to_string(kMaxMoneyFen / 100) + ")");
  }
  return Status::Ok();
}

Status ReadCount(value& v, const std::string& field, int64_t* n) {
  if (v.get_int64().get(*n) || *n < 0 || *n > 1'000'000) {
    return FieldError(field, "must be an integer from 0 to 1000000");
  }
  return Status::Ok();
}

Status ParseLineItem(object& obj, const std::string& field, LineItem* li) {
  bool has_amount = false, has_price = false;
  for (auto fr : obj) {
    simdjson::ondemand::field f;
    if (auto err = std::move(fr).get(f)) return JsonError(err, field);
    std::string_view key = RawKey(f);
    value v = f.value();
    std::string sub = field + "." + std::string(key);
    if (key == "sku" || key == "product_id") {
      RETURN_IF_ERROR(ReadId(v, sub, &li->sku));
    } else if (key == "name") {
      RETURN_IF_ERROR(ReadString(v, sub, &li->name));
    } else if (key == "category") {
      RETURN_IF_ERROR(ReadString(v, sub, &li->category));
    } else if (key == "quantity") {
      RETURN_IF_ERROR(ReadCount(v, sub, &li->quantity));
    } else if (key == "price") {
      RETURN_IF_ERROR(ReadAmount(v, sub, &li->unit_price_fen));
      RETURN_IF_ERROR(CheckMoney(li->unit_price_fen, sub));
      has_price = true;
    } else if (key == "price_fen") {
      RETURN_IF_ERROR(ReadFen(v, sub, &li->unit_price_fen));
      RETURN_IF_ERROR(CheckMoney(li->unit_price_fen, sub));
      has_price = true;
    } else if (key == "amount") {
      RETURN_IF_ERROR(ReadAmount(v, sub, &li->amount_fen));
      RETURN_IF_ERROR(CheckMoney(li->amount_fen, sub));
      has_amount = true;
    } else if (key == "amount_fen") {
      RETURN_IF_ERROR(ReadFen(v, sub, &li->amount_fen));
      RETURN_IF_ERROR(CheckMoney(li->amount_fen, sub));
      has_amount = true;
    }
  }
  if (!has_amount && has_price) {
    // Both are bounded (price ≤ kMaxMoneyFen, quantity ≤ 1,000,000): the product fits int64.
    li->amount_fen = li->unit_price_fen * li->quantity;
    RETURN_IF_ERROR(CheckMoney(li->amount_fen, field + ".price"));
  }
  return Status::Ok();
}

}  // namespace

size_t JsonPadding() { return simdjson::SIMDJSON_PADDING; }

Status CheckEventTime(Micros t, Micros received_at, const std::string& field, Micros earliest,
                      Micros max_lead) {
  if (t >= earliest && t <= received_at + max_lead) return Status::Ok();
  return FieldError(field, "must lie between " + FormatIso8601(earliest) + " and " +
                               FormatIso8601(received_at + max_lead) +
                               ", after clock-skew correction");
}

Result<Event> ParseSegmentCall(std::string_view call, Micros received_at,
                               std::string_view default_type) {
  Event e;
  RETURN_IF_ERROR(ParseOne(call, "", default_type, received_at, 0, SegmentLimits{}, &e));
  return e;
}

std::string NewMessageId() {
  thread_local std::mt19937_64 rng(std::random_device{}());
  char buf[40];
  std::snprintf(buf, sizeof buf, "pond-%016llx%016llx", static_cast<unsigned long long>(rng()),
                static_cast<unsigned long long>(rng()));
  return buf;
}

Status ParseMoneyEvent(Event& e) { return ParseMoneyEvent(e, e.properties, false); }

Status ParseMoneyEvent(Event& e, std::string_view properties, bool padded) {
  const bool paid = e.name == kOrderPaid;
  const bool refunded = e.name == kOrderRefunded;
  if (!paid && !refunded) return Status::Ok();
  if (properties.empty()) properties = "{}";
  simdjson::ondemand::document doc;
  object obj;
  if (auto err =
          IterateObjectView(FieldParser(), properties, padded && properties != "{}", &doc, &obj)) {
    return JsonError(err, "properties");
  }
  std::string order_id, refund_id, source, currency, reason;
  int64_t amount = 0, discount = 0;
  bool has_amount = false;
  std::vector<LineItem> items;
  for (auto fr : obj) {
    simdjson::ondemand::field f;
    if (auto err = std::move(fr).get(f)) return JsonError(err, "properties");
    std::string_view key = RawKey(f);
    value v = f.value();
    std::string field = "properties." + std::string(key);
    if (key == "order_id") {
      RETURN_IF_ERROR(ReadId(v, field, &order_id));
    } else if (key == "refund_id") {
      RETURN_IF_ERROR(ReadId(v, field, &refund_id));
    } else if (key == "amount" || key == "total" || key == "revenue") {
      RETURN_IF_ERROR(ReadAmount(v, field, &amount));
      RETURN_IF_ERROR(CheckMoney(amount, field));
      has_amount = true;
    } else if (key == "amount_fen" || key == "total_fen") {
      RETURN_IF_ERROR(ReadFen(v, field, &amount));
      RETURN_IF_ERROR(CheckMoney(amount, field));
      has_amount = true;
    } else if (key == "discount") {
      RETURN_IF_ERROR(ReadAmount(v, field, &discount));
      RETURN_IF_ERROR(CheckMoney(discount, field));
    } else if (key == "discount_fen") {
      RETURN_IF_ERROR(ReadFen(v, field, &discount));
      RETURN_IF_ERROR(CheckMoney(discount, field));
    } else if (key == "source") {
      RETURN_IF_ERROR(ReadString(v, field, &source));
    } else if (key == "currency") {
      RETURN_IF_ERROR(ReadString(v, field, &currency));
    } else if (key == "reason") {
      RETURN_IF_ERROR(ReadString(v, field, &reason));
    } else if (key == "products" || key == "items") {
      simdjson::ondemand::array arr;
      if (v.get_array().get(arr)) return FieldError(field, "must be an array");
      size_t i = 0;
      for (auto item : arr) {
        std::string sub = field + "[" + std::to_string(i++) + "]";
        if (i > 1000) return FieldError(field, "more than 1000 line items");
        object io;
        if (item.get_object().get(io)) return FieldError(sub, "must be an object");
        LineItem li;
        RETURN_IF_ERROR(ParseLineItem(io, sub, &li));
        items.push_back(std::move(li));
      }
    }
  }
  if (order_id.empty() && (paid || refund_id.empty())) {
    return FieldError("properties.order_id", std::string("required for ") + e.name);
  }
  // The lines are what was paid for each after discounts; shipping and fees are the rest of the
  // amount. At most 1,000 lines of at most kMaxMoneyFen each: the sum fits int64.
  int64_t lines_fen = 0;
  for (const LineItem& li : items) lines_fen += li.amount_fen;
  if (!has_amount && paid && !items.empty()) {
    amount = lines_fen;
    RETURN_IF_ERROR(CheckMoney(amount, "properties.amount"));
    has_amount = true;
  }
  if (!has_amount) {
    return FieldError("properties.amount",
                      std::string("required for ") + e.name + " (yuan, or amount_fen)");
  }
  if (lines_fen > amount) {
    return FieldError("properties.items",
                      "the lines add up to " + std::to_string(lines_fen) + " fen, more than the " +
                          (paid ? "order's" : "refund's") + " amount of " + std::to_string(amount) +
                          " fen (a line's amount is what was paid for it after discounts)");
  }
  e.amount_fen = amount;
  if (paid) {
    Order& o = e.order.emplace();
    o.order_id = std::move(order_id);
    o.paid_at = e.timestamp;
    o.total_fen = amount;
    o.discount_fen = discount;
    if (!currency.empty()) o.currency = currency;
    o.source = source;
    o.items = std::move(items);
  } else {
    Refund& r = e.refund.emplace();
    // Without a refund id, one refund per order: a full refund is keyed by its order.
    r.refund_id = refund_id.empty() ? order_id : refund_id;
    r.order_id = std::move(order_id);
    r.refunded_at = e.timestamp;
    r.amount_fen = amount;
    r.reason = std::move(reason);
  }
  return Status::Ok();
}

Result<SegmentRequest> ParseSegmentRequest(std::string_view body, std::string_view endpoint,
                                           Micros received_at, const SegmentLimits& limits) {
  SegmentRequest out;
  const bool batch = endpoint == "batch" || endpoint == "import";
  if (!batch) {
    if (!EventTypeFromName(endpoint)) return Status::NotFound("no such endpoint");
    Event e;
    RETURN_IF_ERROR(ParseOne(body, endpoint, "", received_at, 0, limits, &e));
    if (e.message_id.empty()) e.message_id = NewMessageId();
    // writeKey may travel in the body of a single call too.
    simdjson::ondemand::parser& parser = TopParser();
    simdjson::ondemand::document doc;
    std::string_view key;
    if (!parser.iterate(body.data(), body.size(), body.size() + simdjson::SIMDJSON_PADDING)
             .get(doc) &&
        !doc["writeKey"].get_string().get(key)) {
      out.write_key = key;
    }
    out.events.push_back(std::move(e));
    return out;
  }
  if (body.size() > limits.max_batch_bytes) {
    return Status::PayloadTooLarge("batch is " + std::to_string(body.size()) +
                                       " bytes, more than the " +
                                       std::to_string(limits.max_batch_bytes / 1024) + " KB limit",
                                   "batch");
  }
  simdjson::ondemand::document doc;
  object top;
  if (auto err = IterateObjectView(TopParser(), body, true, &doc, &top)) return JsonError(err, "");
  // Fields come in any order: remember where the batch is, read sentAt/writeKey, then parse
  // the calls with the batch-level sentAt known.
  std::vector<std::string_view> calls;
  Micros sent_at = 0;
  bool has_batch = false;
  for (auto fr : top) {
    simdjson::ondemand::field f;
    if (auto err = std::move(fr).get(f)) return JsonError(err, "");
    std::string_view key = RawKey(f);
    value v = f.value();
    if (key == "batch") {
      has_batch = true;
      RETURN_IF_ERROR(CollectObjects(
          v, "batch", limits.max_batch_events,
          Status::PayloadTooLarge(
              "batch: more than " + std::to_string(limits.max_batch_events) + " events", "batch"),
          &calls));
    } else if (key == "sentAt") {
      RETURN_IF_ERROR(ReadTime(v, "sentAt", &sent_at));
    } else if (key == "writeKey") {
      RETURN_IF_ERROR(ReadString(v, "writeKey", &out.write_key));
    }
  }
  if (!AtEnd(doc)) return Status::InvalidArgument("invalid JSON (trailing content)");
  if (!has_batch) return FieldError("batch", "required");
  out.events.resize(calls.size());
  for (size_t i = 0; i < calls.size(); ++i) {
    Status s = ParseOne(calls[i], "", "", received_at, sent_at, limits, &out.events[i]);
    if (!s.ok()) return s.WithFieldPrefix("batch[" + std::to_string(i) + "]");
    if (out.events[i].message_id.empty()) out.events[i].message_id = NewMessageId();
  }
  return out;
}

namespace {

constexpr size_t kMaxOrdersPerRequest = 1000;

Status ParseOrder(std::string_view raw, Micros received_at, Event* e) {
  e->type = EventType::kTrack;
  e->name = kOrderPaid;
  e->properties = std::string(raw);
  e->received_at = received_at;
  simdjson::ondemand::document doc;
  object obj;
  if (auto err = IterateObjectView(CallParser(), raw, true, &doc, &obj)) return JsonError(err, "");
  std::string order_id;
  for (auto fr : obj) {
    simdjson::ondemand::field f;
    if (auto err = std::move(fr).get(f)) return JsonError(err, "");
    std::string_view key = RawKey(f);
    value v = f.value();
    if (key == "order_id") {
      RETURN_IF_ERROR(ReadId(v, "order_id", &order_id));
    } else if (key == "user_id") {
      RETURN_IF_ERROR(ReadId(v, "user_id", &e->user_id));
    } else if (key == "anonymous_id") {
      RETURN_IF_ERROR(ReadId(v, "anonymous_id", &e->anonymous_id));
    } else if (key == "paid_at") {
      RETURN_IF_ERROR(ReadTime(v, "paid_at", &e->timestamp));
    }
  }
  if (order_id.empty()) return FieldError("order_id", "required");
  CollectIdentities(raw, true, &e->identities);
  if (e->user_id.empty() && e->anonymous_id.empty() && e->identities.empty()) {
    return FieldError("user_id", "an order needs user_id or an identity (phone, taobao_nick, …)");
  }
  if (e->timestamp == 0) e->timestamp = received_at;
  RETURN_IF_ERROR(CheckEventTime(e->timestamp, received_at, "paid_at"));
  e->message_id = "order:" + order_id;
  Status s = ParseMoneyEvent(*e, raw, true);
  if (!s.ok() && s.field().starts_with("properties.")) {
    return Status(s.code(), s.message().substr(11), s.field().substr(11));
  }
  return s;
}

}  // namespace

Result<std::vector<Event>> ParseOrdersRequest(std::string_view body, Micros received_at) {
  simdjson::ondemand::document doc;
  object top;
  if (auto err = IterateObjectView(TopParser(), body, true, &doc, &top)) return JsonError(err, "");
  std::vector<std::string_view> raws;
  bool wrapped = false;
  for (auto fr : top) {
    simdjson::ondemand::field f;
    if (auto e2 = std::move(fr).get(f)) return JsonError(e2, "");
    if (RawKey(f) != "orders") continue;
    wrapped = true;
    RETURN_IF_ERROR(CollectObjects(
        f.value(), "orders", kMaxOrdersPerRequest,
        FieldError("orders", "more than " + std::to_string(kMaxOrdersPerRequest)), &raws));
  }
  if (!AtEnd(doc)) return Status::InvalidArgument("invalid JSON (trailing content)");
  if (!wrapped) raws.push_back(body);
  if (raws.empty()) return FieldError("orders", "empty");
  std::vector<Event> events(raws.size());
  for (size_t i = 0; i < raws.size(); ++i) {
    Status s = ParseOrder(raws[i], received_at, &events[i]);
    if (!s.ok()) return wrapped ? s.WithFieldPrefix("orders[" + std::to_string(i) + "]") : s;
  }
  return events;
}

}  // namespace pond
