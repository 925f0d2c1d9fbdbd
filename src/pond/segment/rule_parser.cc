// The text form of the rule language: a lexer and a recursive-descent parser.
#include <algorithm>
#include <cctype>
#include <cstdlib>

#include "pond/base/utf8.h"
#include "pond/segment/rule.h"
#include "pond/segment/rule_number.h"

namespace pond {
namespace {

constexpr size_t kMaxRuleBytes = 64 * 1024;
constexpr int kMaxDepth = 64;

enum class Tok { kIdent, kString, kNumber, kDuration, kOp, kPunct, kEnd };

struct Token {
  Tok type = Tok::kEnd;
  std::string text;  // identifier, unquoted string, number text, operator or punctuation
  int64_t seconds = 0;
  int line = 1, column = 1;
  size_t offset = 0;
};

bool IsIdentStart(unsigned char c) { return std::isalpha(c) || c == '_' || c >= 0x80; }
bool IsIdentChar(unsigned char c) { return std::isalnum(c) || c == '_' || c >= 0x80; }

class Parser {
 public:
  explicit Parser(std::string_view text) : text_(text) {}

  Result<std::unique_ptr<RuleNode>> Parse() {
    if (text_.size() > kMaxRuleBytes) {
      return FieldError("rule", "longer than " + std::to_string(kMaxRuleBytes / 1024) + " KB");
    }
    if (!IsValidUtf8(text_)) return FieldError("rule", "not valid UTF-8");
    RETURN_IF_ERROR(Lex());
    ASSIGN_OR_RETURN(auto rule, ParseOr(0));
    if (Peek().type != Tok::kEnd) return Error(Peek(), "expected and, or, or the end of the rule");
    return rule;
  }

 private:
  // --- lexing --------------------------------------------------------------------------
  Status Lex() {
    size_t i = 0;
    int line = 1;
    size_t line_start = 0;
    while (true) {
      while (i < text_.size() && std::isspace(static_cast<unsigned char>(text_[i]))) {
        if (text_[i] == '\n') {
          ++line;
          line_start = i + 1;
        }
        ++i;
      }
      Token t;
      t.line = line;
      t.column = static_cast<int>(Utf8Length(text_.substr(line_start, i - line_start))) + 1;
      t.offset = i;
      if (i >= text_.size()) {
        tokens_.push_back(t);
        return Status::Ok();
      }
      unsigned char c = text_[i];
      if (c == '"') {
        std::string s;
        ++i;
        while (i < text_.size() && text_[i] != '"') {
          if (text_[i] == '\\' && i + 1 < text_.size()) ++i;
          if (text_[i] == '\n') break;
          // No control characters: tags and values never hold them (the ingest edge refuses
          // them), and the canonical text could not print them back (found by fuzz_rules).
          if (static_cast<unsigned char>(text_[i]) < 0x20 || text_[i] == 0x7f) {
            return Error(t, "a string holds no control characters (U+0000 to U+001F, U+007F)");
          }
          s += text_[i++];
        }
        if (i >= text_.size() || text_[i] != '"') return Error(t, "string is not closed");
        ++i;
        t.type = Tok::kString;
        t.text = std::move(s);
      } else if (std::isdigit(c) || (c == '-' && i + 1 < text_.size() &&
                                     std::isdigit(static_cast<unsigned char>(text_[i + 1])))) {
        size_t start = i++;
        while (i < text_.size() &&
               (std::isdigit(static_cast<unsigned char>(text_[i])) || text_[i] == '.')) {
          ++i;
        }
        t.text = std::string(text_.substr(start, i - start));
        if (i < text_.size() && IsIdentChar(text_[i])) {
          size_t unit_start = i;
          while (i < text_.size() && IsIdentChar(text_[i])) ++i;
          std::string whole = t.text + std::string(text_.substr(unit_start, i - unit_start));
          Result<int64_t> d = ParseDuration(whole);
          if (!d.ok()) return Error(t, "\"" + whole + "\" is not a number or a duration like 30d");
          t.type = Tok::kDuration;
          t.seconds = *d;
          t.text = whole;
        } else {
          if (std::count(t.text.begin(), t.text.end(), '.') > 1 || t.text.back() == '.') {
            return Error(t, "\"" + t.text + "\" is not a number");
          }
          t.type = Tok::kNumber;
        }
      } else if (IsIdentStart(c)) {
        size_t start = i;
        while (i < text_.size() && IsIdentChar(text_[i])) ++i;
        t.type = Tok::kIdent;
        t.text = std::string(text_.substr(start, i - start));
      } else {
        static constexpr std::string_view kTwo[] = {"==", "!=", ">=", "<="};
        std::string_view rest = text_.substr(i);
        bool two = false;
        for (std::string_view op : kTwo) two |= rest.starts_with(op);
        if (two) {
          t.type = Tok::kOp;
          t.text = std::string(rest.substr(0, 2));
          i += 2;
        } else if (c == '>' || c == '<') {
          t.type = Tok::kOp;
          t.text = std::string(1, static_cast<char>(c));
          ++i;
        } else if (c == '(' || c == ')' || c == ',' || c == '.' || c == '[' || c == ']') {
          t.type = Tok::kPunct;
          t.text = std::string(1, static_cast<char>(c));
          ++i;
        } else if (c == '=') {
          return Error(t, "use == to compare");
        } else {
          return Error(t, "unexpected character \"" + std::string(1, static_cast<char>(c)) + "\"");
        }
      }
      tokens_.push_back(std::move(t));
    }
  }

  // --- errors ------------------------------------------------------------------------
  Status Error(const Token& at, const std::string& what) const {
    size_t line_start = text_.rfind('\n', at.offset == 0 ? 0 : at.offset - 1);
    line_start = line_start == std::string_view::npos || at.offset == 0 ? 0 : line_start + 1;
    if (at.offset > 0 && text_[at.offset - 1] == '\n') line_start = at.offset;
    size_t line_end = text_.find('\n', line_start);
    std::string source(text_.substr(line_start, line_end == std::string_view::npos
                                                    ? std::string_view::npos
                                                    : line_end - line_start));
    std::string message = "line " + std::to_string(at.line) + ", column " +
                          std::to_string(at.column) + ": " + what + "\n  " + source + "\n  " +
                          std::string(at.column - 1, ' ') + "^";
    return Status::InvalidArgument(std::move(message), "rule");
  }

  // --- parsing -----------------------------------------------------------------------
  const Token& Peek(size_t ahead = 0) const {
    return tokens_[std::min(pos_ + ahead, tokens_.size() - 1)];
  }
  const Token& Next() { return tokens_[std::min(pos_++, tokens_.size() - 1)]; }
  bool IsWord(const Token& t, std::string_view w) const {
    return t.type == Tok::kIdent && t.text == w;
  }
  bool IsPunct(const Token& t, char c) const {
    return t.type == Tok::kPunct && t.text.size() == 1 && t.text[0] == c;
  }
  Status Expect(char c, const std::string& context) {
    if (!IsPunct(Peek(), c)) {
      return Error(Peek(), "expected \"" + std::string(1, c) + "\" " + context);
    }
    ++pos_;
    return Status::Ok();
  }
  std::unique_ptr<RuleNode> NodeAt(RuleKind kind, const Token& t) {
    auto n = std::make_unique<RuleNode>();
    n->kind = kind;
    n->line = t.line;
    n->column = t.column;
    return n;
  }

  using Level = Result<std::unique_ptr<RuleNode>> (Parser::*)(int depth);

  // operand (WORD operand)*, as one node of `kind` when there is more than one operand.
  Result<std::unique_ptr<RuleNode>> ParseChain(int depth, std::string_view word, RuleKind kind,
                                               Level operand) {
    const Token& start = Peek();
    ASSIGN_OR_RETURN(auto left, (this->*operand)(depth));
    if (!IsWord(Peek(), word)) return left;
    auto node = NodeAt(kind, start);
    node->children.push_back(std::move(left));
    while (IsWord(Peek(), word)) {
      ++pos_;
      ASSIGN_OR_RETURN(auto right, (this->*operand)(depth));
      node->children.push_back(std::move(right));
    }
    return node;
  }

  Result<std::unique_ptr<RuleNode>> ParseOr(int depth) {
    return ParseChain(depth, "or", RuleKind::kOr, &Parser::ParseAnd);
  }

  Result<std::unique_ptr<RuleNode>> ParseAnd(int depth) {
    return ParseChain(depth, "and", RuleKind::kAnd, &Parser::ParseUnary);
  }

  Result<std::unique_ptr<RuleNode>> ParseUnary(int depth) {
    if (depth > kMaxDepth) {
      return Error(Peek(), "nested deeper than " + std::to_string(kMaxDepth) + " levels");
    }
    const Token& t = Peek();
    if (IsWord(t, "not")) {
      ++pos_;
      auto node = NodeAt(RuleKind::kNot, t);
      ASSIGN_OR_RETURN(auto inner, ParseUnary(depth + 1));
      node->children.push_back(std::move(inner));
      return node;
    }
    if (IsPunct(t, '(')) {
      ++pos_;
      ASSIGN_OR_RETURN(auto inner, ParseOr(depth + 1));
      RETURN_IF_ERROR(Expect(')', "to close the parenthesis"));
      return inner;
    }
    return ParsePredicate();
  }

  Result<std::unique_ptr<RuleNode>> ParsePredicate() {
    const Token& t = Peek();
    if (t.type != Tok::kIdent) {
      return Error(t,
                   "expected a condition such as has_tag(\"…\"), trait.KEY == …, "
                   "count(EVENT, 30d) >= 1, stage == \"…\", or \"(\" or not");
    }
    const std::string& w = t.text;
    if (w == "has_tag" || w == "in_segment" || w == "in_group") {
      ++pos_;
      auto node = NodeAt(w == "has_tag"      ? RuleKind::kHasTag
                         : w == "in_segment" ? RuleKind::kInSegment
                                             : RuleKind::kInGroup,
                         t);
      RETURN_IF_ERROR(Expect('(', "after " + w));
      if (Peek().type != Tok::kString || Peek().text.empty()) {
        return Error(Peek(), "expected a quoted name, like " + w + "(\"skin:oily\")");
      }
      node->name = Next().text;
      RETURN_IF_ERROR(Expect(')', "after the name"));
      return node;
    }
    if (w == "trait") {
      ++pos_;
      auto node = NodeAt(RuleKind::kTrait, t);
      RETURN_IF_ERROR(Expect('.', "after trait (trait.city, trait.age)"));
      if (Peek().type != Tok::kIdent)
        return Error(Peek(), "expected a trait name after \"trait.\"");
      node->name = Next().text;
      RETURN_IF_ERROR(ParseComparison(node.get(), /*allow_time=*/true));
      return node;
    }
    if (w == "count" || w == "sum") {
      ++pos_;
      auto node = NodeAt(w == "count" ? RuleKind::kCount : RuleKind::kSum, t);
      RETURN_IF_ERROR(Expect('(', "after " + w));
      RETURN_IF_ERROR(ParseEventRef(node.get(), w == "sum"));
      if (IsPunct(Peek(), ',')) {
        ++pos_;
        if (Peek().type != Tok::kDuration) {
          return Error(Peek(), "expected a window like 90d after \",\"");
        }
        node->window_seconds = Next().seconds;
      }
      RETURN_IF_ERROR(Expect(')', "after the event" + std::string(w == "count" ? "" : " field") +
                                      " and the optional window"));
      RETURN_IF_ERROR(ParseNumberComparison(node.get()));
      return node;
    }
    if (w == "last" || w == "first") {
      ++pos_;
      auto node = NodeAt(w == "last" ? RuleKind::kLast : RuleKind::kFirst, t);
      RETURN_IF_ERROR(Expect('(', "after " + w));
      RETURN_IF_ERROR(ParseEventRef(node.get(), false));
      RETURN_IF_ERROR(Expect(')', "after the event"));
      const Token& op = Peek();
      if (!IsWord(op, "within") && !IsWord(op, "older_than")) {
        return Error(op, "expected within or older_than after " + w + "(…)");
      }
      ++pos_;
      node->op = op.text == "within" ? RuleOp::kWithin : RuleOp::kOlderThan;
      if (Peek().type != Tok::kDuration) return Error(Peek(), "expected a duration like 30d");
      node->duration_seconds = Next().seconds;
      return node;
    }
    for (const char* attribute : kRuleAttributes) {
      if (w == attribute) {
        ++pos_;
        auto node = NodeAt(RuleKind::kAttribute, t);
        node->name = w;
        RETURN_IF_ERROR(ParseComparison(node.get(), /*allow_time=*/false));
        return node;
      }
    }
    return Error(t, "unknown condition \"" + w +
                        "\" (has_tag, in_segment, in_group, trait, count, sum, last, first, "
                        "channel, channel_kind, owner, stage, rfm, intent)");
  }

  // EVENT [.FIELD] [where property.KEY OP VALUE (and …)*]
  Status ParseEventRef(RuleNode* node, bool with_field) {
    if (Peek().type != Tok::kIdent) return Error(Peek(), "expected an event name");
    node->name = Next().text;
    if (with_field) {
      RETURN_IF_ERROR(Expect('.', "and a property to add up, like order_paid.amount"));
      if (Peek().type != Tok::kIdent) return Error(Peek(), "expected a property name");
      node->field = Next().text;
    }
    if (!IsWord(Peek(), "where")) return Status::Ok();
    ++pos_;
    do {
      if (!IsWord(Peek(), "property")) {
        return Error(Peek(), "expected property.KEY after where");
      }
      ++pos_;
      RETURN_IF_ERROR(Expect('.', "after property"));
      if (Peek().type != Tok::kIdent) return Error(Peek(), "expected a property name");
      PropertyFilter f;
      f.property = Next().text;
      RETURN_IF_ERROR(ParseSimpleOp(&f.op));
      RETURN_IF_ERROR(ParseValue(&f.value));
      node->where.push_back(std::move(f));
    } while (IsWord(Peek(), "and") && (++pos_, true));
    return Status::Ok();
  }

  Status ParseSimpleOp(RuleOp* op) {
    const Token& t = Peek();
    static constexpr std::pair<std::string_view, RuleOp> kOps[] = {
        {"==", RuleOp::kEq}, {"!=", RuleOp::kNe}, {">", RuleOp::kGt},
        {">=", RuleOp::kGe}, {"<", RuleOp::kLt},  {"<=", RuleOp::kLe}};
    if (t.type == Tok::kOp) {
      for (const auto& [text, o] : kOps) {
        if (t.text == text) {
          *op = o;
          ++pos_;
          return Status::Ok();
        }
      }
    }
    return Error(t, "expected a comparison (==, !=, >, >=, <, <=)");
  }

  Status ParseValue(RuleValue* v) {
    const Token& t = Peek();
    if (t.type == Tok::kString) {
      v->type = RuleValue::Type::kString;
    } else if (t.type == Tok::kNumber) {
      Result<std::string> canonical = CanonicalRuleNumber(t.text);
      if (!canonical.ok()) return Error(t, canonical.status().message());
      v->type = RuleValue::Type::kNumber;
      v->number = std::strtod(canonical->c_str(), nullptr);
      v->text = std::move(*canonical);
      ++pos_;
      return Status::Ok();
    } else if (IsWord(t, "true") || IsWord(t, "false")) {
      v->type = RuleValue::Type::kBool;
      v->boolean = t.text == "true";
    } else {
      return Error(t, "expected a value: a \"string\", a number, true or false");
    }
    v->text = t.text;
    ++pos_;
    return Status::Ok();
  }

  Status ParseNumberComparison(RuleNode* node) {
    RETURN_IF_ERROR(ParseSimpleOp(&node->op));
    if (Peek().type != Tok::kNumber) return Error(Peek(), "expected a number");
    RuleValue v;
    RETURN_IF_ERROR(ParseValue(&v));
    node->values.push_back(std::move(v));
    return Status::Ok();
  }

  // OP value | between v and v | in [v, …] | exists | within DURATION (traits only)
  Status ParseComparison(RuleNode* node, bool allow_time) {
    const Token& t = Peek();
    if (IsWord(t, "between")) {
      ++pos_;
      node->op = RuleOp::kBetween;
      RuleValue low, high;
      RETURN_IF_ERROR(ParseValue(&low));
      if (!IsWord(Peek(), "and")) return Error(Peek(), "expected and in between … and …");
      ++pos_;
      RETURN_IF_ERROR(ParseValue(&high));
      node->values = {std::move(low), std::move(high)};
      return Status::Ok();
    }
    if (IsWord(t, "in")) {
      ++pos_;
      node->op = RuleOp::kIn;
      RETURN_IF_ERROR(Expect('[', "after in, like in [\"上海\", \"北京\"]"));
      do {
        RuleValue v;
        RETURN_IF_ERROR(ParseValue(&v));
        node->values.push_back(std::move(v));
      } while (IsPunct(Peek(), ',') && (++pos_, true));
      return Expect(']', "to close the list");
    }
    if (IsWord(t, "exists")) {
      ++pos_;
      node->op = RuleOp::kExists;
      return Status::Ok();
    }
    if (allow_time && (IsWord(t, "within") || IsWord(t, "older_than"))) {
      ++pos_;
      node->op = t.text == "within" ? RuleOp::kWithin : RuleOp::kOlderThan;
      if (Peek().type != Tok::kDuration) return Error(Peek(), "expected a duration like 7d");
      node->duration_seconds = Next().seconds;
      return Status::Ok();
    }
    RETURN_IF_ERROR(ParseSimpleOp(&node->op));
    RuleValue v;
    RETURN_IF_ERROR(ParseValue(&v));
    node->values.push_back(std::move(v));
    return Status::Ok();
  }

  std::string_view text_;
  std::vector<Token> tokens_;
  size_t pos_ = 0;
};

}  // namespace

Result<int64_t> ParseDuration(std::string_view text) {
  if (text.size() < 2) return Status::InvalidArgument("not a duration");
  char unit = text.back();
  std::string digits(text.substr(0, text.size() - 1));
  if (digits.empty() || digits.find_first_not_of("0123456789") != std::string::npos ||
      digits.size() > 6) {
    return Status::InvalidArgument("not a duration");
  }
  int64_t n = std::stoll(digits);
  switch (unit) {
    case 'm':
      return n * 60;
    case 'h':
      return n * 3600;
    case 'd':
      return n * 86400;
    case 'w':
      return n * 7 * 86400;
    default:
      return Status::InvalidArgument("not a duration");
  }
}

// Whole days print as days ("14d", not "2w"), so one duration has one text.
std::string FormatDuration(int64_t s) {
  if (s % 86400 == 0) return std::to_string(s / 86400) + "d";
  if (s % 3600 == 0) return std::to_string(s / 3600) + "h";
  return std::to_string(s / 60) + "m";
}

Result<std::unique_ptr<RuleNode>> ParseRule(std::string_view text) { return Parser(text).Parse(); }

}  // namespace pond
