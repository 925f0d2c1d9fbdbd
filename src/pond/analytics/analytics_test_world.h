// For analytics tests: an engine in a temporary directory and a one-line way to record what a
// customer did.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "pond/base/time.h"
#include "pond/engine/engine.h"
#include "pond/model/event_names.h"
#include "pond/testing/temp_dir.h"

namespace pond::analytics {

inline Micros At(const char* iso) { return ParseIso8601(iso).value(); }

class AnalyticsWorld {
 public:
  AnalyticsWorld() { Reopen(false); }

  // Closes the engine and opens it again on the same directory: from the last snapshot and the
  // events after it, or by replaying every stored event.
  void Reopen(bool use_snapshot) {
    engine_.reset();
    EngineOptions o;
    o.data_dir = dir_.path().string();
    o.use_snapshot = use_snapshot;
    engine_ = Engine::Open(o).value();
  }

  Engine& engine() { return *engine_; }

  // A track event of `user`; order_paid is an order of `amount_fen` with a fresh order id, and
  // order_refunded a refund of `amount_fen` with a fresh refund id, linked to no order.
  void Track(const std::string& user, const std::string& name, const char* at,
             const std::string& properties = "{}", int64_t amount_fen = 10'000) {
    Event e;
    e.message_id = "m" + std::to_string(++sent_);
    e.name = name;
    e.user_id = user;
    e.timestamp = At(at);
    e.properties = properties;
    e.identities = {{IdentityKind::kUserId, user}};
    if (name == kOrderPaid) {
      Order order;
      order.order_id = "o" + std::to_string(sent_);
      order.total_fen = amount_fen;
      e.order = order;
      e.amount_fen = amount_fen;
    }
    if (name == kOrderRefunded) {
      Refund refund;
      // Not linked to an order (as a shop that does not link them sends it): the customer's
      // figures count it; an order-linked refund is bounded by its order (engine_test).
      refund.order_id = "";
      refund.refund_id = "r" + std::to_string(sent_);
      refund.amount_fen = amount_fen;
      e.refund = refund;
      e.amount_fen = amount_fen;
    }
    ASSERT_TRUE(engine_->Submit(kDefaultWorkspace, {e}).ok());
  }

  template <typename Fn>
  void Read(Fn&& fn) {
    ASSERT_TRUE(engine_->ReadState(kDefaultWorkspace, std::forward<Fn>(fn)).ok());
  }

 private:
  testing::TempDir dir_;
  std::unique_ptr<Engine> engine_;
  int sent_ = 0;
};

}  // namespace pond::analytics
