// The demo world's parameters: one table, documented with the source of each default in
// docs/demo-world.md. Rates are per day unless named otherwise; money is integer fen.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "pond/model/workspace.h"

namespace pond::sim {

struct ChannelParams {
  std::string code;  // what the live code's state / the card's QR carries
  std::string name;
  ChannelKind kind = ChannelKind::kOther;
  double lead_share = 0;          // of all leads (scans); shares are normalised
  double pass_rate = 0;           // scan → friend_added
  int64_t cost_per_lead_fen = 0;  // spend = leads × this, recorded per day
};

struct Product {
  std::string sku;
  std::string name;
  std::string category;
  int64_t price_fen = 0;
  bool consumable = true;  // bought again on a cycle
};

struct StaffParams {
  std::string id;
  std::string name;
  std::string persona;
  int64_t capacity = 5000;  // WeCom's starting friend limit
  int64_t daily_add_limit = 200;
};

struct DemoParams {
  int64_t customers = 100'000;  // people reached (each scans once; some come twice)
  int days = 180;
  uint64_t seed = 1;
  // The last simulated day ends at this instant (2026-11-20 24:00 in Shanghai unless --until-now).
  int64_t end_micros = 0;

  std::vector<ChannelParams> channels;
  std::vector<StaffParams> staff;
  std::vector<Product> catalogue;

  // WeCom-sourced events (a friend added or deleted, a group joined or left) arrive as WeCom's
  // encrypted callbacks through the callback path (wecom::OpenCallback) instead of as Segment
  // calls, each new friend followed by the identify their WeCom profile gives (what pond's
  // follow-up fetches); with `wecom_record`, each callback is also written to that file as
  // `pond wecom replay` reads it. The settings are kDemoWecom (demo_world.h).
  bool wecom_callbacks = false;
  std::string wecom_record;

  double second_arrival = 0.05;  // a lead who is someone known, arriving through another channel
  double phone_given = 0.6;      // a friend tells the phone number (the merge key)
  double questionnaire = 0.5;    // a friend answers the skin questionnaire
  double group_join = 0.25;      // a friend joins the customer group
  double group_leave = 0.002;    // a member leaves, per day
  double message_in = 0.03;      // the customer writes, per day
  double message_out = 0.04;     // staff or a journey writes, per day
  double moment_view = 0.12;     // views a Moments post, per day
  double moment_like = 0.02;     // likes or comments, per day
  double activity_half_life_days = 60;  // interest fades
  double first_order = 0.004;           // a friend's first order, per day
  double repurchase = 0.55;             // buying again when the cycle comes round
  double repurchase_decay = 0.85;       // each later cycle is less likely
  int repurchase_min_days = 30;         // consumables: a 30–45 day cycle
  int repurchase_max_days = 45;
  double refund = 0.045;             // of orders, 1–7 days later
  double churn = 0.0004;             // deleting the staff account, per day
  double churn_per_message = 0.004;  // more after each message sent in the last 7 days
  double weekend_factor = 1.2;       // leads and orders on Saturday and Sunday
  double peak_618 = 2.0;             // orders 10–18 June
  double peak_double11 = 3.0;        // orders 1–11 November
};

// The default world: a beauty brand's channels, staff and catalogue.
DemoParams DefaultDemoParams();

}  // namespace pond::sim
