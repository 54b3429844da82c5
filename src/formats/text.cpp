#include "formats/text.hpp"

#include "yibao/money.hpp"

namespace yibao::io {

namespace {
constexpr std::size_t max_quoted_bytes = 64;
constexpr char hex_digits[] = "0123456789abcdef";

// Length of the valid UTF-8 sequence starting at text[i], or 0 if invalid.
auto utf8_sequence_length(std::string_view text, std::size_t i) noexcept -> std::size_t {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char c = byte(i);
  if (c < 0x80) return 1;
  std::size_t len = 0;
  unsigned char lo = 0x80;
  unsigned char hi = 0xBF;
  if (c >= 0xC2 && c <= 0xDF) {
    len = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    len = 3;
    if (c == 0xE0) lo = 0xA0;   // no overlongs
    if (c == 0xED) hi = 0x9F;   // no surrogates
  } else if (c >= 0xF0 && c <= 0xF4) {
    len = 4;
    if (c == 0xF0) lo = 0x90;   // no overlongs
    if (c == 0xF4) hi = 0x8F;   // nothing above U+10FFFF
  } else {
    return 0;
  }
  if (i + len > text.size()) return 0;
  if (byte(i + 1) < lo || byte(i + 1) > hi) return 0;
  for (std::size_t k = 2; k < len; ++k) {
    if (byte(i + k) < 0x80 || byte(i + k) > 0xBF) return 0;
  }
  return len;
}
}  // namespace

auto first_invalid_utf8(std::string_view text) noexcept -> std::size_t {
  std::size_t i = 0;
  while (i < text.size()) {
    const std::size_t len = utf8_sequence_length(text, i);
    if (len == 0) return i;
    i += len;
  }
  return text.size();
}

void append_quoted(std::string& out, std::string_view text) {
  out += '"';
  std::size_t i = 0;
  while (i < text.size()) {
    if (i >= max_quoted_bytes) {
      out += "...";
      break;
    }
    const auto c = static_cast<unsigned char>(text[i]);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
      ++i;
    } else if (c < 0x20 || c == 0x7F) {
      out += "\\x";
      out += hex_digits[c >> 4];
      out += hex_digits[c & 0xF];
      ++i;
    } else if (c < 0x80) {
      out += static_cast<char>(c);
      ++i;
    } else if (const std::size_t len = utf8_sequence_length(text, i); len != 0) {
      out.append(text.substr(i, len));
      i += len;
    } else {
      out += "\\x";
      out += hex_digits[c >> 4];
      out += hex_digits[c & 0xF];
      ++i;
    }
  }
  out += '"';
}

auto quoted(std::string_view text) -> std::string {
  std::string out;
  append_quoted(out, text);
  return out;
}

auto parse_decimal(std::string_view text, const decimal_kind& kind, std::string& what)
    -> std::optional<std::int64_t> {
  std::string why;
  const auto value = parse_fixed(text, kind.decimals, &why);
  if (!value) {
    what = "invalid decimal ";
    append_quoted(what, text);
    what += ": ";
    what += why;
    if (why == "too many decimals") what += " (at most " + std::to_string(kind.decimals) + ")";
    return std::nullopt;
  }
  if (*value < kind.min || *value > kind.max) {
    if (kind.range_text != nullptr) {
      what = std::string("must be ") + kind.range_text + ", found ";
      append_quoted(what, text);
    } else if (*value < kind.min) {
      what = "must not be negative, found ";
      append_quoted(what, text);
    } else {
      what.clear();
      append_quoted(what, text);
      what += " exceeds the limit " + format_fixed(kind.max, kind.decimals);
    }
    return std::nullopt;
  }
  return value;
}

}  // namespace yibao::io
