// The touchpoint × stage grid (docs/analytics.md): rows are the touchpoints of the private
// domain (personal accounts, groups, Moments, official account, mini program, video account,
// offline store, other), columns the stages of operation (attract → retain → convert →
// fission). Each cell counts what the brand did there (actions), what customers did (results),
// what was lost, how many customers the results came from, and for conversion the GMV; cells
// with nothing, or with far less than the stage's best touchpoint, are flagged: the gap
// analysis operators otherwise draw by hand.
//
// Where an event happened is the engine's touchpoint column (pond/engine/touchpoint.h); which
// stage and role it plays comes from its name (GridKindOf). Names outside the table (tags,
// journeys, tasks, refunds) are not counted.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>

#include "pond/base/clock.h"
#include "pond/engine/tenant_state.h"
#include "pond/engine/touchpoint.h"

namespace pond::analytics {

enum class GridStage : uint8_t { kAttract = 0, kRetain, kConvert, kFission };
inline constexpr const char* kGridStages[] = {"attract", "retain", "convert", "fission"};
inline constexpr const char* kGridStagesZh[] = {"引流", "留存", "转化", "裂变"};
inline constexpr size_t kGridStageCount = std::size(kGridStages);

// action: the brand did it (a message, a post, a coupon); result: a customer did it;
// loss: a customer left (deleted the staff account, left a group, unsubscribed).
enum class GridRole : uint8_t { kAction = 0, kResult, kLoss };

struct GridKind {
  GridStage stage;
  GridRole role;
};
// The stage and role of an event name, or nullopt for names the grid does not count.
std::optional<GridKind> GridKindOf(std::string_view event_name);

// A cell is weak when its customers are under 1/kWeakShareDivisor of the best touchpoint's in
// the same stage ("other" aside), or when the brand acted there and no customer answered.
inline constexpr int64_t kWeakShareDivisor = 10;

enum class CellFlag : uint8_t { kOk = 0, kWeak, kEmpty };
const char* CellFlagName(CellFlag flag);  // "ok", "weak", "empty"

struct GridCell {
  int64_t actions = 0;
  int64_t results = 0;
  int64_t losses = 0;
  int64_t customers = 0;  // distinct customers with a result here
  int64_t gmv_fen = 0;    // orders counted here (convert only)
  CellFlag flag = CellFlag::kEmpty;
};

struct TouchpointGrid {
  Micros from = INT64_MIN, to = INT64_MAX;  // events in [from, to)
  // cells[row][stage]; rows in kReportedTouchpoints order.
  std::array<std::array<GridCell, kGridStageCount>, kReportedTouchpointCount> cells{};
};

TouchpointGrid ComputeTouchpointGrid(const TenantState& state, Micros from, Micros to);

// A cell the operator should look at: empty or weak, in any row but "other" (what no
// touchpoint claimed is shown, never measured against the others or flagged).
bool IsGap(const TouchpointGrid& grid, size_t row, size_t stage);
// Why a gap is one, in plain words ("" for a cell that is not).
std::string DescribeCell(const TouchpointGrid& grid, size_t row, size_t stage, bool chinese);

}  // namespace pond::analytics
