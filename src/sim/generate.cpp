// Synthetic populations for bulk simulation (yibao::sim::generate).
//
// Integer arithmetic only (a splitmix64 stream per person, skewed values from
// a fixed table of log-normal quantiles), so the same options give the same
// bytes everywhere. The mixes are plausible, not calibrated to any city: most
// people are local, residents outnumber employees, a minority live elsewhere
// on a long-term filing, most visits are outpatient at low levels, a few
// inpatient bills are very large.
#include <array>
#include <charconv>
#include <string_view>
#include <vector>

#include <fmt/ranges.h>

#include <fmt/format.h>

#include "core/decimal_text.hpp"
#include "sim/reader.hpp"
#include "yibao/simulate.hpp"

namespace yibao::sim {
namespace {

// exp(z) x 1000 at the midpoints of 64 equal-probability slices of N(0,1).
constexpr std::array<std::int64_t, 64> lognormal{
    89,   137,  172,  202,  229,  255,  280,  304,  329,  352,  376,  400,  424,  448,  472,  497,
    522,  547,  573,  600,  627,  655,  683,  712,  742,  773,  805,  838,  872,  907,  943,  981,
    1020, 1061, 1103, 1147, 1194, 1242, 1294, 1347, 1404, 1464, 1527, 1595, 1667, 1744, 1827, 1916,
    2012, 2117, 2233, 2360, 2501, 2659, 2838, 3044, 3284, 3570, 3920, 4364, 4958, 5822, 7297, 11218};

class rng {
 public:
  explicit rng(std::uint64_t seed) : s_{seed} {}
  auto next() -> std::uint64_t {
    std::uint64_t z = (s_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  /// Uniform in [0, n).
  auto below(std::uint64_t n) -> std::uint64_t {
    return static_cast<std::uint64_t>((static_cast<unsigned __int128>(next()) * n) >> 64);
  }
  auto chance(int permille) -> bool { return below(1000) < static_cast<std::uint64_t>(permille); }
  /// An index drawn with the given weights.
  template <std::size_t N>
  auto pick(const std::array<int, N>& weights) -> int {
    int total = 0;
    for (const int w : weights) total += w;
    auto x = static_cast<int>(below(static_cast<std::uint64_t>(total)));
    for (std::size_t i = 0; i < N; ++i) {
      if (x < weights[i]) return static_cast<int>(i);
      x -= weights[i];
    }
    return static_cast<int>(N) - 1;
  }
  /// Log-normal around `median` (sigma 1, or about 1.4 when `wide`).
  auto skewed(std::int64_t median, bool wide = false) -> std::int64_t {
    std::int64_t v = median * lognormal[below(64)] / 1000;
    if (wide) v = v * lognormal[below(64)] / 1000;
    return v;
  }

 private:
  std::uint64_t s_;
};

auto mix(std::uint64_t a, std::uint64_t b) -> std::uint64_t {
  rng r{a ^ (b * 0xd1b54a32d192ed03ULL)};
  r.next();
  return r.next();
}

struct gen_line {
  std::string code;
  char cls = 'A';
  std::int64_t selfpay_ppm = -1, limit_micro = -1, qty = 0, price_micro = 0, amount_fen = 0;
};

struct gen_bill {
  std::string id;
  visit_type type = visit_type::outpatient;
  int level = 1;
  location where = location::local;
  filing filed = filing::long_term;
  int admission = 1;
  date on;
  std::string disease;
  int transfer_from = -1;
  std::vector<gen_line> lines;
};

struct gen_person {
  std::string id;
  scheme sch = scheme::resident;
  status st = status::active;
  group grp = group::none;
  coverage cov = coverage::active;
  std::int64_t account_fen = 0;
  bool lives_elsewhere = false;
  bool chronic = false;
  // The facts, from a stream of their own (so the rest is as before they were
  // added): birth date, tier (residents), chronic diseases held.
  date born;
  int tier = 0;
  bool woman = false;
  std::vector<std::string_view> diseases;
};

auto day_of_year(int year, int day) -> date {
  return add_days(date{static_cast<std::int16_t>(year), 1, 1}, day);
}

auto make_person(rng& r, std::uint64_t index) -> gen_person {
  gen_person p;
  p.id = fmt::format("P{:08}", index + 1);
  p.sch = r.chance(360) ? scheme::employee : scheme::resident;
  if (p.sch == scheme::employee) {
    p.st = r.chance(270) ? status::retired : status::active;
    p.account_fen = r.skewed(300'000, true);
  }
  p.grp = static_cast<group>(r.pick(std::array<int, 5>{920, 30, 8, 22, 20}));
  p.cov = static_cast<coverage>(r.pick(std::array<int, 3>{980, 13, 7}));
  p.lives_elsewhere = r.chance(p.st == status::retired ? 150 : 60);
  p.chronic = r.chance(p.st == status::retired ? 350 : 100);
  return p;
}

// The person's facts from their own stream `f`: an age of 0 to 95 on the
// first day of `first_year` (retirees 60 and over, active employees 18 to
// 59), born in the year before it so that no visit precedes the birth.
void make_facts(rng& f, int first_year, gen_person& p) {
  int age = 0;
  if (p.st == status::retired) {
    age = 60 + static_cast<int>(f.below(36));
  } else if (p.sch == scheme::employee) {
    age = 18 + static_cast<int>(f.below(42));
  } else {
    age = static_cast<int>(f.below(96));
  }
  const int year = first_year - 1 - age;
  p.born = day_of_year(year, static_cast<int>(f.below(static_cast<std::uint64_t>(days_in_year(year)))));
  if (p.sch == scheme::resident) p.tier = f.chance(700) ? 1 : 2;
  p.woman = f.chance(500);
  if (p.chronic) {
    const int which = f.pick(std::array<int, 3>{450, 350, 200});  // I10, E11, both
    if (which != 1) p.diseases.push_back("I10");
    if (which != 0) p.diseases.push_back("E11");
  }
}

void make_line(rng& r, const gen_bill& b, bool huge, gen_line& l) {
  const bool inpatient = b.type == visit_type::inpatient;
  const int kind = huge ? 4 : r.pick(std::array<int, 4>{inpatient ? 450 : 650, 150, inpatient ? 250 : 150, inpatient ? 150 : 50});
  static constexpr std::array<char, 5> prefix{'D', 'E', 'S', 'M', 'K'};
  l.code = fmt::format("{}{:05}", prefix[kind], r.below(kind == 0 ? 3000 : 800));
  static constexpr std::array<std::array<int, 3>, 5> classes{
      {{500, 400, 100}, {600, 350, 50}, {800, 150, 50}, {100, 550, 350}, {0, 800, 200}}};
  l.cls = static_cast<char>('A' + r.pick(classes[kind]));
  if (l.cls == 'B' && r.chance(300)) {
    static constexpr std::array<std::int64_t, 4> ratios{50'000, 100'000, 200'000, 300'000};
    l.selfpay_ppm = ratios[r.below(4)];
  }
  switch (kind) {
    case 0:  // drugs: packs, or pills at a four-decimal unit price
      if (r.chance(200)) {
        l.qty = static_cast<std::int64_t>(10 + r.below(51)) * 10'000;
        l.price_micro = std::max<std::int64_t>(1, r.skewed(15'000)) * 100;
      } else {
        l.qty = r.chance(100) ? 5'000 : static_cast<std::int64_t>(1 + r.below(inpatient ? 6 : 3)) * 10'000;
        l.price_micro = std::max<std::int64_t>(10, r.skewed(2'500)) * 10'000;
      }
      break;
    case 1: l.qty = 10'000, l.price_micro = std::max<std::int64_t>(500, r.skewed(8'000)) * 10'000; break;
    case 2:
      l.qty = static_cast<std::int64_t>(1 + (inpatient ? r.below(10) : 0)) * 10'000;
      l.price_micro = std::max<std::int64_t>(200, r.skewed(3'000)) * 10'000;
      break;
    case 3:
      l.qty = static_cast<std::int64_t>(1 + r.below(3)) * 10'000;
      l.price_micro = std::max<std::int64_t>(100, r.skewed(inpatient && r.chance(30) ? 1'500'000 : 15'000)) * 10'000;
      break;
    default:  // a very large item: surgery, implant
      l.qty = 10'000;
      l.price_micro = r.skewed(5'000'000, true) * 10'000 + 100'000'000;
      break;
  }
  if (!inpatient && kind != 4 && l.price_micro >= 30'000) {
    l.price_micro = l.price_micro / 30'000 * 10'000;  // outpatient items cost about a third
  }
  if ((kind == 1 || kind == 3) && r.chance(150)) l.limit_micro = l.price_micro / 1000 * static_cast<std::int64_t>(900 + r.below(200));
  l.amount_fen = extend(quantity{l.qty}, price{l.price_micro}, rounding::half_up).fen();
}

void make_bills(rng& r, const gen_person& p, int year, std::vector<gen_bill>& out) {
  out.clear();
  const int outpatient = static_cast<int>(std::min<std::int64_t>(40, r.skewed(3'000, true) / 1000));
  const int inpatient = r.pick(std::array<int, 4>{840, 120, 30, 10});
  const int chronic = p.chronic ? static_cast<int>(4 + r.below(9)) : 0;
  const int days = days_in_year(year);
  for (int k = 0; k < outpatient + inpatient + chronic; ++k) {
    gen_bill b;
    b.type = k < outpatient ? visit_type::outpatient : k < outpatient + inpatient ? visit_type::inpatient
                                                                                    : visit_type::chronic;
    b.on = day_of_year(year, static_cast<int>(r.below(static_cast<std::uint64_t>(days))));
    out.push_back(std::move(b));
  }
  std::stable_sort(out.begin(), out.end(), [](const gen_bill& a, const gen_bill& b) { return a.on < b.on; });
  int admission = 0;
  for (std::size_t k = 0; k < out.size(); ++k) {
    gen_bill& b = out[k];
    b.id = fmt::format("B{}-{}-{:03}", p.id.substr(1), year, k + 1);
    const bool inpatient = b.type == visit_type::inpatient;
    b.level = r.pick(inpatient ? std::array<int, 4>{50, 150, 400, 400} : std::array<int, 4>{350, 200, 250, 200});
    if (inpatient) b.admission = ++admission;
    if (inpatient && b.level == 3 && r.chance(50)) b.transfer_from = 2;
    if (b.type == visit_type::chronic) {
      const bool first = r.chance(500);  // drawn whatever the list, so the stream is as before
      b.disease = p.diseases.size() == 1 ? p.diseases[0] : first ? "I10" : "E11";
    }
    if (p.lives_elsewhere ? r.chance(850) : r.chance(50)) {
      b.where = r.chance(600) ? location::cross_province : location::cross_city;
      b.filed = p.lives_elsewhere ? static_cast<filing>(r.pick(std::array<int, 5>{800, 50, 30, 20, 100}))
                                  : static_cast<filing>(r.pick(std::array<int, 5>{100, 200, 300, 250, 150}));
    }
    const bool huge = inpatient && r.chance(10);
    const std::int64_t n = inpatient ? std::clamp<std::int64_t>(r.skewed(40'000) / 1000, 5, 200)
                                     : std::clamp<std::int64_t>(r.skewed(12'000) / 1000, 1, 60);
    b.lines.resize(static_cast<std::size_t>(n) + (huge ? 1 : 0));
    for (std::size_t i = 0; i < b.lines.size(); ++i) make_line(r, b, huge && i == 0, b.lines[i]);
  }
}

// With generate_options::more_visit_types, from the facts' stream: some
// outpatient visits become day surgery (1.5%) or, for women aged 20 to 40 at
// the visit, maternity (10% of theirs, about 1% of all visits).
void more_visit_types(rng& f, const gen_person& p, std::vector<gen_bill>& bills) {
  for (gen_bill& b : bills) {
    if (b.type != visit_type::outpatient) continue;
    const int age = b.on.year - p.born.year - (b.on.month < p.born.month ||
                                               (b.on.month == p.born.month && b.on.day < p.born.day) ? 1 : 0);
    if (f.chance(15)) {
      b.type = visit_type::day_surgery;
    } else if (p.woman && age >= 20 && age <= 40 && f.chance(100)) {
      b.type = visit_type::maternity;
    }
  }
}

void write_jsonl(std::string& out, const gen_person& p, const gen_bill& b) {
  out += fmt::format(R"({{"id":"{}","person":{{"id":"{}","scheme":"{}","status":"{}","group":"{}","coverage":"{}")",
                     b.id, p.id, to_string(p.sch), to_string(p.st), to_string(p.grp), to_string(p.cov));
  if (p.sch == scheme::employee) {
    out += R"(,"account_balance":")";
    append_decimal_trimmed(out, p.account_fen, 2, 2);
    out += '"';
  }
  out += fmt::format(R"(,"birth_date":"{}")", p.born.to_string());
  if (p.tier != 0) out += fmt::format(R"(,"tier":{})", p.tier);
  if (!p.diseases.empty()) out += fmt::format(R"(,"chronic":["{}"])", fmt::join(p.diseases, R"(",")"));
  out += fmt::format(R"(}},"visit":{{"type":"{}","level":{},"location":"{}")", to_string(b.type), b.level,
                     to_string(b.where));
  if (b.where != location::local) out += fmt::format(R"(,"filing":"{}")", to_string(b.filed));
  if (b.type == visit_type::inpatient) out += fmt::format(R"(,"admission":{})", b.admission);
  out += fmt::format(R"(,"date":"{}")", b.on.to_string());
  if (!b.disease.empty()) out += fmt::format(R"(,"disease":"{}")", b.disease);
  if (b.transfer_from >= 0) out += fmt::format(R"(,"transfer_from_level":{})", b.transfer_from);
  out += R"(},"lines":[)";
  for (std::size_t i = 0; i < b.lines.size(); ++i) {
    const gen_line& l = b.lines[i];
    out += i == 0 ? R"({"code":")" : R"(,{"code":")";
    out += l.code;
    out += R"(","class":")";
    out += l.cls;
    if (l.selfpay_ppm >= 0) {
      out += R"(","selfpay_ratio":")";
      append_decimal_trimmed(out, l.selfpay_ppm, 6, 2);
    }
    if (l.limit_micro >= 0) {
      out += R"(","price_limit":")";
      append_decimal_trimmed(out, l.limit_micro, 6, 2);
    }
    out += R"(","qty":")";
    append_decimal_trimmed(out, l.qty, 4, 0);
    out += R"(","price":")";
    append_decimal_trimmed(out, l.price_micro, 6, 2);
    out += R"(","amount":")";
    append_decimal_trimmed(out, l.amount_fen, 2, 2);
    out += R"("})";
  }
  out += "]}\n";
}

void write_csv(std::string& bills, std::string& lines, const gen_person& p, const gen_bill& b) {
  bills += fmt::format("{},{},{},{},{},{},", b.id, p.id, to_string(p.sch), to_string(p.st), to_string(p.grp),
                       to_string(p.cov));
  if (p.sch == scheme::employee) append_decimal_trimmed(bills, p.account_fen, 2, 2);
  bills += fmt::format(",{},{},{},{},", to_string(b.type), b.level, to_string(b.where),
                       b.where != location::local ? to_string(b.filed) : "");
  if (b.type == visit_type::inpatient) bills += std::to_string(b.admission);
  bills += fmt::format(",{},{},", b.on.to_string(), b.disease);
  if (b.transfer_from >= 0) bills += std::to_string(b.transfer_from);
  // The facts last (the columns before them are as they were).
  bills += fmt::format(",{},", p.born.to_string());
  if (p.tier != 0) bills += std::to_string(p.tier);
  bills += fmt::format(",{}\n", fmt::join(p.diseases, ";"));
  for (const gen_line& l : b.lines) {
    lines += b.id;
    lines += ',';
    lines += l.code;
    lines += ',';
    lines += l.cls;
    lines += ',';
    if (l.selfpay_ppm >= 0) append_decimal_trimmed(lines, l.selfpay_ppm, 6, 2);
    lines += ',';
    if (l.limit_micro >= 0) append_decimal_trimmed(lines, l.limit_micro, 6, 2);
    lines += ',';
    append_decimal_trimmed(lines, l.qty, 4, 0);
    lines += ',';
    append_decimal_trimmed(lines, l.price_micro, 6, 2);
    lines += ',';
    append_decimal_trimmed(lines, l.amount_fen, 2, 2);
    lines += '\n';
  }
}

}  // namespace

auto generate(const generate_options& o, const write_fn& bills, const write_fn& lines) -> bool {
  const bool csv = o.format == input_format::csv;
  std::string bill_text, line_text;
  if (csv) {
    bill_text =
        "bill_id,person_id,scheme,status,group,coverage,account_balance,visit_type,level,location,filing,admission,"
        "date,disease,transfer_from_level,birth_date,tier,chronic\n";
    line_text = "bill_id,code,class,selfpay_ratio,price_limit,qty,price,amount\n";
  }
  std::vector<gen_bill> year_bills;
  for (std::uint64_t i = 0; i < o.people; ++i) {
    rng r{mix(o.seed, i)};
    gen_person p = make_person(r, i);
    rng facts{mix(o.seed ^ 0x5fac75ULL, i)};
    make_facts(facts, o.first_year, p);
    for (int y = 0; y < o.years; ++y) {
      make_bills(r, p, o.first_year + y, year_bills);
      if (o.more_visit_types) more_visit_types(facts, p, year_bills);
      for (const gen_bill& b : year_bills) {
        if (csv) {
          write_csv(bill_text, line_text, p, b);
        } else {
          write_jsonl(bill_text, p, b);
        }
      }
    }
    if (bill_text.size() > (1U << 20) || line_text.size() > (1U << 20)) {
      if (!bills(bill_text) || (csv && !lines(line_text))) return false;
      bill_text.clear();
      line_text.clear();
    }
  }
  if (!bill_text.empty() && !bills(bill_text)) return false;
  if (csv && !line_text.empty() && !lines(line_text)) return false;
  return true;
}

auto generate_text(const generate_options& opts) -> std::pair<std::string, std::string> {
  std::string bills, lines;
  // In-memory sinks never fail, so neither does generate().
  (void)generate(
      opts,
      [&bills](std::string_view t) {
        bills += t;
        return true;
      },
      [&lines](std::string_view t) {
        lines += t;
        return true;
      });
  return {std::move(bills), std::move(lines)};
}

}  // namespace yibao::sim
