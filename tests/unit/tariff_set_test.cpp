// tariff_set: the version of a place's tariff in force on a date, and the
// diagnostics of the validity windows (src/tariff/tariff_set.cpp), on
// tariffs built in code.
#include "yibao/tariff_set.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <string>

#include "yibao/yibao.hpp"

namespace {

using yibao::date;
using yibao::diagnostic;
using yibao::severity;
using yibao::source_location;

auto day(int y, int m, int d) -> date {
  return date{static_cast<std::int16_t>(y), static_cast<std::int8_t>(m), static_cast<std::int8_t>(d)};
}

// The id of the version in force on `on`, or "" when none is.
auto id_in_force(const yibao::tariff_set& s, date on) -> std::string {
  const auto i = s.pick(on);
  return i ? s.versions()[*i].info.id : std::string{};
}

auto version(const std::string& id, date from, date to, const std::string& place = "Test city") -> yibao::tariff {
  yibao::tariff t;
  t.info.id = id;
  t.info.place = place;
  t.info.valid_from = from;
  t.info.valid_to = to;
  t.file = id + ".toml";
  t.info.origin.where = source_location{t.file, 2, 1};
  return t;
}

/// valid_from on line 6, valid_to on line 7 of the version's file.
auto keys(const std::string& id) -> yibao::window_origin {
  return {source_location{id + ".toml", 6, 1}, source_location{id + ".toml", 7, 1}};
}

auto contiguous() -> yibao::tariff_set {
  yibao::tariff_set s;
  // Added out of order: the set orders versions by valid_from.
  s.add(version("v2025", day(2025, 1, 1), day(2025, 12, 31)), keys("v2025"));
  s.add(version("v2024", day(2024, 1, 1), day(2024, 12, 31)), keys("v2024"));
  return s;
}

TEST(tariff_set, versions_are_ordered_by_valid_from) {
  const auto s = contiguous();
  ASSERT_EQ(s.size(), 2U);
  EXPECT_EQ(s.versions()[0].info.id, "v2024");
  EXPECT_EQ(s.versions()[1].info.id, "v2025");
  EXPECT_EQ(s.window_of(1).valid_from.to_string(), "v2025.toml:6:1");
}

TEST(tariff_set, pick_the_version_in_force_both_ends_inclusive) {
  const auto s = contiguous();
  EXPECT_EQ(id_in_force(s, day(2024, 1, 1)), "v2024");
  EXPECT_EQ(id_in_force(s, day(2024, 12, 31)), "v2024");
  EXPECT_EQ(id_in_force(s, day(2025, 1, 1)), "v2025");
  EXPECT_EQ(id_in_force(s, day(2025, 12, 31)), "v2025");
}

TEST(tariff_set, pick_nothing_outside_every_window) {
  const auto s = contiguous();
  EXPECT_EQ(s.pick(day(2023, 12, 31)), std::nullopt);
  EXPECT_EQ(s.pick(day(2026, 1, 1)), std::nullopt);
  EXPECT_EQ(yibao::tariff_set{}.pick(day(2025, 6, 1)), std::nullopt);
}

TEST(tariff_set, pick_in_a_gap_is_nothing) {
  yibao::tariff_set s = contiguous();
  s.add(version("v2026", day(2026, 3, 1), day(2026, 12, 31)), keys("v2026"));
  EXPECT_EQ(s.pick(day(2026, 2, 28)), std::nullopt);
  EXPECT_EQ(id_in_force(s, day(2026, 3, 1)), "v2026");
}

TEST(tariff_set, overlapping_versions_pick_the_latest_start) {
  yibao::tariff_set s = contiguous();
  s.add(version("mid", day(2024, 7, 1), day(2025, 6, 30)), keys("mid"));
  EXPECT_EQ(id_in_force(s, day(2024, 6, 30)), "v2024");
  EXPECT_EQ(id_in_force(s, day(2024, 7, 1)), "mid");
  // v2025 starts after mid: it supersedes mid from its first day.
  EXPECT_EQ(id_in_force(s, day(2025, 1, 1)), "v2025");
}

TEST(tariff_set, contiguous_windows_are_clean) { EXPECT_TRUE(contiguous().check_windows().empty()); }

TEST(tariff_set, a_gap_is_a_warning_at_valid_from) {
  yibao::tariff_set s = contiguous();
  s.add(version("v2026", day(2026, 3, 1), day(2026, 12, 31)), keys("v2026"));
  const auto ds = s.check_windows();
  ASSERT_EQ(ds.size(), 1U);
  EXPECT_EQ(ds[0].level, severity::warning);
  EXPECT_EQ(ds[0].to_string(),
            "v2026.toml:6:1: warning: tariff.valid_from: expected 2026-01-01, the day after valid_to 2025-12-31 of "
            "v2025 at v2025.toml:7:1, found 2026-03-01 (a gap: no version covers bills from 2026-01-01 up to it)");
}

TEST(tariff_set, an_overlap_is_an_error_naming_the_other_version) {
  yibao::tariff_set s = contiguous();
  s.add(version("mid", day(2024, 7, 1), day(2025, 6, 30)), keys("mid"));
  const auto ds = s.check_windows();
  ASSERT_EQ(ds.size(), 2U);
  EXPECT_EQ(ds[0].to_string(),
            "mid.toml:6:1: error: tariff.valid_from: expected a date after valid_to 2024-12-31 of v2024 at "
            "v2024.toml:7:1 (versions must not overlap), found 2024-07-01");
  EXPECT_EQ(ds[1].to_string(),
            "v2025.toml:6:1: error: tariff.valid_from: expected a date after valid_to 2025-06-30 of mid at "
            "mid.toml:7:1 (versions must not overlap), found 2025-01-01");
}

TEST(tariff_set, a_version_inside_a_longer_one_overlaps_and_the_next_is_checked_against_the_longer) {
  yibao::tariff_set s;
  s.add(version("long", day(2024, 1, 1), day(2025, 12, 31)), keys("long"));
  s.add(version("inner", day(2024, 3, 1), day(2024, 4, 30)), keys("inner"));
  s.add(version("next", day(2026, 1, 1), day(2026, 12, 31)), keys("next"));
  const auto ds = s.check_windows();
  ASSERT_EQ(ds.size(), 1U);  // next follows long's end: no gap after inner
  EXPECT_EQ(ds[0].level, severity::error);
  EXPECT_EQ(ds[0].where.to_string(), "inner.toml:6:1");
}

TEST(tariff_set, another_place_is_an_error) {
  yibao::tariff_set s = contiguous();
  s.add(version("other", day(2026, 1, 1), day(2026, 12, 31), "Other city"));
  const auto ds = s.check_windows();
  ASSERT_EQ(ds.size(), 1U);
  EXPECT_EQ(ds[0].to_string(),
            "other.toml:2:1: error: tariff.place: expected the place \"Test city\" of v2024.toml, found \"Other city\"");
}

TEST(tariff_set, without_key_positions_the_tariff_table_is_named) {
  yibao::tariff_set s;
  s.add(version("a", day(2024, 1, 1), day(2024, 12, 31)));
  s.add(version("b", day(2024, 6, 1), day(2025, 12, 31)));
  const auto ds = s.check_windows();
  ASSERT_EQ(ds.size(), 1U);
  EXPECT_EQ(ds[0].where.to_string(), "b.toml:2:1");
}


}  // namespace

// Issue #11 item 2: loading the versions of a place is a library function of
// the tariff layer (it was assembled in the CLI, so only `estimate` had it);
// every problem comes back as a diagnostic, nothing is printed.
namespace {
auto source(const std::string& rel) -> std::string { return std::string(YIBAO_SOURCE_DIR) + "/" + rel; }
}  // namespace

TEST(Issue11_Item2_LoadTariffSet, LoadsVersionsAndPicksByDate) {
  std::vector<diagnostic> warnings;
  // A directory: 2024 and 2026, both extending the 2025 file.
  auto set = yibao::load_tariff_set({source("tests/data/versions")}, &warnings);
  ASSERT_TRUE(set) << set.err().message;
  ASSERT_EQ(set.value().size(), 2U);
  EXPECT_EQ(id_in_force(set.value(), day(2024, 6, 15)), "yingkou-2024");
  EXPECT_EQ(id_in_force(set.value(), day(2026, 6, 15)), "yingkou-2026");
  EXPECT_EQ(set.value().pick(day(2025, 6, 15)), std::nullopt);  // the gap between them
  // The windows' positions come from the files; the gap is a warning.
  EXPECT_EQ(set.value().window_of(0).valid_from.line, 6U);
  ASSERT_EQ(warnings.size(), 1U);
  EXPECT_EQ(warnings[0].level, severity::warning);
}

TEST(Issue11_Item2_LoadTariffSet, AFileAnotherExtendsIsABaseLayerNotAVersion) {
  auto set = yibao::load_tariff_set(
      {source("tariffs/liaoning/yingkou-2025.toml"), source("tests/data/versions/yingkou-2024.toml")});
  ASSERT_TRUE(set) << set.err().message;
  ASSERT_EQ(set.value().size(), 1U);
  EXPECT_EQ(set.value().versions()[0].info.id, "yingkou-2024");
}

TEST(Issue11_Item2_LoadTariffSet, MissingPathIsAnIoErrorWithoutFile) {
  auto set = yibao::load_tariff_set({source("tests/data/versions/no-such-version.toml")});
  ASSERT_FALSE(set);
  EXPECT_EQ(set.err().code, yibao::errc::io_error);
  ASSERT_EQ(set.err().diagnostics.size(), 1U);
  EXPECT_TRUE(set.err().diagnostics[0].where.file.empty());
  EXPECT_EQ(set.err().diagnostics[0].message, "cannot read tariff " + source("tests/data/versions/no-such-version.toml"));
}

TEST(Issue11_Item2_LoadTariffSet, OverlappingVersionsAreAnInvalidArgument) {
  // The same version twice: two policies for every date of 2024.
  auto set = yibao::load_tariff_set(
      {source("tests/data/versions/yingkou-2024.toml"), source("tests/data/versions/./yingkou-2024.toml")});
  ASSERT_FALSE(set);
  EXPECT_EQ(set.err().code, yibao::errc::invalid_argument);
  ASSERT_FALSE(set.err().diagnostics.empty());
  EXPECT_EQ(set.err().diagnostics[0].key_path, "tariff.valid_from");
}

// Issue #11 item 2: the C API and Python settle against a set through the
// tariff layer's settle(const tariff_set&, ...), which picks the version in
// force with in_force(): one place for the choice and its out_of_range message.
namespace {

auto yingkou_bill(const std::string& date) -> yibao::bill {
  std::ifstream in(source("tests/cli/inputs/yingkou-2024.json"), std::ios::binary);
  std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  const std::string from = "\"date\": \"2024-06-15\"";
  text.replace(text.find(from), from.size(), "\"date\": \"" + date + "\"");
  auto b = yibao::parse_bill_json(text);
  EXPECT_TRUE(b) << b.err().message;
  return std::move(b).value();
}

auto sample_catalog() -> yibao::catalog {
  auto text = yibao::read_input_file(source("tariffs/catalog/sample-catalog.csv"), yibao::input_kind::catalog);
  auto c = yibao::parse_catalog_csv(text.value(), "sample-catalog.csv");
  EXPECT_TRUE(c) << c.err().message;
  return std::move(c).value();
}

}  // namespace

TEST(Issue11_Item2_TariffSetSettle, InForceNamesTheDateWhenNoVersionIs) {
  const yibao::tariff_set s = contiguous();
  auto v = s.in_force(day(2025, 12, 31));
  ASSERT_TRUE(v) << v.err().message;
  EXPECT_EQ(v.value()->info.id, "v2025");
  auto none = s.in_force(day(2026, 1, 1));
  ASSERT_FALSE(none);
  EXPECT_EQ(none.err().code, yibao::errc::out_of_range);
  EXPECT_EQ(none.err().path, "visit.date");
  EXPECT_EQ(none.err().message, "visit.date: no tariff version is in force on 2026-01-01");
}

TEST(Issue11_Item2_TariffSetSettle, SettlesUnderTheVersionInForce) {
  auto set = yibao::load_tariff_set({source("tests/data/versions")});
  ASSERT_TRUE(set) << set.err().message;
  const yibao::catalog c = sample_catalog();
  const yibao::bill b = yingkou_bill("2024-06-15");
  auto s = yibao::settle(set.value(), c, b);
  ASSERT_TRUE(s) << s.err().message;
  auto one = yibao::settle(set.value().versions()[0], c, b);
  ASSERT_TRUE(one) << one.err().message;
  EXPECT_EQ(yibao::to_json(s.value()), yibao::to_json(one.value()));
  EXPECT_EQ(s.value().tariff_id, "yingkou-2024");
  // The totals given, not the bill's own, are where the year starts.
  yibao::ytd before;
  before.hifp_paid = yibao::money::from_fen(100);
  auto carried = yibao::settle(set.value(), c, b, before);
  ASSERT_TRUE(carried) << carried.err().message;
  EXPECT_EQ(carried.value().ytd_after.hifp_paid.fen(), s.value().ytd_after.hifp_paid.fen() + 100);

  auto gap = yibao::settle(set.value(), c, yingkou_bill("2025-06-15"));
  ASSERT_FALSE(gap);
  EXPECT_EQ(gap.err().code, yibao::errc::out_of_range);
  EXPECT_EQ(gap.err().message, "visit.date: no tariff version is in force on 2025-06-15");
}

TEST(Issue11_Item2_TariffSetSettle, ABadBillGetsValidatesErrorWhateverItsDate) {
  auto set = yibao::load_tariff_set({source("tests/data/versions")});
  ASSERT_TRUE(set) << set.err().message;
  yibao::bill b = yingkou_bill("2023-06-15");
  b.at.level = 9;
  const auto valid = yibao::validate(b);
  ASSERT_FALSE(valid);
  auto s = yibao::settle(set.value(), sample_catalog(), b);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.err().code, yibao::errc::invalid_argument);
  EXPECT_EQ(s.err().message, valid.err().message);
  EXPECT_EQ(s.err().path, "visit.level");
}
