#include "pond/base/base64.h"

#include <array>
#include <cstdint>

namespace pond {
namespace {

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

// Each byte's 6-bit value, or -1 for a byte outside the alphabet.
constexpr std::array<int8_t, 256> DecodeTable() {
  std::array<int8_t, 256> t{};
  for (int8_t& v : t) v = -1;
  for (int i = 0; i < 64; ++i) t[static_cast<unsigned char>(kAlphabet[i])] = static_cast<int8_t>(i);
  return t;
}
constexpr std::array<int8_t, 256> kDecode = DecodeTable();

}  // namespace

std::string Base64Encode(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  size_t i = 0;
  auto byte = [&](size_t k) { return static_cast<uint32_t>(static_cast<unsigned char>(bytes[k])); };
  for (; i + 3 <= bytes.size(); i += 3) {
    const uint32_t n = byte(i) << 16 | byte(i + 1) << 8 | byte(i + 2);
    out += {kAlphabet[n >> 18], kAlphabet[(n >> 12) & 63], kAlphabet[(n >> 6) & 63],
            kAlphabet[n & 63]};
  }
  if (bytes.size() - i == 1) {
    const uint32_t n = byte(i) << 16;
    out += {kAlphabet[n >> 18], kAlphabet[(n >> 12) & 63], '=', '='};
  } else if (bytes.size() - i == 2) {
    const uint32_t n = byte(i) << 16 | byte(i + 1) << 8;
    out += {kAlphabet[n >> 18], kAlphabet[(n >> 12) & 63], kAlphabet[(n >> 6) & 63], '='};
  }
  return out;
}

Result<std::string> Base64Decode(std::string_view text, std::string_view field) {
  const std::string name(field);
  if (text.size() > kMaxBase64Chars) {
    return FieldError(name,
                      "base64 longer than " + std::to_string(kMaxBase64Chars) + " characters");
  }
  if (text.size() % 4 != 0)
    return FieldError(name, "not base64: its length is not a multiple of 4");
  size_t pad = 0;
  if (!text.empty() && text.back() == '=') ++pad;
  if (text.size() >= 2 && text[text.size() - 2] == '=') ++pad;
  std::string out;
  out.reserve(text.size() / 4 * 3);
  for (size_t i = 0; i < text.size(); i += 4) {
    uint32_t n = 0;
    const bool last = i + 4 == text.size();
    for (size_t k = 0; k < 4; ++k) {
      const char c = text[i + k];
      int v = kDecode[static_cast<unsigned char>(c)];
      if (c == '=' && last && k >= 4 - pad) v = 0;
      if (v < 0) {
        return FieldError(name, "not base64: character " + std::to_string(i + k + 1) +
                                    " is outside the alphabet");
      }
      n = n << 6 | static_cast<uint32_t>(v);
    }
    out += static_cast<char>(n >> 16);
    if (!last || pad < 2) out += static_cast<char>((n >> 8) & 0xFF);
    if (!last || pad < 1) out += static_cast<char>(n & 0xFF);
  }
  return out;
}

}  // namespace pond
