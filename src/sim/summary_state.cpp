// A summary as exact integer text and back (summary_state, parse_summary_state).
//
// The text is whitespace-separated tokens: integers in decimal, a 128-bit
// sum as its two halves (high, low), a string as <bytes>:<bytes of text>,
// histogram buckets and share counts as sparse (index, count) pairs, and a
// few section names that catch a misaligned reader.
#include <fmt/format.h>

#include <charconv>

#include "yibao/simulate.hpp"

namespace yibao::sim {
namespace {

constexpr std::string_view magic = "yibao-summary";
constexpr int format_version = 1;

class writer {
 public:
  void word(std::string_view w) {
    if (!out_.empty()) out_ += ' ';
    out_ += w;
  }
  void num(std::uint64_t v) { word(fmt::format("{}", v)); }
  void num(std::int64_t v) { word(fmt::format("{}", v)); }
  void sum(fen_sum v) {
    num(v.high());
    num(v.low());
  }
  void text(std::string_view s) {
    word(fmt::format("{}:", s.size()));
    out_ += s;
  }
  void totals(const sim::totals& t) {
    for (const std::uint64_t v : {t.bills, t.lines, t.ineligible, t.unfiled}) num(v);
    for (const fen_sum& f : t.sum) sum(f);
  }
  // Sparse: the size, the number of nonzero counts, then (index, count) pairs.
  void counts(const std::vector<std::uint64_t>& c) {
    std::uint64_t nonzero = 0;
    for (const std::uint64_t v : c) nonzero += v != 0 ? 1 : 0;
    num(static_cast<std::uint64_t>(c.size()));
    num(nonzero);
    for (std::size_t i = 0; i < c.size(); ++i) {
      if (c[i] == 0) continue;
      num(static_cast<std::uint64_t>(i));
      num(c[i]);
    }
  }
  void list(const std::vector<std::uint64_t>& c) {
    num(static_cast<std::uint64_t>(c.size()));
    for (const std::uint64_t v : c) num(v);
  }
  void histogram(const sim::histogram& h) {
    num(h.n);
    sum(h.sum);
    num(h.max);
    counts(h.counts);
  }
  void scenario(const sim::scenario& s) {
    word("scenario");
    text(s.tariff_id);
    totals(s.all);
    for (const std::vector<sim::totals>& by : s.by) {
      num(static_cast<std::uint64_t>(by.size()));
      for (const sim::totals& t : by) totals(t);
    }
    histogram(s.patient_share);
    counts(s.share_bp);
    histogram(s.person_year_share);
    list(s.bills_above);
    list(s.person_years_above);
    for (const std::uint64_t v : s.cap_reached) num(v);
  }
  [[nodiscard]] auto take() -> std::string { return std::move(out_); }

 private:
  std::string out_;
};

/// Reads the tokens of `writer`; the first problem stops it and is kept.
class reader {
 public:
  explicit reader(std::string_view text) noexcept : text_{text} {}

  auto word() -> std::string_view {
    while (at_ < text_.size() && is_space(text_[at_])) ++at_;
    const std::size_t begin = at_;
    while (at_ < text_.size() && !is_space(text_[at_])) ++at_;
    if (begin == at_) fail("ends early");
    return text_.substr(begin, at_ - begin);
  }
  void expect(std::string_view w) {
    if (!failed() && word() != w) fail(fmt::format("expected \"{}\"", w));
  }
  template <typename Int>
  auto num() -> Int {
    if (failed()) return 0;
    const std::string_view w = word();
    Int v = 0;
    const auto [end, ec] = std::from_chars(w.data(), w.data() + w.size(), v);
    if (!failed() && (ec != std::errc{} || end != w.data() + w.size())) fail(fmt::format("\"{}\" is not a count", w));
    return v;
  }
  auto u64() -> std::uint64_t { return num<std::uint64_t>(); }
  /// A size of at most `max`; of a list written element by element (`dense`),
  /// also at most the text left.
  auto size(std::uint64_t max, bool dense = true) -> std::size_t {
    const std::uint64_t n = u64();
    if (!failed() && (n > max || (dense && n > text_.size() - at_))) fail(fmt::format("a list of {} is too long", n));
    return failed() ? 0 : static_cast<std::size_t>(n);
  }
  auto sum() -> fen_sum {
    const auto high = num<std::int64_t>();
    const auto low = num<std::uint64_t>();
    return fen_sum::from_parts(high, low);
  }
  auto text() -> std::string {
    if (failed()) return {};
    while (at_ < text_.size() && is_space(text_[at_])) ++at_;
    const std::size_t colon = text_.find(':', at_);
    std::size_t n = 0;
    if (colon == std::string_view::npos) {
      fail("a text is malformed");
      return {};
    }
    const auto [end, ec] = std::from_chars(text_.data() + at_, text_.data() + colon, n);
    if (ec != std::errc{} || end != text_.data() + colon || n > text_.size() - colon - 1) {
      fail("a text is malformed");
      return {};
    }
    at_ = colon + 1 + n;
    return std::string{text_.substr(colon + 1, n)};
  }
  void totals(sim::totals& t) {
    for (std::uint64_t* v : {&t.bills, &t.lines, &t.ineligible, &t.unfiled}) *v = u64();
    for (fen_sum& f : t.sum) f = sum();
  }
  // Dense counts of `size` (at most `max`) from (index, count) pairs.
  void counts(std::vector<std::uint64_t>& c, std::uint64_t max) {
    const std::size_t n = size(max, /*dense=*/false);
    const std::size_t nonzero = size(n);
    c.assign(n, 0);
    std::uint64_t last = 0;
    for (std::size_t k = 0; k < nonzero && !failed(); ++k) {
      const std::uint64_t i = u64();
      const std::uint64_t v = u64();
      if (!failed() && (i >= n || (k > 0 && i <= last) || v == 0)) fail("a count is out of place");
      if (!failed()) c[i] = v;
      last = i;
    }
  }
  void list(std::vector<std::uint64_t>& c) {
    c.assign(size(text_.size()), 0);
    for (std::uint64_t& v : c) v = u64();
  }
  void histogram(sim::histogram& h) {
    h.n = u64();
    h.sum = sum();
    h.max = num<std::int64_t>();
    counts(h.counts, sim::histogram::buckets);
    if (!h.counts.empty() && h.counts.size() != static_cast<std::size_t>(sim::histogram::buckets)) {
      fail("a histogram has the wrong number of buckets");
    }
    std::uint64_t n = 0;
    for (const std::uint64_t c : h.counts) n += c;
    if (!failed() && n != h.n) fail("a histogram's counts do not add up to its n");
  }
  void scenario(sim::scenario& s) {
    expect("scenario");
    s.tariff_id = text();
    totals(s.all);
    for (int d = 0; d < dimension_count; ++d) {
      s.by[d].resize(size(static_cast<std::uint64_t>(dimension_size(static_cast<dimension>(d)))));
      for (sim::totals& t : s.by[d]) totals(t);
    }
    histogram(s.patient_share);
    counts(s.share_bp, 10'001);
    histogram(s.person_year_share);
    list(s.bills_above);
    list(s.person_years_above);
    for (std::uint64_t& v : s.cap_reached) v = u64();
  }
  void end() {
    while (at_ < text_.size() && is_space(text_[at_])) ++at_;
    if (!failed() && at_ != text_.size()) fail("has trailing text");
  }

  [[nodiscard]] auto failed() const noexcept -> bool { return !problem_.empty(); }
  [[nodiscard]] auto problem() const -> const std::string& { return problem_; }
  void fail(std::string what) {
    if (problem_.empty()) problem_ = fmt::format("{} (at byte {})", what, at_);
  }

 private:
  static auto is_space(char c) noexcept -> bool { return c == ' ' || c == '\n'; }
  std::string_view text_;
  std::size_t at_ = 0;
  std::string problem_;
};

}  // namespace

auto summary_state(const summary& s) -> std::string {
  writer w;
  w.word(magic);
  w.num(static_cast<std::int64_t>(format_version));
  w.num(static_cast<std::uint64_t>(field_count));
  w.num(static_cast<std::int64_t>(s.partial ? 1 : 0));
  w.num(static_cast<std::int64_t>(s.stopped_at ? 1 : 0));
  if (s.stopped_at) {
    w.text(s.stopped_at->file);
    w.num(s.stopped_at->line);
    w.text(s.stopped_at->bill_id);
    w.text(s.stopped_at->person_id);
    w.text(s.stopped_at->reason);
  }
  for (const std::uint64_t v : {s.bills_read, s.settled, s.rejected, s.people, s.person_years, s.line_rows_read,
                                s.line_rows_orphan, s.bytes_read}) {
    w.num(v);
  }
  w.num(static_cast<std::uint64_t>(s.thresholds.size()));
  for (const money& t : s.thresholds) w.num(t.fen());
  w.scenario(s.base);
  w.num(static_cast<std::int64_t>(s.reform ? 1 : 0));
  if (s.reform) w.scenario(*s.reform);
  w.word("delta");
  for (const std::uint64_t v : {s.delta.more, s.delta.less, s.delta.same}) w.num(v);
  w.sum(s.delta.raised);
  w.sum(s.delta.lowered);
  return w.take() + '\n';
}

auto parse_summary_state(std::string_view text) -> result<summary> {
  reader r{text};
  summary s;
  r.expect(magic);
  if (!r.failed() && r.num<int>() != format_version) r.fail("another format version");
  if (!r.failed() && r.u64() != field_count) r.fail("another number of settlement fields");
  s.partial = r.num<int>() == 1;
  if (r.num<int>() == 1) {
    reject& at = s.stopped_at.emplace();
    at.file = r.text();
    at.line = r.u64();
    at.bill_id = r.text();
    at.person_id = r.text();
    at.reason = r.text();
  }
  for (std::uint64_t* v : {&s.bills_read, &s.settled, &s.rejected, &s.people, &s.person_years, &s.line_rows_read,
                           &s.line_rows_orphan, &s.bytes_read}) {
    *v = r.u64();
  }
  s.thresholds.resize(r.size(text.size()));
  for (money& t : s.thresholds) {
    const auto fen = r.num<std::int64_t>();
    if (!r.failed() && fen < 0) r.fail("a threshold is negative");
    t = money::from_fen(fen);
  }
  r.scenario(s.base);
  if (r.num<int>() == 1) r.scenario(s.reform.emplace());
  for (const scenario* sc : {&s.base, s.reform ? &*s.reform : nullptr}) {
    if (sc == nullptr) continue;
    for (const std::size_t n : {sc->bills_above.size(), sc->person_years_above.size()}) {
      if (!r.failed() && n != 0 && n != s.thresholds.size()) r.fail("counts above thresholds do not match them");
    }
  }
  r.expect("delta");
  for (std::uint64_t* v : {&s.delta.more, &s.delta.less, &s.delta.same}) *v = r.u64();
  s.delta.raised = r.sum();
  s.delta.lowered = r.sum();
  r.end();
  if (r.failed()) {
    return make_error(errc::invalid_argument, "", fmt::format("not a yibao summary state: {}", r.problem()));
  }
  return s;
}

}  // namespace yibao::sim
