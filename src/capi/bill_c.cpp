// yibao_bill_c -> yibao::bill: a conversion only. It checks what the C
// structs can hold and the bill cannot: strings present (non-NULL) and valid
// UTF-8, integers that fit the bill's enums and dates, and the number of
// lines (before allocating them). The bill contract's rules (ranges, amount
// == qty x price, ...) are yibao::validate()'s, which settle() runs, with the
// JSON field paths and messages of every other entry point.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <iterator>
#include <optional>
#include <string>

#include "capi_internal.hpp"
#include "formats/text.hpp"
#include "core/field_path.hpp"
#include "yibao/bill.hpp"
#include "yibao/fields.hpp"

namespace yibao::capi {
namespace {

using path = detail::field_path;

auto bad(const path& at, std::string message) -> error {
  return make_error(errc::invalid_argument, at.str(), std::move(message));
}

/// A required (or optional, if `required` is false) NUL-terminated UTF-8 string.
auto read_text(const char* in, const path& at, bool required, std::string& out) -> std::optional<error> {
  if (in == nullptr) {
    if (required) return bad(at, "is NULL");
    out.clear();
    return std::nullopt;
  }
  const std::string_view text{in};
  if (const std::size_t byte = io::first_invalid_utf8(text); byte != text.size()) {
    return bad(at, "invalid UTF-8 at byte " + std::to_string(byte));
  }
  out.assign(text);
  return std::nullopt;
}

// An enum value that fits the bill's byte; validate() checks it against
// `count`, named here only for a value the byte cannot hold.
auto read_enum(std::int32_t v, int count, const path& at, std::uint8_t& out) -> std::optional<error> {
  if (v < 0 || v > 0xFF) {
    return bad(at, "must be between 0 and " + std::to_string(count - 1) + ", found " + std::to_string(v));
  }
  out = static_cast<std::uint8_t>(v);
  return std::nullopt;
}

template <typename E>
auto read_enum_as(std::int32_t v, int count, const path& at, E& out) -> std::optional<error> {
  std::uint8_t raw = 0;
  if (auto e = read_enum(v, count, at, raw)) return e;
  out = static_cast<E>(raw);
  return std::nullopt;
}

auto read_money(std::int64_t fen, money& out) -> void { out = money::from_fen(fen); }

auto read_date(const yibao_date_c& d, const path& at, date& out) -> std::optional<error> {
  const bool plausible = d.year >= 1 && d.year <= 9999 && d.month >= 1 && d.month <= 12 && d.day >= 1 && d.day <= 31;
  std::optional<date> parsed;
  if (plausible) {
    char text[16];
    std::snprintf(text, sizeof text, "%04d-%02d-%02d", static_cast<int>(d.year), static_cast<int>(d.month),
                  static_cast<int>(d.day));
    parsed = parse_date(text);
  }
  if (!parsed) {
    return bad(at, std::to_string(d.year) + "-" + std::to_string(d.month) + "-" + std::to_string(d.day) +
                         " is not a valid date");
  }
  out = *parsed;
  return std::nullopt;
}

auto read_person(const yibao_person_c& in, person& out) -> std::optional<error> {
  if (auto e = read_text(in.id, path{"person", "id"}, true, out.id)) return e;
  if (auto e = read_enum_as(in.scheme, scheme_count, path{"person", "scheme"}, out.scheme_)) return e;
  if (auto e = read_enum_as(in.status, status_count, path{"person", "status"}, out.status_)) return e;
  if (auto e = read_enum_as(in.group, group_count, path{"person", "group"}, out.group_)) return e;
  if (auto e = read_enum_as(in.coverage, 3, path{"person", "coverage"}, out.coverage_)) return e;
  read_money(in.account_balance_fen, out.account_balance);
  if (in.rejoined.year != 0 || in.rejoined.month != 0 || in.rejoined.day != 0) {
    date d;
    if (auto e = read_date(in.rejoined, path{"person", "rejoined"}, d)) return e;
    out.rejoined = d;
  }
  return std::nullopt;
}

auto read_visit(const yibao_visit_c& in, visit& out) -> std::optional<error> {
  if (auto e = read_enum_as(in.type, visit_type_count, path{"visit", "type"}, out.type)) return e;
  out.level = in.level;
  if (auto e = read_enum_as(in.location, location_count, path{"visit", "location"}, out.where)) return e;
  if (in.filing != YIBAO_FILING_NONE) {
    if (auto e = read_enum_as(in.filing, filing_count, path{"visit", "filing"}, out.filed)) return e;
  }
  out.admission = in.admission;
  if (auto e = read_date(in.date, path{"visit", "date"}, out.on)) return e;
  if (auto e = read_text(in.disease, path{"visit", "disease"}, false, out.disease)) return e;
  if (in.transfer_from_level != YIBAO_ABSENT) out.transfer_from_level = in.transfer_from_level;
  return std::nullopt;
}

auto read_ytd(const yibao_ytd_c& in, ytd& out) -> std::optional<error> {
  // yibao_ytd_c's members, in the order of the field table.
  const std::int64_t fen[] = {in.deductible_paid_fen, in.hifp_paid_fen,  in.hifmi_paid_fen,
                              in.hifob_paid_fen,      in.maf_paid_fen,   in.hifp_base_fen,
                              in.hifmi_base_fen,      in.hifob_base_fen, in.maf_base_fen};
  static_assert(sizeof fen / sizeof fen[0] == ytd_fields.size(), "yibao_ytd_c must follow ytd_fields");
  for (std::size_t i = 0; i < ytd_fields.size(); ++i) {
    read_money(fen[i], out.*ytd_fields[i].member);
  }
  return std::nullopt;
}

// The person's and visit's facts of version 2 (defaults for version 1).
auto read_facts(const yibao_bill_c& in, bill& b) -> std::optional<error> {
  person& p = b.who;
  if (in.birth_date.year != 0 || in.birth_date.month != 0 || in.birth_date.day != 0) {
    date d;
    if (auto e = read_date(in.birth_date, path{"person", "birth_date"}, d)) return e;
    p.birth_date = d;
  }
  p.tier = in.tier;
  p.family_doctor = in.family_doctor != 0;
  if (in.chronic_count > max_chronic) {  // a bound on memory, worded as validate() words it
    return bad(path{"person", "chronic"},
               std::to_string(in.chronic_count) + " codes exceed the limit " + std::to_string(max_chronic));
  }
  if (in.chronic == nullptr && in.chronic_count > 0) return bad(path{"person", "chronic"}, "is NULL");
  p.chronic.resize(in.chronic_count);
  for (std::size_t i = 0; i < in.chronic_count; ++i) {
    if (auto e = read_text(in.chronic[i], path{"person.chronic", "", i}, true, p.chronic[i])) return e;
  }
  p.enrolled_years = in.enrolled_years;
  p.claim_free_years = in.claim_free_years;
  p.lapsed_years = in.lapsed_years;
  p.back_paid_years = in.back_paid_years;
  read_money(in.account_earlier_fen, p.account_earlier);
  read_money(in.family_account_fen, p.family_account);
  b.at.contracted = in.contracted != 0;
  b.at.unfiled_before = in.unfiled_before;
  return std::nullopt;
}

auto read_pools(const yibao_bill_c& in, ytd& out) -> std::optional<error> {
  if (in.pool_count > max_pool_totals) {  // a bound on memory, worded as validate() words it
    return bad(path{"ytd", "pools"},
               std::to_string(in.pool_count) + " pools exceed the limit " + std::to_string(max_pool_totals));
  }
  if (in.pools == nullptr && in.pool_count > 0) return bad(path{"ytd", "pools"}, "is NULL");
  out.pools.resize(in.pool_count);
  for (std::size_t i = 0; i < in.pool_count; ++i) {
    const yibao_pool_total_c& t = in.pools[i];
    pool_total& o = out.pools[i];
    if (auto e = read_text(t.pool, path{"ytd.pools", "pool", i}, true, o.pool)) return e;
    if (t.period_from.year != 0 || t.period_from.month != 0 || t.period_from.day != 0) {
      if (auto e = read_date(t.period_from, path{"ytd.pools", "period_from", i}, o.period_from)) return e;
    }
    read_money(t.deductible_paid_fen, o.deductible_paid);
    read_money(t.paid_fen, o.paid);
    read_money(t.base_fen, o.base);
  }
  return std::nullopt;
}

auto read_line(const yibao_line_c& in, std::size_t index, line& out) -> std::optional<error> {
  const auto at = [index](const char* field) { return path{"lines", field, index}; };
  if (auto e = read_text(in.code, at("code"), true, out.code)) return e;
  if (auto e = read_text(in.name, at("name"), false, out.name)) return e;
  if (in.item_class != YIBAO_CLASS_NONE) {
    item_class c = item_class::C;
    if (auto e = read_enum_as(in.item_class, 3, at("class"), c)) return e;
    out.cls = c;
  }
  if (in.selfpay_ratio_ppm != YIBAO_ABSENT) out.selfpay_ratio = ratio::from_ppm(in.selfpay_ratio_ppm);
  if (in.price_limit_micro != YIBAO_ABSENT) out.price_limit = price{in.price_limit_micro};
  out.qty = quantity{in.qty_ten_thousandths};
  out.unit_price = price{in.price_micro};
  read_money(in.amount_fen, out.amount);
  return std::nullopt;
}

}  // namespace

/// The layout of each version of yibao_bill_c and its yibao_line_c array,
/// from 1 (yibao.h "Versioned structs"): an older program's smaller structs
/// are read with the fields they lack at their defaults.
struct bill_layout {
  std::size_t bill_size;
  std::size_t line_size;
};
// Version 1 ended with line_count; version 2 appended the facts and pools.
constexpr std::size_t bill_v1_size = offsetof(yibao_bill_c, line_count) + sizeof(std::size_t);
static_assert(offsetof(yibao_bill_c, birth_date) == bill_v1_size, "version 2 starts right after version 1");
constexpr bill_layout bill_layouts[] = {{bill_v1_size, sizeof(yibao_line_c)},
                                        {sizeof(yibao_bill_c), sizeof(yibao_line_c)}};
static_assert(std::size(bill_layouts) == YIBAO_BILL_VERSION);

auto bill_struct_size(unsigned version) noexcept -> std::size_t { return bill_layouts[version - 1].bill_size; }

auto bill_from_c(const yibao_bill_c& given) -> result<bill> {
  if (auto e = check_struct_version(given.version, YIBAO_BILL_VERSION, "YIBAO_BILL_VERSION", "version")) {
    return std::move(*e);
  }
  const bill_layout layout = bill_layouts[given.version - 1];
  yibao_bill_c defaults;
  (void)yibao_bill_init(&defaults);
  const yibao_bill_c in = upgraded(&given, layout.bill_size, defaults);
  yibao_line_c line_defaults;
  (void)yibao_line_init(&line_defaults);
  const auto* line_bytes = reinterpret_cast<const unsigned char*>(in.lines);
  auto line_at = [&](std::size_t i) -> yibao_line_c {
    return upgraded(line_bytes + i * layout.line_size, layout.line_size, line_defaults);
  };
  bill b;
  if (auto e = read_text(in.id, path{"", "id"}, true, b.id)) return std::move(*e);
  if (auto e = read_person(in.person, b.who)) return std::move(*e);
  if (auto e = read_visit(in.visit, b.at)) return std::move(*e);
  if (auto e = read_ytd(in.ytd, b.totals)) return std::move(*e);
  if (in.line_count > max_bill_lines) {  // the limit of every bill reader, before allocating
    return bad(path{"", "lines"},
               std::to_string(in.line_count) + " lines exceed the limit " + std::to_string(max_bill_lines));
  }
  if (auto e = read_facts(in, b)) return std::move(*e);
  if (auto e = read_pools(in, b.totals)) return std::move(*e);
  if (in.lines == nullptr && in.line_count > 0) return bad(path{"", "lines"}, "is NULL");
  b.lines.resize(in.line_count);
  for (std::size_t i = 0; i < in.line_count; ++i) {
    if (auto e = read_line(line_at(i), i, b.lines[i])) return std::move(*e);
  }
  return b;
}

}  // namespace yibao::capi
