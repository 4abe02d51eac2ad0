#pragma once
/// JSON lines like ChangePrinter, with the row decoding and formatting spread over worker
/// threads (`sluice binlog read` on 2+ cores). The output is byte for byte ChangePrinter's.
///
///   ParallelPrinter printer(stdout, popts, {});
///   aopts.rows_sink = &printer;                 // rows events arrive undecoded
///   ChangeAssembler assembler(printer, aopts);  // statements and commits, in order
///   ... feed the decoder ...; assembler.finish();
///   SLUICE_TRY(printer.finish());               // everything written, workers joined
///
/// Threads: the caller's thread (the assembler's) puts each rows event (a view into a reader's
/// block, which the batch then holds, else a copy), each CRC32 check handed over by the decoder
/// and each line it formats itself (statements) into the current batch; a full batch (`batch_bytes`) goes to
/// a queue; each worker takes the next batch, decodes and formats it with its own
/// RowDecoder + ChangePrinter, waits for its turn (batch order) and writes it. Batches not
/// yet written hold at most `max_queued_bytes` of input (the back-pressure: the caller
/// waits); output per batch is about the size of its input. The first error in stream
/// order wins: lines before it are written, later batches are dropped, and the caller's
/// next call returns it. The destructor cancels and joins; finish() drains and joins;
/// flush() drains and keeps the workers (`binlog stream`: before each checkpoint).

#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "binlog/change_assembler.h"
#include "binlog/change_printer.h"

namespace sluice::binlog {

struct ParallelOptions {
  size_t workers = 2;
  size_t batch_bytes = size_t{256} << 10;     ///< input bytes per batch
  size_t max_queued_bytes = size_t{2} << 20;  ///< input bytes of batches not yet written
  JsonDiffApplier json_diff = &values::apply_json_diffs;
};

class ParallelPrinter : public ChangeHandler, public RowsEventSink, public ChecksumSink {
 public:
  ParallelPrinter(std::FILE* out, PrinterOptions printer_options, ParallelOptions options);
  ~ParallelPrinter() override;
  ParallelPrinter(const ParallelPrinter&) = delete;
  ParallelPrinter& operator=(const ParallelPrinter&) = delete;

  /// Rows whose views lie in `rows.block` are held there, not copied.
  core::Status on_rows_event(const change::Transaction& txn, const RowsEvent& rows) override;
  /// A rows event whose CRC32 a worker checks (DecoderOptions::checksum_sink): the batch holds
  /// the event; a mismatch is the batch's error at this point of the stream, so no line
  /// handed in after it is written.
  core::Status on_unverified_event(std::span<const uint8_t> event, ByteBlock& block, std::string_view file,
                                   uint64_t pos) override;
  /// Rows decoded by the caller (no rows_sink) are formatted on the caller's thread, in order.
  core::Status on_row(const change::RowChange& change, const TableLayoutPtr& layout) override;
  core::Status on_statement(const StatementChange& s) override;

  /// Hands the batch being filled to the workers without waiting (a live stream gone idle:
  /// its lines come out promptly). Returns the first error seen so far.
  core::Status hand_over();
  /// Hands over the batch being filled and waits until every batch so far is written (a
  /// checkpoint may then name what was handed in). Returns the first error. Callable again.
  core::Status flush();

  /// Hands over the last batch, waits until every batch is written, joins the workers.
  /// Returns the first error (decoding a row, writing the output). Call once.
  core::Status finish();

  struct Batch;

 private:
  void worker_loop(RowDecoder& rows, ChangePrinter& printer);
  void format(Batch& b, RowDecoder& rows, ChangePrinter& printer);
  void write_in_turn(std::unique_ptr<Batch> b);
  core::Status take_inline_text();
  core::Status seal();
  uint32_t txn_index(const change::Transaction& txn);
  core::Status failure();
  std::unique_ptr<Batch> new_batch() const;

  std::FILE* out_;
  ParallelOptions options_;
  ChangePrinter inline_;          // lines formatted on the caller's thread
  std::unique_ptr<Batch> cur_;    // being filled by the caller
  uint64_t next_seq_ = 0;

  std::mutex mu_;
  std::condition_variable work_cv_, turn_cv_, space_cv_;
  std::deque<std::unique_ptr<Batch>> work_;   // sealed, not taken
  std::vector<std::unique_ptr<Batch>> free_;  // written, for reuse
  size_t queued_bytes_ = 0;                   // input bytes sealed and not yet written
  uint64_t next_write_ = 0;                   // seq of the batch whose turn it is
  bool closing_ = false, cancelled_ = false, failed_ = false;
  std::atomic<bool> any_failure_{false};  // failed_, readable without the lock
  std::optional<core::Error> error_;
  std::vector<std::jthread> workers_;
};

}  // namespace sluice::binlog
