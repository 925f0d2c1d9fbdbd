// Money: an amount in integer fen (1/100 yuan). Never a double: amounts are parsed from their
// decimal text exactly and added as integers.
#pragma once

#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

#include "pond/base/status.h"

namespace pond {

class Money {
 public:
  constexpr Money() = default;
  static constexpr Money FromFen(int64_t fen) { return Money(fen); }

  // Parses a yuan amount written in decimal: "12.34", "12", "-0.5", "+3.10", "0.05".
  // At most two decimal places (a third non-zero digit is an error, not a rounding), at most
  // 15 integer digits. No exponent, no thousands separators, no spaces.
  static Result<Money> ParseYuan(std::string_view text);

  // Parses a yuan amount with up to 6 decimals exactly, in micro-yuan (1 fen = 10,000). For
  // unit prices finer than a fen (a ¥0.001 sample item); never for an amount that is paid.
  static Result<int64_t> ParseYuanMicros(std::string_view text);
  // Rounds micro-yuan to the nearest fen, halves away from zero.
  static Money FromMicrosRounded(int64_t micros);

  constexpr int64_t fen() const { return fen_; }

  // "12.34", "-0.50", "0.00": always two decimals, as receipts and ledgers print.
  std::string ToYuanString() const;

  constexpr Money operator+(Money o) const { return Money(fen_ + o.fen_); }
  constexpr Money operator-(Money o) const { return Money(fen_ - o.fen_); }
  constexpr Money operator-() const { return Money(-fen_); }
  Money& operator+=(Money o) {
    fen_ += o.fen_;
    return *this;
  }
  Money& operator-=(Money o) {
    fen_ -= o.fen_;
    return *this;
  }
  constexpr auto operator<=>(const Money&) const = default;

 private:
  constexpr explicit Money(int64_t fen) : fen_(fen) {}
  int64_t fen_ = 0;
};

}  // namespace pond
