#pragma once
/// The sink seam: where a replication job delivers what it extracted. One small interface that
/// the Singer stdout sink (singer/) implements, and that file and database destinations
/// (JSON lines, Avro, SQLite, PostgreSQL) implement the same way.
///
/// A sink sees only the change model (change::RowChange of core::Value cells) and the schema
/// model (schema::ColumnSchema), never MySQL wire bytes, extract or binlog types. Calls come from
/// one thread (the job's), in this order per stream: open_stream, then any of write_row / activate_version /
/// update_stream / truncate_stream, and checkpoint() between rows of any streams; finish() once at the end.
///
/// Delivery contract: checkpoint(state) is called after the rows it covers were passed to
/// write_row. A sink returns from checkpoint() only once those rows are durable (flushed to
/// stdout, fsynced, committed) and the state is recorded with them (a database sink commits
/// rows and state in one transaction: exactly-once; Singer prints the STATE message after
/// the records: at-least-once). A failed checkpoint stops the job; the state is not advanced.
/// ThreadedSink (threaded_sink.h), which the factory puts around file destinations, returns
/// from checkpoint() once it is queued behind its rows: durable when the writer thread has run
/// it, at the latest when finish() returns; its errors come back from a later call.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "change/change.h"
#include "change/method.h"
#include "core/result.h"
#include "core/value.h"
#include "schema/table_schema.h"

namespace sluice::sinks {

/// Everything a sink learns about a stream before its rows. Plain data, owned by the sink
/// after open_stream() copies what it needs.
struct StreamInfo {
  std::string stream_id;   ///< tap_stream_id, "db-table"
  std::string stream;      ///< the Singer stream name (the table name)
  std::string database;
  std::string table;
  bool is_view = false;
  /// The synced columns, in output order; row values come in this order.
  std::vector<schema::ColumnSchema> columns;
  std::vector<std::string> key_properties;  ///< primary key (or view-key-properties)
  std::optional<std::string> replication_key;  ///< Key-based Incremental only
  change::Method method = change::Method::kFullTable;
  /// Singer table version (ACTIVATE_VERSION / RECORD "version"); 0 = none.
  int64_t version = 0;
  /// Log-based streams carry `_sdc_deleted_at` (null, or the commit time of a delete).
  bool deleted_at_column = false;
};

/// A stream handle returned by open_stream (an index; valid until finish()).
using StreamHandle = uint32_t;

class Sink {
 public:
  virtual ~Sink() = default;

  /// Starts delivering a stream (Singer: the SCHEMA message). May be called again for the
  /// same stream_id in one job (a later phase of the stream): returns the same handle.
  virtual core::Result<StreamHandle> open_stream(const StreamInfo& info) = 0;

  /// The stream's columns changed (ALTER TABLE seen in the binlog): later rows use `info`'s
  /// columns (Singer: a new SCHEMA message).
  virtual core::Status update_stream(StreamHandle stream, const StreamInfo& info) = 0;

  /// Singer ACTIVATE_VERSION: rows of versions older than `version` are obsolete (a Full
  /// Table load is complete). Database sinks swap the new load in here.
  virtual core::Status activate_version(StreamHandle stream, int64_t version) = 0;

  /// Delivers one row change (op snapshot, insert, update or delete; views valid during the
  /// call). A sink writes row.values(): one value per StreamInfo::columns entry, same order, the
  /// after image of a snapshot row, insert or update and the before image of a delete; a kAbsent
  /// value (binlog MINIMAL image) means "not known": sinks omit it. With row.extracted, and
  /// row.commit_time for a delete's `_sdc_deleted_at`. An UPDATE that changes the key reaches a
  /// sink as a delete of the before image, then an update (the job decides; sinks need not
  /// compare keys).
  virtual core::Status write_row(StreamHandle stream, const change::RowChange& row) = 0;

  /// A TRUNCATE TABLE of the stream's source table, in order with its rows: every row written
  /// before it is gone (database sinks: deleted, or `_sdc_deleted_at` = `commit_time` in soft
  /// mode; Singer: ACTIVATE_VERSION of `version`; JSON lines / Avro: a truncate record). Later
  /// rows carry table version `version` (newer than the stream's).
  virtual core::Status truncate_stream(StreamHandle stream, int64_t version, core::EpochTime commit_time) = 0;

  /// Makes every row written so far durable, then records `state_json` (the job's full
  /// Singer state object, compact JSON) with them. See the delivery contract above.
  virtual core::Status checkpoint(std::string_view state_json) = 0;

  /// Flushes and closes; no call follows.
  virtual core::Status finish() = 0;

  /// The stream ended in this job for `reason` (e.g. "dropped at binlog.000003:1234": its table
  /// was dropped); nothing more is written to it. For the loading report; others ignore it.
  virtual void stream_gone(StreamHandle /*stream*/, std::string_view /*reason*/) {}

  /// True when write_row accepts an update whose row.json_diffs is set: a JSON value flagged
  /// core::Value::is_json_diff holds the diff list of a PARTIAL_JSON update logged without its
  /// document (binlog_row_image=MINIMAL), and the sink applies it to the document it stores for
  /// the row's key (change::apply_json_diff_list), never writing the diff as the document. Keyed
  /// database sinks (SQLite, PostgreSQL) do; the job refuses such updates for the others.
  virtual bool applies_json_diffs() const { return false; }
};

}  // namespace sluice::sinks
