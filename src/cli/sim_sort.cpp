// yibao simulate --sort: external merge sort of JSON Lines (see sim_sort.hpp).
#include "cli/sim_sort.hpp"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <system_error>

#include <fmt/format.h>

namespace yibao::cli {

// ---------------------------------------------------------------------------
// The key

namespace {

// Just enough of JSON to find two members without decoding anything else.
class scanner {
 public:
  explicit scanner(std::string_view s) : s_{s} {}

  auto string(std::string_view& out) -> bool {
    ws();
    if (i_ >= s_.size() || s_[i_] != '"') return false;
    const std::size_t begin = ++i_;
    while (i_ < s_.size()) {
      if (s_[i_] == '\\') {
        i_ += 2;
        continue;
      }
      if (s_[i_] == '"') {
        out = s_.substr(begin, i_ - begin);
        ++i_;
        return true;
      }
      ++i_;
    }
    return false;
  }

  auto skip() -> bool {
    ws();
    if (i_ >= s_.size()) return false;
    const char c = s_[i_];
    std::string_view ignored;
    if (c == '"') return string(ignored);
    if (c == '{' || c == '[') {
      int depth = 0;
      while (i_ < s_.size()) {
        const char ch = s_[i_];
        if (ch == '"') {
          if (!string(ignored)) return false;
          continue;
        }
        if (ch == '{' || ch == '[') {
          ++depth;
        } else if ((ch == '}' || ch == ']') && --depth == 0) {
          ++i_;
          return true;
        }
        ++i_;
      }
      return false;
    }
    while (i_ < s_.size() && std::strchr(",}] \t\r\n", s_[i_]) == nullptr) ++i_;
    return true;
  }

  // Calls on_member(key) at each member's value; it returns true if it read
  // the value, false to have it skipped.
  template <class F>
  auto members(F&& on_member) -> bool {
    ws();
    if (i_ >= s_.size() || s_[i_] != '{') return false;
    ++i_;
    ws();
    if (i_ < s_.size() && s_[i_] == '}') {
      ++i_;
      return true;
    }
    for (;;) {
      std::string_view key;
      if (!string(key)) return false;
      ws();
      if (i_ >= s_.size() || s_[i_] != ':') return false;
      ++i_;
      if (!on_member(key) && !skip()) return false;
      ws();
      if (i_ >= s_.size()) return false;
      if (s_[i_] == ',') {
        ++i_;
        continue;
      }
      if (s_[i_] != '}') return false;
      ++i_;
      return true;
    }
  }

 private:
  void ws() {
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\t' || s_[i_] == '\r' || s_[i_] == '\n')) ++i_;
  }
  std::string_view s_;
  std::size_t i_ = 0;
};

}  // namespace

auto sort_key_of(std::string_view line, std::string_view& person, std::string_view& date) -> bool {
  scanner sc{line};
  bool have_person = false, have_date = false;
  auto inner = [&](std::string_view want, std::string_view& out, bool& have) {
    return [&, want](std::string_view key) {
      if (key != want) return false;
      have = sc.string(out);
      return have;
    };
  };
  const bool ok = sc.members([&](std::string_view key) {
    if (key == "person") return sc.members(inner("id", person, have_person));
    if (key == "visit") return sc.members(inner("date", date, have_date));
    return false;
  });
  return ok && have_person && have_date;
}

// ---------------------------------------------------------------------------
// Records, in memory and in run files

/// One record's index entry; also its header in a run file (then `begin` is
/// unused and the text follows).
struct sorted_jsonl::entry {
  std::uint64_t line = 0;
  std::uint64_t begin = 0;  // into the chunk's text
  std::uint32_t len = 0;
  std::uint32_t origin = 0;
  std::uint32_t person_at = 0, person_len = 0, date_at = 0, date_len = 0;  // within the record
  std::uint32_t keyed = 0;  // 0: no key, sorts first (the parser rejects it with its message)
};

namespace {

using entry = sorted_jsonl::entry;

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

struct sorted_jsonl::run_reader {
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

struct sorted_jsonl::merger {
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

sorted_jsonl::sorted_jsonl(std::filesystem::path tmp_parent, std::size_t budget, std::size_t fan_in)
    : parent_{std::move(tmp_parent)}, budget_{std::max<std::size_t>(budget, 1)}, fan_in_{std::max<std::size_t>(fan_in, 2)} {}

sorted_jsonl::~sorted_jsonl() {
  merge_.reset();  // close the run files first
  if (!dir_.empty()) {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
}

auto sorted_jsonl::new_run_path() -> std::optional<std::filesystem::path> {
  if (dir_.empty()) {
    std::string templ = (parent_ / "yibao-sort-XXXXXX").string();
    if (::mkdtemp(templ.data()) == nullptr) return std::nullopt;
    dir_ = templ;
  }
  ++stats_.run_files;
  return dir_ / fmt::format("run-{}", file_seq_++);
}

auto sorted_jsonl::flush_chunk(bool last) -> std::optional<std::string> {
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
  if (!path) return fmt::format("cannot create a temporary directory in {}", parent_.string());
  file_ptr f{std::fopen(path->c_str(), "wb")};
  if (!f) return fmt::format("cannot write the sort run {}", path->string());
  runs_.push_back(*path);
  for (const entry& e : chunk_) {
    if (!write_record(f.get(), e, t + e.begin)) return fmt::format("cannot write the sort run {}", path->string());
  }
  if (std::fflush(f.get()) != 0) return fmt::format("cannot write the sort run {}", path->string());
  chunk_.clear();
  text_.clear();
  return std::nullopt;
}

auto sorted_jsonl::merge_pass() -> std::optional<std::string> {
  const std::vector<std::filesystem::path> group(runs_.begin(), runs_.begin() + static_cast<std::ptrdiff_t>(fan_in_));
  merger m;
  if (auto e = m.open(group)) return e;
  auto path = new_run_path();
  if (!path) return fmt::format("cannot create a temporary directory in {}", parent_.string());
  file_ptr f{std::fopen(path->c_str(), "wb")};
  if (!f) return fmt::format("cannot write the sort run {}", path->string());
  const run_reader* r = nullptr;
  int got = 0;
  while ((got = m.next(r)) > 0) {
    if (!write_record(f.get(), r->head, r->text.data())) return fmt::format("cannot write the sort run {}", path->string());
  }
  if (got < 0) return std::string{"cannot read a sort run"};
  if (std::fflush(f.get()) != 0) return fmt::format("cannot write the sort run {}", path->string());
  runs_.erase(runs_.begin(), runs_.begin() + static_cast<std::ptrdiff_t>(fan_in_));
  runs_.push_back(*path);
  for (const auto& p : group) {
    std::error_code ec;
    std::filesystem::remove(p, ec);
  }
  return std::nullopt;
}

auto sorted_jsonl::prepare(const std::vector<sim::input>& inputs) -> std::optional<std::string> {
  const std::size_t per_record = sizeof(entry);
  auto add = [&](std::string_view line, std::uint32_t origin, std::uint64_t line_no) -> std::optional<std::string> {
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) return std::nullopt;  // blank: skipped anyway
    if (!chunk_.empty() && text_.size() + line.size() + (chunk_.size() + 1) * per_record > budget_) {
      if (auto e = flush_chunk(false)) return e;
    }
    entry e;
    e.line = line_no;
    e.begin = text_.size();
    e.len = static_cast<std::uint32_t>(line.size());
    e.origin = origin;
    std::string_view person, date;
    if (sort_key_of(line, person, date)) {
      e.keyed = 1;
      e.person_at = static_cast<std::uint32_t>(person.data() - line.data());
      e.person_len = static_cast<std::uint32_t>(person.size());
      e.date_at = static_cast<std::uint32_t>(date.data() - line.data());
      e.date_len = static_cast<std::uint32_t>(date.size());
    }
    // Grow the buffers no further than the budget (one record may exceed it).
    if (text_.size() + line.size() > text_.capacity()) {
      text_.reserve(std::max(text_.size() + line.size(), std::min(budget_, 2 * text_.capacity() + 4096)));
    }
    if (chunk_.size() == chunk_.capacity()) {
      chunk_.reserve(std::max(chunk_.size() + 1, std::min(budget_ / per_record, 2 * chunk_.capacity() + 64)));
    }
    text_ += line;
    chunk_.push_back(e);
    ++stats_.records;
    return std::nullopt;
  };

  std::vector<char> buf(std::size_t{1} << 20);
  std::string pending;
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    const sim::input& in = inputs[i];
    names_.push_back(in.name);
    if (in.format != sim::input_format::jsonl || !in.read) return fmt::format("{}: --sort takes JSON Lines inputs only", in.name);
    const auto origin = static_cast<std::uint32_t>(i);
    std::uint64_t line_no = 0;
    pending.clear();
    for (;;) {
      const std::ptrdiff_t got = in.read(buf.data(), buf.size());
      if (got < 0) return fmt::format("cannot read {}", in.name);
      if (got == 0) break;
      std::string_view data{buf.data(), static_cast<std::size_t>(got)};
      while (!data.empty()) {
        const std::size_t nl = data.find('\n');
        if (nl == std::string_view::npos) {
          pending.append(data);
          break;
        }
        std::optional<std::string> e;
        if (pending.empty()) {
          e = add(data.substr(0, nl), origin, ++line_no);
        } else {
          pending.append(data.substr(0, nl));
          e = add(pending, origin, ++line_no);
          pending.clear();
        }
        if (e) return e;
        data.remove_prefix(nl + 1);
      }
    }
    if (!pending.empty()) {
      if (auto e = add(pending, origin, ++line_no)) return e;
    }
  }
  if (auto e = flush_chunk(true)) return e;
  if (in_memory_) return std::nullopt;
  while (runs_.size() > fan_in_) {
    if (auto e = merge_pass()) return e;
  }
  merge_ = std::make_unique<merger>();
  return merge_->open(runs_);
}

auto sorted_jsonl::next(sim::sourced_record& out) -> int {
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

auto sorted_jsonl::input() -> sim::input {
  sim::input in;
  in.format = sim::input_format::jsonl;
  in.name = "<sorted input>";
  in.origins = names_;
  in.next = [this](sim::sourced_record& out) { return next(out); };
  return in;
}

}  // namespace yibao::cli
