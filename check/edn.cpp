#include "check/edn.h"

#include <charconv>

namespace confman::check {
namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == ','; }

bool is_symbol_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         std::string_view("*+!-_?<>=/.&%$#'").find(c) != std::string_view::npos;
}

class EdnReader {
 public:
  explicit EdnReader(std::string_view text) : text_(text) {}

  Result<EdnValue, std::string> read_all() {
    auto value = read(0);
    if (!value) return value;
    skip_space();
    if (at_ != text_.size()) return fail("the end of the line after one value");
    return value;
  }

 private:
  Unexpected<std::string> fail(std::string_view what) const {
    return unexpected("expected " + std::string(what) + " at column " + std::to_string(at_ + 1));
  }

  void skip_space() {
    while (at_ < text_.size() && is_space(text_[at_])) ++at_;
  }

  Result<EdnValue, std::string> read(std::size_t depth) {
    if (depth > kMaxEdnDepth) return fail("at most " + std::to_string(kMaxEdnDepth) + " levels of nesting");
    skip_space();
    if (at_ == text_.size()) return fail("a value");
    const char c = text_[at_];
    if (c == '{') return read_sequence(depth, '}', EdnValue::Kind::Map);
    if (c == '[') return read_sequence(depth, ']', EdnValue::Kind::Vector);
    if (c == '(') return read_sequence(depth, ')', EdnValue::Kind::Vector);
    if (c == '"') return read_string();
    if (c == ':') return read_keyword();
    if ((c >= '0' && c <= '9') || ((c == '-' || c == '+') && at_ + 1 < text_.size() &&
                                   text_[at_ + 1] >= '0' && text_[at_ + 1] <= '9')) {
      return read_integer();
    }
    if (is_symbol_char(c)) return read_symbol();
    return fail("a value (nil, a number, a string, a keyword, [...], (...) or {...})");
  }

  Result<EdnValue, std::string> read_sequence(std::size_t depth, char close, EdnValue::Kind kind) {
    EdnValue value;
    value.kind = kind;
    ++at_;
    for (;;) {
      skip_space();
      if (at_ == text_.size()) return fail(std::string("'") + close + "'");
      if (text_[at_] == close) break;
      auto item = read(depth + 1);
      if (!item) return item;
      value.items.push_back(std::move(*item));
    }
    ++at_;
    if (kind == EdnValue::Kind::Map && value.items.size() % 2 != 0) {
      return fail("a value for every key of the map ending");
    }
    return value;
  }

  Result<EdnValue, std::string> read_string() {
    EdnValue value;
    value.kind = EdnValue::Kind::String;
    ++at_;
    while (at_ < text_.size() && text_[at_] != '"') {
      char c = text_[at_++];
      if (c == '\\') {
        if (at_ == text_.size()) break;
        const char escaped = text_[at_++];
        c = escaped == 'n' ? '\n' : escaped == 't' ? '\t' : escaped == 'r' ? '\r' : escaped;
      }
      value.text.push_back(c);
    }
    if (at_ == text_.size()) return fail("the closing '\"' of a string");
    ++at_;
    return value;
  }

  std::string_view read_word() {
    const std::size_t start = at_;
    while (at_ < text_.size() && (is_symbol_char(text_[at_]) || text_[at_] == ':')) ++at_;
    return text_.substr(start, at_ - start);
  }

  Result<EdnValue, std::string> read_keyword() {
    ++at_;
    EdnValue value;
    value.kind = EdnValue::Kind::Keyword;
    value.text = std::string(read_word());
    if (value.text.empty()) return fail("a keyword name after ':'");
    return value;
  }

  Result<EdnValue, std::string> read_integer() {
    const std::size_t start = at_;
    std::string_view word = read_word();
    if (!word.empty() && word.front() == '+') word.remove_prefix(1);
    if (!word.empty() && word.back() == 'N') word.remove_suffix(1);  // EDN bigint suffix
    EdnValue value;
    value.kind = EdnValue::Kind::Integer;
    auto [ptr, ec] = std::from_chars(word.data(), word.data() + word.size(), value.integer);
    if (ec != std::errc() || ptr != word.data() + word.size()) {
      at_ = start;
      return fail("an integer that fits in 64 bits");
    }
    return value;
  }

  Result<EdnValue, std::string> read_symbol() {
    EdnValue value;
    const std::string_view word = read_word();
    if (word == "nil") return value;
    if (word == "true" || word == "false") {
      value.kind = EdnValue::Kind::Bool;
      value.boolean = word == "true";
      return value;
    }
    value.kind = EdnValue::Kind::Symbol;
    value.text = std::string(word);
    return value;
  }

  std::string_view text_;
  std::size_t at_ = 0;
};

}  // namespace

const EdnValue* EdnValue::find(std::string_view keyword) const {
  if (kind != Kind::Map) return nullptr;
  for (std::size_t i = 0; i + 1 < items.size(); i += 2) {
    if (items[i].kind == Kind::Keyword && items[i].text == keyword) return &items[i + 1];
  }
  return nullptr;
}

Result<EdnValue, std::string> parse_edn_value(std::string_view text) {
  return EdnReader(text).read_all();
}

}  // namespace confman::check
