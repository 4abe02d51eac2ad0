#pragma once
/// One record of the transaction log: a committed source transaction (or a fragment of a large
/// one) in the change model's terms. RecordBuilder encodes one (the writer's input); Record is a
/// decoded record whose change::Transaction and change::RowChange views point into the record's
/// bytes (the reader's output). Body layout: docs/transaction-log.md.

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "change/change.h"
#include "core/result.h"

namespace sluice::journal {

/// What a statement's session set and an applier needs to run it the same way (from the
/// binlog's QUERY event status variables). Zero: not logged.
struct StatementSession {
  uint64_t sql_mode = 0;
  bool has_sql_mode = false;
  uint16_t charset_client = 0;
  uint16_t collation_connection = 0;
  uint16_t collation_server = 0;
  std::string_view time_zone;
};

/// A statement logged as text (DDL): its position, default database and SQL.
struct Statement {
  uint64_t pos = 0;
  std::string_view db;
  std::string_view sql;
  StatementSession session;
};

/// A table of a record: its identity and column names (as the images are laid out).
struct RecordTable {
  std::string_view db;
  std::string_view table;
  std::vector<std::string_view> columns;
};

/// One change of a record, in source order: a row change (`row`, of table `table`) or a
/// statement (`is_statement`).
struct RecordEntry {
  bool is_statement = false;
  uint32_t table = 0;  ///< index into Record::tables (row changes)
  change::RowChange row;
  Statement statement;
};

/// A decoded record. Views into the reader's buffer: valid until the reader's next call.
struct Record {
  uint64_t lsn = 0;
  bool more = false;  ///< a fragment: the transaction goes on in the next record
  change::Transaction txn;
  std::vector<RecordTable> tables;
  std::vector<RecordEntry> entries;
  std::vector<core::Value> values;      ///< the images' cells (entries' spans point here)
  std::vector<uint32_t> image_offsets;  ///< decoding scratch: each row's (start, size) x 2
};

/// Encodes one record body. Reused from record to record (no allocation once warm). Table names
/// are given once per record per table: `table()` returns its index, by the caller's key.
class RecordBuilder {
 public:
  /// Starts a record (forgets the previous one).
  void begin();
  /// Sets the record's transaction (source position, GTID, commit time): any time before the
  /// append, so the commit's end position can come after the rows.
  void set_transaction(const change::Transaction& txn);

  /// The index of the table `key` (any pointer the caller has one per table layout, e.g. the
  /// decoder's layout) in this record, defining it (db, table, `ncols` names from `name_at(i)`)
  /// the first time.
  template <typename NameAt>
  uint32_t table(const void* key, std::string_view db, std::string_view name, size_t ncols, NameAt name_at) {
    for (size_t i = 0; i < table_keys_.size(); ++i) {
      if (table_keys_[i] == key) return static_cast<uint32_t>(i);
    }
    begin_table(db, name, ncols);
    for (size_t i = 0; i < ncols; ++i) add_column(name_at(i));
    table_keys_.push_back(key);
    return static_cast<uint32_t>(table_keys_.size() - 1);
  }
  /// A row change of table `table` (from table()): op, position, json_diffs and both images,
  /// every value exactly (kAbsent stays absent).
  void add_row(uint32_t table, const change::RowChange& row);
  void add_statement(const Statement& s);

  /// Entries added since begin().
  size_t entries() const { return entries_; }
  /// The body's two parts: the transaction, then the entries (their size tells when to cut a
  /// fragment).
  std::string_view transaction_part() const { return txn_; }
  std::string_view entries_part() const { return body_; }
  size_t size() const { return txn_.size() + body_.size(); }

 private:
  void begin_table(std::string_view db, std::string_view name, size_t ncols);
  void add_column(std::string_view name);
  std::string txn_;
  std::string body_;
  std::vector<const void*> table_keys_;
  size_t entries_ = 0;
};

/// Decodes `body` (its LSN and flags from the record header) into `out`, reusing its vectors.
/// kCorrupt naming the entry that does not decode.
core::Status decode_record(std::span<const uint8_t> body, uint64_t lsn, uint32_t flags, Record& out);

/// Only the transaction part of `body` (source position, GTID, commit time): what recovery needs.
core::Status decode_transaction(std::span<const uint8_t> body, change::Transaction& out);

}  // namespace sluice::journal
