// `pond import`: orders, events and customers from CSV or JSONL exports, through the same
// Engine::Submit path as live traffic.
//
// Orders (CSV): one row per line item, grouped by order id. Columns are found by name: pond's
// own (order_id, user_id, phone, taobao_nick, paid_at, sku, name, category, quantity, price,
// amount, …), common export headers (UCI Online Retail's InvoiceNo/CustomerID/…, Taobao's
// 订单编号/买家会员名/…), or --map. An order id starting with the refund prefix ("C", as in the
// UCI data) is a cancellation and becomes an order_refunded event. An order is imported whole or
// not at all: one bad row rejects the order, and every row of it goes to the rejects file with
// the reason.
//
// Orders (JSONL): one order object per line, exactly as POST /v1/orders takes it.
//
// Re-running an import is safe: orders are keyed "order:<id>", refunds "refund:<id>", and other
// rows by a hash of their text, so what was already imported counts as duplicates.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "pond/base/status.h"
#include "pond/engine/engine.h"

namespace pond {

enum class ImportKind { kOrders, kEvents, kCustomers };

struct ImportOptions {
  ImportKind kind = ImportKind::kOrders;
  std::vector<std::pair<std::string, std::string>> column_map;  // pond field -> file column
  std::vector<std::string> columns;  // names for a CSV without a header row
  // Zone of times written without an offset; ImportFile's callers pass the workspace's.
  int utc_offset_seconds = kDefaultUtcOffsetSeconds;
  std::string refund_prefix = "C";
  std::string source = "import";
  size_t batch_size = 1000;  // events per Submit
  std::string rejects_path;  // rejected rows with a reason column; empty: not written
  std::function<void(int64_t bytes_done, int64_t bytes_total)> progress;
};

struct ImportReport {
  int64_t rows = 0;
  int64_t rows_accepted = 0;
  int64_t rows_rejected = 0;
  int64_t events_accepted = 0;
  int64_t duplicates = 0;  // already imported (a re-run)
  int64_t orders = 0;      // orders in the file that were accepted
  int64_t refunds = 0;
  std::map<std::string, int64_t> reject_reasons;  // reason -> rows
  std::map<std::string, int64_t> warnings;        // accepted rows that needed a note -> rows
};

Result<ImportReport> ImportFile(Engine& engine, const std::string& workspace,
                                const std::string& path, const ImportOptions& options);

}  // namespace pond
