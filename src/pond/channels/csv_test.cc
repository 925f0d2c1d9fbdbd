#include "pond/channels/csv.h"

#include <gtest/gtest.h>

#include <fstream>

#include "pond/testing/temp_dir.h"

namespace pond {
namespace {

TEST(CsvTest, ReadsQuotesEscapesNewlinesAndCrlf) {
  testing::TempDir dir;
  std::string path = dir.File("a.csv");
  std::ofstream(path) << "a,b,c\r\n1,\"x, y\",\"say \"\"hi\"\"\"\r\n2,\"two\nlines\",\n3,,";
  auto csv = CsvReader::Open(path);
  ASSERT_TRUE(csv.ok());
  std::vector<std::string> f;
  std::string raw;
  std::vector<std::vector<std::string>> rows;
  while (*csv->Next(&f, &raw)) rows.push_back(f);
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[1], (std::vector<std::string>{"1", "x, y", "say \"hi\""}));
  EXPECT_EQ(rows[2], (std::vector<std::string>{"2", "two\nlines", ""}));
  EXPECT_EQ(rows[3], (std::vector<std::string>{"3", "", ""}));
  EXPECT_EQ(csv->bytes_read(), csv->file_bytes());
}

TEST(CsvTest, AnOpenQuoteAtTheEndIsAnError) {
  testing::TempDir dir;
  std::string path = dir.File("bad.csv");
  std::ofstream(path) << "a\n\"never closed\n";
  auto csv = CsvReader::Open(path);
  std::vector<std::string> f;
  std::string raw;
  ASSERT_TRUE(*csv->Next(&f, &raw));
  auto r = csv->Next(&f, &raw);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("line 2"), std::string::npos);
  EXPECT_FALSE(CsvReader::Open(dir.File("missing.csv")).ok());
}

TEST(CsvTest, ColumnMaps) {
  auto m = ParseColumnMap("order_id=InvoiceNo,user_id=CustomerID");
  ASSERT_TRUE(m.ok());
  EXPECT_EQ((*m)[1].second, "CustomerID");
  for (const char* bad : {"order_id", "=x", "a=", "a=b,,"}) {
    auto r = ParseColumnMap(bad);
    EXPECT_FALSE(r.ok()) << bad;
    if (!r.ok()) EXPECT_EQ(r.status().field(), "map");
  }
  EXPECT_EQ(CsvQuote("plain"), "plain");
  EXPECT_EQ(CsvQuote("a,\"b\""), "\"a,\"\"b\"\"\"");
}

}  // namespace
}  // namespace pond
