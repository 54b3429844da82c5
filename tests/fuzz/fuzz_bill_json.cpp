// libFuzzer target: the bill JSON readers against each other. Checked on
// every input, besides the sanitizers:
//   - parse_bill_json (the fast path, then the full reader) gives exactly the
//     full reader's answer: the same bill, or the same message and path;
//   - whatever the fast path accepts, the full reader accepts with the same
//     bill (the fast path may never accept what the contract rejects).
// Seeds: tests/fuzz/bill_corpus. Build and run: tests/fuzz/run.sh.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "formats/bill_json.hpp"
#include "yibao/bill.hpp"

namespace {

void check(bool ok) {
  if (!ok) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text{reinterpret_cast<const char*>(data), size};
  for (const bool allow_ytd : {false, true}) {
    const auto full = yibao::io::parse_bill_json_full(text, allow_ytd);
    const auto both = yibao::parse_bill_json(text, allow_ytd);
    check(full.ok() == both.ok());
    if (full.ok()) {
      check(full.value() == both.value());
    } else {
      check(full.err().message == both.err().message && full.err().path == both.err().path);
    }
    yibao::bill fast;
    if (yibao::io::parse_bill_json_fast(text, allow_ytd, fast)) check(full.ok() && full.value() == fast);
  }
  return 0;
}
