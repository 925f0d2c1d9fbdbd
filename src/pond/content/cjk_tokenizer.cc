#include "pond/content/cjk_tokenizer.h"

#include <functional>

namespace pond {
namespace {

enum class CharClass { kSeparator, kWord, kCjk };

// Decodes one UTF-8 code point at `s[*i]`, advancing *i; invalid bytes decode as U+FFFD, one
// byte at a time.
char32_t Next(std::string_view s, size_t* i) {
  const auto b = static_cast<unsigned char>(s[*i]);
  int len = b < 0x80 ? 1 : (b >> 5) == 6 ? 2 : (b >> 4) == 14 ? 3 : (b >> 3) == 30 ? 4 : 0;
  if (len == 0 || *i + static_cast<size_t>(len) > s.size()) {
    ++*i;
    return 0xFFFD;
  }
  char32_t c = len == 1 ? b : b & (0x7F >> len);
  for (int k = 1; k < len; ++k) {
    const auto cont = static_cast<unsigned char>(s[*i + static_cast<size_t>(k)]);
    if ((cont >> 6) != 2) {
      ++*i;
      return 0xFFFD;
    }
    c = (c << 6) | (cont & 0x3F);
  }
  *i += static_cast<size_t>(len);
  return c;
}

CharClass Classify(char32_t c) {
  if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
    return CharClass::kWord;
  }
  if (c < 0x80) return CharClass::kSeparator;
  if ((c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) ||
      (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x20000 && c <= 0x3134F) ||
      (c >= 0x3040 && c <= 0x30FF) || (c >= 0xAC00 && c <= 0xD7AF)) {
    return CharClass::kCjk;
  }
  if ((c >= 0x2000 && c <= 0x206F) || (c >= 0x3000 && c <= 0x303F) ||
      (c >= 0xFE30 && c <= 0xFE4F) || (c >= 0xFF00 && c <= 0xFFEF) || c == 0xFFFD || c == 0x00A0) {
    return CharClass::kSeparator;  // general and CJK punctuation, full-width forms, spaces
  }
  return CharClass::kWord;  // other letters (é, ß, …) belong to words
}

// Full-width ASCII (Ａ, １) to ASCII, then lower case.
char32_t Fold(char32_t c) {
  if (c >= 0xFF01 && c <= 0xFF5E) c -= 0xFEE0;
  if (c >= 'A' && c <= 'Z') c += 'a' - 'A';
  return c;
}

void Append(std::string* out, char32_t c) {
  if (c < 0x80) {
    out->push_back(static_cast<char>(c));
  } else if (c < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (c >> 6)));
    out->push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else if (c < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (c >> 12)));
    out->push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (c >> 18)));
    out->push_back(static_cast<char>(0x80 | ((c >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (c & 0x3F)));
  }
}

struct Char {
  char32_t c;
  CharClass cls;
  int start, end;  // byte offsets
};

// Calls emit(token, colocated, start, end) for each token; stops at the first non-zero return.
int Tokenize(std::string_view text, bool query,
             const std::function<int(const std::string&, bool, int, int)>& emit) {
  std::vector<Char> chars;
  for (size_t i = 0; i < text.size();) {
    const size_t start = i;
    char32_t c = Next(text, &i);
    // Full-width letters and digits are words once folded.
    if (c >= 0xFF10 && c <= 0xFF5A && Classify(Fold(c)) == CharClass::kWord) c = Fold(c);
    chars.push_back({c, Classify(c), static_cast<int>(start), static_cast<int>(i)});
  }
  for (size_t i = 0; i < chars.size();) {
    const CharClass cls = chars[i].cls;
    size_t j = i;
    while (j < chars.size() && chars[j].cls == cls) ++j;
    if (cls == CharClass::kWord) {
      std::string word;
      for (size_t k = i; k < j; ++k) Append(&word, Fold(chars[k].c));
      if (int rc = emit(word, false, chars[i].start, chars[j - 1].end); rc) return rc;
    } else if (cls == CharClass::kCjk) {
      const size_t n = j - i;
      for (size_t k = i; k < j; ++k) {
        std::string one, two;
        Append(&one, chars[k].c);
        if (k + 1 < j) {
          two = one;
          Append(&two, chars[k + 1].c);
        }
        if (query) {
          if (n == 1) {
            if (int rc = emit(one, false, chars[k].start, chars[k].end); rc) return rc;
          } else if (!two.empty()) {
            if (int rc = emit(two, false, chars[k].start, chars[k + 1].end); rc) return rc;
          }
          continue;
        }
        // The bigram first: FTS5 highlights a position with its first token's bytes.
        if (!two.empty()) {
          if (int rc = emit(two, false, chars[k].start, chars[k + 1].end); rc) return rc;
        }
        if (int rc = emit(one, !two.empty(), chars[k].start, chars[k].end); rc) return rc;
      }
    }
    i = j;
  }
  return SQLITE_OK;
}

// FTS5's callbacks. The tokenizer keeps no state: any non-null pointer will do.
int Create(void*, const char**, int, Fts5Tokenizer** out) {
  static int instance;
  *out = reinterpret_cast<Fts5Tokenizer*>(&instance);
  return SQLITE_OK;
}

void Delete(Fts5Tokenizer*) {}

int Run(Fts5Tokenizer*, void* ctx, int flags, const char* text, int n,
        int (*token)(void*, int, const char*, int, int, int)) {
  const bool query = (flags & FTS5_TOKENIZE_QUERY) != 0;
  return Tokenize(std::string_view(text ? text : "", static_cast<size_t>(n)), query,
                  [&](const std::string& t, bool colocated, int start, int end) {
                    return token(ctx, colocated ? FTS5_TOKEN_COLOCATED : 0, t.data(),
                                 static_cast<int>(t.size()), start, end);
                  });
}

}  // namespace

Status RegisterCjkTokenizer(sqlite3* db) {
  fts5_api* api = nullptr;
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &st, nullptr) != SQLITE_OK) {
    return Status::Internal(std::string("FTS5 is not available: ") + sqlite3_errmsg(db));
  }
  sqlite3_bind_pointer(st, 1, static_cast<void*>(&api), "fts5_api_ptr", nullptr);
  sqlite3_step(st);
  sqlite3_finalize(st);
  if (!api) return Status::Internal("FTS5 is not available in this SQLite");
  fts5_tokenizer tokenizer{Create, Delete, Run};
  if (api->xCreateTokenizer(api, kCjkTokenizer, nullptr, &tokenizer, nullptr) != SQLITE_OK) {
    return Status::Internal(std::string("registering pond_cjk: ") + sqlite3_errmsg(db));
  }
  return Status::Ok();
}

std::vector<CjkToken> CjkTokens(std::string_view text, bool query) {
  std::vector<CjkToken> out;
  Tokenize(text, query, [&](const std::string& t, bool colocated, int, int) {
    out.push_back({t, colocated});
    return 0;
  });
  return out;
}

}  // namespace pond
