// yibao simulate --sort: external merge sort of the inputs (see include/sim/sort.hpp);
// CSV inputs are read in sort_csv.cpp.
#include "sim/sort.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <system_error>

#include <fmt/format.h>

#include "formats/bill_json.hpp"
#include "output.hpp"
#include "sim/reader.hpp"

namespace yibao::sim {

// ---------------------------------------------------------------------------
// The key

auto sort_key_of(std::string_view line, std::string_view& person, std::string_view& date) -> bool {
  return io::bill_sort_key(line, person, date);
}

// ---------------------------------------------------------------------------
// Records, in memory and in run files

/// One record's index entry; also its header in a run file (then `begin` is
/// unused and the text follows).
struct sorted_input::entry {
  std::uint64_t line = 0;
  std::uint64_t begin = 0;  // into the chunk's text
  std::uint32_t len = 0;
  std::uint32_t origin = 0;
  std::uint32_t person_at = 0, person_len = 0, date_at = 0, date_len = 0;  // within the record
  std::uint32_t keyed = 0;  // 0: no key, sorts first (the parser rejects it with its message)
};

namespace {

using entry = sorted_input::entry;

auto less(const entry& a, const char* ta, const entry& b, const char* tb) -> bool {
  if (a.keyed != b.keyed) return a.keyed < b.keyed;
  if (a.keyed != 0) {
    const std::string_view pa{ta + a.person_at, a.person_len}, pb{tb + b.person_at, b.person_len};
    if (const int c = pa.compare(pb); c != 0) return c < 0;
    const std::string_view da{ta + a.date_at, a.date_len}, db{tb + b.date_at, b.date_len};
    if (const int c = da.compare(db); c != 0) return c < 0;
  }
  if (a.origin != b.origin) return a.origin < b.origin;
  return a.line < b.line;
}

auto write_record(std::FILE* f, const entry& e, const char* text) -> bool {
  return std::fwrite(&e, sizeof e, 1, f) == 1 && (e.len == 0 || std::fwrite(text, 1, e.len, f) == e.len);
}

struct file_closer {
  void operator()(std::FILE* f) const { std::fclose(f); }
};
using file_ptr = std::unique_ptr<std::FILE, file_closer>;

}  // namespace

struct sorted_input::run_reader {
  file_ptr f;
  entry head;
  std::string text;
  bool failed = false;
  std::vector<char> buf = std::vector<char>(std::size_t{1} << 16);

  auto advance() -> bool {
    if (std::fread(&head, sizeof head, 1, f.get()) != 1) {
      failed = std::ferror(f.get()) != 0;
      return false;
    }
    text.resize(head.len);
    if (head.len != 0 && std::fread(text.data(), 1, head.len, f.get()) != head.len) {
      failed = true;
      return false;
    }
    return true;
  }
};

struct sorted_input::merger {
  std::vector<std::unique_ptr<run_reader>> runs;
  std::vector<std::size_t> heap;
  std::optional<std::size_t> pending;  // served last: advanced on the next call

  [[nodiscard]] auto after(std::size_t a, std::size_t b) const -> bool {  // min-heap order
    return less(runs[b]->head, runs[b]->text.data(), runs[a]->head, runs[a]->text.data());
  }
  auto push(std::size_t k) -> void {
    heap.push_back(k);
    std::push_heap(heap.begin(), heap.end(), [this](std::size_t a, std::size_t b) { return after(a, b); });
  }

  auto open(const std::vector<std::filesystem::path>& paths) -> std::optional<std::string> {
    for (const auto& p : paths) {
      auto r = std::make_unique<run_reader>();
      r->f.reset(std::fopen(p.c_str(), "rb"));
      if (!r->f) return fmt::format("cannot read the sort run {}", p.string());
      std::setvbuf(r->f.get(), r->buf.data(), _IOFBF, r->buf.size());
      runs.push_back(std::move(r));
      if (runs.back()->advance()) {
        push(runs.size() - 1);
      } else if (runs.back()->failed) {
        return fmt::format("cannot read the sort run {}", p.string());
      }
    }
    return std::nullopt;
  }

  // 1 with `out` set (valid until the next call), 0 at the end, -1 on a read error.
  auto next(const run_reader*& out) -> int {
    if (pending) {
      const std::size_t k = *pending;
      pending.reset();
      if (runs[k]->advance()) {
        push(k);
      } else if (runs[k]->failed) {
        return -1;
      }
    }
    if (heap.empty()) return 0;
    std::pop_heap(heap.begin(), heap.end(), [this](std::size_t a, std::size_t b) { return after(a, b); });
    const std::size_t k = heap.back();
    heap.pop_back();
    pending = k;
    out = runs[k].get();
    return 1;
  }
};

// ---------------------------------------------------------------------------
// The sort

namespace {

constexpr std::size_t rejects_spool_limit = std::size_t{1} << 20;  // bytes of reject rows kept in memory

auto temporary(std::string message) -> sort_error { return sort_error{errc::io_error, true, std::move(message)}; }

auto interrupted() -> sort_error { return sort_error{errc::io_error, false, "interrupted", true}; }

// The run directory of the live sorted_input, for remove_sort_files_on_signal:
// an open descriptor, its path, and how many run-N files it may hold. One
// sorted_input at a time registers (simulate has one).
std::atomic<const void*> signal_owner{nullptr};
std::atomic<int> signal_dir_fd{-1};
std::atomic<std::size_t> signal_run_files{0};
char signal_dir_path[4096];

}  // namespace

void remove_sort_files_on_signal() noexcept {
  const int fd = signal_dir_fd.load();
  if (fd < 0) return;
  const std::size_t n = signal_run_files.load();
  for (std::size_t k = 0; k < n; ++k) {
    char name[32] = "run-";
    char digits[24];
    int len = 0;
    std::size_t v = k;
    do {
      digits[len++] = static_cast<char>('0' + v % 10);
      v /= 10;
    } while (v != 0);
    int at = 4;
    while (len > 0) name[at++] = digits[--len];
    name[at] = '\0';
    ::unlinkat(fd, name, 0);
  }
  ::unlinkat(fd, "rejects", 0);
  ::rmdir(signal_dir_path);
}

auto sorted_input::stopped() const -> bool { return stop_ != nullptr && stop_->load(std::memory_order_relaxed); }

sorted_input::sorted_input(std::filesystem::path tmp_parent, std::size_t budget, std::size_t fan_in)
    : parent_{std::move(tmp_parent)}, budget_{std::max<std::size_t>(budget, 1)}, fan_in_{std::max<std::size_t>(fan_in, 2)} {}

sorted_input::~sorted_input() {
  merge_.reset();  // close the run files first
  const void* self = this;
  if (signal_owner.load() == self) {
    const int fd = signal_dir_fd.exchange(-1);
    if (fd >= 0) ::close(fd);
    signal_owner.store(nullptr);
  }
  if (!dir_.empty()) {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
}

auto sorted_input::make_dir() -> bool {
  if (dir_.empty()) {
    std::string templ = (parent_ / "yibao-sort-XXXXXX").string();
    if (::mkdtemp(templ.data()) == nullptr) return false;
    dir_ = templ;
    const void* none = nullptr;
    if (templ.size() < sizeof signal_dir_path && signal_owner.compare_exchange_strong(none, this)) {
      std::memcpy(signal_dir_path, templ.c_str(), templ.size() + 1);
      signal_dir_fd.store(::open(templ.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    }
  }
  return true;
}

auto sorted_input::new_run_path() -> std::optional<std::filesystem::path> {
  if (!make_dir()) return std::nullopt;
  ++stats_.run_files;
  if (signal_owner.load() == static_cast<const void*>(this)) signal_run_files.store(file_seq_ + 1);
  return dir_ / fmt::format("run-{}", file_seq_++);
}

auto sorted_input::flush_chunk(bool last) -> std::optional<sort_error> {
  if (chunk_.empty() && !(last && runs_.empty())) return std::nullopt;
  stats_.max_chunk_bytes = std::max(stats_.max_chunk_bytes, text_.size() + chunk_.size() * sizeof(entry));
  const char* t = text_.data();
  std::sort(chunk_.begin(), chunk_.end(),
            [t](const entry& a, const entry& b) { return less(a, t + a.begin, b, t + b.begin); });
  ++stats_.runs;
  if (last && runs_.empty()) {  // everything fit: serve it from memory
    in_memory_ = true;
    return std::nullopt;
  }
  auto path = new_run_path();
  if (!path) return temporary(fmt::format("cannot create a temporary directory in {}", parent_.string()));
  file_ptr f{std::fopen(path->c_str(), "wb")};
  if (!f) return temporary(fmt::format("cannot write the sort run {}", path->string()));
  runs_.push_back(*path);
  for (const entry& e : chunk_) {
    if (!write_record(f.get(), e, t + e.begin)) return temporary(fmt::format("cannot write the sort run {}", path->string()));
  }
  if (std::fflush(f.get()) != 0) return temporary(fmt::format("cannot write the sort run {}", path->string()));
  chunk_.clear();
  text_.clear();
  return std::nullopt;
}

auto sorted_input::merge_pass() -> std::optional<sort_error> {
  const std::vector<std::filesystem::path> group(runs_.begin(), runs_.begin() + static_cast<std::ptrdiff_t>(fan_in_));
  merger m;
  if (auto e = m.open(group)) return temporary(*e);
  auto path = new_run_path();
  if (!path) return temporary(fmt::format("cannot create a temporary directory in {}", parent_.string()));
  file_ptr f{std::fopen(path->c_str(), "wb")};
  if (!f) return temporary(fmt::format("cannot write the sort run {}", path->string()));
  const run_reader* r = nullptr;
  int got = 0;
  std::uint64_t n = 0;
  while ((got = m.next(r)) > 0) {
    if ((++n & 0xFFF) == 0 && stopped()) return interrupted();
    if (!write_record(f.get(), r->head, r->text.data())) {
      return temporary(fmt::format("cannot write the sort run {}", path->string()));
    }
  }
  if (got < 0) return temporary("cannot read a sort run");
  if (std::fflush(f.get()) != 0) return temporary(fmt::format("cannot write the sort run {}", path->string()));
  runs_.erase(runs_.begin(), runs_.begin() + static_cast<std::ptrdiff_t>(fan_in_));
  runs_.push_back(*path);
  for (const auto& p : group) {
    std::error_code ec;
    std::filesystem::remove(p, ec);
  }
  return std::nullopt;
}

auto sorted_input::add(std::string_view text, std::uint32_t origin, std::uint64_t line) -> std::optional<sort_error> {
  if (stopped()) return interrupted();
  constexpr std::size_t per_record = sizeof(entry);
  if (!chunk_.empty() && text_.size() + text.size() + (chunk_.size() + 1) * per_record > budget_) {
    if (auto e = flush_chunk(false)) return e;
  }
  entry e;
  e.line = line;
  e.begin = text_.size();
  e.len = static_cast<std::uint32_t>(text.size());
  e.origin = origin;
  std::string_view person, date;
  if (sort_key_of(text, person, date)) {
    e.keyed = 1;
    e.person_at = static_cast<std::uint32_t>(person.data() - text.data());
    e.person_len = static_cast<std::uint32_t>(person.size());
    e.date_at = static_cast<std::uint32_t>(date.data() - text.data());
    e.date_len = static_cast<std::uint32_t>(date.size());
  }
  // Grow the buffers no further than the budget (one record may exceed it).
  if (text_.size() + text.size() > text_.capacity()) {
    text_.reserve(std::max(text_.size() + text.size(), std::min(budget_, 2 * text_.capacity() + 4096)));
  }
  if (chunk_.size() == chunk_.capacity()) {
    chunk_.reserve(std::max(chunk_.size() + 1, std::min(budget_ / per_record, 2 * chunk_.capacity() + 64)));
  }
  text_ += text;
  chunk_.push_back(e);
  ++stats_.records;
  record_bytes_ += text.size() + 1;
  return std::nullopt;
}

auto sorted_input::add_reject(sim::reject r, bool bill) -> std::optional<sort_error> {
  ++(bill ? stats_.csv_rejected : stats_.line_rows_orphan);
  sim::detail::append_reject_csv(rejects_, r);
  if (!first_reject_) first_reject_ = std::move(r);
  if (rejects_.size() < rejects_spool_limit) return std::nullopt;
  if (rejects_file_.empty()) {
    if (!make_dir()) return temporary(fmt::format("cannot create a temporary directory in {}", parent_.string()));
    rejects_file_ = dir_ / "rejects";
  }
  file_ptr f{std::fopen(rejects_file_.c_str(), "ab")};
  if (!f || std::fwrite(rejects_.data(), 1, rejects_.size(), f.get()) != rejects_.size() || std::fflush(f.get()) != 0) {
    return temporary(fmt::format("cannot write {}", rejects_file_.string()));
  }
  rejects_.clear();
  return std::nullopt;
}

auto sorted_input::write_rejects(const sim::write_fn& write) -> bool {
  if (!rejects_file_.empty()) {
    file_ptr f{std::fopen(rejects_file_.c_str(), "rb")};
    if (!f) return false;
    std::vector<char> buf(std::size_t{1} << 16);
    std::size_t got = 0;
    while ((got = std::fread(buf.data(), 1, buf.size(), f.get())) > 0) {
      if (!write(std::string_view{buf.data(), got})) return false;
    }
    if (std::ferror(f.get()) != 0) return false;
  }
  return rejects_.empty() || write(rejects_);
}

auto sorted_input::read_jsonl(const sim::input& in, std::uint32_t origin) -> std::optional<sort_error> {
  sim::detail::line_reader lines{&in.read};
  std::string_view line;
  while (lines.next(line)) {
    if (lines.overlong()) {  // rejected as an unsorted run rejects it
      if (auto e = add_reject(sim::reject{in.name, lines.line_no(), "", "", sim::detail::overlong_reason()}, true)) {
        return e;
      }
      continue;
    }
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;  // blank: skipped anyway
    if (auto e = add(line, origin, lines.line_no())) return e;
  }
  stats_.bytes_read += lines.bytes();
  if (lines.failed()) return sort_error{errc::io_error, false, fmt::format("cannot read {}", in.name)};
  return std::nullopt;
}

auto sorted_input::prepare(const std::vector<sim::input>& inputs) -> std::optional<sort_error> {
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    const sim::input& in = inputs[i];
    names_.push_back(in.name);
    const auto origin = static_cast<std::uint32_t>(i);
    const bool csv = in.format == sim::input_format::csv;
    if (!in.read || (csv && !in.read_lines)) {
      return sort_error{errc::invalid_argument, false, fmt::format("input {} has no reader", in.name)};
    }
    if (auto e = csv ? read_csv(in, origin) : read_jsonl(in, origin)) return e;
  }
  if (stopped()) return interrupted();
  if (auto e = flush_chunk(true)) return e;
  if (in_memory_) return std::nullopt;
  while (runs_.size() > fan_in_) {
    if (auto e = merge_pass()) return e;
  }
  if (stopped()) return interrupted();
  merge_ = std::make_unique<merger>();
  if (auto e = merge_->open(runs_)) return temporary(*e);
  return std::nullopt;
}

auto sorted_input::next(sim::sourced_record& out) -> int {
  if (in_memory_) {
    if (served_ >= chunk_.size()) return 0;
    const entry& e = chunk_[served_++];
    out.text = std::string_view{text_.data() + e.begin, e.len};
    out.origin = e.origin;
    out.line = e.line;
    return 1;
  }
  if (!merge_) return 0;
  const run_reader* r = nullptr;
  const int got = merge_->next(r);
  if (got <= 0) return got;
  out.text = r->text;
  out.origin = r->head.origin;
  out.line = r->head.line;
  return 1;
}

auto sorted_input::input() -> sim::input {
  sim::input in;
  in.format = sim::input_format::jsonl;
  in.name = "<sorted input>";
  in.origins = names_;
  in.size = record_bytes_;
  in.next = [this](sim::sourced_record& out) { return next(out); };
  return in;
}

namespace {

/// Both `run_sorted`s: `under` is the tariff or the versions.
template <typename Tariffs>
auto run_sorted_under(const Tariffs& under, const catalog& items, sorted_input& sorted, const sim::options& opts)
    -> result<sim::summary> {
  if (opts.strict && sorted.first_reject()) {  // --strict: stop before settling anything
    sim::summary s;
    s.stopped_at = sorted.first_reject();
    return s;
  }
  auto r = sim::run(under, items, {sorted.input()}, opts);
  if (!r || r.value().stopped_at) return r;
  sim::summary s = std::move(r).value();
  if (opts.write_rejects && !sorted.write_rejects(opts.write_rejects)) {
    return make_error(errc::io_error, "", "cannot write the rejects");
  }
  const sort_stats& st = sorted.stats();
  s.rejected += st.csv_rejected;
  s.bills_read += st.csv_rejected;
  s.line_rows_read += st.line_rows_read;
  s.line_rows_orphan += st.line_rows_orphan;
  s.bytes_read = st.bytes_read;
  return s;
}

}  // namespace

auto run_sorted(const tariff& base, const catalog& items, sorted_input& sorted, const sim::options& opts)
    -> result<sim::summary> {
  return run_sorted_under(base, items, sorted, opts);
}

auto run_sorted(const tariff_set& versions, const catalog& items, sorted_input& sorted, const sim::options& opts)
    -> result<sim::summary> {
  return run_sorted_under(versions, items, sorted, opts);
}

}  // namespace yibao::sim
