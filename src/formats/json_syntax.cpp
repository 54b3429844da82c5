#include "json_syntax.hpp"

#include <cstdint>
#include <vector>

namespace yibao::io {

namespace {

auto at(std::size_t offset) -> std::string { return " at byte offset " + std::to_string(offset); }

auto is_ws(char c) noexcept -> bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
auto is_digit(char c) noexcept -> bool { return c >= '0' && c <= '9'; }
auto is_delimiter(char c) noexcept -> bool { return is_ws(c) || c == ',' || c == ']' || c == '}'; }

auto hex4(std::string_view s, std::size_t i, std::uint32_t& out) noexcept -> bool {
  if (i + 4 > s.size()) return false;
  out = 0;
  for (std::size_t k = i; k < i + 4; ++k) {
    const char c = s[k];
    std::uint32_t d = 0;
    if (c >= '0' && c <= '9') {
      d = static_cast<std::uint32_t>(c - '0');
    } else if (c >= 'a' && c <= 'f') {
      d = static_cast<std::uint32_t>(c - 'a' + 10);
    } else if (c >= 'A' && c <= 'F') {
      d = static_cast<std::uint32_t>(c - 'A' + 10);
    } else {
      return false;
    }
    out = out * 16 + d;
  }
  return true;
}

// What the grammar expects next.
enum class state : std::uint8_t { value, value_or_close, key, key_or_close, colon, comma_or_close, done };

class checker {
 public:
  checker(std::string_view s, std::size_t max_depth) : s_{s}, max_depth_{max_depth} {}

  auto run() -> std::string {
    state st = state::value;
    const std::size_t n = s_.size();
    char root = 0;
    for (;;) {
      while (i_ < n && is_ws(s_[i_])) ++i_;
      if (i_ == n) {
        if (st == state::done) return {};
        if (root == 0) return "empty input: expected a JSON object";
        return "truncated JSON: unexpected end of input" + at(n);
      }
      const char c = s_[i_];
      if (root == 0) root = c;
      if ((st == state::key_or_close || st == state::value_or_close) && c == open_.back()) {
        close();
        st = after_value();
        continue;
      }
      switch (st) {
        case state::done:
          return std::string("trailing content after the ") + (root == '{' ? "object" : "JSON value") + at(i_);
        case state::key_or_close:
        case state::key:
          if (c != '"') return "malformed JSON: expected a field name in double quotes" + at(i_);
          if (auto e = string(); !e.empty()) return e;
          st = state::colon;
          break;
        case state::colon:
          if (c != ':') return "malformed JSON: expected ':' after the field name" + at(i_);
          ++i_;
          st = state::value;
          break;
        case state::comma_or_close:
          if (c == ',') {
            ++i_;
            st = open_.back() == '}' ? state::key : state::value;
          } else if (c == open_.back()) {
            close();
            st = after_value();
          } else {
            return std::string("malformed JSON: expected ',' or '") + open_.back() + "'" + at(i_);
          }
          break;
        case state::value_or_close:
        case state::value:
          if (c == '{' || c == '[') {
            open_.push_back(c == '{' ? '}' : ']');
            if (open_.size() > max_depth_) {
              return "JSON nested deeper than " + std::to_string(max_depth_) + " levels" + at(i_);
            }
            ++i_;
            st = c == '{' ? state::key_or_close : state::value_or_close;
            break;
          }
          if (c == '"') {
            if (auto e = string(); !e.empty()) return e;
          } else if (c == '-' || is_digit(c)) {
            if (!number()) {
              if (at_end_) return "truncated JSON: unexpected end of input" + at(n);
              return "malformed JSON: invalid number" + at(i_);
            }
          } else if (c == 't' || c == 'f' || c == 'n') {
            if (!literal()) {
              if (at_end_) return "truncated JSON: unexpected end of input" + at(n);
              return "malformed JSON: invalid literal (expected true, false or null)" + at(i_);
            }
          } else {
            return "malformed JSON: expected a value" + at(i_);
          }
          st = after_value();
          break;
      }
    }
  }

 private:
  void close() {
    open_.pop_back();
    ++i_;
  }
  [[nodiscard]] auto after_value() const noexcept -> state {
    return open_.empty() ? state::done : state::comma_or_close;
  }

  // i_ at the opening quote; on success i_ is past the closing one.
  auto string() -> std::string {
    const std::size_t n = s_.size();
    std::size_t i = i_ + 1;
    for (;;) {
      if (i >= n) return "truncated JSON: unexpected end of input" + at(n);
      const auto c = static_cast<unsigned char>(s_[i]);
      if (c == '"') break;
      if (c < 0x20) return "malformed JSON: unescaped control character in a string" + at(i);
      if (c != '\\') {
        ++i;
        continue;
      }
      if (i + 1 >= n) return "truncated JSON: unexpected end of input" + at(n);
      const char e = s_[i + 1];
      if (e != 'u') {
        if (e != '"' && e != '\\' && e != '/' && e != 'b' && e != 'f' && e != 'n' && e != 'r' && e != 't') {
          return "malformed JSON: invalid escape sequence in a string" + at(i);
        }
        i += 2;
        continue;
      }
      std::uint32_t cp = 0;
      if (!hex4(s_, i + 2, cp)) return "malformed JSON: invalid \\u escape in a string" + at(i);
      if (cp >= 0xDC00 && cp <= 0xDFFF) return "malformed JSON: lone UTF-16 surrogate in a string" + at(i);
      if (cp >= 0xD800 && cp <= 0xDBFF) {
        std::uint32_t low = 0;
        if (i + 7 >= n || s_[i + 6] != '\\' || s_[i + 7] != 'u' || !hex4(s_, i + 8, low) || low < 0xDC00 ||
            low > 0xDFFF) {
          return "malformed JSON: lone UTF-16 surrogate in a string" + at(i);
        }
        i += 6;
      }
      i += 6;
    }
    i_ = i + 1;
    return {};
  }

  // -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)? followed by a delimiter.
  auto number() -> bool {
    const std::size_t n = s_.size();
    std::size_t i = i_;
    if (s_[i] == '-') ++i;
    at_end_ = i >= n;
    if (i >= n || !is_digit(s_[i])) return false;
    if (s_[i] == '0') {
      ++i;
    } else {
      while (i < n && is_digit(s_[i])) ++i;
    }
    if (i < n && s_[i] == '.') {
      ++i;
      at_end_ = i >= n;
      if (i >= n || !is_digit(s_[i])) return false;
      while (i < n && is_digit(s_[i])) ++i;
    }
    if (i < n && (s_[i] == 'e' || s_[i] == 'E')) {
      ++i;
      if (i < n && (s_[i] == '+' || s_[i] == '-')) ++i;
      at_end_ = i >= n;
      if (i >= n || !is_digit(s_[i])) return false;
      while (i < n && is_digit(s_[i])) ++i;
    }
    if (i < n && !is_delimiter(s_[i])) return false;
    i_ = i;
    return true;
  }

  auto literal() -> bool {
    for (const std::string_view word : {"true", "false", "null"}) {
      if (s_.substr(i_, word.size()) == word &&
          (i_ + word.size() == s_.size() || is_delimiter(s_[i_ + word.size()]))) {
        i_ += word.size();
        return true;
      }
      if (word.starts_with(s_.substr(i_))) at_end_ = true;  // "tr" at the end
    }
    return false;
  }

  std::string_view s_;
  std::size_t max_depth_;
  std::size_t i_ = 0;
  std::vector<char> open_;  // expected closers
  bool at_end_ = false;     // the last failed token ran into the end of the input
};

}  // namespace

auto find_json_syntax_error(std::string_view json, std::size_t max_depth) -> std::string {
  return checker{json, max_depth}.run();
}

}  // namespace yibao::io
