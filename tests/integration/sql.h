// An in-memory SQLite database for tests that check pond's figures against SQL over the same
// raw file: statements that must succeed, and single numbers out.
#pragma once

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <cstdint>
#include <string>

namespace pond::testing {

class Sql {
 public:
  Sql() { sqlite3_open(":memory:", &db_); }
  ~Sql() { sqlite3_close(db_); }
  void Exec(const std::string& sql) {
    char* err = nullptr;
    ASSERT_EQ(sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err), SQLITE_OK) << err;
  }
  int64_t Count(const std::string& sql) {
    sqlite3_stmt* q = nullptr;
    EXPECT_EQ(sqlite3_prepare_v2(db_, sql.c_str(), -1, &q, nullptr), SQLITE_OK)
        << sqlite3_errmsg(db_);
    int64_t n = -1;
    if (q && sqlite3_step(q) == SQLITE_ROW) n = sqlite3_column_int64(q, 0);
    sqlite3_finalize(q);
    return n;
  }
  sqlite3* db() { return db_; }

 private:
  sqlite3* db_ = nullptr;
};

}  // namespace pond::testing
