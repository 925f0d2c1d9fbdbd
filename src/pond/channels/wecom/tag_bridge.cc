#include "pond/channels/wecom/tag_bridge.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <set>

#include "pond/engine/event_replay.h"
#include "pond/engine/tenant_state.h"
#include "pond/engine/traits.h"
#include "pond/model/event_names.h"

namespace pond::wecom {
namespace {

using nlohmann::json;

constexpr char kWatermarkId[] = "watermark";
constexpr char kFromWecom[] = "wecom";

struct TagChange {
  std::string tag, by;
};

// The tag and who changed it, from a tag_added / tag_removed's properties.
TagChange ReadTagChange(const Event& e) {
  Traits properties;  // a flat key -> raw JSON map is all this needs
  if (!properties.MergeJson(e.properties).ok()) return {};
  return {properties.GetString("tag"), properties.GetString("by")};
}

bool IsTagEvent(const std::string& name) { return name == kTagAdded || name == kTagRemoved; }

}  // namespace

TagBridge::TagBridge(Engine* engine, ApiFn api, NoteFn note)
    : engine_(engine), api_(std::move(api)), note_(std::move(note)) {}

void TagBridge::OnApplied(const std::string& ws, const TenantState&, const AppliedEvent& a) {
  if (!IsTagEvent(a.event.name)) return;
  TagChange change = ReadTagChange(a.event);
  if (change.tag.empty() || change.by == kFromWecom || change.tag.starts_with("pond:")) return;
  std::lock_guard lock(mu_);
  queue_.push_back({ws, a.event.seq, TenantState::CustomerId(a.customer), std::move(change.tag),
                    a.event.name == kTagAdded});
  highest_[ws] = std::max(highest_[ws], a.event.seq);
}

size_t TagBridge::pending() {
  std::lock_guard lock(mu_);
  return queue_.size();
}

Result<int64_t> TagBridge::Watermark(const std::string& ws) {
  ASSIGN_OR_RETURN(std::vector<StoredObject> objects, engine_->ListObjects(ws, kTagPushKind));
  for (const StoredObject& o : objects) {
    if (o.id != kWatermarkId) continue;
    const json j = json::parse(o.body, nullptr, false);
    if (j.is_object() && j.contains("seq") && j["seq"].is_number_integer()) {
      return j["seq"].get<int64_t>();
    }
  }
  return int64_t{-1};
}

Status TagBridge::SaveWatermark(const std::string& ws, int64_t seq) {
  return engine_->PutObject(ws, {kTagPushKind, kWatermarkId, json({{"seq", seq}}).dump(), 0});
}

Status TagBridge::CatchUp(const std::string& ws) {
  ASSIGN_OR_RETURN(int64_t watermark, Watermark(ws));
  std::vector<EventRef> refs;
  int64_t last = 0;
  RETURN_IF_ERROR(engine_->ReadState(ws, [&](const TenantState& state) {
    last = state.last_seq();
    if (watermark >= 0) refs = EventRefs(state, {kTagAdded, kTagRemoved}, watermark);
  }));
  if (watermark < 0) return SaveWatermark(ws, last);  // the first start pushes no history
  std::vector<Change> found;
  RETURN_IF_ERROR(
      ForEachLoadedChunk(engine_, refs, [&](const std::vector<std::pair<Event, uint32_t>>& chunk) {
        for (const auto& [e, customer] : chunk) {
          TagChange change = ReadTagChange(e);
          if (change.tag.empty() || change.by == kFromWecom) continue;
          found.push_back(
              {ws, e.seq, TenantState::CustomerId(customer), change.tag, e.name == kTagAdded});
        }
      }));
  std::lock_guard lock(mu_);
  // Before what was noted live since: the order of changes to one tag is kept.
  queue_.insert(queue_.begin(), found.begin(), found.end());
  for (const Change& c : found) highest_[ws] = std::max(highest_[ws], c.seq);
  return Status::Ok();
}

TagBridge::Outcome TagBridge::PushOne(Change& c) {
  constexpr int kAttempts = 5;
  if (++c.attempts > kAttempts) {
    note_(c.ws, false,
          "tag " + c.tag + " on " + c.customer + ": given up after " + std::to_string(kAttempts) +
              " attempts");
    return Outcome::kDone;
  }
  Result<std::shared_ptr<outbound::WecomApi>> api = api_(c.ws);
  if (!api.ok()) return Outcome::kDone;  // WeCom is not connected: nothing to keep the same
  std::vector<std::string> staff;
  (void)engine_->ReadState(c.ws, [&](const TenantState& state) {
    uint32_t d = ResolveCustomerKey(state, c.customer);
    if (d == kNoIndex) return;
    d = state.Live(d);
    for (const Friendship& f : state.customers().friends[d]) {
      const std::string& s = state.staff_names()[f.staff];
      if (!s.empty()) staff.push_back(s);
    }
  });
  Result<CustomerProfile> profile = engine_->GetCustomer(c.ws, c.customer, 0);
  std::string external;
  for (const Identity& id : profile.ok() ? profile->identities : std::vector<Identity>{}) {
    if (id.kind == IdentityKind::kExternalUserId) external = id.value;
  }
  if (external.empty() || staff.empty()) return Outcome::kDone;  // not a WeCom friend

  std::string tag_id;
  {
    std::lock_guard lock(book_mu_);
    CorpTagBook& book = books_[c.ws];
    if (c.add) {
      Result<std::string> id = book.Ensure(**api, c.tag);
      if (!id.ok()) {
        note_(c.ws, false, "tag " + c.tag + ": " + id.status().message());
        return id.status().code() == StatusCode::kUnavailable ? Outcome::kRetry : Outcome::kDone;
      }
      tag_id = *id;
    } else {
      if (!book.loaded()) {
        Status s = book.Load(**api);
        if (!s.ok()) return s.code() == StatusCode::kUnavailable ? Outcome::kRetry : Outcome::kDone;
      }
      const CorpTag* t = book.ByPondTag(c.tag);
      if (!t) return Outcome::kDone;  // WeCom never had it
      tag_id = t->id;
    }
  }
  for (const std::string& s : staff) {
    Result<json> marked = (*api)->Post("/cgi-bin/externalcontact/mark_tag",
                                       {{"userid", s},
                                        {"external_userid", external},
                                        {c.add ? "add_tag" : "remove_tag", json::array({tag_id})}});
    if (!marked.ok() && marked.status().code() == StatusCode::kUnavailable) return Outcome::kRetry;
    if (!marked.ok() && marked.status().message().find("errcode 40068") != std::string::npos) {
      // The tag was deleted in WeCom since the library was read: read it again and retry.
      InvalidateLibrary(c.ws);
      return Outcome::kRetry;
    }
    note_(c.ws, marked.ok(),
          std::string(c.add ? "tag + " : "tag - ") + c.tag + " on " + c.customer + " (" + s + ")" +
              (marked.ok() ? "" : ": " + marked.status().message()));
  }
  return Outcome::kDone;
}

int TagBridge::Push() {
  std::deque<Change> work;
  {
    std::lock_guard lock(mu_);
    work.swap(queue_);
  }
  if (work.empty()) return 0;
  std::deque<Change> again;
  std::set<std::string> touched;
  int done = 0;
  for (Change& c : work) {
    touched.insert(c.ws);
    if (PushOne(c) == Outcome::kRetry) {
      again.push_back(c);
    } else {
      ++done;
    }
  }
  std::map<std::string, int64_t> marks;
  {
    std::lock_guard lock(mu_);
    queue_.insert(queue_.begin(), again.begin(), again.end());
    for (const std::string& ws : touched) {
      int64_t mark = highest_[ws];
      for (const Change& c : queue_) {
        if (c.ws == ws) mark = std::min(mark, c.seq - 1);
      }
      marks[ws] = mark;
    }
  }
  for (const auto& [ws, mark] : marks) {
    Status s = SaveWatermark(ws, mark);
    if (!s.ok()) note_(ws, false, "tag watermark not saved: " + s.message());
  }
  return done;
}

void TagBridge::InvalidateLibrary(const std::string& ws) {
  std::lock_guard lock(book_mu_);
  books_[ws].Invalidate();
}

Result<int64_t> TagBridge::PullCustomer(const std::string& ws, const std::string& external_userid,
                                        const std::string& cause) {
  ASSIGN_OR_RETURN(std::shared_ptr<outbound::WecomApi> api, api_(ws));
  ASSIGN_OR_RETURN(json contact, api->GetExternalContact(external_userid));
  std::set<std::string> in_wecom;
  std::set<std::string> known;  // pond tags that are corp tags
  {
    std::lock_guard lock(book_mu_);
    CorpTagBook& book = books_[ws];
    if (!book.loaded()) RETURN_IF_ERROR(book.Load(*api));
    bool reloaded = false;
    for (const json& f : contact.value("follow_user", json::array())) {
      for (const json& t : f.is_object() ? f.value("tags", json::array()) : json::array()) {
        if (!t.is_object() || t.value("type", 1) != 1) continue;  // 2, 3: personal, rule group
        const std::string id = t.value("tag_id", "");
        const CorpTag* tag = book.ById(id);
        if (!tag && !reloaded) {  // created in WeCom since the library was read
          reloaded = true;
          RETURN_IF_ERROR(book.Load(*api));
          tag = book.ById(id);
        }
        if (tag) in_wecom.insert(tag->pond_tag);
      }
    }
    Result<CustomerProfile> p = engine_->GetCustomer(ws, "external_userid:" + external_userid, 0);
    if (!p.ok())
      return p.status().code() == StatusCode::kNotFound ? Result<int64_t>(0)
                                                        : Result<int64_t>(p.status());
    for (const std::string& t : p->tags) {
      if (book.ByPondTag(t)) known.insert(t);
    }
    std::set<std::string> pushing;  // pond's own changes not yet in WeCom are not undone
    {
      std::lock_guard queue_lock(mu_);
      for (const Change& c : queue_) {
        if (c.ws == ws && c.customer == p->summary.id) pushing.insert(c.tag);
      }
    }
    std::vector<Event> events;
    auto change = [&](const std::string& tag, bool add) {
      Event e = TagChangeEvent(p->summary.id, tag, add, kFromWecom);
      e.message_id = "wecom-tags:" + cause + ":" + (add ? "+" : "-") + tag;
      events.push_back(std::move(e));
    };
    const std::set<std::string> pond_tags(p->tags.begin(), p->tags.end());
    for (const std::string& t : in_wecom) {
      if (!pond_tags.count(t)) change(t, true);
    }
    for (const std::string& t : known) {
      if (!in_wecom.count(t) && !pushing.count(t)) change(t, false);
    }
    if (events.empty()) return int64_t{0};
    ASSIGN_OR_RETURN(SubmitResult r, engine_->Submit(ws, std::move(events)));
    return r.accepted;
  }
}

}  // namespace pond::wecom
