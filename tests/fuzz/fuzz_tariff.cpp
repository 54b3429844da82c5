// libFuzzer target: the tariff loader with `extends`. The input is up to
// three files separated by a line "#=====": main.toml, then a.toml and
// b.toml, which main.toml (and each other) may extend through an in-memory
// tariff_source; the seeds in tests/fuzz/tariff_corpus do. Build and run:
// tests/fuzz/run.sh.
//
// Checked on every input, besides the sanitizers: loading returns (no
// exception, no hang); a loaded tariff resolves a spread of visits without
// an exception (the loader's bounds keep every deductible within 64-bit
// fen), and every resolved ratio is within 0..1; a failed load has at least
// one diagnostic, each with a file name.
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "yibao/tariff.hpp"

namespace {

void check(bool ok) {
  if (!ok) __builtin_trap();
}

auto split(std::string_view data) -> std::map<std::string, std::string> {
  static constexpr std::string_view names[] = {"dir/main.toml", "dir/a.toml", "dir/b.toml"};
  static constexpr std::string_view separator = "\n#=====\n";
  std::map<std::string, std::string> files;
  for (std::size_t i = 0; i < 3; ++i) {
    const std::size_t end = i < 2 ? data.find(separator) : std::string_view::npos;
    files[std::string(names[i])] = std::string(data.substr(0, end));
    if (end == std::string_view::npos) break;
    data.remove_prefix(end + separator.size());
  }
  return files;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto files = split(std::string_view(reinterpret_cast<const char*>(data), size));
  yibao::tariff_source source;
  source.read = [&files](const std::string& path) -> yibao::result<std::string> {
    if (auto it = files.find(path); it != files.end()) return it->second;
    return yibao::make_error(yibao::errc::io_error, "", "expected a readable tariff file, found none at " + path);
  };
  auto r = yibao::parse_tariff_from(files.at("dir/main.toml"), "dir/main.toml", source);
  if (!r) {
    check(!r.err().diagnostics.empty());
    for (const auto& d : r.err().diagnostics) check(!d.where.file.empty());
    return 0;
  }
  const yibao::tariff& t = r.value();
  for (int sc = 0; sc < yibao::scheme_count; ++sc) {
    for (int vt = 0; vt < yibao::visit_type_count; ++vt) {
      for (int adm : {1, 2, 3, 1000001}) {
        yibao::person p;
        p.scheme_ = static_cast<yibao::scheme>(sc);
        yibao::visit v;
        v.type = static_cast<yibao::visit_type>(vt);
        v.admission = adm;
        v.where = yibao::location::cross_province;
        v.filed = yibao::filing::unfiled;
        const auto policy = t.resolve(p, v, true);
        for (const auto& lp : policy.layers) {
          check(lp.deductible >= yibao::money{});
          if (!lp.active) continue;
          for (const auto& b : lp.bands) check(lp.rate(b) >= yibao::ratio{} && lp.rate(b) <= yibao::ratio::one());
          check(lp.first_pay <= yibao::ratio::one());
        }
      }
    }
  }
  return 0;
}
