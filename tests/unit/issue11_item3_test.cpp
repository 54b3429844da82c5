// Issue 11 item 3: one table of settlement and year-to-date fields, read by
// every writer (settlement JSON, C API getters, simulate output and summary,
// bill readers). Each test walks the table, so a field added to it is
// checked everywhere without touching this file.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "sim_fixture.hpp"
#include "yibao/fields.hpp"
#include "yibao/yibao.h"

namespace {

using namespace sim_test;

// A settlement whose every money field and ytd total has its own value.
auto distinct_settlement() -> yibao::settlement {
  yibao::settlement s;
  s.bill_id = "b1";
  s.tariff_id = "t";
  std::int64_t fen = 101;
  for (const yibao::settlement_field& f : yibao::settlement_fields) s.*f.member = yibao::money::from_fen(fen++);
  for (const yibao::ytd_field& f : yibao::ytd_fields) s.ytd_after.*f.member = yibao::money::from_fen(fen++);
  return s;
}

TEST(Issue11_Item3, table_names_are_unique_and_members_distinct) {
  std::set<std::string_view> names;
  for (const yibao::settlement_field& f : yibao::settlement_fields) {
    EXPECT_TRUE(names.insert(f.name).second) << f.name;
    EXPECT_FALSE(f.meaning.empty()) << f.name;
    EXPECT_EQ(yibao::find_settlement_field(f.name), &f) << f.name;
  }
  for (const yibao::ytd_field& f : yibao::ytd_fields) {
    EXPECT_FALSE(f.meaning.empty()) << f.name;
    EXPECT_EQ(yibao::find_ytd_field(f.name), &f) << f.name;
  }
  // Every member of the struct appears once: writing each through the table
  // gives distinct values (checked by reading them back).
  const yibao::settlement s = distinct_settlement();
  std::set<std::int64_t> seen;
  for (const yibao::settlement_field& f : yibao::settlement_fields) EXPECT_TRUE(seen.insert((s.*f.member).fen()).second);
  for (const yibao::ytd_field& f : yibao::ytd_fields) EXPECT_TRUE(seen.insert((s.ytd_after.*f.member).fen()).second);
}

TEST(Issue11_Item3, every_field_in_to_json_in_table_order) {
  const yibao::settlement s = distinct_settlement();
  const std::string json = yibao::to_json(s);
  std::size_t last = 0;
  for (const yibao::settlement_field& f : yibao::settlement_fields) {
    const std::string kv = "\"" + std::string{f.name} + "\":\"" + (s.*f.member).to_string() + "\"";
    const std::size_t at = json.find(kv);
    ASSERT_NE(at, std::string::npos) << kv << " in " << json;
    EXPECT_GT(at, last) << f.name << " out of table order";
    last = at;
    // The outcome fields come after eligibility, the others before it.
    EXPECT_EQ(at > json.find("\"eligible\":"), f.part == yibao::field_part::outcome) << f.name;
  }
  const std::size_t ytd = json.find("\"ytd\":{");
  ASSERT_NE(ytd, std::string::npos);
  for (const yibao::ytd_field& f : yibao::ytd_fields) {
    const std::string kv = "\"" + std::string{f.name} + "\":\"" + (s.ytd_after.*f.member).to_string() + "\"";
    EXPECT_NE(json.find(kv, ytd), std::string::npos) << kv;
  }
}

TEST(Issue11_Item3, every_field_through_the_c_getter) {
  // A real settlement through the C API: every table name is a getter name
  // and returns the C++ value.
  yibao_tariff* t = nullptr;
  ASSERT_EQ(yibao_tariff_load_file(data_path("tariff.toml").c_str(), &t), YIBAO_OK) << yibao_last_error();
  const std::string bill =
      R"({"id":"b1","person":{"id":"p1","scheme":"employee","status":"active"},)"
      R"("visit":{"type":"inpatient","level":3,"location":"local","date":"2025-03-01"},)"
      R"("lines":[{"code":"X","class":"A","qty":"1","price":"12345.67","amount":"12345.67"}]})";
  yibao_settlement* s = nullptr;
  ASSERT_EQ(yibao_settle_json(t, nullptr, bill.data(), bill.size(), nullptr, &s), YIBAO_OK) << yibao_last_error();
  char* json = nullptr;
  ASSERT_EQ(yibao_settlement_json(s, &json, nullptr), YIBAO_OK);
  const std::string text{json};
  yibao_free(json);
  for (const yibao::settlement_field& f : yibao::settlement_fields) {
    const std::string name{f.name};
    std::int64_t fen = -1;
    ASSERT_EQ(yibao_settlement_get_fen(s, name.c_str(), &fen), YIBAO_OK) << name << ": " << yibao_last_error();
    EXPECT_NE(text.find("\"" + name + "\":\"" + yibao::money::from_fen(fen).to_string() + "\""), std::string::npos)
        << name;
  }
  for (const yibao::ytd_field& f : yibao::ytd_fields) {
    const std::string name = "ytd." + std::string{f.name};
    std::int64_t fen = -1;
    ASSERT_EQ(yibao_settlement_get_fen(s, name.c_str(), &fen), YIBAO_OK) << name << ": " << yibao_last_error();
  }
  std::int64_t fen = 0;
  EXPECT_EQ(yibao_settlement_get_fen(s, "ytd.medfee_sumamt", &fen), YIBAO_ENOTFOUND);
  EXPECT_EQ(yibao_settlement_get_fen(s, "deductible_paid", &fen), YIBAO_ENOTFOUND);
  yibao_settlement_free(s);
  yibao_tariff_free(t);
}

TEST(Issue11_Item3, every_field_in_simulate_output_and_summary) {
  const yibao::tariff t = load_tariff();
  const yibao::catalog c;
  const auto [bills, lines] = yibao::sim::generate_text({.people = 20, .seed = 3});
  std::string out;
  yibao::sim::options o;
  o.threads = 1;
  o.out = yibao::sim::output_format::csv;
  o.write_settlements = [&out](std::string_view text) {
    out += text;
    return true;
  };
  auto r = yibao::sim::run(t, c, {jsonl_input(bills)}, o);
  ASSERT_TRUE(r) << r.err().message;
  const std::string header = out.substr(0, out.find('\n'));
  const std::string summary_json = yibao::sim::to_json(r.value());
  const std::string summary_text = yibao::sim::to_text(r.value());
  std::size_t last = 0;
  for (std::size_t i = 0; i < yibao::settlement_fields.size(); ++i) {
    const yibao::settlement_field& f = yibao::settlement_fields[i];
    const std::size_t at = header.find("," + std::string{f.name});
    ASSERT_NE(at, std::string::npos) << f.name << " in " << header;
    EXPECT_GT(at, last) << f.name;
    last = at;
    EXPECT_NE(summary_json.find("\"" + std::string{f.name} + "\":\"" + yibao::sim::format_fen(r.value().base.all.sum[i]) +
                                "\""),
              std::string::npos)
        << f.name;
    EXPECT_NE(summary_text.find("\n" + std::string{f.name} + " "), std::string::npos) << f.name;
    EXPECT_EQ(r.value().base.all[f.member], r.value().base.all.sum[i]);
  }
}

TEST(Issue11_Item3, bill_json_reads_every_ytd_field) {
  std::string ytd;
  std::int64_t fen = 1;
  for (const yibao::ytd_field& f : yibao::ytd_fields) {
    ytd += (ytd.empty() ? "" : ",") + std::string{"\""} + std::string{f.name} + "\":\"" +
           yibao::money::from_fen(fen++).to_string() + "\"";
  }
  const std::string bill = R"({"id":"b1","person":{"id":"p1","scheme":"employee","status":"active"},)"
                           R"("visit":{"type":"outpatient","level":1,"location":"local","date":"2025-03-01"},)"
                           R"("ytd":{)" + ytd + R"(},"lines":[{"code":"X","class":"A","qty":"1","price":"1","amount":"1"}]})";
  const auto b = yibao::parse_bill_json(bill);
  ASSERT_TRUE(b) << b.err().message;
  fen = 1;
  for (const yibao::ytd_field& f : yibao::ytd_fields) EXPECT_EQ((b.value().totals.*f.member).fen(), fen++) << f.name;
}

}  // namespace
