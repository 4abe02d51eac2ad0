#pragma once
/// Log-based catch-up: reads the binlog as a replica (non-blocking dump, through src/source's
/// live reader: a dropped connection is reconnected and resumed after the last complete
/// transaction, none of its changes delivered twice) from the oldest
/// bookmark of the log-based streams up to the server's position at job start, decodes each
/// row event with the table's schema *as of that event* (a schema::SchemaHistory seeded with
/// the columns saved in the bookmarks, or discovery, at the start position and advanced by the
/// binlog's DDL; schema::HistoryResolver stops with kSchemaMismatch rather than shifting
/// columns when a TABLE_MAP disagrees), and hands each change of a tracked stream to a
/// consumer with the stream's selected columns, matched by name. One thread. Events over 1 MiB
/// (a huge compressed transaction) arrive and are inflated in pieces.

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "change/change.h"
#include "core/binlog_position.h"
#include "core/result.h"
#include "core/value.h"
#include "mysql/connection.h"
#include "schema/schema_history.h"
#include "schema/table_schema.h"

namespace sluice::extract {

/// A log-based stream to catch up.
struct CatchupStream {
  /// The table at the catch-up's start, the earliest `from` (seed of the history); with
  /// seed_unknown, as of seed_known_from.
  schema::TableSchema table;
  std::vector<std::string> columns;   ///< selected column names, in output order
  core::BinlogPosition from;          ///< deliver changes of transactions at or after this
  /// The GTID state at `from` (MySQL GTID set, MariaDB GTID position; "" = unknown). run_catchup
  /// keeps it current: before each on_checkpoint it names the state after the checkpoint's
  /// transaction, or is "" when a transaction's GTID could not be followed.
  std::string gtid;
  /// Output indices (into `columns`) of the stream's key, set by the caller. An update's key
  /// columns absent from its after image (binlog_row_image=MINIMAL) are unchanged: they are
  /// taken from the before image, which always carries them.
  std::vector<size_t> key_columns;
  /// An update whose before and after images differ in a key column is delivered as a delete
  /// of the before image (the old key), then the update. False: the update alone (the Singer
  /// tap's behaviour, config `key_change_deletes`).
  bool key_change_deletes = true;
  /// The server the bookmark was read on (mysql::read_source_identity), "" = unknown (a tap's
  /// bookmark): checked by check_bookmarks (bookmark_check.h).
  std::string server_identity;
  /// Set when the table's schema at the catch-up's start cannot be worked out (a DDL in the range
  /// that cannot be undone: job/bookmark_schema.h): the message that stops the job at the first of
  /// its row events without column names (binlog_row_metadata=FULL names them: those decode).
  std::string seed_unknown;
  /// With seed_unknown: the position of the ALTER after which `table` is the table's schema (events
  /// from there decode without column names); empty when not known.
  core::BinlogPosition seed_known_from;
};

class CatchupConsumer {
 public:
  virtual ~CatchupConsumer() = default;
  /// One row change (insert, update or delete) of `stream`, its images mapped to one entry per
  /// CatchupStream::columns (kAbsent where the image lacks the column): inserts and updates carry
  /// the after image, deletes the before image (change.values() is what a sink writes); with
  /// the transaction, commit time and CatchupOptions::extracted. An update that changes the key
  /// comes as a delete of the old key, then the update (CatchupStream above).
  virtual core::Status on_change(size_t stream, const change::RowChange& change) = 0;
  /// A DDL changed the stream's table: `table` is its new schema (columns may have gone or come).
  virtual core::Status on_table_changed(size_t stream, const schema::TableSchema& table) = 0;
  /// A TRUNCATE [TABLE] of the stream's table (recognised by schema::parse_ddl), in order with
  /// the changes; its own transaction, so a checkpoint may follow.
  virtual core::Status on_truncate(size_t stream, core::EpochTime commit_time) = 0;
  /// The stream's table was dropped (or renamed away) by `change` (its position and statement):
  /// every change before it was delivered; none of the stream follows in this catch-up (a table
  /// created again under the name is a new table, to be snapshotted).
  virtual core::Status on_table_gone(size_t stream, const schema::SchemaVersion& change) = 0;
  virtual bool checkpoint_due() = 0;
  /// Every change before `pos` was delivered (called at commits when due, and at the end).
  virtual core::Status on_checkpoint(const core::BinlogPosition& pos) = 0;
};

struct CatchupOptions {
  mysql::ConnectOptions connect;
  uint32_t server_id = 0;
  core::BinlogPosition end;  ///< stop once this position is reached (the server's end at job start)
  /// Non-empty: read from this GTID state (MySQL GTID set / MariaDB GTID position) instead of
  /// the streams' positions (a failover, see bookmark_check.h); their `from` is then empty.
  std::string start_gtid;
  /// The extract time the changes carry (change::RowChange::extracted).
  core::EpochTime extracted{0, 0};
  /// Consecutive failed reconnects before giving up (source::StreamerOptions::max_reconnects).
  unsigned max_reconnects = 10;
  /// Warnings: one line per reconnect ("binlog catch-up: ...; reconnecting in ..."), a schema
  /// corrected from the binlog's column names. Null: silent.
  std::function<void(std::string_view)> log;
  /// The consumer applies JSON diffs (change::RowChange::json_diffs: a PARTIAL_JSON update logged
  /// without its before image) to the documents it holds. False: such an update stops the
  /// catch-up with one line naming the server settings that avoid it.
  bool json_diffs_ok = false;
};

/// Runs the catch-up for `streams` (their `columns` may be narrowed by on_table_changed's
/// caller through `streams`, which must stay alive). Returns after the end position.
core::Status run_catchup(const CatchupOptions& options, std::vector<CatchupStream>& streams, CatchupConsumer& out);

}  // namespace sluice::extract
