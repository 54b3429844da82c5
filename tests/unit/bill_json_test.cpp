// Tests of yibao::parse_bill_json: the contract in docs/bill-format.md.

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "yibao/bill.hpp"

namespace {

using namespace yibao;

const std::string full_bill = R"({"id": "B1",
 "person": {"id": "P1", "scheme": "employee", "status": "retired", "group": "dibao", "coverage": "waiting",
            "account_balance": "800.00", "rejoined": "2025-01-10"},
 "visit": {"type": "inpatient", "level": 3, "location": "cross_province", "filing": "unfiled",
           "admission": 2, "date": "2025-03-19", "disease": "chd", "transfer_from_level": 2},
 "ytd": {"deductible_paid": "1.01", "hifp_paid": "2.02", "hifmi_paid": "3.03", "hifob_paid": "4.04",
         "maf_paid": "5.05", "hifp_base": "6.06", "hifmi_base": "7.07", "hifob_base": "8.08", "maf_base": "9.09"},
 "lines": [{"code": "X1", "name": "冠脉支架", "class": "B", "selfpay_ratio": "0.10", "price_limit": "100.00",
            "qty": "2", "price": "120.00", "amount": "240.00"},
           {"code": "X2", "qty": "0.5", "price": "0.123457", "amount": "0.06"}]})";

const std::string minimal_bill = R"({"id": "B2",
 "person": {"id": "P2", "scheme": "resident"},
 "visit": {"type": "outpatient", "level": 0, "location": "local", "date": "2024-02-29"},
 "lines": [{"code": "Y1", "qty": "1", "price": "10", "amount": "10"}]})";

// The reader's message, or validate()'s on what it read (settle runs
// validate: issue 11 item 1), or "<ok>".
auto message_of(std::string_view json, bool allow_ytd = true) -> std::string {
  auto r = parse_bill_json(json, allow_ytd);
  if (r.ok()) {
    auto v = validate(r.value());
    if (v.ok()) return "<ok>";
    EXPECT_EQ(v.err().code, errc::invalid_argument);
    return v.err().message;
  }
  EXPECT_EQ(r.err().code, errc::invalid_argument);
  return r.err().message;
}

TEST(bill_json, full_bill_round_trips) {
  auto r = parse_bill_json(full_bill);
  ASSERT_TRUE(r.ok()) << r.err().message;
  const bill& b = r.value();
  EXPECT_EQ(b.id, "B1");
  EXPECT_EQ(b.who.id, "P1");
  EXPECT_EQ(b.who.scheme_, scheme::employee);
  EXPECT_EQ(b.who.status_, status::retired);
  EXPECT_EQ(b.who.group_, group::dibao);
  EXPECT_EQ(b.who.coverage_, coverage::waiting);
  EXPECT_EQ(b.who.account_balance, money::from_fen(80000));
  ASSERT_TRUE(b.who.rejoined.has_value());
  EXPECT_EQ(b.who.rejoined->to_string(), "2025-01-10");

  EXPECT_EQ(b.at.type, visit_type::inpatient);
  EXPECT_EQ(b.at.level, 3);
  EXPECT_EQ(b.at.where, location::cross_province);
  EXPECT_EQ(b.at.filed, filing::unfiled);
  EXPECT_EQ(b.at.admission, 2);
  EXPECT_EQ(b.at.on.to_string(), "2025-03-19");
  EXPECT_EQ(b.at.disease, "chd");
  EXPECT_EQ(b.at.transfer_from_level, 2);

  EXPECT_EQ(b.totals.deductible_paid, money::from_fen(101));
  EXPECT_EQ(b.totals.hifp_paid, money::from_fen(202));
  EXPECT_EQ(b.totals.hifmi_paid, money::from_fen(303));
  EXPECT_EQ(b.totals.hifob_paid, money::from_fen(404));
  EXPECT_EQ(b.totals.maf_paid, money::from_fen(505));
  EXPECT_EQ(b.totals.hifp_base, money::from_fen(606));
  EXPECT_EQ(b.totals.hifmi_base, money::from_fen(707));
  EXPECT_EQ(b.totals.hifob_base, money::from_fen(808));
  EXPECT_EQ(b.totals.maf_base, money::from_fen(909));

  ASSERT_EQ(b.lines.size(), 2U);
  const line& l0 = b.lines[0];
  EXPECT_EQ(l0.code, "X1");
  EXPECT_EQ(l0.name, "冠脉支架");
  EXPECT_EQ(l0.cls, item_class::B);
  EXPECT_EQ(l0.selfpay_ratio, ratio::from_ppm(100'000));
  EXPECT_EQ(l0.price_limit, price{100'000'000});
  EXPECT_EQ(l0.qty, quantity{20'000});
  EXPECT_EQ(l0.unit_price, price{120'000'000});
  EXPECT_EQ(l0.amount, money::from_fen(24'000));
  const line& l1 = b.lines[1];
  EXPECT_EQ(l1.code, "X2");
  EXPECT_EQ(l1.name, "");
  EXPECT_FALSE(l1.cls.has_value());
  EXPECT_FALSE(l1.selfpay_ratio.has_value());
  EXPECT_FALSE(l1.price_limit.has_value());
  EXPECT_EQ(l1.qty, quantity{5'000});
  EXPECT_EQ(l1.unit_price, price{123'457});
  EXPECT_EQ(l1.amount, money::from_fen(6));
}

TEST(bill_json, defaults) {
  auto r = parse_bill_json(minimal_bill);
  ASSERT_TRUE(r.ok()) << r.err().message;
  const bill& b = r.value();
  EXPECT_EQ(b.who.scheme_, scheme::resident);
  EXPECT_EQ(b.who.status_, status::active);
  EXPECT_EQ(b.who.group_, group::none);
  EXPECT_EQ(b.who.coverage_, coverage::active);
  EXPECT_EQ(b.who.account_balance, money{});
  EXPECT_FALSE(b.who.rejoined.has_value());
  EXPECT_EQ(b.at.level, 0);
  EXPECT_EQ(b.at.filed, filing::long_term);
  EXPECT_EQ(b.at.admission, 1);
  EXPECT_EQ(b.at.disease, "");
  EXPECT_FALSE(b.at.transfer_from_level.has_value());
  EXPECT_EQ(b.totals, ytd{});
  ASSERT_EQ(b.lines.size(), 1U);
  EXPECT_EQ(b.lines[0].name, "");
  EXPECT_FALSE(b.lines[0].cls.has_value());
  EXPECT_FALSE(b.lines[0].selfpay_ratio.has_value());
  EXPECT_FALSE(b.lines[0].price_limit.has_value());
  EXPECT_EQ(b.lines[0].amount, money::from_fen(1000));
}

TEST(bill_json, missing_ytd_fields_are_zero) {
  std::string json = minimal_bill;
  json.insert(json.find("\"lines\""), R"("ytd": {"hifp_paid": "12.34"}, )");
  auto r = parse_bill_json(json);
  ASSERT_TRUE(r.ok()) << r.err().message;
  ytd expected;
  expected.hifp_paid = money::from_fen(1234);
  EXPECT_EQ(r.value().totals, expected);
}

TEST(bill_json, ytd_not_allowed_in_bulk_input) {
  auto r = parse_bill_json(full_bill, /*allow_ytd=*/false);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.err().code, errc::invalid_argument);
  EXPECT_EQ(r.err().path, "ytd");
  EXPECT_EQ(r.err().message, "ytd: not allowed in bulk input");
  EXPECT_TRUE(parse_bill_json(minimal_bill, false).ok());
}

// domain.md 5.9: amounts are exact; a line amount is qty x price rounded
// half-up (四舍五入) to the fen.
TEST(bill_json, amount_must_equal_qty_times_price) {
  const auto bill_with = [](std::string_view qty, std::string_view price, std::string_view amount) {
    const std::string_view old = R"("qty": "1", "price": "10", "amount": "10")";
    std::string json = minimal_bill;
    json.replace(json.find(old), old.size(),
                 R"("qty": ")" + std::string(qty) + R"(", "price": ")" + std::string(price) +
                     R"(", "amount": ")" + std::string(amount) + "\"");
    return json;
  };
  // 3 x 0.335 = 1.005 -> 1.01 (half-up, not half-even's 1.00)
  EXPECT_EQ(message_of(bill_with("3", "0.335", "1.01")), "<ok>");
  EXPECT_EQ(message_of(bill_with("3", "0.335", "1.00")), "lines[0].amount: 1.00 is not qty x price = 1.01");
  // 0.0001 x 0.000001 = 1e-10 yuan -> 0.00
  EXPECT_EQ(message_of(bill_with("0.0001", "0.000001", "0")), "<ok>");
  // 1.2345 x 2.5 = 3.08625 -> 3.09
  EXPECT_EQ(message_of(bill_with("1.2345", "2.5", "3.09")), "<ok>");
  EXPECT_EQ(message_of(bill_with("1.2345", "2.5", "3.08")), "lines[0].amount: 3.08 is not qty x price = 3.09");
  // the largest quantity and price still multiply exactly
  EXPECT_EQ(message_of(bill_with("1000000", "1000000000", "1.00")),
            "lines[0].amount: 1.00 is not qty x price = 1000000000000000.00");
  EXPECT_EQ(message_of(bill_with("1000001", "1", "1.00")),
            "lines[0].qty: \"1000001\" exceeds the limit 1000000.0000");
}

TEST(bill_json, error_path_names_the_field) {
  std::string json = full_bill;
  json.replace(json.find(R"("amount": "0.06")"), 16, R"("amount": "0.07")");
  auto parsed = parse_bill_json(json);
  ASSERT_TRUE(parsed.ok());
  auto r = validate(parsed.value());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.err().path, "lines[1].amount");
  EXPECT_EQ(r.err().message, "lines[1].amount: 0.07 is not qty x price = 0.06");
}

TEST(bill_json, nesting_limit) {
  const auto nested = [](int depth) {
    // The root object is level 1, "id"'s array level 2, ...
    return R"({"id": )" + std::string(static_cast<std::size_t>(depth - 1), '[') +
           std::string(static_cast<std::size_t>(depth - 1), ']') + "}";
  };
  EXPECT_EQ(message_of(nested(64)), "id: expected a string, found an array");
  EXPECT_EQ(message_of(nested(65)), "JSON nested deeper than 64 levels at byte offset 70");
}

TEST(bill_json, empty_field_name) {
  EXPECT_EQ(message_of(R"({"": 1})"), "\"\": unknown field");
  EXPECT_EQ(message_of(R"({"person": {"": 1}})"), "person.\"\": unknown field");
}

TEST(bill_json, every_truncation_is_an_error) {
  // Never crash, never accept a prefix of a bill.
  for (std::size_t n = 0; n + 1 < full_bill.size(); ++n) {
    auto r = parse_bill_json(std::string_view(full_bill).substr(0, n));
    ASSERT_FALSE(r.ok()) << n;
    EXPECT_EQ(r.err().code, errc::invalid_argument);
  }
  EXPECT_EQ(message_of(std::string_view(full_bill).substr(0, 20)),
            "truncated JSON: unexpected end of input at byte offset 20");
}

TEST(bill_json, garbage_never_crashes) {
  std::string json = full_bill;
  unsigned state = 12345;
  for (int round = 0; round < 2000; ++round) {
    std::string mutated = json;
    for (int k = 0; k < 3; ++k) {
      state = state * 1103515245U + 12345U;
      const std::size_t at = (state >> 8) % mutated.size();
      state = state * 1103515245U + 12345U;
      mutated[at] = static_cast<char>(state >> 16);
    }
    auto r = parse_bill_json(mutated);
    if (!r.ok()) {
      EXPECT_EQ(r.err().code, errc::invalid_argument);
    }
  }
}

TEST(bill_json, large_input_uses_its_own_parser) {
  // > 1 MiB: many lines.
  std::string json = R"({"id": "B3", "person": {"id": "P3", "scheme": "resident"},
    "visit": {"type": "outpatient", "level": 1, "location": "local", "date": "2025-01-01"}, "lines": [)";
  const std::string one = R"({"code": "Z", "qty": "1", "price": "0.01", "amount": "0.01"})";
  const int count = 20'000;
  for (int i = 0; i < count; ++i) json += (i ? "," : "") + one;
  json += "]}";
  ASSERT_GT(json.size(), std::size_t{1} << 20);
  auto r = parse_bill_json(json);
  ASSERT_TRUE(r.ok()) << r.err().message;
  EXPECT_EQ(r.value().lines.size(), static_cast<std::size_t>(count));
  // The thread's parser still works afterwards.
  EXPECT_TRUE(parse_bill_json(minimal_bill).ok());
}

TEST(bill_json, parses_on_many_threads) {
  std::vector<std::thread> threads;
  std::vector<int> ok(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&ok, t] {
      for (int i = 0; i < 200; ++i) {
        auto a = parse_bill_json(full_bill);
        auto b = parse_bill_json(minimal_bill);
        if (a.ok() && b.ok() && a.value().id == "B1" && b.value().id == "B2") ++ok[t];
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(ok, std::vector<int>(4, 200));
}

// --- the bad-bill corpus: tests/data/bad_bills/NN_name.{json,expected} -------

auto read_file(const std::filesystem::path& p) -> std::string {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

auto bad_bill_names() -> std::vector<std::string> {
  std::vector<std::string> names;
  const std::filesystem::path dir = std::filesystem::path(YIBAO_SOURCE_DIR) / "tests/data/bad_bills";
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    if (e.path().extension() == ".json") names.push_back(e.path().stem().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

class bad_bill : public testing::TestWithParam<std::string> {};

TEST_P(bad_bill, is_rejected_with_the_expected_message) {
  const std::filesystem::path dir = std::filesystem::path(YIBAO_SOURCE_DIR) / "tests/data/bad_bills";
  const std::string json = read_file(dir / (GetParam() + ".json"));
  std::string expected = read_file(dir / (GetParam() + ".expected"));
  while (!expected.empty() && (expected.back() == '\n' || expected.back() == '\r')) expected.pop_back();
  ASSERT_FALSE(expected.empty()) << "missing " << GetParam() << ".expected";
  // Syntax is the reader's, the rest validate()'s (which settle runs): a
  // case with a .rule file reads and then fails validate (issue 11 item 1).
  auto parsed = parse_bill_json(json);
  const bool semantic = std::filesystem::exists(dir / (GetParam() + ".rule"));
  EXPECT_EQ(parsed.ok(), semantic) << (parsed.ok() ? "" : parsed.err().message);
  const error err = parsed.ok() ? validate(parsed.value()).err() : parsed.err();
  ASSERT_FALSE(parsed.ok() && validate(parsed.value()).ok());
  EXPECT_EQ(err.code, errc::invalid_argument);
  EXPECT_EQ(err.message, expected);
  // The message starts with the path, if there is one.
  if (!err.path.empty()) {
    EXPECT_EQ(err.message.rfind(err.path + ": ", 0), 0U);
  }
}

TEST(bill_json, corpus_has_at_least_twenty_cases) { EXPECT_GE(bad_bill_names().size(), 20U); }

INSTANTIATE_TEST_SUITE_P(bill_json, bad_bill, testing::ValuesIn(bad_bill_names()),
                         [](const testing::TestParamInfo<std::string>& info) { return info.param; });

}  // namespace
