// libFuzzer target: the bulk CSV bill reader (sim's csv_bill, the converters
// of formats/bill_fields.hpp) and validate() after it. The input is a bills
// file and a lines file in one text: line 1 the bills header, line 2 one bill
// row, line 3 the lines header, every further line a line row. Checked on
// every input, besides the sanitizers:
//   - a header either loads or is an error with a message;
//   - csv_bill either builds a bill or says why, and leaves `out` untouched
//     when it fails;
//   - a built bill is either valid or validate() says why with a field path.
// Seeds: tests/fuzz/csv_corpus. Build and run: tests/fuzz/run.sh.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "sim/reader.hpp"
#include "yibao/bill.hpp"

namespace {

void check(bool ok) {
  if (!ok) __builtin_trap();
}

// The next line of `text` from `at` (without its line break), moving `at` past it.
auto next_line(std::string_view text, std::size_t& at) -> std::string_view {
  const std::size_t end = std::min(text.find('\n', at), text.size());
  const std::string_view line = text.substr(at, end - at);
  at = end < text.size() ? end + 1 : end;
  return line;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace sim = yibao::sim::detail;
  const std::string_view text{reinterpret_cast<const char*>(data), size};
  std::size_t at = 0;
  const std::string_view bills_header = next_line(text, at);
  const std::string_view bill_row = next_line(text, at);
  const std::string_view lines_header = next_line(text, at);
  const auto bl = sim::parse_bill_header(bills_header, "bills.csv");
  const auto ll = sim::parse_line_header(lines_header, "bills.lines.csv");
  if (!bl || !ll) {
    check((bl || !bl.err().message.empty()) && (ll || !ll.err().message.empty()));
    return 0;
  }
  std::vector<sim::row_text> rows;
  for (std::uint64_t n = 2; at < text.size(); ++n) rows.push_back(sim::row_text{n, next_line(text, at)});
  yibao::bill b;
  std::string why;
  if (!sim::csv_bill(bill_row, bl.value(), rows, ll.value(), "bills.lines.csv", b, why)) {
    check(!why.empty() && b == yibao::bill{});
    return 0;
  }
  const auto valid = yibao::validate(b);
  check(valid || !valid.err().message.empty());
  return 0;
}
