#pragma once
// Shared helpers of the bulk-simulation tests: the test tariff, in-memory
// inputs and captured outputs.
#include <gtest/gtest.h>

#include <cstring>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include "yibao/simulate.hpp"
#include "yibao/yibao.hpp"

namespace sim_test {

inline auto slurp(const std::string& path) -> std::string {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline auto data_path(const std::string& name) -> std::string {
  return std::string{YIBAO_SOURCE_DIR} + "/tests/data/bulk/" + name;
}

inline auto load_tariff(const std::string& name = "tariff.toml") -> yibao::tariff {
  auto t = yibao::parse_tariff(slurp(data_path(name)), data_path(name), {});
  if (!t) throw std::runtime_error("test tariff: " + t.err().message);
  return std::move(t).value();
}

/// A reader over a string, in small pieces to exercise line splitting.
inline auto string_reader(std::string text, std::size_t piece = 4096) -> yibao::sim::read_fn {
  auto data = std::make_shared<std::string>(std::move(text));
  auto pos = std::make_shared<std::size_t>(0);
  return [data, pos, piece](char* buf, std::size_t cap) -> std::ptrdiff_t {
    const std::size_t n = std::min({cap, piece, data->size() - *pos});
    std::memcpy(buf, data->data() + *pos, n);
    *pos += n;
    return static_cast<std::ptrdiff_t>(n);
  };
}

inline auto jsonl_input(std::string text, std::string name = "bills.jsonl") -> yibao::sim::input {
  yibao::sim::input in;
  in.format = yibao::sim::input_format::jsonl;
  in.name = std::move(name);
  in.size = text.size();
  in.read = string_reader(std::move(text));
  return in;
}

inline auto csv_input(std::string bills, std::string lines, std::string name = "bills.csv") -> yibao::sim::input {
  yibao::sim::input in;
  in.format = yibao::sim::input_format::csv;
  in.name = name;
  in.lines_name = name.substr(0, name.size() - 4) + ".lines.csv";
  in.size = bills.size() + lines.size();
  in.read = string_reader(std::move(bills));
  in.read_lines = string_reader(std::move(lines), 977);
  return in;
}

/// A run with its outputs captured.
struct captured {
  yibao::sim::summary sum;
  std::string out, rejects;
};

/// Runs `run(options)` (sim::run or a variant) with the per-bill output and
/// the rejects captured.
template <typename Run>
auto capture(yibao::sim::options o, Run&& run) -> captured {
  captured c;
  o.write_settlements = [&c](std::string_view t) {
    c.out += t;
    return true;
  };
  o.write_rejects = [&c](std::string_view t) {
    c.rejects += t;
    return true;
  };
  auto r = run(o);
  if (!r) throw std::runtime_error("simulate: " + r.err().message);
  c.sum = std::move(r).value();
  return c;
}

/// sim::run under `tariffs` (a tariff or a tariff_set) with the items of `c`, captured.
template <typename Tariffs>
auto simulate(const Tariffs& tariffs, const yibao::catalog& c, yibao::sim::options o,
              const std::vector<yibao::sim::input>& inputs) -> captured {
  return capture(std::move(o),
                 [&](const yibao::sim::options& opts) { return yibao::sim::run(tariffs, c, inputs, opts); });
}

inline auto generated(std::uint64_t people, std::uint64_t seed, yibao::sim::input_format f, int years = 1)
    -> std::pair<std::string, std::string> {
  yibao::sim::generate_options g;
  g.people = people;
  g.seed = seed;
  g.format = f;
  g.years = years;
  return yibao::sim::generate_text(g);
}

/// Options for a two-thread CSV-output run in batches of 97 bills (a size
/// that splits people across batches).
inline auto options_for() -> yibao::sim::options {
  yibao::sim::options o;
  o.threads = 2;
  o.batch_bills = 97;
  o.out = yibao::sim::output_format::csv;
  return o;
}

}  // namespace sim_test
