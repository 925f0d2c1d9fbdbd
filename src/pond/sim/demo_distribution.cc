#include "pond/sim/demo_distribution.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <tuple>

#include "pond/base/hash.h"
#include "pond/base/json_text.h"
#include "pond/engine/tenant_state.h"

namespace pond::sim {
namespace {

double Unit(uint64_t x) { return static_cast<double>(Mix64(x) >> 11) / 9007199254740992.0; }

}  // namespace

Status DemoDistribution::AfterDay(int day) {
  if (day < p_.start_day) return Status::Ok();
  if (day == p_.start_day) RETURN_IF_ERROR(OpenProgramme());
  if (ids_.empty()) return Status::Ok();
  RETURN_IF_ERROR(OpenLinks(day));
  RETURN_IF_ERROR(service_.RunDue().status());
  if ((day - p_.start_day) % 7 == 6) RETURN_IF_ERROR(Withdrawals(day));
  return Status::Ok();
}

Status DemoDistribution::OpenProgramme() {
  DistributionSettings s;
  s.plan.level_rates_bp = {1000, 300};
  s.plan.categories = {{"serum", {1200, 300}}, {"trial", {0, 0}}};
  s.plan.grades = {{"gold", {1500, 300}}};
  s.withdrawal_fee_bp = 60;  // what the payment channel charges, passed on
  RETURN_IF_ERROR(service_.SetSettings(kDefaultWorkspace, s));
  // The best buyers: repeat buyers first, then by what they spent.
  std::vector<std::tuple<int64_t, int64_t, uint32_t>> buyers;
  RETURN_IF_ERROR(engine_.ReadState(kDefaultWorkspace, [&](const TenantState& state) {
    const CustomerColumns& c = state.customers();
    customers_seen_ = c.size();
    for (uint32_t i = 0; i < c.size(); ++i) {
      if (c.merged_into[i] == kNoIndex && c.order_count[i] >= 1) {
        buyers.emplace_back(-int64_t{c.order_count[i]}, -c.spent_fen[i], i);
      }
    }
  }));
  std::sort(buyers.begin(), buyers.end());
  const size_t wanted = static_cast<size_t>(p_.first_level + p_.second_level);
  for (size_t i = 0; i < buyers.size() && i < wanted; ++i) {
    const std::string customer = TenantState::CustomerId(std::get<2>(buyers[i]));
    const bool first = i < static_cast<size_t>(p_.first_level);
    const std::string recruiter = first ? "" : ids_[i % static_cast<size_t>(p_.first_level)];
    ASSIGN_OR_RETURN(
        DistributorView applied,
        service_.ApplyFor(kDefaultWorkspace, customer, recruiter, first ? "apply" : "invitation"));
    const std::string grade = i < 10 ? "gold" : "";
    RETURN_IF_ERROR(
        service_.Approve(kDefaultWorkspace, applied.distributor.id, grade, "demo").status());
    ids_.push_back(applied.distributor.id);
    ++distributors_;
  }
  return Status::Ok();
}

Status DemoDistribution::OpenLinks(int day) {
  std::vector<std::string> clients;
  RETURN_IF_ERROR(engine_.ReadState(kDefaultWorkspace, [&](const TenantState& state) {
    const CustomerColumns& c = state.customers();
    for (uint32_t i = static_cast<uint32_t>(customers_seen_); i < c.size(); ++i) {
      if (c.merged_into[i] == kNoIndex && Unit(seed_ * 1'000'003 + i) < p_.link_share) {
        clients.push_back(TenantState::CustomerId(i));
      }
    }
    customers_seen_ = c.size();
  }));
  std::vector<Event> opened;
  const Micros now = engine_.clock().NowMicros();
  for (const std::string& client : clients) {
    const std::string& distributor = ids_[Mix64(seed_ ^ Fnv1a64(client)) % ids_.size()];
    // The id rather than the code: codes hang on the data dir's secret, and the same seed
    // must give the same store.
    opened.push_back(ServiceEvent(kDistributorLinkOpened, "demo-link:" + client, client, now,
                                  DumpJson({{"distributor", distributor}, {"day", day}})));
  }
  if (opened.empty()) return Status::Ok();
  return engine_.Submit(kDefaultWorkspace, std::move(opened)).status();
}

Status DemoDistribution::Withdrawals(int day) {
  // Last week's approvals were paid out.
  ASSIGN_OR_RETURN(std::vector<WithdrawalView> approved,
                   payouts_.Withdrawals(kDefaultWorkspace, "", "approved"));
  for (const WithdrawalView& w : approved) {
    RETURN_IF_ERROR(
        payouts_.MarkPaid(kDefaultWorkspace, w.id, "PAY-" + w.id.substr(4), "webhook").status());
  }
  ASSIGN_OR_RETURN(std::vector<DistributorView> all, service_.List(kDefaultWorkspace, "active"));
  for (const DistributorView& v : all) {
    const int64_t available = v.balances.available_fen;
    if (available < p_.min_withdrawal_fen) continue;
    const std::string request = "demo-day" + std::to_string(day);
    ASSIGN_OR_RETURN(
        WithdrawalView w,
        payouts_.RequestWithdrawal(kDefaultWorkspace, v.distributor.id, available, request));
    if (Mix64(seed_ + Fnv1a64(w.id)) % p_.reject_one_in == 0) {
      RETURN_IF_ERROR(
          payouts_.RejectWithdrawal(kDefaultWorkspace, w.id, "银行卡信息有误 / bank details wrong")
              .status());
    } else {
      RETURN_IF_ERROR(payouts_.ApproveWithdrawal(kDefaultWorkspace, w.id, -1, "demo").status());
    }
  }
  return Status::Ok();
}

}  // namespace pond::sim
