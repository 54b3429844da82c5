// libFuzzer target: the JSON entry point of the C API, yibao_business_handle,
// with a tariff and a catalog registered as "fixture" and "catalog" (the
// names the seeds in tests/fuzz/corpus use). Build and run: tests/fuzz/run.sh.
//
// Checked on every input, besides the sanitizers: the status is a known code
// other than YIBAO_EINTERNAL (a broken invariant), the response is a
// NUL-terminated envelope whose infcode matches the status, and a buffer one
// byte short gives YIBAO_EBUFS with the same length.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "yibao/yibao.h"

namespace {

void check(bool ok) {
  if (!ok) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int* /*argc*/, char*** /*argv*/) {
  const std::string dir = std::string(YIBAO_SOURCE_DIR) + "/tests/data/capi/";
  yibao_tariff* t = nullptr;
  yibao_catalog* c = nullptr;
  check(yibao_tariff_load_file((dir + "tariff.toml").c_str(), &t) == YIBAO_OK);
  check(yibao_catalog_load_file((dir + "catalog.csv").c_str(), &c) == YIBAO_OK);
  check(yibao_register_tariff("fixture", t) == YIBAO_OK);
  check(yibao_register_catalog("catalog", c) == YIBAO_OK);
  yibao_tariff_free(t);  // the registry keeps its own reference
  yibao_catalog_free(c);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const char* in = reinterpret_cast<const char*>(data);
  static std::vector<char> out(1 << 16);
  std::size_t len = 0;
  int st = yibao_business_handle(in, size, out.data(), out.size(), &len);
  if (st == YIBAO_EBUFS) {
    out.resize(len + 1);
    st = yibao_business_handle(in, size, out.data(), out.size(), &len);
  }
  check(st >= YIBAO_OK && st <= YIBAO_EINTERNAL && st != YIBAO_EBUFS && st != YIBAO_EINTERNAL);
  check(len < out.size() && out[len] == '\0' && std::strlen(out.data()) == len);
  const char* head = st == YIBAO_OK ? "{\"infcode\":0," : "{\"infcode\":-1,";
  check(std::strncmp(out.data(), head, std::strlen(head)) == 0);
  check((st == YIBAO_OK) == (yibao_last_error()[0] == '\0'));
  // The EBUFS protocol: one byte short of the NUL is too small.
  std::vector<char> small(len);
  std::size_t need = 0;
  check(yibao_business_handle(in, size, small.data(), small.size(), &need) == YIBAO_EBUFS && need == len);
  return 0;
}
