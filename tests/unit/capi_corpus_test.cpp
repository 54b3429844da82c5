// Replays every input of the fuzz corpus (tests/fuzz/corpus/: seeds and every
// crash the fuzzer found) through yibao_business_handle, as the fuzz target
// does, so a fixed crash stays fixed in the normal test run.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "capi_fixture.hpp"
#include "yibao/yibao.h"

namespace {

TEST(capi_corpus, every_input_gets_a_status_and_an_envelope) {
  const std::filesystem::path dir = std::filesystem::path(YIBAO_SOURCE_DIR) / "tests/fuzz/corpus";
  yibao_tariff* t = nullptr;
  yibao_catalog* c = nullptr;
  ASSERT_EQ(yibao_tariff_load_file(capi_test::data_path("tariff.toml").c_str(), &t), YIBAO_OK);
  ASSERT_EQ(yibao_catalog_load_file(capi_test::data_path("catalog.csv").c_str(), &c), YIBAO_OK);
  ASSERT_EQ(yibao_register_tariff("fixture", t), YIBAO_OK);  // the names the fuzz target registers
  ASSERT_EQ(yibao_register_catalog("catalog", c), YIBAO_OK);
  std::vector<std::filesystem::path> files;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    if (e.is_regular_file()) files.push_back(e.path());
  }
  ASSERT_GE(files.size(), 5U) << dir;
  int settled = 0;
  for (const auto& f : files) {
    const std::string in = capi_test::read_text(f.string());
    std::vector<char> out(1 << 16);
    size_t len = 0;
    int st = yibao_business_handle(in.data(), in.size(), out.data(), out.size(), &len);
    if (st == YIBAO_EBUFS) {
      out.resize(len + 1);
      st = yibao_business_handle(in.data(), in.size(), out.data(), out.size(), &len);
    }
    ASSERT_GE(st, YIBAO_OK) << f;
    ASSERT_LE(st, YIBAO_EINTERNAL) << f;
    EXPECT_NE(st, YIBAO_EINTERNAL) << f << ": " << yibao_last_error();
    EXPECT_NE(st, YIBAO_EBUFS) << f;
    const std::string response(out.data(), len);
    EXPECT_EQ(response.rfind(st == YIBAO_OK ? "{\"infcode\":0," : "{\"infcode\":-1,", 0), 0U) << f << ": " << response;
    settled += st == YIBAO_OK ? 1 : 0;
  }
  EXPECT_GE(settled, 1) << "the seeds include valid requests";
  EXPECT_EQ(yibao_registry_clear(), YIBAO_OK);
  yibao_tariff_free(t);
  yibao_catalog_free(c);
}

}  // namespace
