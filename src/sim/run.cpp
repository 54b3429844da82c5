// The bulk pipeline (oneTBB parallel_pipeline, bounded by the live batches):
//
//   1 read     serial    lines (JSONL) or joined bill + line rows (CSV)
//   2 parse    parallel  rows -> bills (one validation for both formats)
//   3 order    serial    checks that each person's bills are contiguous and in
//                        date order, and cuts the stream at person boundaries:
//                        the last person of a batch is held back and joins the
//                        next one, so every person lands whole in one unit
//   4 settle   parallel  each person's bills in order, carrying the ytd
//   5 write    serial    per-bill rows and rejects in input order, progress
//
// Units depend only on the input, and every total is an integer, so results
// do not depend on the thread count.
#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_pipeline.h>
#include <tbb/task_arena.h>

#include <deque>
#include <iterator>
#include <memory>
#include <mutex>
#include <thread>
#if defined(__GLIBC__)
#include <malloc.h>  // malloc_trim
#endif

#include <fmt/format.h>

#include "io/bill_json.hpp"
#include "sim/output.hpp"
#include "sim/reader.hpp"
#include "sim/run_detail.hpp"
#include "yibao/engine.hpp"

namespace yibao::sim {
namespace {

using namespace detail;

constexpr std::size_t csv_lookahead = 64;       // bill rows searched for a line row's bill
constexpr std::size_t batch_text_limit = 4 << 20;  // bytes of text per batch

struct raw_item {
  std::uint32_t input = 0;
  std::uint32_t origin = 0;                   // input::next: the record's origin
  std::uint64_t line = 0;
  std::size_t begin = 0, len = 0;             // into batch::text
  std::size_t rows_begin = 0, rows_count = 0;  // csv: into batch::rows
};
struct row_ref {
  std::uint64_t line = 0;
  std::size_t begin = 0, len = 0;
};

struct batch {
  bool last = false;
  std::string text;
  std::vector<raw_item> items;
  std::vector<row_ref> rows;
  std::vector<record> recs;  // 2 -> 3
  std::vector<record> unit;  // 3 -> 4: whole people, in input order
  std::vector<reject> orphans;
  std::uint64_t bytes = 0;   // input bytes consumed when the batch was read
  std::uint64_t done = 0;    // bills settled or rejected in this batch
  std::string out, rejected;  // 4 -> 5
  std::optional<reject> first_reject;

  // Empties the batch for reuse, keeping what its buffers have allocated.
  void reset() {
    last = false;
    text.clear();
    items.clear();
    rows.clear();
    recs.clear();
    unit.clear();
    orphans.clear();
    bytes = done = 0;
    out.clear();
    rejected.clear();
    first_reject.reset();
  }
};

// Batches the write stage has finished, for the read stage to fill again. A
// new batch's buffers grow to a few MB through fresh pages (each one a page
// fault, and glibc gives large blocks back to the kernel when freed); reused
// ones are warm. The pool holds at most the pipeline's tokens.
class batch_pool {
 public:
  auto take() -> std::unique_ptr<batch> {
    {
      const std::lock_guard lock{mutex_};
      if (!free_.empty()) {
        std::unique_ptr<batch> b = std::move(free_.back());
        free_.pop_back();
        return b;
      }
    }
    return std::make_unique<batch>();
  }
  void give(std::unique_ptr<batch> b) {
    b->reset();
    const std::lock_guard lock{mutex_};
    free_.push_back(std::move(b));
  }

 private:
  std::mutex mutex_;
  std::vector<std::unique_ptr<batch>> free_;
};

// Every bill's lines are allocated by the thread that parses it and freed by
// the one that settles it, in sizes that vary with the line count; glibc's
// heap fragments under that, so the resident pages grow with the length of
// the run although the memory in use does not (heaptrack: 22.3 MB peak heap
// for 200k bills, 23.0 MB for 1M). Handing free pages back to the kernel
// now and then keeps the peak RSS bounded by the batches in flight.
void release_free_pages(std::uint64_t batches_written) {
#if defined(__GLIBC__)
  if (batches_written % 64 == 0) malloc_trim(0);
#else
  (void)batches_written;
#endif
}

// Stage 1.
class reader {
 public:
  reader(const options& o, const std::vector<input>& in)
      : o_{o}, in_{in}, bill_layouts_(in.size()), line_layouts_(in.size()) {}

  /// Fills `b`; sets `b.last` when the inputs are exhausted. Errors: a bad
  /// CSV header, a read failure.
  auto fill(batch& b) -> std::optional<error> {
    while (b.items.size() < o_.batch_bills && b.text.size() < batch_text_limit) {
      if (records_) {  // an input given as whole records (input::next)
        const int got = record_row(b);
        if (got < 0) return make_error(errc::io_error, "", fmt::format("cannot read {}", in_[current_].name));
        if (got == 0) records_ = false;
        continue;
      }
      if (!bills_) {
        if (next_ >= in_.size()) {
          b.last = true;
          break;
        }
        if (auto e = open(next_++)) return e;
        continue;
      }
      const input& in = in_[current_];
      if (in.format == input_format::jsonl ? !jsonl_row(b) : !csv_row(b)) {
        if (bills_->failed() || (lines_ && lines_->failed())) {
          return make_error(errc::io_error, "", fmt::format("cannot read {}", bills_->failed() ? in.name : in.lines_name));
        }
        close();
      }
    }
    b.bytes = bytes_done_ + (bills_ ? bills_->bytes() : 0) + (lines_ ? lines_->bytes() : 0);
    return std::nullopt;
  }

  [[nodiscard]] auto bill_layout_of(std::uint32_t i) const -> const bill_layout& { return bill_layouts_[i]; }
  [[nodiscard]] auto line_layout_of(std::uint32_t i) const -> const line_layout& { return line_layouts_[i]; }
  std::uint64_t line_rows_read = 0;

 private:
  struct pending_row {
    std::uint64_t line = 0;
    std::string text;
    std::string id;
  };

  auto open(std::size_t i) -> std::optional<error> {
    current_ = static_cast<std::uint32_t>(i);
    const input& in = in_[i];
    if (in.next) {
      records_ = true;
      return std::nullopt;
    }
    bills_ = std::make_unique<line_reader>(&in.read);
    if (in.format == input_format::jsonl) return std::nullopt;
    lines_ = std::make_unique<line_reader>(&in.read_lines);
    std::string_view header;
    if (bills_->next(header)) {
      auto l = parse_bill_header(header, in.name);
      if (!l) return std::move(l).err();
      bill_layouts_[i] = l.value();
    }
    if (lines_->next(header)) {
      auto l = parse_line_header(header, in.lines_name);
      if (!l) return std::move(l).err();
      line_layouts_[i] = l.value();
    }
    if (bills_->failed() || lines_->failed()) {
      return make_error(errc::io_error, "", fmt::format("cannot read {}", bills_->failed() ? in.name : in.lines_name));
    }
    return std::nullopt;
  }

  void close() {
    bytes_done_ += bills_->bytes() + (lines_ ? lines_->bytes() : 0);
    bills_.reset();
    lines_.reset();
    ahead_.clear();
    pending_line_.reset();
  }

  auto jsonl_row(batch& b) -> bool {
    std::string_view row;
    for (;;) {
      if (!bills_->next(row)) return false;
      if (row.find_first_not_of(" \t\r") != std::string_view::npos) break;  // blank lines are skipped
    }
    b.items.push_back(raw_item{current_, 0, bills_->line_no(), b.text.size(), row.size(), 0, 0});
    b.text += row;
    return true;
  }

  // 1: a record, 0: the end, -1: a read error.
  auto record_row(batch& b) -> int {
    sourced_record rec;
    for (;;) {
      const int got = in_[current_].next(rec);
      if (got <= 0) return got;
      bytes_done_ += rec.text.size() + 1;
      if (rec.text.find_first_not_of(" \t\r") != std::string_view::npos) break;  // blank lines are skipped
    }
    b.items.push_back(raw_item{current_, rec.origin, rec.line, b.text.size(), rec.text.size(), 0, 0});
    b.text += rec.text;
    return 1;
  }

  // The cell of column `col` of a CSV row ("" if the row is malformed).
  auto cell(std::string_view row, int col) -> std::string {
    if (col < 0) return {};
    if (row.find('"') == std::string_view::npos) {
      // No quotes: split_csv cannot fail, and cells end at commas.
      std::size_t begin = 0;
      for (int c = 0; c < col; ++c) {
        const std::size_t comma = row.find(',', begin);
        if (comma == std::string_view::npos) return {};
        begin = comma + 1;
      }
      return std::string{row.substr(begin, row.find(',', begin) - begin)};
    }
    scratch_.clear();
    scratch_.reserve(row.size());
    std::string why;
    if (!split_csv(row, cells_, scratch_, why) || static_cast<std::size_t>(col) >= cells_.size()) return {};
    return std::string{cells_[col]};
  }

  auto read_ahead() -> void {
    std::string_view row;
    while (ahead_.size() <= csv_lookahead && bills_->next(row)) {
      ahead_.push_back(pending_row{bills_->line_no(), std::string{row},
                                   cell(row, bill_layouts_[current_].at[bc_bill_id])});
    }
  }

  auto next_line_row() -> bool {
    if (pending_line_) return true;
    std::string_view row;
    if (!lines_->next(row)) return false;
    ++line_rows_read;
    pending_line_ = pending_row{lines_->line_no(), std::string{row}, cell(row, line_layouts_[current_].at[lc_bill_id])};
    return true;
  }

  auto csv_row(batch& b) -> bool {
    read_ahead();
    const input& in = in_[current_];
    if (ahead_.empty()) {  // the bills are done: any line rows left are orphans
      while (next_line_row()) orphan(b, "line row for a bill that is not in the bills file");
      return false;
    }
    pending_row bill_row = std::move(ahead_.front());
    ahead_.pop_front();
    read_ahead();
    raw_item item{current_, 0, bill_row.line, b.text.size(), bill_row.text.size(), b.rows.size(), 0};
    b.text += bill_row.text;
    while (next_line_row()) {
      if (pending_line_->id == bill_row.id) {
        b.rows.push_back(row_ref{pending_line_->line, b.text.size(), pending_line_->text.size()});
        b.text += pending_line_->text;
        ++item.rows_count;
        pending_line_.reset();
        continue;
      }
      bool later = false;
      for (const pending_row& r : ahead_) later = later || r.id == pending_line_->id;
      if (later) break;
      orphan(b, fmt::format("line row for bill \"{}\", which does not come next in {} (the lines file must list "
                            "bills in the bills file's order)",
                            pending_line_->id, in.name));
    }
    b.items.push_back(item);
    return true;
  }

  void orphan(batch& b, std::string reason) {
    b.orphans.push_back(reject{in_[current_].lines_name, pending_line_->line, pending_line_->id, "", std::move(reason)});
    pending_line_.reset();
  }

  const options& o_;
  const std::vector<input>& in_;
  std::vector<bill_layout> bill_layouts_;
  std::vector<line_layout> line_layouts_;
  std::size_t next_ = 0;
  std::uint32_t current_ = 0;
  std::unique_ptr<line_reader> bills_, lines_;
  bool records_ = false;
  std::uint64_t bytes_done_ = 0;
  std::deque<pending_row> ahead_;
  std::optional<pending_row> pending_line_;
  std::vector<std::string_view> cells_;
  std::string scratch_;
};

// Stage 2.
void parse(batch& b, const reader& rd, const std::vector<input>& in) {
  b.recs.resize(b.items.size());
  std::string json;
  std::vector<row_text> rows;
  for (std::size_t i = 0; i < b.items.size(); ++i) {
    const raw_item& it = b.items[i];
    record& r = b.recs[i];
    r.input = it.input;
    r.origin = it.origin;
    r.line = it.line;
    r.line_rows = static_cast<std::uint32_t>(it.rows_count);
    const std::string_view text{b.text.data() + it.begin, it.len};
    if (in[it.input].format == input_format::jsonl) {
      // A bill followed by enough of the batch's text is parsed in place.
      auto parsed = it.begin + it.len + io::bill_json_padding <= b.text.size()
                        ? io::parse_bill_json_padded(text, false)
                        : parse_bill_json(text, false);
      if (parsed) {
        r.b = std::move(parsed).value();
        r.ok = true;
      } else {
        r.reason = parsed.err().message;
      }
      continue;
    }
    rows.clear();
    for (std::size_t k = 0; k < it.rows_count; ++k) {
      const row_ref& rr = b.rows[it.rows_begin + k];
      rows.push_back(row_text{rr.line, std::string_view{b.text.data() + rr.begin, rr.len}});
    }
    if (csv_bill_fast(text, rd.bill_layout_of(it.input), rows, rd.line_layout_of(it.input), r.b)) {
      r.ok = true;
      continue;
    }
    std::string why;
    if (!csv_bill_to_json(text, rd.bill_layout_of(it.input), rows, rd.line_layout_of(it.input),
                          in[it.input].lines_name, json, why)) {
      r.reason = why;
      continue;
    }
    auto parsed = parse_bill_json(json, false);
    if (parsed) {
      r.b = std::move(parsed).value();
      r.ok = true;
    } else {
      r.reason = csv_reason(parsed.err(), rows, in[it.input].lines_name);
    }
  }
}

// Stage 3: ordering and person boundaries.
class orderer {
 public:
  explicit orderer(const std::vector<input>& in) : in_{in} {}

  void cut(batch& b) {
    // b.unit and held_ keep their capacity from batch to batch.
    std::vector<record>& unit = b.unit;
    unit.clear();
    std::move(held_.begin(), held_.end(), std::back_inserter(unit));
    held_.clear();
    std::size_t run_start = unit.empty() ? 0 : run_start_in_held_;
    for (record& r : b.recs) {
      if (r.ok) check(r, unit.size(), run_start);
      unit.push_back(std::move(r));
    }
    b.recs.clear();
    if (!b.last && run_start < unit.size()) {
      const auto from = unit.begin() + static_cast<std::ptrdiff_t>(run_start);
      std::move(from, unit.end(), std::back_inserter(held_));
      unit.erase(from, unit.end());
      run_start_in_held_ = 0;
    }
  }

 private:
  void check(record& r, std::size_t position, std::size_t& run_start) {
    const std::string& id = r.b.who.id;
    if (have_current_ && id == current_) {
      if (r.b.at.on < last_date_) {
        r.ok = false;
        r.reason = fmt::format("out of order: dated {}, after this person's bill dated {} ({}:{}); a person's bills "
                               "must be in date order",
                               r.b.at.on.to_string(), last_date_.to_string(),
                               source_name(in_, last_input_, last_origin_), last_line_);
        return;
      }
    } else {
      if (!seen_.insert(id)) {
        r.ok = false;
        r.reason = fmt::format("out of order: person {} reappears after other people's bills; the input must be "
                               "grouped by person",
                               id);
        return;
      }
      have_current_ = true;
      current_ = id;
      run_start = position;
    }
    last_date_ = r.b.at.on;
    last_input_ = r.input;
    last_origin_ = r.origin;
    last_line_ = r.line;
  }

  const std::vector<input>& in_;
  std::vector<record> held_;
  std::size_t run_start_in_held_ = 0;
  bool have_current_ = false;
  std::string current_;
  date last_date_;
  std::uint32_t last_input_ = 0;
  std::uint32_t last_origin_ = 0;
  std::uint64_t last_line_ = 0;
  id_set seen_;
};

}  // namespace


auto run(const options& o, const std::vector<input>& inputs) -> result<summary> {
  if (o.base == nullptr || o.items == nullptr) {
    return make_error(errc::invalid_argument, "", "simulate needs a tariff and a catalog");
  }
  for (const input& in : inputs) {
    if (in.next ? in.format != input_format::jsonl
                : !in.read || (in.format == input_format::csv && !in.read_lines)) {
      return make_error(errc::invalid_argument, "", fmt::format("input {} has no reader", in.name));
    }
  }
  options opts = o;
  if (opts.thresholds.empty()) {
    for (std::int64_t yuan : {1'000, 5'000, 10'000, 50'000}) opts.thresholds.push_back(money::from_fen(yuan * 100));
  }
  if (opts.batch_bills == 0) opts.batch_bills = 1;
  const unsigned threads = opts.threads != 0 ? opts.threads : std::max(1U, std::thread::hardware_concurrency());
  const bool write_out = opts.out != output_format::none && static_cast<bool>(opts.write_settlements);

  if (write_out && opts.out == output_format::csv &&
      !opts.write_settlements(settlement_csv_header(opts.reform != nullptr))) {
    return make_error(errc::io_error, "", "cannot write the settlements");
  }
  if (opts.write_rejects && !opts.write_rejects(rejects_csv_header())) {
    return make_error(errc::io_error, "", "cannot write the rejects");
  }

  reader rd{opts, inputs};
  orderer order{inputs};
  tbb::enumerable_thread_specific<accumulator> acc([&] { return accumulator{opts}; });
  std::uint64_t total_bytes = 0;
  for (const input& in : inputs) total_bytes += in.size;

  batch_pool pool;
  summary sum;
  std::optional<error> read_failure;   // stage 1 only
  std::optional<error> write_failure;  // stage 5 only
  bool finished = false;
  std::atomic<bool> halt = false;  // strict stop or failure: read no more
  std::uint64_t done = 0;
  std::uint64_t orphans = 0;

  auto read_stage = [&](tbb::flow_control& fc) -> batch* {
    if (finished) {
      fc.stop();
      return nullptr;
    }
    std::unique_ptr<batch> b = pool.take();
    if (halt.load()) {
      b->last = true;
    } else if (opts.stop != nullptr && opts.stop->load(std::memory_order_relaxed)) {
      sum.partial = true;
      b->last = true;
    } else if (auto e = rd.fill(*b)) {
      read_failure = std::move(*e);
      b->last = true;
    }
    finished = b->last;
    return b.release();
  };
  auto parse_stage = [&](batch* b) -> batch* {
    parse(*b, rd, inputs);
    return b;
  };
  auto order_stage = [&](batch* b) -> batch* {
    order.cut(*b);
    return b;
  };
  auto settle_stage = [&](batch* b) -> batch* {
    b->done = b->unit.size();
    settle_unit(opts, inputs, b->unit, acc.local(), b->out, b->rejected, b->first_reject);
    b->unit.clear();
    return b;
  };
  auto write = [&](batch* b) {
    if (write_failure || sum.stopped_at) return;
    orphans += b->orphans.size();
    if (opts.strict && (b->first_reject || !b->orphans.empty())) {
      sum.stopped_at = b->first_reject ? *b->first_reject : b->orphans.front();
      halt = true;
      return;
    }
    if (!b->orphans.empty()) {
      std::string text;
      for (const reject& r : b->orphans) append_reject_csv(text, r);
      b->rejected.insert(0, text);
    }
    if (write_out && !b->out.empty() && !opts.write_settlements(b->out)) {
      write_failure = make_error(errc::io_error, "", "cannot write the settlements");
      halt = true;
      return;
    }
    if (opts.write_rejects && !b->rejected.empty() && !opts.write_rejects(b->rejected)) {
      write_failure = make_error(errc::io_error, "", "cannot write the rejects");
      halt = true;
      return;
    }
    sum.bytes_read = std::max(sum.bytes_read, b->bytes);
    done += b->done;
    if (opts.on_progress) opts.on_progress(progress{done, b->bytes, total_bytes});
  };
  std::uint64_t written = 0;
  auto write_stage = [&](batch* b) {
    write(b);
    pool.give(std::unique_ptr<batch>{b});
    release_free_pages(++written);
  };

  const std::size_t tokens = 2 * static_cast<std::size_t>(threads) + 2;
  try {
    tbb::task_arena arena(static_cast<int>(threads));
    arena.execute([&] {
      tbb::parallel_pipeline(
          tokens, tbb::make_filter<void, batch*>(tbb::filter_mode::serial_in_order, read_stage) &
                      tbb::make_filter<batch*, batch*>(tbb::filter_mode::parallel, parse_stage) &
                      tbb::make_filter<batch*, batch*>(tbb::filter_mode::serial_in_order, order_stage) &
                      tbb::make_filter<batch*, batch*>(tbb::filter_mode::parallel, settle_stage) &
                      tbb::make_filter<batch*, void>(tbb::filter_mode::serial_in_order, write_stage));
    });
  } catch (const std::bad_alloc&) {
    return make_error(errc::io_error, "", "out of memory");
  }
  if (read_failure) return std::move(*read_failure);
  if (write_failure) return std::move(*write_failure);

  sum.thresholds = opts.thresholds;
  sum.base.tariff_id = opts.base->info.id;
  if (opts.reform != nullptr) {
    sum.reform.emplace();
    sum.reform->tariff_id = opts.reform->info.id;
  }
  for (const accumulator& a : acc) {
    sum.base.merge(a.base);
    if (sum.reform && a.reform) sum.reform->merge(*a.reform);
    sum.delta.merge(a.delta);
    sum.settled += a.settled;
    sum.rejected += a.rejected;
    sum.people += a.people;
    sum.person_years += a.person_years;
  }
  sum.bills_read = sum.settled + sum.rejected;
  sum.line_rows_read = rd.line_rows_read;
  sum.line_rows_orphan = orphans;
  return sum;
}

}  // namespace yibao::sim
