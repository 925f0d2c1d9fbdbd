#include "pond/base/money.h"

#include <algorithm>
#include <cstdlib>

namespace pond {

namespace {

// Parses "[+-]digits[.digits]" into an integer scaled by 10^scale, exactly.
Result<int64_t> ParseScaled(std::string_view text, int scale) {
  const std::string shown = "\"" + std::string(text.substr(0, 40)) + "\"";
  if (text.empty()) return Status::InvalidArgument("empty amount");
  size_t i = 0;
  bool negative = false;
  if (text[0] == '-' || text[0] == '+') {
    negative = text[0] == '-';
    i = 1;
  }
  int64_t yuan = 0;
  int int_digits = 0;
  for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i) {
    if (++int_digits > 15) return Status::InvalidArgument("amount too large " + shown);
    yuan = yuan * 10 + (text[i] - '0');
  }
  int64_t fen = 0;
  int frac_digits = 0;
  if (i < text.size() && text[i] == '.') {
    ++i;
    for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i, ++frac_digits) {
      int digit = text[i] - '0';
      if (frac_digits < scale) {
        fen = fen * 10 + digit;
      } else if (digit != 0) {
        return Status::InvalidArgument("more than " + std::to_string(scale) + " decimal places " +
                                       shown);
      }
    }
    if (frac_digits == 0 && int_digits == 0) {
      return Status::InvalidArgument("not a decimal amount " + shown);
    }
  }
  if (i != text.size() || (int_digits == 0 && frac_digits == 0)) {
    return Status::InvalidArgument("not a decimal amount " + shown);
  }
  int64_t unit = 1;
  for (int k = 0; k < scale; ++k) unit *= 10;
  for (int k = std::min(frac_digits, scale); k < scale; ++k) fen *= 10;
  int64_t total = yuan * unit + fen;
  return negative ? -total : total;
}

}  // namespace

Result<Money> Money::ParseYuan(std::string_view text) {
  ASSIGN_OR_RETURN(int64_t fen, ParseScaled(text, 2));
  return Money(fen);
}

Result<int64_t> Money::ParseYuanMicros(std::string_view text) { return ParseScaled(text, 6); }

Money Money::FromMicrosRounded(int64_t micros) {
  int64_t fen = micros / 10000, rest = micros % 10000;
  if (rest >= 5000) ++fen;
  if (rest <= -5000) --fen;
  return Money(fen);
}

std::string Money::ToYuanString() const {
  // Work in unsigned so that INT64_MIN formats too.
  uint64_t magnitude = fen_ < 0 ? 0 - static_cast<uint64_t>(fen_) : static_cast<uint64_t>(fen_);
  std::string out = fen_ < 0 ? "-" : "";
  out += std::to_string(magnitude / 100);
  out += '.';
  out += static_cast<char>('0' + (magnitude % 100) / 10);
  out += static_cast<char>('0' + magnitude % 10);
  return out;
}

}  // namespace pond
