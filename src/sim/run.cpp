// The bulk pipeline (oneTBB parallel_pipeline, bounded by the live batches):
//
//   1 read     serial    lines (JSONL) or joined bill + line rows (CSV)
//   2 parse    parallel  rows -> bills (one validation for both formats)
//   3 order    serial    checks that each person's bills are contiguous and in
//                        date order, and cuts the stream at person boundaries:
//                        the last person of a batch is held back and joins the
//                        next one, so every person lands whole in one unit --
//                        unless that person already has a batch's worth of
//                        bills (or lines): then the person is "open", and
//                        their bills are left to stage 5
//   4 settle   parallel  each whole person's bills in order, carrying the ytd
//   5 write    serial    settles the open person's bills (in order, with one
//                        settler whose state lasts from batch to batch), then
//                        per-bill rows and rejects in input order, progress
//
// So memory is bounded by the batches in flight however many bills one
// person has.
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

#include "formats/bill_json.hpp"
#include "core/string_hash.hpp"
#include "output.hpp"
#include "sim/reader.hpp"
#include "run_detail.hpp"
#include "yibao/engine.hpp"

namespace yibao::sim {
namespace {

using namespace detail;

constexpr std::size_t batch_text_limit = 4 << 20;  // bytes of text per batch
constexpr std::size_t held_lines_limit = 1 << 16;  // lines of a person held back for the next unit

struct raw_item {
  std::uint32_t input = 0;
  std::uint32_t origin = 0;                   // input::next: the record's origin
  std::uint64_t line = 0;
  std::size_t begin = 0, len = 0;             // into batch::text
  std::size_t rows_begin = 0, rows_count = 0;  // csv: into batch::rows
  std::uint32_t note = 0;                     // > 0: rejected by the reader, batch::notes[note - 1]
  std::uint64_t seq = 0;                      // record::seq
};
struct reader_note {
  std::string reason, bill_id, person_id;
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
  std::vector<reader_note> notes;
  std::vector<record> recs;  // 2 -> 3
  std::vector<record> unit;  // 3 -> 4: whole people, in input order
  // 3 -> 5: unit[0, head) continues the open person of the previous unit and
  // unit[tail, end) starts an open one; stage 5 settles both.
  std::size_t head = 0, tail = 0;
  std::vector<reject> orphans;
  std::vector<std::uint64_t> orphans_before;  // per orphan: the bills read before it (in input order)
  std::uint64_t bytes = 0;   // input bytes consumed when the batch was read
  std::uint64_t done = 0;    // bills settled or rejected in this batch
  std::string out, rejected;  // 4 -> 5
  first_reject first;

  // Empties the batch for reuse, keeping what its buffers have allocated.
  void reset() {
    last = false;
    text.clear();
    items.clear();
    rows.clear();
    notes.clear();
    recs.clear();
    unit.clear();
    head = tail = 0;
    orphans.clear();
    orphans_before.clear();
    bytes = done = 0;
    out.clear();
    rejected.clear();
    first = first_reject{};
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
      if (!jsonl_ && !csv_) {
        if (next_ >= in_.size()) {
          b.last = true;
          break;
        }
        if (auto e = open(next_++)) return e;
        continue;
      }
      if (jsonl_ ? !jsonl_row(b) : !csv_row(b)) {
        if (jsonl_ ? jsonl_->failed() : csv_->failed()) {
          return make_error(errc::io_error, "",
                            fmt::format("cannot read {}", jsonl_ ? in_[current_].name : csv_->failed_name()));
        }
        close();
      }
    }
    b.bytes = bytes_done_ + (jsonl_ ? jsonl_->bytes() : 0) + (csv_ ? csv_->bytes() : 0);
    return std::nullopt;
  }

  [[nodiscard]] auto bill_layout_of(std::uint32_t i) const -> const bill_layout& { return bill_layouts_[i]; }
  [[nodiscard]] auto line_layout_of(std::uint32_t i) const -> const line_layout& { return line_layouts_[i]; }
  [[nodiscard]] auto line_rows_read() const noexcept -> std::uint64_t {
    return line_rows_done_ + (csv_ ? csv_->line_rows_read() : 0);
  }

 private:
  auto open(std::size_t i) -> std::optional<error> {
    current_ = static_cast<std::uint32_t>(i);
    const input& in = in_[i];
    if (in.next) {
      records_ = true;
      return std::nullopt;
    }
    if (in.format == input_format::jsonl) {
      jsonl_ = std::make_unique<line_reader>(&in.read);
      return std::nullopt;
    }
    csv_ = std::make_unique<csv_joiner>(in);
    if (auto e = csv_->open()) return e;
    bill_layouts_[i] = csv_->bills();
    line_layouts_[i] = csv_->lines();
    return std::nullopt;
  }

  void close() {
    bytes_done_ += jsonl_ ? jsonl_->bytes() : csv_->bytes();
    if (csv_) line_rows_done_ += csv_->line_rows_read();
    jsonl_.reset();
    csv_.reset();
  }

  void push(batch& b, raw_item item) {
    item.seq = items_read_++;
    b.items.push_back(item);
  }

  // A record the reader rejects itself, with the reason and the ids it shows.
  void note(batch& b, raw_item& item, std::string reason, std::string bill_id = {}, std::string person_id = {}) {
    b.notes.push_back(reader_note{std::move(reason), std::move(bill_id), std::move(person_id)});
    item.note = static_cast<std::uint32_t>(b.notes.size());
  }

  auto jsonl_row(batch& b) -> bool {
    std::string_view row;
    for (;;) {
      if (!jsonl_->next(row)) return false;
      if (jsonl_->overlong() || row.find_first_not_of(" \t\r") != std::string_view::npos) break;  // blank lines are skipped
    }
    raw_item item{current_, 0, jsonl_->line_no(), b.text.size(), row.size(), 0, 0, 0};
    if (jsonl_->overlong()) {
      item.len = 0;
      note(b, item, overlong_reason());
    } else {
      b.text += row;
    }
    push(b, item);
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
    push(b, raw_item{current_, rec.origin, rec.line, b.text.size(), rec.text.size(), 0, 0, 0});
    b.text += rec.text;
    return 1;
  }

  auto csv_row(batch& b) -> bool {
    const bool more = csv_->next(joined_, b.orphans);
    // An orphan met while joining a bill comes after that bill.
    b.orphans_before.resize(b.orphans.size(), more ? items_read_ + 1 : items_read_);
    if (!more) return false;
    raw_item item{current_, 0, joined_.line, b.text.size(), 0, b.rows.size(), 0, 0};
    if (!joined_.note.empty()) {
      note(b, item, std::move(joined_.note), std::move(joined_.bill_id), std::move(joined_.person_id));
      push(b, item);
      return true;
    }
    item.len = joined_.text.size();
    b.text += joined_.text;
    for (const row_text& r : joined_.rows) {
      b.rows.push_back(row_ref{r.line, b.text.size(), r.text.size()});
      b.text += r.text;
    }
    item.rows_count = joined_.rows.size();
    push(b, item);
    return true;
  }

  const options& o_;
  const std::vector<input>& in_;
  std::vector<bill_layout> bill_layouts_;
  std::vector<line_layout> line_layouts_;
  std::size_t next_ = 0;
  std::uint32_t current_ = 0;
  std::unique_ptr<line_reader> jsonl_;
  std::unique_ptr<csv_joiner> csv_;
  joined_bill joined_;
  bool records_ = false;
  std::uint64_t bytes_done_ = 0, line_rows_done_ = 0, items_read_ = 0;
};

// Stage 2.
void parse(batch& b, const reader& rd, const std::vector<input>& in) {
  b.recs.resize(b.items.size());
  std::string why;
  std::vector<row_text> rows;
  for (std::size_t i = 0; i < b.items.size(); ++i) {
    const raw_item& it = b.items[i];
    record& r = b.recs[i];
    r.input = it.input;
    r.origin = it.origin;
    r.line = it.line;
    r.line_rows = static_cast<std::uint32_t>(it.rows_count);
    r.seq = it.seq;
    if (it.note > 0) {
      reader_note& n = b.notes[it.note - 1];
      r.reason = std::move(n.reason);
      r.b.id = std::move(n.bill_id);
      r.b.who.id = std::move(n.person_id);
      continue;
    }
    const std::string_view text{b.text.data() + it.begin, it.len};
    if (in[it.input].format == input_format::jsonl) {
      // A bill followed by enough of the batch's text is parsed in place.
      auto parsed = it.begin + it.len + io::bill_json_padding <= b.text.size()
                        ? io::parse_bill_json_padded(text, false)
                        : parse_bill_json(text, false);
      if (!parsed) {
        r.reason = parsed.err().message;
      } else if (auto valid = validate(parsed.value()); !valid) {  // rejected here, as a reader's problem
        r.reason = valid.err().message;
      } else {
        r.b = std::move(parsed).value();
        r.ok = true;
      }
      continue;
    }
    rows.clear();
    for (std::size_t k = 0; k < it.rows_count; ++k) {
      const row_ref& rr = b.rows[it.rows_begin + k];
      rows.push_back(row_text{rr.line, std::string_view{b.text.data() + rr.begin, rr.len}});
    }
    if (!csv_bill(text, rd.bill_layout_of(it.input), rows, rd.line_layout_of(it.input), in[it.input].lines_name, r.b,
                  why)) {
      r.reason = why;
    } else if (auto valid = validate(r.b); !valid) {
      r.reason = csv_reason(valid.err(), rows, in[it.input].lines_name);
      r.b = bill{};  // a rejected bill has no ids in the rejects, as in the JSON Lines route
    } else {
      r.ok = true;
    }
  }
}

// Stage 3: ordering and person boundaries.
class orderer {
 public:
  orderer(const std::vector<input>& in, std::size_t hold_bills) : in_{in}, hold_bills_{hold_bills} {}

  void cut(batch& b) {
    // b.unit and held_ keep their capacity from batch to batch.
    std::vector<record>& unit = b.unit;
    unit.clear();
    std::move(held_.begin(), held_.end(), std::back_inserter(unit));
    held_.clear();
    std::size_t run_start = 0;  // the held person, if any, continues at 0
    first_new_ = npos;
    for (record& r : b.recs) {
      if (r.ok) check(r, unit.size(), run_start);
      unit.push_back(std::move(r));
    }
    b.recs.clear();
    b.head = open_ ? std::min(first_new_, unit.size()) : 0;
    b.tail = unit.size();
    if (b.last || (open_ && first_new_ == npos)) return;  // the open person, if any, goes on
    open_ = false;
    if (run_start >= unit.size()) return;
    std::size_t lines = 0;
    for (std::size_t i = run_start; i < unit.size(); ++i) lines += unit[i].b.lines.size();
    if (unit.size() - run_start >= hold_bills_ || lines >= held_lines_limit) {
      b.tail = run_start;  // too many to hold back: stage 5 settles this person piece by piece
      open_ = true;
      return;
    }
    const auto from = unit.begin() + static_cast<std::ptrdiff_t>(run_start);
    std::move(from, unit.end(), std::back_inserter(held_));
    unit.erase(from, unit.end());
    b.tail = unit.size();
  }

 private:
  // A bill with the id of one of the `recent_count` bills before it is
  // rejected: most likely the same bill exported twice.
  auto duplicate(record& r) -> bool {
    const std::uint64_t h = io::string_hash{}(r.b.id);
    for (const recent_bill& x : recent_) {
      if (x.hash == h && x.id == r.b.id) {
        r.ok = false;
        r.reason = fmt::format("duplicate bill id \"{}\" (also at {}:{}); a bill id may not repeat within {} bills",
                               r.b.id, source_name(in_, x.input, x.origin), x.line, recent_count);
        return true;
      }
    }
    recent_bill& slot = recent_[recent_next_++ % recent_count];
    slot.hash = h;
    slot.id = r.b.id;
    slot.input = r.input;
    slot.origin = r.origin;
    slot.line = r.line;
    return false;
  }

  void check(record& r, std::size_t position, std::size_t& run_start) {
    if (duplicate(r)) return;
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
      first_new_ = std::min(first_new_, position);
    }
    last_date_ = r.b.at.on;
    last_input_ = r.input;
    last_origin_ = r.origin;
    last_line_ = r.line;
  }

  static constexpr std::size_t npos = static_cast<std::size_t>(-1);
  static constexpr std::size_t recent_count = csv_joiner::lookahead;
  struct recent_bill {
    std::uint64_t hash = 0;
    std::string id;
    std::uint32_t input = 0, origin = 0;
    std::uint64_t line = 0;
  };
  const std::vector<input>& in_;
  std::array<recent_bill, recent_count> recent_{};
  std::size_t recent_next_ = 0;
  std::size_t hold_bills_;
  std::vector<record> held_;
  bool open_ = false;           // the last person of the previous unit goes on in stage 5
  std::size_t first_new_ = npos;  // in the unit being cut: where the first new person starts
  bool have_current_ = false;
  std::string current_;
  date last_date_;
  std::uint32_t last_input_ = 0;
  std::uint32_t last_origin_ = 0;
  std::uint64_t last_line_ = 0;
  id_set seen_;
};

/// Both `run`s: `j` says what the bills are settled under.
auto run_job(const job& j, const std::vector<input>& inputs) -> result<summary> {
  for (const input& in : inputs) {
    if (in.next ? in.format != input_format::jsonl
                : !in.read || (in.format == input_format::csv && !in.read_lines)) {
      return make_error(errc::invalid_argument, "", fmt::format("input {} has no reader", in.name));
    }
  }
  job opts = j;
  if (opts.thresholds.empty()) opts.thresholds = default_thresholds();
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
  orderer order{inputs, opts.batch_bills};
  settler open_person{opts, inputs};  // stage 5: the bills of open people
  tbb::enumerable_thread_specific<accumulator> acc([&] { return new_accumulator(opts); });
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
    settle_unit(opts, inputs, b->unit, b->head, b->tail, acc.local(), b->out, b->rejected, b->first);
    return b;
  };
  // The open person's bills at both ends of the unit, around stage 4's text.
  auto settle_open = [&](batch& b) {
    if (b.head == 0 && b.tail == b.unit.size()) return;
    accumulator& a = acc.local();
    std::string out, rejected;
    first_reject first;
    for (std::size_t i = 0; i < b.head; ++i) open_person.add(b.unit[i], a, out, rejected, first);
    if (b.head < b.unit.size()) open_person.finish(a);  // other people follow
    const std::size_t tail_out = out.size(), tail_rejected = rejected.size();
    first_reject tail_first;
    for (std::size_t i = b.tail; i < b.unit.size(); ++i) open_person.add(b.unit[i], a, out, rejected, tail_first);
    b.out.insert(0, out, 0, tail_out);
    b.out.append(out, tail_out);
    b.rejected.insert(0, rejected, 0, tail_rejected);
    b.rejected.append(rejected, tail_rejected);
    if (first.row) {
      b.first = std::move(first);
    } else if (!b.first.row) {
      b.first = std::move(tail_first);
    }
  };
  // --strict: the first rejected row in input order. An orphan line row is
  // placed after the bills read before it, so it is known to come first only
  // once those bills are settled (they may be held back to a later unit).
  std::deque<std::pair<std::uint64_t, reject>> pending_orphans;
  std::uint64_t settled_through = 0;  // bills [0, this) of the stream are in the units written
  auto strict_stop = [&](batch& b) -> std::optional<reject> {
    for (std::size_t i = 0; i < b.orphans.size(); ++i) pending_orphans.emplace_back(b.orphans_before[i], b.orphans[i]);
    if (!b.unit.empty()) settled_through = b.unit.back().seq + 1;
    if (b.last) settled_through = static_cast<std::uint64_t>(-1);
    const bool orphan_known = !pending_orphans.empty() && pending_orphans.front().first <= settled_through;
    if (b.first.row && (!orphan_known || b.first.seq < pending_orphans.front().first)) return b.first.row;
    if (orphan_known) return pending_orphans.front().second;
    return std::nullopt;
  };
  auto write = [&](batch* b) {
    if (write_failure || sum.stopped_at) return;
    settle_open(*b);
    orphans += b->orphans.size();
    if (opts.strict) {
      if (auto stop = strict_stop(*b)) {
        sum.stopped_at = std::move(stop);
        halt = true;
        return;
      }
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
    return make_error(errc::out_of_memory, "", "out of memory");
  }
  if (read_failure) return std::move(*read_failure);
  if (write_failure) return std::move(*write_failure);
  open_person.finish(acc.local());

  sum.thresholds = opts.thresholds;
  if (opts.base != nullptr) sum.base.tariff_id = opts.base->info.id;
  if (opts.versions != nullptr) {
    for (const tariff& t : opts.versions->versions()) {
      sum.base.tariff_id += (sum.base.tariff_id.empty() ? "" : ", ") + t.info.id;
    }
  }
  if (opts.reform != nullptr) {
    sum.reform.emplace();
    sum.reform->tariff_id = opts.reform->info.id;
  }
  for (const accumulator& a : acc) {
    if (auto merged = sum.merge(a); !merged) return std::move(merged).err();  // the same thresholds: never
  }
  sum.bills_read = sum.settled + sum.rejected;
  sum.line_rows_read = rd.line_rows_read();
  sum.line_rows_orphan = orphans;
  return sum;
}

}  // namespace

auto run(const tariff& base, const catalog& items, const std::vector<input>& inputs, const options& opts)
    -> result<summary> {
  return run_job(job{opts, &base, nullptr, items}, inputs);
}

auto run(const tariff_set& versions, const catalog& items, const std::vector<input>& inputs, const options& opts)
    -> result<summary> {
  return run_job(job{opts, nullptr, &versions, items}, inputs);
}

}  // namespace yibao::sim
