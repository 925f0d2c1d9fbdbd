#include "pond/channels/importer.h"

#include <cctype>
#include <cstdio>
#include <fstream>
#include <optional>
#include <unordered_map>

#include "pond/base/hash.h"
#include "pond/base/json_writer.h"
#include "pond/base/money.h"
#include "pond/base/time.h"
#include "pond/base/utf8.h"
#include "pond/channels/csv.h"
#include "pond/channels/tracking_api.h"
#include "pond/model/event_names.h"

namespace pond {
namespace {

// Export headers pond recognises without --map (lower-cased), and the field each one means.
const std::unordered_map<std::string, std::string>& HeaderAliases() {
  static const std::unordered_map<std::string, std::string> aliases = {
      // UCI Online Retail
      {"invoiceno", "order_id"},
      {"stockcode", "sku"},
      {"description", "name"},
      {"invoicedate", "paid_at"},
      {"unitprice", "price"},
      {"customerid", "user_id"},
      // Segment-style names
      {"userid", "user_id"},
      {"anonymousid", "anonymous_id"},
      {"messageid", "message_id"},
      // Taobao / Tmall order exports
      {"订单编号", "order_id"},
      {"买家会员名", "taobao_nick"},
      {"联系手机", "phone"},
      {"手机号", "phone"},
      {"付款时间", "paid_at"},
      {"买家实际支付金额", "amount"},
      {"实付金额", "amount"},
      {"宝贝标题", "name"},
      {"商品名称", "name"},
      {"宝贝数量", "quantity"},
      {"数量", "quantity"},
      {"单价", "price"},
      {"商家编码", "sku"},
  };
  return aliases;
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string Trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t"), e = s.find_last_not_of(" \t");
  return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
}

// Ids exported by spreadsheets as floats ("17850.0") are integers.
std::string CleanId(const std::string& raw) {
  std::string v = Trim(raw);
  size_t dot = v.find('.');
  if (dot != std::string::npos && dot > 0 &&
      v.find_first_not_of("0", dot + 1) == std::string::npos &&
      v.find_first_not_of("-0123456789") == dot) {
    v.resize(dot);
  }
  return v;
}

Result<Micros> ParseTimeCell(const std::string& raw, int offset) {
  std::string v = Trim(raw);
  if (!v.empty() && v.find_first_not_of("0123456789") == std::string::npos) {
    int64_t n = std::stoll(v.substr(0, 18));
    if (v.size() <= 10) return n * kMicrosPerSecond;  // unix seconds
    if (v.size() <= 13) return n * 1000;              // unix milliseconds
  }
  return ParseIso8601(v, offset);
}

std::string HashId(std::string_view tag, std::string_view text) {
  uint64_t h = Fnv1a64(text, Fnv1a64(tag));
  char buf[40];
  std::snprintf(buf, sizeof buf, "import:%016llx", static_cast<unsigned long long>(h));
  return buf;
}

// A rejected row's reason: `key` counts in the summary, `detail` goes into the rejects file.
struct RowError {
  std::string key;
  std::string detail;
};

class Rejects {
 public:
  explicit Rejects(const std::string& path) {
    if (!path.empty()) file_ = std::fopen(path.c_str(), "wb");
  }
  ~Rejects() {
    if (file_) std::fclose(file_);
  }
  bool failed(const std::string& path) const { return !path.empty() && !file_; }
  void Header(const std::string& raw_header) { Line(raw_header, "pond_reject_reason"); }
  void Row(const std::string& raw, const std::string& reason) { Line(raw, CsvQuote(reason)); }

 private:
  void Line(const std::string& raw, const std::string& last) {
    if (!file_) return;
    std::fputs(raw.c_str(), file_);
    std::fputc(',', file_);
    std::fputs(last.c_str(), file_);
    std::fputc('\n', file_);
  }
  std::FILE* file_ = nullptr;
};

// Submits events in batches and keeps the report's counts.
class Batcher {
 public:
  Batcher(Engine& engine, std::string ws, size_t size, ImportReport* report)
      : engine_(engine), ws_(std::move(ws)), size_(size), report_(report) {}
  Status Add(Event&& e) {
    pending_.push_back(std::move(e));
    return pending_.size() >= size_ ? Flush() : Status::Ok();
  }
  Status Flush() {
    if (pending_.empty()) return Status::Ok();
    Result<SubmitResult> r = engine_.Submit(ws_, std::move(pending_));
    pending_.clear();
    if (!r.ok()) {
      return Status(r.status().code(),
                    "import stopped: " + r.status().message() +
                        " (what was submitted before is stored; re-running the import skips it)",
                    r.status().field());
    }
    report_->events_accepted += r->accepted;
    report_->duplicates += r->duplicates;
    return Status::Ok();
  }

 private:
  Engine& engine_;
  std::string ws_;
  size_t size_;
  ImportReport* report_;
  std::vector<Event> pending_;
};

// Column positions by pond field name; columns that are no known field keep their header.
struct ColumnIndex {
  std::vector<std::string> field_of;  // per column: the pond field it feeds
  std::unordered_map<std::string, size_t> column_of;
  const std::string* Get(const std::vector<std::string>& row, const char* field) const {
    auto it = column_of.find(field);
    return it == column_of.end() || it->second >= row.size() ? nullptr : &row[it->second];
  }
};

ColumnIndex IndexColumns(const std::vector<std::string>& header, const ImportOptions& options) {
  ColumnIndex idx;
  for (size_t i = 0; i < header.size(); ++i) {
    std::string name = Trim(header[i]);
    if (i == 0 && name.starts_with("\xEF\xBB\xBF")) name = name.substr(3);  // UTF-8 BOM
    std::string field;
    for (const auto& [f, column] : options.column_map) {
      if (column == name) field = f;
    }
    static const char* const kFields[] = {
        "order_id", "user_id", "anonymous_id",    "phone",       "email",
        "unionid",  "openid",  "external_userid", "taobao_nick", "paid_at",
        "sku",      "name",    "category",        "quantity",    "price",
        "amount",   "event",   "timestamp",       "message_id"};
    if (field.empty()) {
      std::string lower = Lower(name);
      auto it = HeaderAliases().find(lower);
      if (it != HeaderAliases().end()) field = it->second;
      for (const char* f : kFields) {
        if (field.empty() && lower == f) field = f;
      }
      if (field.empty()) field = name;
    }
    idx.field_of.push_back(field);
    idx.column_of.emplace(field, i);
  }
  return idx;
}

// userId, anonymousId and identity columns of a row.
void RowIdentities(const ColumnIndex& idx, const std::vector<std::string>& row, Event* e) {
  if (const std::string* v = idx.Get(row, "user_id")) e->user_id = CleanId(*v);
  if (const std::string* v = idx.Get(row, "anonymous_id")) e->anonymous_id = Trim(*v);
  for (int k = static_cast<int>(IdentityKind::kPhone);
       k <= static_cast<int>(IdentityKind::kTaobaoNick); ++k) {
    auto kind = static_cast<IdentityKind>(k);
    std::string name(IdentityKindName(kind));
    if (const std::string* v = idx.Get(row, name.c_str())) {
      std::string clean = kind == IdentityKind::kPhone ? CleanId(*v) : Trim(*v);
      if (auto norm = NormalizeIdentity(kind, clean)) e->identities.push_back({kind, *norm});
    }
  }
}

bool HasIdentity(const Event& e) {
  return !e.user_id.empty() || !e.anonymous_id.empty() || !e.identities.empty();
}

bool IsIdentityField(const std::string& f) {
  return f == "user_id" || f == "anonymous_id" || IdentityKindFromName(f).has_value();
}

// Reads the next CSV record, counting it and reporting progress. False at the end.
Result<bool> NextRow(CsvReader& csv, const ImportOptions& options, ImportReport* report,
                     std::vector<std::string>* row, std::string* raw) {
  ASSIGN_OR_RETURN(bool more, csv.Next(row, raw));
  if (!more) return false;
  ++report->rows;
  if (options.progress && report->rows % 8192 == 0) {
    options.progress(csv.bytes_read(), csv.file_bytes());
  }
  return true;
}

// ---------------------------------------------------------------------------------------------
// Orders

struct PendingOrder {
  std::string order_id;
  bool refund = false;
  Event customer;  // identities of the first row
  std::string identity_signature;
  Micros paid_at = 0;
  std::vector<LineItem> items;
  std::vector<std::string> raw_rows;
  std::vector<std::string> row_reasons;  // per raw row: its own problem, or empty
  std::optional<RowError> error;         // the first problem: rejects the whole order
};

std::string Signature(const Event& e) {
  std::string s = e.user_id + '\x1f' + e.anonymous_id;
  for (const Identity& id : e.identities) s += '\x1f' + id.value;
  return s;
}

std::optional<RowError> ParseOrderRow(const ColumnIndex& idx, const std::vector<std::string>& row,
                                      const ImportOptions& options, bool refund, Event* who,
                                      Micros* paid_at, LineItem* li, bool* sub_fen) {
  RowIdentities(idx, row, who);
  if (!HasIdentity(*who)) {
    return RowError{"user_id: missing (no customer identity in the row)",
                    "user_id: missing (no customer identity in the row)"};
  }
  const std::string* when = idx.Get(row, "paid_at");
  if (!when || Trim(*when).empty()) return RowError{"paid_at: missing", "paid_at: missing"};
  Result<Micros> t = ParseTimeCell(*when, options.utc_offset_seconds);
  if (!t.ok()) return RowError{"paid_at: not a time", "paid_at: " + t.status().message()};
  *paid_at = *t;
  li->quantity = 1;
  if (const std::string* q = idx.Get(row, "quantity")) {
    std::string v = Trim(*q);
    char* end = nullptr;
    long long n = std::strtoll(v.c_str(), &end, 10);
    if (v.empty() || *end != '\0' || n < -1'000'000 || n > 1'000'000) {
      return RowError{"quantity: not an integer", "quantity: not an integer (\"" + v + "\")"};
    }
    li->quantity = n;
  }
  if (li->quantity < 0 && !refund) {
    return RowError{"quantity: negative outside a cancellation",
                    "quantity: negative outside a cancellation (order id without prefix \"" +
                        options.refund_prefix + "\")"};
  }
  if (const std::string* p = idx.Get(row, "price")) {
    Result<int64_t> micros = Money::ParseYuanMicros(Trim(*p));
    if (!micros.ok()) {
      return RowError{"price: not a yuan amount", "price: " + micros.status().message()};
    }
    // A unit price finer than a fen (UCI's ¥0.001 sample pads) is kept exact until the line
    // total, which is rounded to the nearest fen once; the row is counted as a warning.
    li->unit_price_fen = Money::FromMicrosRounded(*micros).fen();
    li->amount_fen = Money::FromMicrosRounded(*micros * li->quantity).fen();
    if (*micros % 10000 != 0) *sub_fen = true;
  }
  if (const std::string* a = idx.Get(row, "amount")) {
    Result<Money> m = Money::ParseYuan(Trim(*a));
    if (!m.ok()) {
      return RowError{"amount: not a yuan amount in whole fen",
                      "amount: not a yuan amount in whole fen: " + m.status().message()};
    }
    li->amount_fen = m->fen();
  }
  if (!idx.Get(row, "price") && !idx.Get(row, "amount")) {
    return RowError{"amount: missing (no price or amount column)",
                    "amount: missing (no price or amount column)"};
  }
  if (refund) li->amount_fen = li->amount_fen < 0 ? -li->amount_fen : li->amount_fen;
  if (li->quantity < 0) li->quantity = -li->quantity;
  if (const std::string* v = idx.Get(row, "sku")) li->sku = Trim(*v);
  if (const std::string* v = idx.Get(row, "name")) li->name = Trim(*v);
  if (const std::string* v = idx.Get(row, "category")) li->category = Trim(*v);
  return std::nullopt;
}

Result<Event> OrderEvent(PendingOrder& o, const ImportOptions& options, Micros now) {
  Event e = std::move(o.customer);
  e.type = EventType::kTrack;
  e.timestamp = o.paid_at;
  e.received_at = now;
  int64_t total = 0;
  for (const LineItem& li : o.items) total += li.amount_fen;
  std::string p = "{";
  if (o.refund) {
    e.name = kOrderRefunded;
    e.message_id = "refund:" + o.order_id;
    p += "\"refund_id\":";
    AppendJsonString(&p, o.order_id);
  } else {
    e.name = kOrderPaid;
    e.message_id = "order:" + o.order_id;
    p += "\"order_id\":";
    AppendJsonString(&p, o.order_id);
  }
  p += ",\"amount_fen\":" + std::to_string(total) + ",\"source\":";
  AppendJsonString(&p, options.source);
  p += ",\"items\":[";
  for (size_t i = 0; i < o.items.size(); ++i) {
    const LineItem& li = o.items[i];
    if (i) p += ',';
    p += "{\"sku\":";
    AppendJsonString(&p, li.sku);
    p += ",\"name\":";
    AppendJsonString(&p, li.name);
    if (!li.category.empty()) {
      p += ",\"category\":";
      AppendJsonString(&p, li.category);
    }
    p += ",\"quantity\":" + std::to_string(li.quantity) +
         ",\"price_fen\":" + std::to_string(li.unit_price_fen) +
         ",\"amount_fen\":" + std::to_string(li.amount_fen) + "}";
  }
  p += "]}";
  e.properties = std::move(p);
  RETURN_IF_ERROR(CheckEventTime(e.timestamp, now, "paid_at"));
  RETURN_IF_ERROR(ParseMoneyEvent(e));
  if (e.order) e.order->source = options.source;
  return e;
}

Status ImportOrders(Engine& engine, const std::string& ws, CsvReader& csv, const ColumnIndex& idx,
                    const std::string& raw_header, const ImportOptions& options,
                    ImportReport* report) {
  if (!idx.column_of.count("order_id")) {
    return FieldError("map", "no order_id column (name one with --map order_id=COLUMN)");
  }
  Rejects rejects(options.rejects_path);
  if (rejects.failed(options.rejects_path)) {
    return Status::Unavailable("cannot write " + options.rejects_path);
  }
  rejects.Header(raw_header);
  std::vector<PendingOrder> orders;
  std::unordered_map<std::string, size_t> by_id;
  std::vector<std::string> row;
  std::string raw;
  auto reject_row = [&](const std::string& raw_row, const RowError& err) {
    ++report->rows_rejected;
    ++report->reject_reasons[err.key];
    rejects.Row(raw_row, err.detail);
  };
  for (;;) {
    ASSIGN_OR_RETURN(bool more, NextRow(csv, options, report, &row, &raw));
    if (!more) break;
    if (!IsValidUtf8(raw)) {
      reject_row(raw, {"row: not valid UTF-8", "row: not valid UTF-8"});
      continue;
    }
    const std::string* order_cell = idx.Get(row, "order_id");
    std::string order_id = order_cell ? CleanId(*order_cell) : std::string();
    if (order_id.empty()) {
      reject_row(raw, {"order_id: missing", "order_id: missing"});
      continue;
    }
    auto [it, fresh] = by_id.try_emplace(order_id, orders.size());
    if (fresh) {
      orders.emplace_back();
      orders.back().order_id = order_id;
      orders.back().refund =
          !options.refund_prefix.empty() && order_id.starts_with(options.refund_prefix);
    }
    PendingOrder& o = orders[it->second];
    Event who;
    Micros paid_at = 0;
    LineItem li;
    bool sub_fen = false;
    std::optional<RowError> err =
        ParseOrderRow(idx, row, options, o.refund, &who, &paid_at, &li, &sub_fen);
    if (!err && sub_fen) {
      ++report->warnings["price finer than a fen: line total rounded to the nearest fen"];
    }
    if (!err) {
      std::string sig = Signature(who);
      if (o.items.empty() && o.raw_rows.empty()) {
        o.customer = std::move(who);
        o.identity_signature = sig;
        o.paid_at = paid_at;
      } else if (sig != o.identity_signature && !o.identity_signature.empty()) {
        err = RowError{"user_id: rows of one order name different customers",
                       "user_id: rows of one order name different customers"};
      }
    }
    o.raw_rows.push_back(raw);
    o.row_reasons.push_back(err ? err->detail : std::string());
    if (err && !o.error) o.error = err;
    if (!err) o.items.push_back(std::move(li));
  }
  Batcher batcher(engine, ws, options.batch_size, report);
  const Micros now = engine.clock().NowMicros();
  for (PendingOrder& o : orders) {
    // What the rows said may still break the money or time rules as a whole (lines above the
    // limit, a negative line, a time out of range): the order's rows are rejected, not the file.
    std::optional<Result<Event>> built;
    if (!o.error) built = OrderEvent(o, options, now);
    if (built && !built->ok()) {
      const Status& s = built->status();
      const std::string key = s.field().empty() ? "order" : s.field();
      o.error = RowError{key, key + ": " + s.message()};
      o.row_reasons.assign(o.raw_rows.size(), o.error->detail);
    }
    if (o.error) {
      for (size_t i = 0; i < o.raw_rows.size(); ++i) {
        bool own = !o.row_reasons[i].empty();
        reject_row(o.raw_rows[i],
                   own ? RowError{o.error->key, o.row_reasons[i]}
                       : RowError{"order rejected for another row: " + o.error->key,
                                  "order rejected for another row: " + o.error->detail});
      }
      continue;
    }
    Event e = std::move(**built);
    report->rows_accepted += static_cast<int64_t>(o.raw_rows.size());
    ++(o.refund ? report->refunds : report->orders);
    RETURN_IF_ERROR(batcher.Add(std::move(e)));
  }
  return batcher.Flush();
}

// ---------------------------------------------------------------------------------------------
// Events and customers, one row or line each

Status AddRowEvent(Batcher& batcher, ImportReport* report, Rejects& rejects, const std::string& raw,
                   Result<Event> parsed) {
  if (!parsed.ok()) {
    ++report->rows_rejected;
    const Status& s = parsed.status();
    std::string key = s.field().empty() ? s.message() : s.field() + ": invalid";
    ++report->reject_reasons[key];
    rejects.Row(CsvQuote(raw), s.message());
    return Status::Ok();
  }
  ++report->rows_accepted;
  return batcher.Add(std::move(*parsed));
}

Result<Event> CsvRowEvent(const ColumnIndex& idx, const std::vector<std::string>& row,
                          const std::string& raw, const ImportOptions& options, Micros now) {
  Event e;
  const bool customers = options.kind == ImportKind::kCustomers;
  e.type = customers ? EventType::kIdentify : EventType::kTrack;
  e.received_at = now;
  RowIdentities(idx, row, &e);
  if (!HasIdentity(e)) return FieldError("user_id", "missing (no customer identity in the row)");
  if (!customers) {
    const std::string* name = idx.Get(row, "event");
    if (!name) name = idx.Get(row, "behavior");
    if (!name || Trim(*name).empty()) return FieldError("event", "missing");
    e.name = Trim(*name);
  }
  e.timestamp = now;
  if (const std::string* t = idx.Get(row, "timestamp")) {
    Result<Micros> ts = ParseTimeCell(*t, options.utc_offset_seconds);
    if (!ts.ok()) return FieldError("timestamp", ts.status().message());
    e.timestamp = *ts;
  }
  const std::string* mid = idx.Get(row, "message_id");
  e.message_id = mid && !Trim(*mid).empty() ? Trim(*mid) : HashId(customers ? "c" : "e", raw);
  std::string obj = "{";
  for (size_t i = 0; i < row.size() && i < idx.field_of.size(); ++i) {
    const std::string& f = idx.field_of[i];
    if (IsIdentityField(f) || f == "event" || f == "behavior" || f == "timestamp" ||
        f == "message_id") {
      continue;
    }
    if (obj.size() > 1) obj += ',';
    AppendJsonString(&obj, f);
    obj += ':';
    AppendJsonString(&obj, row[i]);
  }
  obj += '}';
  (customers ? e.traits : e.properties) = std::move(obj);
  if (!customers) RETURN_IF_ERROR(ParseMoneyEvent(e));
  return e;
}

// One order object per JSONL line, as POST /v1/orders takes it.
Result<Event> OrderLine(std::string_view padded_line, Micros now) {
  ASSIGN_OR_RETURN(std::vector<Event> events, ParseOrdersRequest(padded_line, now));
  if (events.size() != 1) return FieldError("orders", "one order per line");
  return std::move(events[0]);
}

Status ImportRows(Engine& engine, const std::string& ws, const std::string& path,
                  const ImportOptions& options, ImportReport* report) {
  const bool jsonl = path.ends_with(".jsonl") || path.ends_with(".ndjson");
  Rejects rejects(options.rejects_path);
  if (rejects.failed(options.rejects_path)) {
    return Status::Unavailable("cannot write " + options.rejects_path);
  }
  Batcher batcher(engine, ws, options.batch_size, report);
  const Micros now = engine.clock().NowMicros();
  ASSIGN_OR_RETURN(CsvReader csv, CsvReader::Open(path));
  if (jsonl) {
    std::ifstream in(path);
    std::string line;
    int64_t bytes = 0;
    while (std::getline(in, line)) {
      bytes += static_cast<int64_t>(line.size()) + 1;
      if (Trim(line).empty()) continue;
      ++report->rows;
      if (options.progress && report->rows % 8192 == 0) options.progress(bytes, csv.file_bytes());
      std::string padded = line;
      padded.append(JsonPadding(), ' ');
      std::string_view view(padded.data(), line.size());
      Result<Event> e =
          options.kind == ImportKind::kOrders
              ? OrderLine(view, now)
              : ParseSegmentCall(view, now,
                                 options.kind == ImportKind::kCustomers ? "identify" : "track");
      if (e.ok() && e->message_id.empty()) e->message_id = HashId("j", line);
      if (e.ok() && options.kind == ImportKind::kOrders) ++report->orders;
      RETURN_IF_ERROR(AddRowEvent(batcher, report, rejects, line, std::move(e)));
    }
    return batcher.Flush();
  }
  std::vector<std::string> row;
  std::string raw;
  ColumnIndex idx;
  if (options.columns.empty()) {
    ASSIGN_OR_RETURN(bool has_header, csv.Next(&row, &raw));
    if (!has_header) return Status::InvalidArgument(path + ": empty file");
    idx = IndexColumns(row, options);
  } else {
    idx = IndexColumns(options.columns, options);
  }
  for (;;) {
    ASSIGN_OR_RETURN(bool more, NextRow(csv, options, report, &row, &raw));
    if (!more) break;
    Result<Event> e = IsValidUtf8(raw) ? CsvRowEvent(idx, row, raw, options, now)
                                       : Result<Event>(FieldError("row", "not valid UTF-8"));
    RETURN_IF_ERROR(AddRowEvent(batcher, report, rejects, raw, std::move(e)));
  }
  return batcher.Flush();
}

}  // namespace

Result<ImportReport> ImportFile(Engine& engine, const std::string& workspace,
                                const std::string& path, const ImportOptions& options) {
  ImportReport report;
  const bool jsonl = path.ends_with(".jsonl") || path.ends_with(".ndjson");
  if (options.kind == ImportKind::kOrders && !jsonl) {
    ASSIGN_OR_RETURN(CsvReader csv, CsvReader::Open(path));
    std::vector<std::string> header;
    std::string raw_header;
    if (options.columns.empty()) {
      ASSIGN_OR_RETURN(bool has_header, csv.Next(&header, &raw_header));
      if (!has_header) return Status::InvalidArgument(path + ": empty file");
    } else {
      header = options.columns;
    }
    ColumnIndex idx = IndexColumns(header, options);
    RETURN_IF_ERROR(ImportOrders(engine, workspace, csv, idx, raw_header, options, &report));
  } else {
    RETURN_IF_ERROR(ImportRows(engine, workspace, path, options, &report));
  }
  if (options.progress) options.progress(1, 1);
  return report;
}

}  // namespace pond
