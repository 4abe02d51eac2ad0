#pragma once
/// Groups decoded events into transactions and turns rows events into RowChanges.
/// An EventHandler: feed it the EventDecoder's events; it calls a ChangeHandler.
///
/// A transaction starts at a GTID event (MySQL, MariaDB) or a BEGIN query and ends at XID
/// or COMMIT; a query outside BEGIN..COMMIT (DDL) is a transaction of its own. When the
/// end position is known up front (MySQL GTID events carry the transaction length) rows
/// are decoded and delivered as they arrive; otherwise (MariaDB) the raw rows events are
/// buffered, up to `max_buffered_bytes`, and decoded at commit so that each change
/// carries end_pos. Beyond that limit what is buffered is delivered and the rest of the
/// transaction streams through, all with end_pos = 0 (printed as null).
/// Memory: one reused byte buffer for the buffered rows (its capacity stays at most the
/// limit plus one event), one arena for cell values (reset per row). Rows events whose bytes
/// lie in a reader's block (Event::block) are not copied: the block is held until the commit.
/// Not thread-safe.
///
/// With `AssemblerOptions::rows_sink` set, rows events are handed over undecoded (at the
/// point where they would be decoded) so that another thread can decode and print them
/// (ParallelPrinter); statements and commits still go to the ChangeHandler, in order.

#include <memory>
#include <string>
#include <unordered_set>
#include <vector>

#include "binlog/byte_block.h"
#include "binlog/change_handler.h"
#include "binlog/event_decoder.h"
#include "binlog/partial_json.h"
#include "binlog/prepared_xa.h"
#include "binlog/values/json_diff.h"
#include "core/arena.h"

namespace sluice::binlog {

/// One rows event ready to be turned into RowChanges. Views valid only during the call
/// that receives it; copy `*layout` to keep the layout.
struct RowsEvent {
  const TableLayoutPtr* layout = nullptr;  ///< never null
  change::Op op = change::Op::kInsert;
  bool partial = false;  ///< PARTIAL_UPDATE_ROWS (after images may hold JSON diffs)
  uint64_t pos = 0;      ///< position of the rows event (or of its TRANSACTION_PAYLOAD)
  std::span<const uint8_t> present_before, present_after, rows;
  /// When set, a block that may hold the views: a sink may keep a BlockRef to it (and the views
  /// it holds, ByteBlock::holds) instead of copying them.
  ByteBlock* block = nullptr;
};

/// Receives rows events undecoded, in commit order, on the assembler's thread.
class RowsEventSink {
 public:
  virtual ~RowsEventSink() = default;
  /// `txn` is complete as far as it will be for these rows (end_pos 0 when unknown).
  virtual core::Status on_rows_event(const change::Transaction& txn, const RowsEvent& rows) = 0;
};

/// Decodes the rows of one rows event into RowChanges for a ChangeHandler. Owns its
/// scratch (cell arena reset per row, the image slots); one per thread.
class RowDecoder {
 public:
  explicit RowDecoder(JsonDiffApplier json_diff) : json_diff_(json_diff) {}
  /// Errors name the table and "file:pos" (from `txn.file` and `rows.pos`).
  core::Status decode(const change::Transaction& txn, const RowsEvent& rows, ChangeHandler& out);

 private:
  JsonDiffApplier json_diff_;
  core::Arena cell_arena_{64 << 10};
  std::vector<core::Value> before_, after_;
  std::vector<JsonDiff> diffs_;
};

struct AssemblerOptions {
  /// Only these databases (empty: all).
  std::vector<std::string> databases;
  /// Only these "db.table" (empty: all).
  std::vector<std::string> tables;
  /// Applies PARTIAL_JSON diffs (default: values::apply_json_diffs); null: such updates are an error.
  JsonDiffApplier json_diff = &values::apply_json_diffs;
  /// Raw rows bytes buffered per transaction before changes stream without end_pos.
  size_t max_buffered_bytes = size_t{8} << 20;
  /// Optional, not owned: receives the rows events instead of decoded rows (see above).
  RowsEventSink* rows_sink = nullptr;
  /// Optional, not owned: holds the rows of two-phase XA transactions from their XA PREPARE to
  /// their XA COMMIT (delivered then, as part of the XA COMMIT's transaction) or XA ROLLBACK
  /// (dropped). Commits carry change::Transaction::resume_file/pos while one is held. Null: an XA
  /// PREPARE with rows of followed tables stops the read with an error (kUnsupported).
  PreparedXa* prepared_xa = nullptr;
};

class ChangeAssembler : public EventHandler {
 public:
  ChangeAssembler(ChangeHandler& out, AssemblerOptions options = {});

  core::Status on_event(const Event& event) override;

  /// Delivers what is buffered of an unfinished transaction (end of input), end_pos = 0.
  core::Status finish();

  /// True when `db`.`table` passes the database/table filters.
  bool wanted(std::string_view db, std::string_view table) const;

 private:
  struct RowsBytes {
    std::span<const uint8_t> present_before, present_after, rows;
  };
  struct Pending {  // a buffered rows event
    TableLayoutPtr layout;
    change::Op op = change::Op::kInsert;
    bool partial = false;
    uint64_t pos = 0;
    ByteBlock* block = nullptr;  // set: `view` lies in it (held by pins_); else the bytes are at offsets of raw_
    RowsBytes view;
    size_t before_off = 0, after_off = 0, rows_off = 0, bitmap_len = 0, rows_len = 0;
  };
  core::Status on_gtid(const Event& ev, const Gtid& g);
  core::Status on_query(const Event& ev, const Query& q);
  core::Status on_xa_prepare(const Event& ev, const XaPrepare& x);
  core::Status on_savepoint(const Query& q, bool rollback);
  core::Status on_rows(const Event& ev, const Rows& r);
  core::Status begin(const Event& ev);
  core::Status commit(const Event& ev, const PreparedXa::Txn* held = nullptr);
  core::Status on_xa_end(const Event& ev, const Query& q, bool commit);
  core::Status hold_prepared(const Event& ev, const XaPrepare& x);
  core::Status deliver();
  core::Status flush_pending();
  core::Status emit(const Pending& p, const RowsBytes& b);
  void reset();
  size_t keep(std::span<const uint8_t> bytes);
  core::Status unknown_event_check() const;

  ChangeHandler& out_;
  AssemblerOptions options_;
  std::unordered_set<std::string> dbs_, tables_;
  change::Transaction txn_;
  std::string file_, gtid_;
  bool open_ = false;       // inside a GTID/BEGIN group
  bool began_ = false;      // a BEGIN query was seen (so queries are part of the group)
  bool streaming_ = false;  // rows are delivered as they arrive
  bool has_rows_ = false;   // the group has rows of followed tables
  bool standalone_ = false; // MariaDB FL_STANDALONE: the next query ends the group
  bool xa_ = false;         // an XA transaction (XA START, MariaDB FL_PREPARED_XA): may be held
  size_t buffered_ = 0;
  std::vector<Pending> pending_;
  std::vector<uint8_t> raw_;
  std::vector<BlockRef> pins_;  // the blocks pending_'s views lie in
  // SAVEPOINTs of the open transaction: where its buffered rows stood, so that a ROLLBACK TO
  // SAVEPOINT in the binlog (written when the transaction also changed a non-transactional
  // table) drops the rows it undid.
  struct Savepoint {
    std::string name;
    size_t rows = 0, raw = 0, buffered = 0;
    uint64_t flushes = 0;  // flushes_ when it was set: a later flush printed rows it could undo
  };
  std::vector<Savepoint> savepoints_;
  uint64_t flushes_ = 0;  // buffered rows printed before the transaction's end (too large)
  RowDecoder rows_;
  std::string server_version_;  // of the last FORMAT_DESCRIPTION, for errors
  EventHeader unknown_;         // an event of unknown type in the open transaction, when
  std::string unknown_where_;   // unknown_where_ ("file:pos") is set
  TableLayoutPtr last_layout_;  // held so its address cannot be reused while cached
  bool last_wanted_ = false;
};

}  // namespace sluice::binlog
