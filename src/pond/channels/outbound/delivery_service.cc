#include "pond/channels/outbound/delivery_service.h"

#include <nlohmann/json.hpp>

#include "pond/base/hash.h"
#include "pond/base/json_fields.h"
#include "pond/base/json_text.h"
#include "pond/engine/event_replay.h"
#include "pond/engine/tenant_state.h"
#include "pond/model/event_names.h"

namespace pond::outbound {
namespace {

using nlohmann::json;

constexpr char kSettingsKind[] = "channel_settings";
constexpr char kSettingsId[] = "outbound";
// Attempts per RunDue: the rest wait for the next tick.
constexpr size_t kAttemptsPerRun = 200;
// ...and at most this many messages of channels that send to many in one call (WeCom's group
// sends), so that a broadcast becomes a few large sends rather than many small ones.
constexpr size_t kBatchedPerRun = 20'000;
// A Submit of an outcome that failed: deliver again this much later (at least once).
constexpr Micros kResubmitDelay = 30 * kMicrosPerSecond;

// The events that queue a message (decisions) and that settle one (outcomes).
bool IsDecision(const std::string& name) { return name == kMessageSent || name == kJourneyStep; }
bool IsOutcome(const std::string& name) {
  return name == kMessageDelivered || name == kMessageFailed || name == kMessageRetried;
}

Event OutcomeEvent(const char* name, std::string message_id, const std::string& customer_id,
                   Micros now, const json& properties) {
  return ServiceEvent(name, std::move(message_id), customer_id, now, DumpJson(properties));
}

}  // namespace

Result<std::unique_ptr<DeliveryService>> DeliveryService::Start(Engine* engine) {
  std::unique_ptr<DeliveryService> service(new DeliveryService(engine));
  // Channel settings are read; OnReset rebuilds the queue from the log.
  RETURN_IF_ERROR(engine->LoadThenObserve(service.get(), [&](const pond::Workspace& ws) -> Status {
    ASSIGN_OR_RETURN(ChannelSettings settings, service->Settings(ws.id));
    std::lock_guard lock(service->mu_);
    Workspace& w = service->WorkspaceFor(ws.id);
    w.settings = settings;
    service->BuildChannels(w);
    return Status::Ok();
  }));
  return service;
}

DeliveryService::~DeliveryService() {
  background_.Stop();  // before what it calls goes away
  engine_->RemoveObserver(this);
}

DeliveryService::Workspace& DeliveryService::WorkspaceFor(const std::string& ws) {
  return workspaces_.For(ws);
}

void DeliveryService::BuildChannels(Workspace& w) {
  w.channels.clear();
  w.channels["webhook"] = MakeWebhookChannel(w.settings);
  w.channels["sms"] = MakeSmsChannel(w.settings);
  w.channels["smtp"] = MakeSmtpChannel(w.settings);
  w.channels["wecom"] = MakeWecomChannel(w.settings, &engine_->clock());
}

void DeliveryService::Apply(Workspace& w, const Event& e, const std::string& name) {
  const bool decision = IsDecision(name);
  if (!decision && !IsOutcome(name)) return;
  // Most decisions are outbox sends or steps of other kinds: skip them without parsing.
  if (name == kMessageSent && e.properties.find(R"("channel":"outbox")") != std::string::npos) {
    return;
  }
  if (name == kJourneyStep && e.properties.find(R"("kind":"webhook")") == std::string::npos) {
    return;
  }
  json p = json::parse(e.properties, nullptr, false);
  if (!p.is_object()) return;
  if (decision) {
    Item item;
    OutboundMessage& m = item.message;
    m.id = e.message_id;
    m.channel = name == kJourneyStep ? "webhook" : JsonString(p, "channel");
    if (m.channel.empty() || m.channel == "outbox") return;
    for (const Identity& i : e.identities) {
      if (i.kind == IdentityKind::kCustomerId) m.customer_id = i.value;
    }
    m.template_id = JsonString(p, "template");
    if (p.contains("variables") && p["variables"].is_object()) m.variables = p["variables"].dump();
    m.staff = JsonString(p, "staff");
    m.url = JsonString(p, "url");
    m.journey = JsonString(p, "journey");
    m.step = JsonString(p, "step");
    m.decided_at = e.timestamp;
    item.seq = e.seq;
    item.next_at = e.timestamp;
    if (w.pending.count(m.id) || w.failed.count(m.id)) return;
    w.due.emplace(item.next_at, m.id);
    w.pending.emplace(m.id, std::move(item));
    return;
  }
  const std::string source = JsonString(p, "source");
  if (name == kMessageRetried) {
    auto it = w.failed.find(source);
    if (it == w.failed.end()) return;
    Item item = std::move(it->second);
    w.failed.erase(it);
    item.attempts = 0;
    ++item.retries;
    item.next_at = e.timestamp;
    w.due.emplace(item.next_at, source);
    w.pending.emplace(source, std::move(item));
    return;
  }
  auto it = w.pending.find(source);
  if (it == w.pending.end()) return;
  Item item = std::move(it->second);
  w.pending.erase(it);
  w.due.erase({item.next_at, source});
  if (name == kMessageFailed) {
    item.attempts = p.value("attempts", item.attempts);
    item.detail = JsonString(p, "detail");
    w.failed.emplace(source, std::move(item));
  }
}

void DeliveryService::OnApplied(const std::string& ws, const TenantState& state,
                                const AppliedEvent& applied) {
  const std::string& name = state.EventName(applied.name);
  if (!IsDecision(name) && !IsOutcome(name)) return;  // every applied event passes here
  std::lock_guard lock(mu_);
  Apply(WorkspaceFor(ws), applied.event, name);
}

void DeliveryService::OnReset(const std::string& ws, const TenantState& state) {
  BeginReplay(ws);
  std::lock_guard lock(mu_);
  Workspace& w = WorkspaceFor(ws);
  w.pending.clear();
  w.failed.clear();
  w.due.clear();
  const std::vector<std::string> names = {kMessageSent, kJourneyStep, kMessageDelivered,
                                          kMessageFailed, kMessageRetried};
  NoteReplay(ws, ForEachLoadedChunk(engine_, EventRefs(state, names, 0), [&](const auto& chunk) {
               for (const auto& [e, customer] : chunk) Apply(w, e, e.name);
             }));
}

std::optional<DeliveryResult> DeliveryService::Prepare(const std::string& ws,
                                                       OutboundChannel* channel, Item& item,
                                                       const ChannelSettings& settings) {
  OutboundMessage& m = item.message;
  auto profile = engine_->GetCustomer(ws, m.customer_id, 0);
  if (profile.ok()) m.identities = profile->identities;
  auto tmpl = settings.templates.find(m.template_id);
  if (!channel) return DeliveryResult{Outcome::kFailed, "no such channel: " + m.channel};
  if (tmpl == settings.templates.end() && m.channel != "webhook") {
    return DeliveryResult{Outcome::kFailed, "template \"" + m.template_id +
                                                "\" is not defined in the channel settings' "
                                                "templates"};
  }
  Result<std::string> text = tmpl == settings.templates.end()
                                 ? Result<std::string>(std::string())
                                 : RenderTemplate(tmpl->second, m.variables);
  if (!text.ok()) return DeliveryResult{Outcome::kFailed, text.status().message()};
  m.text = *text;
  return std::nullopt;
}

std::optional<Event> DeliveryService::Settle(Item& item, const DeliveryResult& result,
                                             const ChannelSettings& settings) {
  const OutboundMessage& m = item.message;
  const Micros now = engine_->clock().NowMicros();
  ++item.attempts;
  item.detail = result.detail;
  if (result.outcome == Outcome::kRetry && item.attempts < settings.retry.attempts) {
    item.next_at = now + settings.retry.DelayAfter(item.attempts, Fnv1a64(m.id));
    return std::nullopt;
  }
  const bool delivered = result.outcome == Outcome::kDelivered;
  if (!delivered && result.outcome == Outcome::kRetry) {
    item.detail = "gave up after " + std::to_string(item.attempts) + " attempts: " + result.detail;
  }
  std::string id = "dlv:" + m.id;
  if (item.retries > 0) id += ":" + std::to_string(item.retries);
  json properties = {{"source", m.id},
                     {"channel", m.channel},
                     {"attempts", item.attempts},
                     {"detail", item.detail}};
  if (!result.ref.empty()) properties["ref"] = result.ref;
  if (!m.staff.empty()) properties["staff"] = m.staff;
  return OutcomeEvent(delivered ? kMessageDelivered : kMessageFailed, std::move(id), m.customer_id,
                      now, properties);
}

Result<int64_t> DeliveryService::RunDue() {
  std::lock_guard run(run_mu_);
  std::vector<std::string> ids;
  {
    std::lock_guard lock(mu_);
    ids = workspaces_.Ids();
  }
  int64_t attempts = 0;
  for (const std::string& ws : ids) {
    // Take the due items out of the queue (in flight), attempt them unlocked, then put back
    // the ones to retry; the others leave when their outcome event is applied.
    struct Taken {
      Item item;
      std::shared_ptr<OutboundChannel> channel;
      bool decided = false;  // an outcome event was proposed
    };
    std::vector<Taken> taken;
    ChannelSettings settings;
    {
      std::lock_guard lock(mu_);
      Workspace& w = WorkspaceFor(ws);
      settings = w.settings;
      const Micros now = engine_->clock().NowMicros();
      size_t singles = 0, batched = 0;
      while (!w.due.empty() && w.due.begin()->first <= now && singles < kAttemptsPerRun &&
             batched < kBatchedPerRun) {
        const std::string id = w.due.begin()->second;
        w.due.erase(w.due.begin());
        auto it = w.pending.find(id);
        if (it == w.pending.end()) continue;
        auto channel = w.channels.find(it->second.message.channel);
        taken.push_back({it->second, channel == w.channels.end() ? nullptr : channel->second});
        ++(taken.back().channel && taken.back().channel->batch_limit() > 1 ? batched : singles);
      }
    }
    // Each message is prepared; those that can be sent go to their channel together, in the
    // order they were due, one DeliverMany per channel.
    std::vector<DeliveryResult> results(taken.size());
    std::map<OutboundChannel*, std::vector<size_t>> by_channel;
    for (size_t i = 0; i < taken.size(); ++i) {
      if (auto early = Prepare(ws, taken[i].channel.get(), taken[i].item, settings)) {
        results[i] = std::move(*early);
      } else {
        by_channel[taken[i].channel.get()].push_back(i);
      }
    }
    for (const auto& [channel, indexes] : by_channel) {
      std::vector<const OutboundMessage*> messages;
      for (size_t i : indexes) messages.push_back(&taken[i].item.message);
      std::vector<DeliveryResult> sent = channel->DeliverMany(messages);
      for (size_t k = 0; k < indexes.size(); ++k) {
        results[indexes[k]] = k < sent.size()
                                  ? std::move(sent[k])
                                  : DeliveryResult{Outcome::kRetry, "the channel gave no answer"};
      }
    }
    std::vector<Event> outcomes;
    for (size_t i = 0; i < taken.size(); ++i) {
      if (auto e = Settle(taken[i].item, results[i], settings)) {
        outcomes.push_back(std::move(*e));
        taken[i].decided = true;
      }
      ++attempts;
    }
    Status stored = outcomes.empty() ? Status::Ok() : engine_->Submit(ws, outcomes).status();
    std::lock_guard lock(mu_);
    Workspace& w = WorkspaceFor(ws);
    const Micros now = engine_->clock().NowMicros();
    for (Taken& t : taken) {
      auto it = w.pending.find(t.item.message.id);
      if (it == w.pending.end()) continue;  // its outcome was applied
      if (stored.ok() && t.decided) {
        // Stored, yet not applied here: another process stored the same outcome first (a
        // duplicate messageId). It is decided either way.
        w.pending.erase(it);
        continue;
      }
      Item& item = it->second;
      item.attempts = t.item.attempts;
      item.detail = t.item.detail;
      item.next_at = stored.ok() ? t.item.next_at : now + kResubmitDelay;
      w.due.emplace(item.next_at, item.message.id);
    }
    RETURN_IF_ERROR(stored);
  }
  return attempts;
}

void DeliveryService::RunInBackground(std::chrono::milliseconds every) {
  background_.Start(every, [this] {
    (void)RunDue();  // what fails stays queued
  });
}

Status DeliveryService::SetSettings(const std::string& ws, const ChannelSettings& settings) {
  RETURN_IF_ERROR(engine_->PutObject(
      ws, {kSettingsKind, kSettingsId, DumpJson(ChannelSettingsJson(settings, true)),
           engine_->clock().NowMicros()}));
  std::lock_guard lock(mu_);
  Workspace& w = WorkspaceFor(ws);
  w.settings = settings;
  BuildChannels(w);
  return Status::Ok();
}

Result<ChannelSettings> DeliveryService::Settings(const std::string& ws) {
  ASSIGN_OR_RETURN(std::vector<StoredObject> objects, engine_->ListObjects(ws, kSettingsKind));
  for (const StoredObject& o : objects) {
    if (o.id == kSettingsId) return ParseChannelSettings(o.body);
  }
  return ChannelSettings{};
}

Result<std::vector<DeliveryView>> DeliveryService::List(const std::string& ws,
                                                        const std::string& status, size_t limit) {
  if (status != "pending" && status != "failed") {
    return FieldError("status", "\"pending\" or \"failed\"");
  }
  std::lock_guard lock(mu_);
  Workspace& w = WorkspaceFor(ws);
  const auto& items = status == "pending" ? w.pending : w.failed;
  std::vector<const Item*> sorted;
  for (const auto& [id, item] : items) sorted.push_back(&item);
  const size_t n = std::min(limit, sorted.size());
  std::partial_sort(sorted.begin(), sorted.begin() + static_cast<ptrdiff_t>(n), sorted.end(),
                    [](const Item* a, const Item* b) { return a->seq < b->seq; });
  std::vector<DeliveryView> out;
  for (size_t i = 0; i < n; ++i) {
    const Item& item = *sorted[i];
    out.push_back({item.message.id, item.message.channel, item.message.customer_id,
                   item.message.template_id, status, item.attempts, item.detail, item.next_at});
  }
  return out;
}

Status DeliveryService::Retry(const std::string& ws, const std::string& id) {
  std::string customer;
  int retries = 0;
  {
    std::lock_guard lock(mu_);
    Workspace& w = WorkspaceFor(ws);
    auto it = w.failed.find(id);
    if (it == w.failed.end()) {
      return Status::NotFound("no dead-lettered message \"" + id + "\"");
    }
    customer = it->second.message.customer_id;
    retries = it->second.retries;
  }
  return engine_
      ->Submit(ws,
               {OutcomeEvent(kMessageRetried, "dlv:" + id + ":retry" + std::to_string(retries + 1),
                             customer, engine_->clock().NowMicros(), {{"source", id}})})
      .status();
}

}  // namespace pond::outbound
