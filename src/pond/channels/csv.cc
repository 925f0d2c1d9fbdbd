#include "pond/channels/csv.h"

#include <sys/stat.h>

namespace pond {

Result<CsvReader> CsvReader::Open(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) return Status::NotFound("cannot open " + path);
  struct stat st;
  int64_t size = fstat(fileno(f), &st) == 0 ? st.st_size : 0;
  return CsvReader(f, size);
}

CsvReader::CsvReader(CsvReader&& o) noexcept
    : file_(o.file_),
      file_bytes_(o.file_bytes_),
      bytes_read_(o.bytes_read_),
      line_(o.line_),
      next_line_(o.next_line_) {
  o.file_ = nullptr;
}

CsvReader::~CsvReader() {
  if (file_) std::fclose(file_);
}

Result<bool> CsvReader::Next(std::vector<std::string>* fields, std::string* raw) {
  fields->clear();
  raw->clear();
  line_ = next_line_;
  std::string field;
  bool in_quotes = false, any = false, quoted_field = false;
  int c;
  while ((c = getc_unlocked(file_)) != EOF) {
    ++bytes_read_;
    any = true;
    char ch = static_cast<char>(c);
    if (in_quotes) {
      raw->push_back(ch);
      if (ch == '"') {
        int n = getc_unlocked(file_);
        if (n == '"') {
          ++bytes_read_;
          raw->push_back('"');
          field.push_back('"');
        } else {
          in_quotes = false;
          if (n != EOF) std::ungetc(n, file_);
        }
      } else {
        if (ch == '\n') ++next_line_;
        field.push_back(ch);
      }
      continue;
    }
    if (ch == '\n') {
      ++next_line_;
      break;
    }
    if (ch == '\r') continue;
    raw->push_back(ch);
    if (ch == ',') {
      fields->push_back(std::move(field));
      field.clear();
      quoted_field = false;
    } else if (ch == '"' && field.empty() && !quoted_field) {
      in_quotes = quoted_field = true;
    } else {
      field.push_back(ch);
    }
  }
  if (in_quotes) {
    return Status::InvalidArgument("line " + std::to_string(line_) +
                                   ": a quoted field is not closed before the end of the file");
  }
  if (!any) return false;
  fields->push_back(std::move(field));
  return true;
}

Result<std::vector<std::pair<std::string, std::string>>> ParseColumnMap(const std::string& spec) {
  std::vector<std::pair<std::string, std::string>> out;
  size_t start = 0;
  while (start < spec.size()) {
    size_t comma = spec.find(',', start);
    std::string item = spec.substr(start, comma == std::string::npos ? comma : comma - start);
    size_t eq = item.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == item.size()) {
      return FieldError(
          "map", "expected field=Column pairs like order_id=InvoiceNo, got \"" + item + "\"");
    }
    out.emplace_back(item.substr(0, eq), item.substr(eq + 1));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

std::string CsvQuote(const std::string& field) {
  if (field.find_first_of(",\"\n\r") == std::string::npos) return field;
  std::string out = "\"";
  for (char c : field) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

}  // namespace pond
