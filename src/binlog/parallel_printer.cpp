#include "binlog/parallel_printer.h"

#include <cerrno>
#include <cstring>

namespace sluice::binlog {

/// A run of rows events, preformatted lines and CRC32 checks, in stream order, with the
/// bytes they need: copied into `bytes`, or views into blocks the batch holds.
struct ParallelPrinter::Batch {
  enum class Kind : uint8_t { kRows, kText, kCheck };
  struct Bytes {  // a view into a held block, or (view null) the bytes at `off` of `bytes`
    const uint8_t* view = nullptr;
    size_t off = 0, len = 0;
  };
  struct Txn {
    change::Transaction info;  // file / gtid views are set from `file` / `gtid` when formatting
    Bytes file, gtid;
  };
  struct Item {
    Kind kind = Kind::kText;
    change::Op op = change::Op::kInsert;
    bool partial = false;
    uint32_t layout = 0, txn = 0;  // kRows: indexes in layouts / txns
    uint64_t pos = 0;
    // kRows: the bitmaps and the rows; kText: rows = the lines; kCheck: rows = the event,
    // before = the name of its file.
    Bytes before, after, rows;
  };
  uint64_t seq = 0;
  std::vector<uint8_t> bytes;
  size_t input = 0;  // bytes copied or viewed (the back-pressure counts these)
  std::vector<Txn> txns;
  // The layouts the rows events use, each held once per batch (not per event: the reference
  // count is shared with the caller's thread, and touching it per event costs cache misses).
  std::vector<TableLayoutPtr> layouts;
  std::vector<BlockRef> blocks;  // the blocks the views lie in, each held once
  std::vector<Item> items;
  Bytes last_file;  // of the last check
  std::string out;
  core::Status status;

  void clear() {
    bytes.clear();
    input = 0;
    txns.clear();
    layouts.clear();
    blocks.clear();
    items.clear();
    last_file = {};
    out.clear();
    status = core::ok();
  }
  // `b` as a view when `block` holds it (the block is then held), else as a copy.
  Bytes keep(std::span<const uint8_t> b, ByteBlock* block, bool counted = true) {
    if (counted) input += b.size();
    if (block == nullptr || !block->holds(b)) {
      size_t off = bytes.size();
      bytes.insert(bytes.end(), b.begin(), b.end());
      return {nullptr, off, b.size()};
    }
    if (blocks.empty() || blocks.back().get() != block) blocks.emplace_back(block);
    return {b.data(), 0, b.size()};
  }
  Bytes keep(std::string_view s) { return keep({reinterpret_cast<const uint8_t*>(s.data()), s.size()}, nullptr); }
  std::span<const uint8_t> at(const Bytes& x) const { return {x.view ? x.view : bytes.data() + x.off, x.len}; }
  std::string_view text(const Bytes& x) const {
    auto b = at(x);
    return {reinterpret_cast<const char*>(b.data()), b.size()};
  }
};

ParallelPrinter::ParallelPrinter(std::FILE* out, PrinterOptions printer_options, ParallelOptions options)
    : out_(out), options_(options), inline_(nullptr, printer_options) {
  if (options_.workers == 0) options_.workers = 1;
  cur_ = new_batch();
  for (size_t i = 0; i < options_.workers; ++i) {
    workers_.emplace_back([this, printer_options] {
      RowDecoder rows(options_.json_diff);
      ChangePrinter printer(nullptr, printer_options);
      worker_loop(rows, printer);
    });
  }
}

// Capacity for a batch's input and its output (about as large), allocated once: a batch is
// reused, so the heap does not hand big blocks back and forth with the kernel.
std::unique_ptr<ParallelPrinter::Batch> ParallelPrinter::new_batch() const {
  auto b = std::make_unique<Batch>();
  b->bytes.reserve(options_.batch_bytes + (64 << 10));
  b->out.reserve(options_.batch_bytes * 3 / 2 + (64 << 10));
  return b;
}

ParallelPrinter::~ParallelPrinter() {
  {
    std::lock_guard lk(mu_);
    cancelled_ = closing_ = true;
  }
  work_cv_.notify_all();
  turn_cv_.notify_all();
  workers_.clear();  // joins
}

core::Status ParallelPrinter::failure() {
  if (!any_failure_.load(std::memory_order_relaxed)) return core::ok();  // no lock per event
  std::lock_guard lk(mu_);
  if (failed_ && error_) return core::fail(*error_);
  return core::ok();
}

uint32_t ParallelPrinter::txn_index(const change::Transaction& t) {
  Batch& b = *cur_;
  if (!b.txns.empty()) {
    const Batch::Txn& last = b.txns.back();
    const change::Transaction& l = last.info;
    if (l.begin_pos == t.begin_pos && l.end_pos == t.end_pos && l.has_commit_time == t.has_commit_time &&
        l.commit_time_has_micros == t.commit_time_has_micros && l.commit_seconds == t.commit_seconds &&
        l.commit_micros == t.commit_micros && b.text(last.file) == t.file && b.text(last.gtid) == t.gtid) {
      return static_cast<uint32_t>(b.txns.size() - 1);
    }
  }
  Batch::Txn x;
  x.info = t;
  x.info.file = {};
  x.info.gtid = {};
  x.file = b.keep(t.file);
  x.gtid = b.keep(t.gtid);
  b.txns.push_back(x);
  return static_cast<uint32_t>(b.txns.size() - 1);
}

core::Status ParallelPrinter::on_rows_event(const change::Transaction& txn, const RowsEvent& r) {
  SLUICE_TRY(failure());
  Batch::Item item;
  item.kind = Batch::Kind::kRows;
  item.txn = txn_index(txn);
  if (cur_->layouts.empty() || cur_->layouts.back() != *r.layout) cur_->layouts.push_back(*r.layout);
  item.layout = static_cast<uint32_t>(cur_->layouts.size() - 1);
  item.op = r.op;
  item.partial = r.partial;
  item.pos = r.pos;
  item.before = cur_->keep(r.present_before, r.block);
  // UPDATE: the after image's bitmap (same column count); else present_after == present_before.
  const bool own_after = r.present_after.size() == r.present_before.size();
  item.after = own_after ? cur_->keep(r.present_after, r.block) : item.before;
  item.rows = cur_->keep(r.rows, r.block);
  cur_->items.push_back(item);
  if (cur_->input >= options_.batch_bytes) return seal();
  return core::ok();
}

core::Status ParallelPrinter::on_unverified_event(std::span<const uint8_t> event, ByteBlock& block,
                                                  std::string_view file, uint64_t pos) {
  SLUICE_TRY(failure());
  Batch& b = *cur_;
  Batch::Item item;
  item.kind = Batch::Kind::kCheck;
  item.pos = pos;
  item.rows = b.keep(event, &block, false);  // counted once, with the rows it holds
  if (!item.rows.view) item.rows = b.keep(event, nullptr);  // (a block that does not hold it: copied and counted)
  if (b.last_file.len == 0 || b.text(b.last_file) != file) b.last_file = b.keep(file);
  item.before = b.last_file;
  b.items.push_back(item);
  return core::ok();
}

core::Status ParallelPrinter::take_inline_text() {
  std::string& text = inline_.buffer();
  if (text.empty()) return core::ok();
  Batch::Item item;
  item.rows = cur_->keep(text);
  text.clear();
  cur_->items.push_back(item);
  if (cur_->input >= options_.batch_bytes) return seal();
  return core::ok();
}

core::Status ParallelPrinter::on_row(const change::RowChange& change, const TableLayoutPtr& layout) {
  SLUICE_TRY(failure());
  SLUICE_TRY(inline_.on_row(change, layout));
  return take_inline_text();
}

core::Status ParallelPrinter::on_statement(const StatementChange& s) {
  SLUICE_TRY(failure());
  SLUICE_TRY(inline_.on_statement(s));
  return take_inline_text();
}

core::Status ParallelPrinter::seal() {
  if (cur_->items.empty()) return core::ok();
  const size_t size = cur_->input;
  std::unique_ptr<Batch> next;
  {
    std::unique_lock lk(mu_);
    space_cv_.wait(lk, [&] { return failed_ || queued_bytes_ == 0 || queued_bytes_ + size <= options_.max_queued_bytes; });
    if (failed_ && error_) return core::fail(*error_);
    cur_->seq = next_seq_++;
    queued_bytes_ += size;
    work_.push_back(std::move(cur_));
    if (!free_.empty()) {
      next = std::move(free_.back());
      free_.pop_back();
    }
  }
  work_cv_.notify_one();
  if (!next) next = new_batch();
  cur_ = std::move(next);
  return core::ok();
}

core::Status ParallelPrinter::hand_over() {
  SLUICE_TRY(failure());
  return seal();
}

core::Status ParallelPrinter::flush() {
  SLUICE_TRY(seal());
  std::unique_lock lk(mu_);
  turn_cv_.wait(lk, [&] { return failed_ || next_write_ == next_seq_; });
  if (failed_ && error_) return core::fail(*error_);
  return core::ok();
}

core::Status ParallelPrinter::finish() {
  core::Status sealed = seal();
  {
    std::lock_guard lk(mu_);
    closing_ = true;
  }
  work_cv_.notify_all();
  workers_.clear();  // joins once every batch is written
  std::lock_guard lk(mu_);
  if (error_) return core::fail(*error_);
  return sealed;
}

void ParallelPrinter::worker_loop(RowDecoder& rows, ChangePrinter& printer) {
  while (true) {
    std::unique_ptr<Batch> b;
    bool skip = false;
    {
      std::unique_lock lk(mu_);
      work_cv_.wait(lk, [&] { return !work_.empty() || closing_; });
      if (work_.empty()) return;
      b = std::move(work_.front());
      work_.pop_front();
      skip = failed_ || cancelled_;
    }
    if (!skip) format(*b, rows, printer);
    write_in_turn(std::move(b));
  }
}

void ParallelPrinter::format(Batch& b, RowDecoder& rows, ChangePrinter& printer) {
  for (Batch::Txn& t : b.txns) {
    t.info.file = b.text(t.file);
    t.info.gtid = b.text(t.gtid);
  }
  std::string& out = printer.buffer();
  out.swap(b.out);
  out.clear();
  for (const Batch::Item& item : b.items) {
    if (item.kind == Batch::Kind::kText) {
      out.append(b.text(item.rows));
      continue;
    }
    core::Status s = core::ok();
    if (item.kind == Batch::Kind::kCheck) {
      s = verify_event_checksum(b.at(item.rows), b.text(item.before), item.pos);
    } else {
      RowsEvent ev{&b.layouts[item.layout], item.op, item.partial, item.pos, b.at(item.before), b.at(item.after),
                   b.at(item.rows)};
      s = rows.decode(b.txns[item.txn].info, ev, printer);
    }
    if (!s) {
      b.status = std::move(s);
      break;
    }
  }
  out.swap(b.out);
}

void ParallelPrinter::write_in_turn(std::unique_ptr<Batch> b) {
  bool skip = false;
  {
    std::unique_lock lk(mu_);
    turn_cv_.wait(lk, [&] { return next_write_ == b->seq; });
    skip = failed_ || cancelled_;
  }
  core::Status wrote = core::ok();
  if (!skip && !b->out.empty()) {
    if (std::fwrite(b->out.data(), 1, b->out.size(), out_) != b->out.size() || std::fflush(out_) != 0) {
      wrote = core::fail(core::ErrorCode::kIo, std::string("writing output: ") + std::strerror(errno));
    }
  }
  {
    std::lock_guard lk(mu_);
    if (!skip && !failed_ && (!b->status || !wrote)) {
      failed_ = true;
      any_failure_.store(true, std::memory_order_relaxed);
      error_ = !b->status ? b->status.error() : wrote.error();
    }
    ++next_write_;
    queued_bytes_ -= b->input;
    b->clear();
    free_.push_back(std::move(b));  // kept (with its capacity): at most max_queued/batch + 2 exist
  }
  turn_cv_.notify_all();
  space_cv_.notify_all();
}

}  // namespace sluice::binlog
