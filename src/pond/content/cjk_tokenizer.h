// pond_cjk: an SQLite FTS5 tokenizer for Chinese (and Japanese, Korean) next to Latin text.
//
// FTS5's own tokenizers fail Chinese: unicode61 makes a whole run of Han characters one token,
// and trigram cannot match the 1- and 2-character queries most Chinese words are (眼影, 粉底).
// pond_cjk does what Lucene's CJK analyzer does, with unigrams added for 1-character queries:
//   - Latin letters and digits form words, lower-cased (full-width forms folded to ASCII);
//   - in a document, each character of a CJK run starts a bigram with the next character of the
//     run, and is itself a second token at the same position (FTS5_TOKEN_COLOCATED; the last
//     character of a run is a token alone);
//   - in a query, a CJK run of one character is that character; a longer run is its bigrams at
//     successive positions, so "防晒霜" is the phrase 防晒 晒霜 and matches exactly the documents
//     that hold the three characters in a row.
//   - everything else (spaces, punctuation, CJK punctuation) separates tokens.
#pragma once

#include <sqlite3.h>

#include <string>
#include <string_view>
#include <vector>

#include "pond/base/status.h"

namespace pond {

inline constexpr char kCjkTokenizer[] = "pond_cjk";

// Registers pond_cjk on this connection: `CREATE VIRTUAL TABLE … USING fts5(…, tokenize =
// 'pond_cjk')` then works.
Status RegisterCjkTokenizer(sqlite3* db);

struct CjkToken {
  std::string text;
  bool colocated = false;  // at the same position as the token before
};
// The tokens of `text` as FTS5 sees them (for tests and for explaining a search).
std::vector<CjkToken> CjkTokens(std::string_view text, bool query);

}  // namespace pond
