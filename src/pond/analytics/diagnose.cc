#include "pond/analytics/diagnose.h"

#include <algorithm>
#include <cstdio>

#include "pond/analytics/report_inputs.h"

namespace pond::analytics {
namespace {

// A category's rough defaults: what such brands typically see. Operators override them with
// their own figures; a store with enough buyers overrides them with its own.
struct Preset {
  const char* name;
  int64_t margin_bp, repurchase_bp, orders_per_year_x100, aov_fen;
  Topics topics;
};
constexpr Preset kPresets[] = {
    {"beauty", 6'500, 3'500, 300, 15'000, Topics::kHigh},
    {"clothing", 5'000, 2'500, 250, 20'000, Topics::kHigh},
    {"mother_baby", 4'000, 4'500, 600, 12'000, Topics::kHigh},
    {"education", 7'000, 2'000, 150, 80'000, Topics::kHigh},
    {"food", 3'000, 4'000, 400, 8'000, Topics::kMedium},
    {"electronics", 1'500, 1'000, 50, 150'000, Topics::kLow},
    {"furniture", 3'500, 500, 20, 300'000, Topics::kLow},
    {"other", 4'000, 2'000, 200, 10'000, Topics::kMedium},
};
constexpr int64_t kDefaultStaffCostFen = 800'000;  // ¥8,000 a month
constexpr int64_t kDefaultCustomersPerStaff = 3'000;
constexpr int64_t kBaseUpliftBp = 3'000;  // +30% turnover
constexpr int64_t kBaselineRepurchaseBp = 2'500;

int64_t TopicPercent(Topics t) { return t == Topics::kLow ? 50 : t == Topics::kMedium ? 100 : 130; }

// a × b / c rounded half up, for non-negative values, without overflow.
int64_t MulDiv(__int128 a, __int128 b, __int128 c) {
  return c == 0 ? 0 : static_cast<int64_t>((2 * a * b + c) / (2 * c));
}

std::string Yuan(int64_t fen) {
  std::string digits = std::to_string((fen + 50) / 100);
  for (int i = static_cast<int>(digits.size()) - 3; i > 0; i -= 3) digits.insert(i, ",");
  return "¥" + digits;
}

std::string Percent(int64_t bp) {
  char out[32];
  std::snprintf(out, sizeof out, "%lld%%", static_cast<long long>((bp + 50) / 100));
  return out;
}

std::string Times(int64_t x100) {
  char out[32];
  std::snprintf(out, sizeof out, "%.1f", static_cast<double>(x100) / 100);
  return out;
}

Status InRange(const char* field, const std::optional<int64_t>& v, int64_t lo, int64_t hi,
               const char* what) {
  if (v && (*v < lo || *v > hi)) return FieldError(field, what);
  return Status::Ok();
}

}  // namespace

std::optional<Topics> TopicsFromName(std::string_view name) {
  if (name == "low") return Topics::kLow;
  if (name == "medium") return Topics::kMedium;
  if (name == "high") return Topics::kHigh;
  return std::nullopt;
}

std::string_view TopicsName(Topics t) {
  return t == Topics::kLow ? "low" : t == Topics::kMedium ? "medium" : "high";
}

std::string_view SourceName(Source s) {
  switch (s) {
    case Source::kGiven:
      return "given";
    case Source::kStore:
      return "store";
    case Source::kCategory:
      return "category";
    case Source::kDefault:
      return "default";
  }
  return "default";
}

const std::vector<std::string>& DiagnoseCategories() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out;
    for (const Preset& p : kPresets) out.push_back(p.name);
    return out;
  }();
  return names;
}

std::optional<StoreFigures> StoreFiguresOf(const ValueReport& v, int64_t history_days) {
  if (v.buyers < kMinBuyersToTrust) return std::nullopt;
  StoreFigures s;
  s.repurchase_bp = MulDiv(v.repeat_buyers, 10'000, v.buyers);
  s.aov_fen = v.aov_fen;
  // Orders per buyer, scaled to a year of history (at least a month of it).
  s.orders_per_year_x100 = MulDiv(static_cast<__int128>(v.orders) * 100, 365,
                                  v.buyers * std::max<int64_t>(history_days, 30));
  return s;
}

Result<Diagnosis> Diagnose(const DiagnoseInputs& in, const std::optional<StoreFigures>& store) {
  const std::string category = in.category.empty() ? "other" : in.category;
  const Preset* preset = nullptr;
  for (const Preset& p : kPresets) {
    if (category == p.name) preset = &p;
  }
  if (!preset) {
    std::string known;
    for (const std::string& n : DiagnoseCategories()) known += (known.empty() ? "" : ", ") + n;
    return FieldError("category", "one of " + known);
  }
  RETURN_IF_ERROR(InRange("gross_margin", in.gross_margin_bp, 0, 10'000, "0 to 100 percent"));
  RETURN_IF_ERROR(InRange("repurchase_rate", in.repurchase_bp, 0, 10'000, "0 to 100 percent"));
  RETURN_IF_ERROR(InRange("orders_per_year", in.orders_per_year_x100, 1, 100'000,
                          "0.01 to 1000 orders a year"));
  RETURN_IF_ERROR(InRange("aov", in.aov_fen, 1, 10'000'000'000, "¥0.01 to ¥100,000,000"));
  RETURN_IF_ERROR(
      InRange("staff_cost", in.staff_cost_fen, 0, 10'000'000'000, "¥0 to ¥100,000,000 a month"));
  RETURN_IF_ERROR(
      InRange("customers_per_staff", in.customers_per_staff, 1, 100'000, "1 to 100,000 customers"));

  Diagnosis d;
  d.category = category;
  auto pick = [](const std::optional<int64_t>& given, std::optional<int64_t> from_store,
                 int64_t from_category) {
    if (given) return Figure{*given, Source::kGiven};
    if (from_store) return Figure{*from_store, Source::kStore};
    return Figure{from_category, Source::kCategory};
  };
  auto of_store = [&](int64_t StoreFigures::*field) {
    return store ? std::optional<int64_t>((*store).*field) : std::nullopt;
  };
  d.gross_margin_bp = pick(in.gross_margin_bp, std::nullopt, preset->margin_bp);
  d.repurchase_bp =
      pick(in.repurchase_bp, of_store(&StoreFigures::repurchase_bp), preset->repurchase_bp);
  d.orders_per_year_x100 =
      pick(in.orders_per_year_x100, of_store(&StoreFigures::orders_per_year_x100),
           preset->orders_per_year_x100);
  d.aov_fen = pick(in.aov_fen, of_store(&StoreFigures::aov_fen), preset->aov_fen);
  d.staff_cost_fen = in.staff_cost_fen ? Figure{*in.staff_cost_fen, Source::kGiven}
                                       : Figure{kDefaultStaffCostFen, Source::kDefault};
  d.customers_per_staff = in.customers_per_staff
                              ? Figure{*in.customers_per_staff, Source::kGiven}
                              : Figure{kDefaultCustomersPerStaff, Source::kDefault};
  d.topics = in.topics.value_or(preset->topics);
  d.topics_source = in.topics ? Source::kGiven : Source::kCategory;

  const int64_t repurchase_pct =
      std::min<int64_t>(MulDiv(d.repurchase_bp.value, 100, kBaselineRepurchaseBp), 150);
  d.uplift_bp = kBaseUpliftBp * TopicPercent(d.topics) * repurchase_pct / 10'000;
  // value = AOV × orders/year × uplift × margin, in fen: the scales are 100 and 10⁴ × 10⁴.
  d.value_fen =
      MulDiv(static_cast<__int128>(d.aov_fen.value) * d.orders_per_year_x100.value * d.uplift_bp,
             d.gross_margin_bp.value, static_cast<__int128>(100) * 10'000 * 10'000);
  d.cost_fen = MulDiv(d.staff_cost_fen.value, 12, d.customers_per_staff.value);
  d.ratio =
      d.cost_fen == 0 ? 99 : static_cast<double>(d.value_fen) / static_cast<double>(d.cost_fen);
  // Break-even: value is linear in AOV; staff load divides the cost.
  d.break_even_aov_fen = d.value_fen == 0 ? 0 : MulDiv(d.aov_fen.value, d.cost_fen, d.value_fen);
  d.break_even_customers_per_staff =
      d.value_fen == 0 ? 0 : MulDiv(d.staff_cost_fen.value, 12, d.value_fen);

  const std::string v = Yuan(d.value_fen), c = Yuan(d.cost_fen);
  char ratio[16];
  std::snprintf(ratio, sizeof ratio, "%.1f", d.ratio);
  if (d.ratio >= 1.5) {
    d.verdict = "pays_back";
    d.verdict_en = "Private-domain operation should pay back: about " + v +
                   " of extra margin per customer a year against " + c + " of staff cost (" +
                   ratio + "×).";
    d.verdict_zh = "私域运营能回本：每位客户每年约多赚毛利 " + v + "，人力成本 " + c + "（" +
                   ratio + " 倍）。";
  } else if (d.ratio >= 1) {
    d.verdict = "thin";
    d.verdict_en = "Private-domain operation pays back, but thinly: about " + v +
                   " of extra margin per customer a year against " + c + " of staff cost.";
    d.verdict_zh = "私域运营勉强回本：每位客户每年约多赚毛利 " + v + "，人力成本 " + c + "。";
  } else {
    d.verdict = "does_not_pay_back";
    const std::string aov = Yuan(d.break_even_aov_fen),
                      load = std::to_string(d.break_even_customers_per_staff);
    d.verdict_en = "Private-domain operation is unlikely to pay back: about " + v +
                   " of extra margin per customer a year against " + c +
                   " of staff cost. It would break even at an AOV of " + aov + ", or with " + load +
                   " customers per staff account.";
    d.verdict_zh = "私域运营难以回本：每位客户每年约多赚毛利 " + v + "，人力成本却要 " + c +
                   "。客单价做到 " + aov + "，或每个员工号服务 " + load + " 位客户才能打平。";
  }

  auto add = [&](const char* factor, bool favour, std::string en, std::string zh) {
    d.reasons.push_back({factor, favour, std::move(en), std::move(zh)});
  };
  const std::string m = Percent(d.gross_margin_bp.value), r = Percent(d.repurchase_bp.value),
                    f = Times(d.orders_per_year_x100.value);
  if (d.gross_margin_bp.value >= 5'000) {
    add("gross_margin", true, "High gross margin (" + m + "): each extra order earns a lot.",
        "毛利高（" + m + "）：每多一单都有可观利润。");
  } else if (d.gross_margin_bp.value < 3'000) {
    add("gross_margin", false, "Low gross margin (" + m + "): an extra order earns little.",
        "毛利低（" + m + "）：多卖一单也赚得不多。");
  }
  if (d.repurchase_bp.value >= 3'000) {
    add("repurchase", true,
        "Customers come back (" + r + " buy again): there is something to bring them back to.",
        "复购率高（" + r + "）：私域能反复触达、带回购买。");
  } else if (d.repurchase_bp.value < 1'500) {
    add("repurchase", false,
        "Few customers buy again (" + r + "): the private domain has little to bring back.",
        "复购率低（" + r + "）：私域能召回的购买不多。");
  }
  if (d.orders_per_year_x100.value >= 300) {
    add("frequency", true, "They buy often (" + f + " times a year).",
        "购买频次高（每年 " + f + " 次）。");
  } else if (d.orders_per_year_x100.value < 100) {
    add("frequency", false, "They buy less than once a year (" + f + " times).",
        "每年购买不到一次（" + f + " 次）。");
  }
  if (d.topics == Topics::kHigh) {
    add("topics", true, "Many natural topics: there is always something to say between purchases.",
        "话题丰富：两次购买之间总有内容可聊。");
  } else if (d.topics == Topics::kLow) {
    add("topics", false,
        "Few natural topics: little to talk about between purchases, so messages read as ads.",
        "话题少：两次购买之间无话可聊，消息容易变成广告。");
  }
  add("staff", d.ratio >= 1,
      "A staff account costs " + Yuan(d.staff_cost_fen.value) + " a month for " +
          std::to_string(d.customers_per_staff.value) + " customers: " + c +
          " per customer a year.",
      "一个员工号每月成本 " + Yuan(d.staff_cost_fen.value) + "，服务 " +
          std::to_string(d.customers_per_staff.value) + " 位客户：每位客户每年 " + c + "。");
  return d;
}

Result<DiagnoseInputs> DiagnoseInputsFrom(const std::function<std::string(const char*)>& param) {
  DiagnoseInputs in;
  in.category = param("category");
  ASSIGN_OR_RETURN(in.gross_margin_bp, ParseHundredths(param("gross_margin"), "gross_margin",
                                                       10'000, "a percentage from 0 to 100"));
  ASSIGN_OR_RETURN(in.repurchase_bp, ParseHundredths(param("repurchase_rate"), "repurchase_rate",
                                                     10'000, "a percentage from 0 to 100"));
  ASSIGN_OR_RETURN(in.orders_per_year_x100,
                   ParseHundredths(param("orders_per_year"), "orders_per_year", 100'000,
                                   "orders a year, 0.01 to 1000"));
  ASSIGN_OR_RETURN(in.aov_fen,
                   ParseHundredths(param("aov"), "aov", 10'000'000'000, "yuan, up to 100,000,000"));
  ASSIGN_OR_RETURN(in.staff_cost_fen, ParseHundredths(param("staff_cost"), "staff_cost",
                                                      10'000'000'000, "yuan a month"));
  const std::string topics = param("topics");
  if (!topics.empty()) {
    in.topics = TopicsFromName(topics);
    if (!in.topics) return FieldError("topics", "low, medium or high");
  }
  const std::string per_staff = param("customers_per_staff");
  if (!per_staff.empty()) {
    if (per_staff.size() > 6 || per_staff.find_first_not_of("0123456789") != std::string::npos) {
      return FieldError("customers_per_staff", "1 to 100,000 customers");
    }
    in.customers_per_staff = std::stoll(per_staff);
  }
  return in;
}

Result<Diagnosis> RunDiagnose(Engine& engine, const std::string& workspace,
                              const DiagnoseInputs& in, bool use_store, int64_t* store_buyers) {
  std::optional<StoreFigures> store;
  *store_buyers = 0;
  if (use_store) {
    ValueReport v;
    RETURN_IF_ERROR(
        engine.ReadState(workspace, [&](const TenantState& s) { v = ComputeValue(s); }));
    *store_buyers = v.buyers;
    store = StoreFiguresOf(v, (v.last_order_at - v.first_order_at) / (86'400 * kMicrosPerSecond));
  }
  return Diagnose(in, store);
}

}  // namespace pond::analytics
