// libFuzzer target: the reader of a summary's exact state text
// (yibao::sim::parse_summary_state), which Python's pickles and Dask's
// partials go through. Checked on every input, besides the sanitizers:
//   - the reader either returns a summary or an invalid_argument error with a
//     message;
//   - a summary it returns writes back (summary_state) to a text that reads
//     back to a summary writing the same text again (a fixed point), and its
//     JSON can be written.
// Seeds: tests/fuzz/summary_corpus. Build and run: tests/fuzz/run.sh.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "yibao/simulate.hpp"

namespace {

void check(bool ok) {
  if (!ok) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace sim = yibao::sim;
  const std::string_view text{reinterpret_cast<const char*>(data), size};
  auto s = sim::parse_summary_state(text);
  if (!s) {
    check(s.err().code == yibao::errc::invalid_argument && !s.err().message.empty());
    return 0;
  }
  const std::string once = sim::summary_state(s.value());
  auto again = sim::parse_summary_state(once);
  check(again.ok());
  check(sim::summary_state(again.value()) == once);
  check(!sim::to_json(again.value()).empty());
  return 0;
}
