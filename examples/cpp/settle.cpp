// settle.cpp - settle one bill with the C++ API of yibao (yibao::yibao).
//
//   settle TARIFF.toml CATALOG.csv BILL.json
//
// The library does no I/O: this program reads the files and hands the text
// (and a reader for the files a tariff `extends`) to the parsers.
#include <yibao/yibao.hpp>

#include <cstdio>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>

namespace {

auto read_file(const std::string& path) -> std::optional<std::string> {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

auto fail(const char* what, const yibao::error& e) -> int {
  std::fprintf(stderr, "settle: %s: %s: %s\n", what, yibao::to_string(e.code), e.message.c_str());
  for (const auto& d : e.diagnostics) std::fprintf(stderr, "%s\n", d.to_string().c_str());
  return 1;
}

}  // namespace

auto main(int argc, char** argv) -> int {
  if (argc != 4) {
    std::fprintf(stderr, "usage: settle TARIFF.toml CATALOG.csv BILL.json\n");
    return 64;
  }
  const auto tariff_text = read_file(argv[1]);
  const auto catalog_text = read_file(argv[2]);
  const auto bill_text = read_file(argv[3]);
  if (!tariff_text || !catalog_text || !bill_text) {
    std::fprintf(stderr, "settle: cannot read an input file\n");
    return 66;
  }
  auto t = yibao::parse_tariff(*tariff_text, argv[1], read_file);
  if (!t) return fail(argv[1], t.err());
  auto c = yibao::parse_catalog_csv(*catalog_text, argv[2]);
  if (!c) return fail(argv[2], c.err());
  auto b = yibao::parse_bill_json(*bill_text);
  if (!b) return fail(argv[3], b.err());
  auto s = yibao::settle(t.value(), c.value(), b.value());
  if (!s) return fail("settle", s.err());

  const yibao::settlement& r = s.value();
  std::printf("yibao %s\n", yibao::version());
  std::printf("medfee_sumamt    %s\n", r.medfee_sumamt.to_string().c_str());
  std::printf("hifp_pay         %s\n", r.hifp_pay.to_string().c_str());
  std::printf("fund_pay_sumamt  %s\n", r.fund_pay_sumamt.to_string().c_str());
  std::printf("psn_cash_pay     %s\n", r.psn_cash_pay.to_string().c_str());
  std::printf("%s\n", yibao::setl_proc_info(r).c_str());
  return 0;
}
