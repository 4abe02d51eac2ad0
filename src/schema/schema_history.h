#pragma once
/// The schema of each tracked table as of any binlog position: a list of versions per
/// db.table, seeded from discovery at a known position and advanced by the DDL found in
/// the binlog's QUERY events, in order. Persisted as one JSON file (history_json.cpp) that
/// records the position it is valid up to. The HistoryResolver (history_resolver.h) serves
/// TABLE_MAPs from it. See docs/schema-changes.md.
///
///   SchemaHistory h({.databases = {"shop"}});
///   h.seed(discovered_tables, {"mysql-bin.000042", 4});      // the snapshot's position
///   ... per StatementChange:  SLUICE_TRY(h.apply(change));  // DDL in binlog order
///   ... per commit:           h.advance({file, end_pos});   // then save() with the checkpoint
///
/// Not thread-safe: one owner (the decoding thread); the resolver reads it on that thread.

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/binlog_position.h"
#include "core/result.h"
#include "schema/ddl_parser.h"
#include "schema/table_schema.h"

namespace sluice::binlog {
struct StatementChange;
}

namespace sluice::schema {

/// One state of one table, in effect for events at `position` and after, until the next.
struct SchemaVersion {
  enum class State : uint8_t {
    kKnown = 0,    ///< `table` is the schema
    kUnknown = 1,  ///< a statement changed the table in a way the parser could not follow
    kDropped = 2,  ///< the table no longer exists (dropped or renamed away)
  };
  core::BinlogPosition position;  ///< the seed position, or the position of the DDL's QUERY event
  std::string gtid;         ///< the DDL's GTID, when the server wrote one
  State state = State::kKnown;
  std::string statement;    ///< the DDL (empty for the seed)
  std::string reason;       ///< kUnknown: what could not be followed
  TableSchema table;        ///< kKnown (and the last known columns otherwise)
};

struct HistoryOptions {
  std::vector<std::string> databases;  ///< tracked databases; empty = all but system schemas
  std::vector<std::string> tables;     ///< "db.table" to track; empty = every table of those
  /// Receives one line per statement skipped, not understood or marking a table unknown.
  std::function<void(std::string_view)> debug;
  /// Receives one line per correction of a version from a TABLE_MAP's column names (correct()).
  std::function<void(std::string_view)> warn;
};

class SchemaHistory {
 public:
  explicit SchemaHistory(HistoryOptions options = {});

  /// Starts the history at `at` with the tables discovery found there (views are dropped,
  /// tables outside the filters too). Replaces anything held before.
  void seed(std::vector<TableSchema> tables, core::BinlogPosition at, std::string gtid = {});
  /// Marks the seeded version of `name` unknown: its schema at the seed position could not be
  /// worked out. TABLE_MAPs that name their columns (binlog_row_metadata=FULL) still decode (and
  /// correct it); others stop with `message` (which names the fix) as the error. When
  /// `known_from` is set, the ALTER TABLE there yields the seeded table (seed() was given the
  /// table as it is after that statement) instead of being applied to an unknown schema.
  void seed_unknown(const TableName& name, std::string message, core::BinlogPosition known_from = {});

  /// Applies one statement from a QUERY event at `at` (default database `default_db`).
  /// Statements before valid_up_to() are already reflected and skipped (a replay after a
  /// restart). Statements that are not DDL of a tracked table change nothing. Errors only
  /// when the history was never seeded. `server` (the one that wrote the binlog) decides
  /// which executable comments (`/*!80013 ... */`) count; unknown: all of them.
  core::Status apply_statement(std::string_view default_db, std::string_view sql,
                               const core::BinlogPosition& at, std::string_view gtid = {},
                               const SqlServer& server = {});
  /// apply_statement() for a decoder's StatementChange (file and GTID from its transaction).
  core::Status apply(const binlog::StatementChange& change);

  /// Replaces the version of `db`.`table` in effect at `at` by `table` (known), telling `why`
  /// to HistoryOptions::warn: a TABLE_MAP with column names showed the version was wrong.
  const SchemaVersion& correct(std::string_view db, std::string_view table_name,
                               const core::BinlogPosition& at, TableSchema table, const std::string& why);

  /// Records that every event before `to` has been seen (call at commits): the history is
  /// valid up to there. Never moves backwards.
  void advance(const core::BinlogPosition& to);

  const core::BinlogPosition& seeded_at() const { return seeded_at_; }
  const core::BinlogPosition& valid_up_to() const { return valid_up_to_; }
  const HistoryOptions& options() const { return options_; }

  /// True when `db` (and `db`.`table`, when given) is tracked.
  bool tracks(std::string_view db, std::string_view table = {}) const;

  /// The version of `db`.`table` in effect at `at` (the last one at or before it), or
  /// nullptr when the history holds none (untracked, created later, before the seed).
  const SchemaVersion* version_at(std::string_view db, std::string_view table,
                                  const core::BinlogPosition& at) const;
  /// The newest version of `db`.`table`, or nullptr.
  const SchemaVersion* latest(std::string_view db, std::string_view table) const;
  /// Every version of `db`.`table`, oldest first (empty when unknown).
  const std::vector<SchemaVersion>& versions(std::string_view db, std::string_view table) const;
  /// Names "db.table" of every table the history has a version of.
  std::vector<std::string> table_names() const;

  /// Forgets versions no event at or after `keep_from` can need (all but the one in effect
  /// there and later ones; tables dropped before it entirely). Returns versions removed.
  size_t compact(const core::BinlogPosition& keep_from);

  /// The history as JSON text (format: docs/schema-changes.md).
  std::string to_json() const;
  /// Reads to_json() text. `options.debug` is taken from `options`; filters from the text.
  static core::Result<SchemaHistory> from_json(std::string_view text, HistoryOptions options = {});
  /// Writes to_json() to `path` atomically (temporary file, fsync, rename, fsync of the folder).
  core::Status save(const std::string& path) const;
  /// Reads a file written by save().
  static core::Result<SchemaHistory> load(const std::string& path, HistoryOptions options = {});

 private:
  friend struct HistoryJson;
  using Key = std::pair<std::string, std::string>;
  void note(const std::string& line) const;
  void add_version(const TableName& name, SchemaVersion v);
  void mark_unknown(const TableName& name, const SchemaVersion& base, std::string reason);
  void apply_parsed(const DdlStatement& st, const SchemaVersion& base);
  void apply_alter(const DdlStatement& st, const SchemaVersion& base);
  void apply_rename(const TableName& from, const TableName& to, const SchemaVersion& base);

  HistoryOptions options_;
  core::BinlogPosition seeded_at_;
  core::BinlogPosition valid_up_to_;
  std::map<Key, std::vector<SchemaVersion>> tables_;
  std::map<Key, core::BinlogPosition> known_from_;  // seed_unknown(): the ALTER that makes the seed right
};

/// `sql` on one line for messages: newlines and tabs as spaces, cut after 300 characters ("...").
std::string one_line(std::string_view sql);

/// Applies ALTER TABLE `specs` (ddl_parser.h) to `table` in order. Fails with a message
/// naming the first spec that does not fit (dropping a column that does not exist...).
core::Status apply_alter_specs(TableSchema& table, const std::vector<AlterSpec>& specs);

}  // namespace sluice::schema
