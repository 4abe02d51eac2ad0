#pragma once
/// The live binlog as row changes, the one live reader: what `sluice binlog stream` runs
/// (docs/binlog-stream.md) and sync's log-based catch-up (extract::run_catchup).
///
///   ReplicationStream (raw events) -> table-id prefilter -> EventDecoder (+ optional schema
///     resolver) -> ChangeAssembler
///     -> ResumeGuard -> your ChangeHandler (e.g. ChangePrinter), and with `rows_sink` the
///     rows events undecoded to it (ParallelPrinter: decoded and printed by worker threads)
///
/// - Start: the server's current position, a file/position, a GTID set (MySQL) or GTID
///   position (MariaDB; the text decides, the server's flavor is checked), or a checkpoint.
///   With `ask_server` false (the catch-up, whose bookmarks were checked before) the start is
///   taken as given: nothing is asked before the stream opens.
/// - `until_now`: stops at the server's end position read at start (non-blocking dump);
///   `until`: at that position.
/// - Reconnects with exponential backoff when the connection drops after streaming began,
///   resuming after the last complete transaction; changes of a transaction cut by the drop
///   that were already delivered are skipped on replay (ResumeGuard), so none is repeated.
/// - Flushes the output when the server has nothing more to send right now (the socket is
///   empty after a commit), on heartbeats and at least every `flush_interval_ms`; the
///   checkpoint (if any) is written after a flush, so it never names unflushed output.
/// - Database/table filters skip rows events of unwanted table ids before they are decoded.
///
/// run() blocks on the caller's thread (a rows sink may run threads of its own); `stop` (set from a signal
/// handler or another thread) ends it at the next event, heartbeat or reconnect wait (at once
/// when the signal reaches the thread waiting on the server: the wait is interrupted).
///
/// The checkpoint (if any) is written for the resolved start before the first event, after
/// commits (paced), when the stream moves to the next binlog file or a heartbeat names a later
/// position between transactions, and at every exit.

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "binlog/change_assembler.h"
#include "binlog/change_handler.h"
#include "core/binlog_position.h"
#include "core/result.h"
#include "mysql/connection.h"
#include "mysql/replication_stream.h"
#include "source/resume_guard.h"
#include "source/stream_checkpoint.h"

namespace sluice::source {

/// Where a stream starts.
struct StreamStart {
  enum class Kind : uint8_t {
    kCurrent = 0,  ///< the server's current end (SHOW BINARY LOG STATUS / SHOW MASTER STATUS)
    kFilePos = 1,  ///< `position`
    kGtid = 2,     ///< `gtid`: MySQL GTID set ("uuid:1-5,...") or MariaDB position ("0-1-42,...")
  };
  Kind kind = Kind::kCurrent;
  core::BinlogPosition position{"", 4};
  std::string gtid;
  /// Known GTID state at a kFilePos start (from a checkpoint), "" = ask the server when it can tell.
  std::string gtid_state;
  /// A kFilePos start at a checkpoint's resume point (a held XA transaction's start): where the
  /// transactions delivered before end; those that begin before it are skipped. Empty = none.
  core::BinlogPosition delivered;
  /// The identity of the server a checkpoint was written on (mysql::read_source_identity), ""
  /// = unknown (a --from start, an older checkpoint): a kFilePos start on another server is
  /// refused unless that server has executed `gtid_state` (then it continues by GTID).
  std::string server_identity;
  /// Where a kFilePos start comes from, for messages: "" = --from, else e.g. "checkpoint FILE".
  std::string origin;
  /// What to do when that start names nothing on the server, for messages: "" = the advice for
  /// --from and a checkpoint file.
  std::string fix;
};

struct StreamerOptions {
  mysql::ConnectOptions connect;
  uint32_t server_id = 0;  ///< required, unique among the source's replicas
  StreamStart start;
  bool until_now = false;
  /// Non-empty: a non-blocking dump that stops at the first event ending at or past it (a
  /// transaction end: the catch-up's end position), instead of until_now's server end.
  core::BinlogPosition until;
  /// False: take `start` as given (a kFilePos or kGtid start checked by the caller): no
  /// identity, binlog end or GTID state is asked before streaming, and the stream follows no
  /// GTID state unless it starts at a GTID; kBinlogPurged errors are returned as they are.
  bool ask_server = true;
  /// The reader's name in its log lines ("binlog stream: ... reconnecting in ...").
  std::string name = "binlog stream";
  std::vector<std::string> databases;      ///< only these (empty: all)
  std::vector<std::string> tables;         ///< only these "db.table" (empty: all)
  std::string checkpoint_path;             ///< "" = no checkpoint file
  unsigned checkpoint_interval_ms = 1000;  ///< at most one checkpoint write (fsync) per interval
  unsigned flush_interval_ms = 1000;
  uint32_t heartbeat_ms = 5000;  ///< the client read timeout is set well above it
  unsigned backoff_initial_ms = 1000;
  unsigned backoff_max_ms = 30000;
  unsigned max_reconnects = 0;  ///< consecutive failed attempts before giving up; 0 = never give up
  /// Per-transaction row buffer (MariaDB); the same default as `binlog read`, so lines are equal.
  size_t max_buffered_bytes = binlog::AssemblerOptions{}.max_buffered_bytes;
  bool verbose = false;  ///< debug lines about skipped events through `log`
  /// One line per message for stderr (reconnect attempts, debug lines). Null: silent.
  std::function<void(std::string_view)> log;
  /// Set to true to stop; checked between events. Not owned; may be null.
  const std::atomic<bool>* stop = nullptr;
  /// Optional, not owned: rows events go here undecoded (e.g. a ParallelPrinter, whose workers
  /// decode and print them), through the resume guard; `out` then gets statements only.
  binlog::RowsEventSink* rows_sink = nullptr;
  /// Optional, not owned: fills in what TABLE_MAPs do not carry (column names...) from a
  /// schema history (schema::HistoryResolver); `out` should then keep that history in step
  /// (schema::HistoryTracker), since statements reach `out` in binlog order.
  binlog::SchemaResolver* resolver = nullptr;
  /// Called once, after the start is resolved (a kCurrent start is then the server's
  /// file/position) and before the first event: e.g. to seed a schema history there. An error
  /// ends run() with it.
  std::function<core::Status(const StreamStart& start)> on_start;
  /// Called instead of `flush` when the stream goes idle and no checkpoint is due (e.g. a
  /// ParallelPrinter's hand_over: lines come out promptly, nothing waits). Null: `flush`.
  std::function<core::Status()> hand_over;
};

class BinlogStreamer {
 public:
  /// `out` receives the changes (through the ResumeGuard: with `Out` a final class, called
  /// directly); `flush` makes what `out` received durable (e.g. writes stdout) and is called
  /// before each checkpoint; null: nothing to flush (nor a reason to look for an idle socket).
  /// `out` must outlive the streamer.
  template <class Out>
  BinlogStreamer(StreamerOptions options, Out& out, std::function<core::Status()> flush)
      : BinlogStreamer(std::move(options), std::move(flush)) {
    output_ = std::make_unique<Guarded<Out>>(guard(), out, options_.rows_sink);
  }
  ~BinlogStreamer();
  BinlogStreamer(const BinlogStreamer&) = delete;
  BinlogStreamer& operator=(const BinlogStreamer&) = delete;

  /// Streams until the end (`until_now`), `stop`, or an error that reconnecting cannot fix.
  /// kBinlogPurged errors say which position was asked for, the oldest binlog the server still
  /// has and which tables must be re-snapshotted. The output is flushed (and the checkpoint
  /// written) before it returns, also on error.
  core::Status run();

  /// The resume point after the last complete transaction delivered.
  StreamCheckpoint committed() const;
  uint64_t transactions() const;
  uint64_t changes() const;
  /// Successful reconnects so far.
  uint64_t reconnects() const { return reconnects_; }

 private:
  struct Impl;
  BinlogStreamer(StreamerOptions options, std::function<core::Status()> flush);
  ResumeGuard& guard();
  core::Status resolve_start();
  /// resolve_start without questions (`ask_server` false): connects, learns the flavor.
  core::Status take_start();
  core::Status stream_once(bool& streamed);
  mysql::ReplicationOptions replication_options() const;
  mysql::ConnectOptions stream_connect_options() const;
  core::Status flush_and_checkpoint(bool force);
  /// Writes committed() to the checkpoint file (when there is one and the start is resolved).
  core::Status save_checkpoint_now();
  /// Moves the resume point to `file`:`pos` when the stream is between transactions and it lies
  /// ahead (a ROTATE to the next file, a heartbeat's position): true when it moved.
  bool advance_idle(const std::string& file, uint64_t pos);
  bool reached_end(std::span<const uint8_t> ev, bool was_in_stop_file, std::string_view file) const;
  core::Status finish(core::Status status);
  core::Error purged_error(const core::Error& e);
  bool should_stop() const {
    return options_.stop != nullptr && options_.stop->load(std::memory_order_relaxed);
  }
  void log(const std::string& line) const;

  StreamerOptions options_;
  std::function<core::Status()> flush_;
  std::unique_ptr<Impl> impl_;
  std::unique_ptr<GuardedOutput> output_;
  uint64_t reconnects_ = 0;
};

/// "all tables", "databases a, b" or "tables db.t, ..." for messages.
std::string describe_followed_tables(const std::vector<std::string>& databases,
                                     const std::vector<std::string>& tables);

}  // namespace sluice::source
