#include "sinks/sqlite/sqlite_sink.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <limits>

#include "change/json_diff.h"
#include "core/value_format.h"
#include "sinks/sqlite/sqlite_values.h"

namespace sluice::sinks {

using sqlite::quote_ident;

namespace {

constexpr sqlite3_int64 kNoInsert = std::numeric_limits<sqlite3_int64>::min();
/// Metadata columns after the stream's own: extracted at, deleted at, table version.
constexpr int kMetaColumns = 3;
/// Past this WAL size a commit waits for the WAL to be copied back and restarted (disk bound).
constexpr int64_t kWalBoundBytes = int64_t{256} << 20;

/// sqlite3_wal_hook: records the WAL's size after each commit. Installing a hook also turns
/// SQLite's automatic checkpoints off: WalCheckpointer copies the WAL back on its own thread.
int on_wal_commit(void* frames, sqlite3*, const char*, int n) {
  *static_cast<int*>(frames) = n;
  return SQLITE_OK;
}

/// "YYYY-MM-DD HH:MM:SS.ffffff" (UTC) of an epoch time.
std::string time_text(core::EpochTime t) {
  char buf[40];
  size_t n = core::format_datetime(buf, core::temporal_from_epoch(t), 6);
  return std::string(buf, n);
}

}  // namespace

struct SqliteSink::Stream {
  StreamInfo info;
  std::string table;   ///< unquoted SQLite table name
  std::string qtable;  ///< quoted
  std::vector<size_t> key_index;
  sqlite::Stmt upsert;  ///< every column present
  std::map<std::string, sqlite::Stmt> partial;  ///< by absent mask ('1' = present)
  std::map<size_t, sqlite::Stmt> read_document;  ///< by JSON column: its value for a key
  std::vector<core::Value> resolved;             ///< a row whose JSON diffs were applied
  std::vector<std::string> resolved_text;
  sqlite::Stmt hard_delete;
  sqlite::Stmt activate;
  std::vector<std::string> scratch;  ///< per parameter, reused
  std::string mask;
  LoadCounts counts;
  core::EpochTime extracted{-1, 0};
  std::string extracted_text;
  /// The table held rows when this sink first opened it (rows of older versions, maybe).
  bool had_rows = true;
  int64_t min_version = std::numeric_limits<int64_t>::max();  ///< lowest version written (0: none)
};

SqliteSink::SqliteSink(SqliteSinkOptions options) : options_(std::move(options)) {}

SqliteSink::~SqliteSink() {
  if (in_tx_) (void)db_.exec("ROLLBACK", "rolling back");
  // Statements must be finalized before the connection closes.
  streams_.clear();
  save_state_ = sqlite::Stmt();
}

core::Result<std::unique_ptr<SqliteSink>> SqliteSink::open(const SqliteSinkOptions& options) {
  std::unique_ptr<SqliteSink> sink(new SqliteSink(options));
  SLUICE_TRY(sink->setup());
  return sink;
}

core::Status SqliteSink::setup() {
  std::error_code ec;
  if (std::filesystem::is_directory(options_.path, ec)) {
    return core::fail(core::ErrorCode::kInvalidArgument,
                      "SQLite destination " + options_.path + ": is a directory; 'path' must name the database file");
  }
  // A new (or empty) file gets its first load with a rollback journal: pages appended to the
  // file are written once, where the WAL writes, checksums, reads back and writes again each
  // one (~1.4x the CPU on the bench table's first load). finish() turns WAL on for every later
  // job, so that readers never wait for the loader again.
  bulk_load_ = std::filesystem::file_size(options_.path, ec) == 0 || ec;
  SLUICE_TRY(db_.open(options_.path, true, false));
  if (sqlite3_db_readonly(db_.get(), "main") == 1) {
    return core::fail(db_.error(SQLITE_READONLY, "opening the database for writing"));
  }
  sqlite3_busy_timeout(db_.get(), 5000);
  // 16 KiB pages (a new file only): a quarter of the write/read calls of 4 KiB pages for the WAL
  // and its checkpoint (~15% less CPU on the bench table's Full Table load), without the 64 KiB
  // WAL frame that one small change of a log-based job would cost with the largest pages.
  SLUICE_TRY(db_.exec(std::string("PRAGMA page_size=16384; PRAGMA journal_mode=") +
                          (bulk_load_ ? "TRUNCATE" : "WAL") +
                          "; PRAGMA synchronous=FULL; PRAGMA cache_size=-" + std::to_string(options_.cache_mib * 1024),
                      "setting up the database"));
  SLUICE_TRY(db_.exec(
      "CREATE TABLE IF NOT EXISTS _sluice_state (id INTEGER PRIMARY KEY CHECK (id = 1), state TEXT NOT NULL, "
      "updated_at TEXT NOT NULL);"
      "CREATE TABLE IF NOT EXISTS _sluice_streams (stream_id TEXT PRIMARY KEY, table_name TEXT NOT NULL UNIQUE, "
      "created_at TEXT NOT NULL)",
      "creating the bookkeeping tables"));
  if (!bulk_load_) SLUICE_TRY(start_checkpointer());
  auto st = db_.prepare(
      "INSERT INTO _sluice_state (id, state, updated_at) VALUES (1, ?1, strftime('%Y-%m-%d %H:%M:%f', 'now')) "
      "ON CONFLICT (id) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at",
      "preparing the state statement");
  if (!st) return core::fail(st.error());
  save_state_ = std::move(*st);
  return core::ok();
}

core::Status SqliteSink::start_checkpointer() {
  auto ps = db_.prepare("PRAGMA page_size", "reading the page size");
  if (!ps) return core::fail(ps.error());
  int page = sqlite3_step(ps->get()) == SQLITE_ROW ? sqlite3_column_int(ps->get(), 0) : 4096;
  wal_bound_frames_ = static_cast<int>(kWalBoundBytes / (page > 0 ? page : 4096));
  sqlite3_wal_hook(db_.get(), on_wal_commit, &wal_frames_);
  return checkpointer_.start(options_.path);
}

core::Status SqliteSink::begin() {
  if (failed_) {
    return core::fail(failed_->code, "an earlier error stopped the SQLite destination: " + failed_->message);
  }
  if (finished_) return core::fail(core::ErrorCode::kInternal, "SQLite destination used after finish()");
  if (in_tx_) return core::ok();
  SLUICE_TRY(db_.exec("BEGIN IMMEDIATE", "starting a transaction"));
  in_tx_ = true;
  return core::ok();
}

core::Status SqliteSink::fail_with(core::Error error) {
  if (in_tx_ && sqlite3_get_autocommit(db_.get()) == 0) (void)db_.exec("ROLLBACK", "rolling back");
  in_tx_ = false;
  failed_ = error;
  return core::fail(std::move(error));
}

core::Result<std::string> SqliteSink::assign_table(const StreamInfo& info) {
  auto find = db_.prepare("SELECT table_name FROM _sluice_streams WHERE stream_id = ?1", "reading _sluice_streams");
  if (!find) return core::fail(find.error());
  sqlite3_bind_text64(find->get(), 1, info.stream_id.data(), info.stream_id.size(), SQLITE_STATIC, SQLITE_UTF8);
  if (sqlite3_step(find->get()) == SQLITE_ROW) {
    return std::string(reinterpret_cast<const char*>(sqlite3_column_text(find->get(), 0)));
  }
  auto taken = db_.prepare(
      "SELECT 1 FROM sqlite_master WHERE name = ?1 COLLATE NOCASE "
      "UNION ALL SELECT 1 FROM _sluice_streams WHERE table_name = ?1 COLLATE NOCASE",
      "reading the schema");
  if (!taken) return core::fail(taken.error());
  std::string base = info.table.empty() ? info.stream : info.table;
  std::vector<std::string> candidates{base, info.database + "__" + base};
  for (int i = 2; i < 100; ++i) candidates.push_back(info.database + "__" + base + "_" + std::to_string(i));
  for (std::string& name : candidates) {
    if (name.empty() || name.starts_with("sqlite_") || name.starts_with("_sluice_")) continue;
    sqlite3_reset(taken->get());
    sqlite3_bind_text64(taken->get(), 1, name.data(), name.size(), SQLITE_STATIC, SQLITE_UTF8);
    if (sqlite3_step(taken->get()) == SQLITE_ROW) continue;
    auto add = db_.prepare(
        "INSERT INTO _sluice_streams (stream_id, table_name, created_at) "
        "VALUES (?1, ?2, strftime('%Y-%m-%d %H:%M:%f', 'now'))",
        "recording the stream's table");
    if (!add) return core::fail(add.error());
    sqlite3_bind_text64(add->get(), 1, info.stream_id.data(), info.stream_id.size(), SQLITE_STATIC, SQLITE_UTF8);
    sqlite3_bind_text64(add->get(), 2, name.data(), name.size(), SQLITE_STATIC, SQLITE_UTF8);
    SLUICE_TRY(db_.run(add->get(), "recording the stream's table"));
    return name;
  }
  return core::fail(core::ErrorCode::kInvalidArgument,
                    "SQLite destination " + options_.path + ": no free table name for stream " + info.stream_id);
}

core::Status SqliteSink::create_or_alter(Stream& s) {
  const StreamInfo& info = s.info;
  s.key_index.clear();
  for (const std::string& key : info.key_properties) {
    size_t i = 0;
    while (i < info.columns.size() && info.columns[i].name != key) ++i;
    if (i == info.columns.size()) {
      return core::fail(core::ErrorCode::kInvalidArgument, "SQLite destination: key column '" + key +
                                                               "' of stream " + info.stream_id +
                                                               " is not among its synced columns");
    }
    s.key_index.push_back(i);
  }
  // Existing columns (name -> primary key position) of the table, if any.
  auto cols = db_.prepare("SELECT name, pk FROM pragma_table_info(?1) ORDER BY pk", "reading the table");
  if (!cols) return core::fail(cols.error());
  sqlite3_bind_text64(cols->get(), 1, s.table.data(), s.table.size(), SQLITE_STATIC, SQLITE_UTF8);
  std::vector<std::string> existing;
  std::vector<std::string> existing_key;
  while (sqlite3_step(cols->get()) == SQLITE_ROW) {
    std::string name(reinterpret_cast<const char*>(sqlite3_column_text(cols->get(), 0)));
    if (sqlite3_column_int(cols->get(), 1) > 0) existing_key.push_back(name);
    existing.push_back(std::move(name));
  }
  auto has = [&](const std::string& n) {
    for (const std::string& e : existing) {
      if (sqlite3_stricmp(e.c_str(), n.c_str()) == 0) return true;
    }
    return false;
  };
  if (existing.empty()) {
    std::string sql = "CREATE TABLE " + s.qtable + " (";
    for (const schema::ColumnSchema& c : info.columns) {
      sql += quote_ident(c.name);
      std::string_view type = sqlite::declared_type(c);
      if (!type.empty()) sql += " " + std::string(type);
      sql += ", ";
    }
    sql += "_sdc_extracted_at TEXT, _sdc_deleted_at TEXT, _sdc_table_version INTEGER";
    if (!info.key_properties.empty()) {
      sql += ", PRIMARY KEY (";
      for (size_t k = 0; k < info.key_properties.size(); ++k) {
        sql += (k ? ", " : "") + quote_ident(info.key_properties[k]);
      }
      sql += ")";
    }
    sql += ")";
    return db_.exec(sql, "creating table " + s.qtable);
  }
  if (existing_key.size() != info.key_properties.size() ||
      !std::equal(existing_key.begin(), existing_key.end(), info.key_properties.begin(),
                  [](const std::string& a, const std::string& b) { return sqlite3_stricmp(a.c_str(), b.c_str()) == 0; })) {
    return core::fail(core::ErrorCode::kInvalidArgument,
                      "SQLite destination " + options_.path + ": table " + s.qtable +
                          " has a different primary key than stream " + info.stream_id +
                          " (the source key changed?): drop or rename the table, then run the job again");
  }
  for (const schema::ColumnSchema& c : info.columns) {
    if (has(c.name)) continue;
    std::string sql = "ALTER TABLE " + s.qtable + " ADD COLUMN " + quote_ident(c.name);
    std::string_view type = sqlite::declared_type(c);
    if (!type.empty()) sql += " " + std::string(type);
    SLUICE_TRY(db_.exec(sql, "adding column " + quote_ident(c.name) + " to " + s.qtable));
  }
  return core::ok();
}

/// INSERT (keyless) or upsert of the columns whose mask byte is '1', plus the metadata.
static std::string upsert_sql(const StreamInfo& info, const std::string& qtable, const std::string& mask) {
  std::string cols;
  std::string params;
  std::string updates;
  int n = 0;
  for (size_t i = 0; i < info.columns.size(); ++i) {
    if (mask[i] != '1') continue;
    std::string q = quote_ident(info.columns[i].name);
    cols += q + ", ";
    params += "?" + std::to_string(++n) + ", ";
    bool is_key = false;
    for (const std::string& k : info.key_properties) is_key = is_key || k == info.columns[i].name;
    if (!is_key) updates += q + " = excluded." + q + ", ";
  }
  cols += "_sdc_extracted_at, _sdc_deleted_at, _sdc_table_version";
  params += "?" + std::to_string(n + 1) + ", ?" + std::to_string(n + 2) + ", ?" + std::to_string(n + 3);
  std::string sql = "INSERT INTO " + qtable + " (" + cols + ") VALUES (" + params + ")";
  if (!info.key_properties.empty()) {
    sql += " ON CONFLICT (";
    for (size_t k = 0; k < info.key_properties.size(); ++k) sql += (k ? ", " : "") + quote_ident(info.key_properties[k]);
    sql += ") DO UPDATE SET " + updates +
           "_sdc_extracted_at = excluded._sdc_extracted_at, _sdc_deleted_at = excluded._sdc_deleted_at, "
           "_sdc_table_version = excluded._sdc_table_version";
  }
  return sql;
}

core::Status SqliteSink::prepare_statements(Stream& s) {
  s.partial.clear();
  s.read_document.clear();
  s.scratch.assign(s.info.columns.size() + kMetaColumns, std::string());
  std::string all(s.info.columns.size(), '1');
  auto up = db_.prepare(upsert_sql(s.info, s.qtable, all), "preparing the insert into " + s.qtable);
  if (!up) return core::fail(up.error());
  s.upsert = std::move(*up);
  if (!s.info.key_properties.empty()) {
    std::string sql = "DELETE FROM " + s.qtable + " WHERE ";
    for (size_t k = 0; k < s.info.key_properties.size(); ++k) {
      sql += (k ? " AND " : "") + quote_ident(s.info.key_properties[k]) + " = ?" + std::to_string(k + 1);
    }
    auto del = db_.prepare(sql, "preparing the delete from " + s.qtable);
    if (!del) return core::fail(del.error());
    s.hard_delete = std::move(*del);
  }
  auto act = db_.prepare("DELETE FROM " + s.qtable + " WHERE COALESCE(_sdc_table_version, 0) < ?1",
                         "preparing the version swap of " + s.qtable);
  if (!act) return core::fail(act.error());
  s.activate = std::move(*act);
  return core::ok();
}

core::Result<StreamHandle> SqliteSink::open_stream(const StreamInfo& info) {
  SLUICE_TRY(begin());
  for (StreamHandle h = 0; h < streams_.size(); ++h) {
    if (streams_[h]->info.stream_id == info.stream_id) {
      auto st = update_stream(h, info);
      if (!st) return core::fail(st.error());
      return h;
    }
  }
  auto s = std::make_unique<Stream>();
  s->info = info;
  auto table = assign_table(info);
  if (!table) return core::fail(fail_with(table.error()).error());
  s->table = *table;
  s->qtable = quote_ident(s->table);
  if (auto st = create_or_alter(*s); !st) return core::fail(fail_with(st.error()).error());
  if (auto st = prepare_statements(*s); !st) return core::fail(fail_with(st.error()).error());
  auto rows = db_.prepare("SELECT EXISTS (SELECT 1 FROM " + s->qtable + ")", "reading " + s->qtable);
  if (!rows) return core::fail(fail_with(rows.error()).error());
  s->had_rows = sqlite3_step(rows->get()) != SQLITE_ROW || sqlite3_column_int(rows->get(), 0) != 0;
  streams_.push_back(std::move(s));
  return static_cast<StreamHandle>(streams_.size() - 1);
}

core::Status SqliteSink::update_stream(StreamHandle stream, const StreamInfo& info) {
  SLUICE_TRY(begin());
  if (stream >= streams_.size()) return core::fail(core::ErrorCode::kInternal, "update_stream: unknown stream");
  Stream& s = *streams_[stream];
  s.info = info;
  if (auto st = create_or_alter(s); !st) return fail_with(st.error());
  if (auto st = prepare_statements(s); !st) return fail_with(st.error());
  return core::ok();
}

core::Status SqliteSink::activate_version(StreamHandle stream, int64_t version) {
  SLUICE_TRY(begin());
  if (stream >= streams_.size()) return core::fail(core::ErrorCode::kInternal, "activate_version: unknown stream");
  Stream& s = *streams_[stream];
  // Nothing older can be there when the table started empty and every row written since has
  // this version or a newer one (the first Full Table load): no full scan of the new table.
  if (!s.had_rows && s.min_version >= version) return core::ok();
  sqlite3_bind_int64(s.activate.get(), 1, version);
  if (auto st = db_.run(s.activate.get(), "removing older versions from " + s.qtable); !st) {
    return fail_with(st.error());
  }
  s.had_rows = false;
  s.min_version = version;  // a lower bound of what is left
  return core::ok();
}

core::Status SqliteSink::truncate_stream(StreamHandle stream, int64_t version, core::EpochTime commit_time) {
  SLUICE_TRY(begin());
  if (stream >= streams_.size())
    return core::fail(core::ErrorCode::kInternal, "truncate_stream: unknown stream");
  Stream& s = *streams_[stream];
  // Soft deletes keep the rows, marked with the TRUNCATE's commit time (rows deleted earlier keep theirs).
  std::string sql = options_.hard_deletes ? "DELETE FROM " + s.qtable
                                          : "UPDATE " + s.qtable + " SET _sdc_deleted_at = '" +
                                                time_text(commit_time) + "' WHERE _sdc_deleted_at IS NULL";
  if (auto st = db_.exec(sql, "truncating " + s.qtable); !st) return fail_with(st.error());
  s.counts.deleted += static_cast<uint64_t>(sqlite3_changes64(db_.get()));
  s.info.version = version;
  return core::ok();
}

core::Result<sqlite3_stmt*> SqliteSink::upsert_for(Stream& s, const change::RowChange& row) {
  const std::span<const core::Value> values = row.values();
  bool any_absent = false;
  for (const core::Value& v : values) any_absent = any_absent || v.is_absent();
  if (!any_absent) return s.upsert.get();
  s.mask.assign(s.info.columns.size(), '0');
  for (size_t i = 0; i < values.size(); ++i) s.mask[i] = values[i].is_absent() ? '0' : '1';
  auto it = s.partial.find(s.mask);
  if (it == s.partial.end()) {
    auto st = db_.prepare(upsert_sql(s.info, s.qtable, s.mask), "preparing the insert into " + s.qtable);
    if (!st) return core::fail(st.error());
    it = s.partial.emplace(s.mask, std::move(*st)).first;
  }
  return it->second.get();
}

core::Status SqliteSink::write_delete(Stream& s, const change::RowChange& row) {
  const std::span<const core::Value> values = row.values();
  sqlite3_stmt* stmt = s.hard_delete.get();
  std::string sql;
  sqlite::Stmt keyless;
  if (stmt == nullptr) {
    // No key: remove one row equal to the before image.
    sql = "DELETE FROM " + s.qtable + " WHERE rowid = (SELECT rowid FROM " + s.qtable + " WHERE 1";
    for (size_t i = 0; i < values.size(); ++i) {
      if (!values[i].is_absent())
        sql += " AND " + quote_ident(s.info.columns[i].name) + " IS ?" + std::to_string(i + 1);
    }
    sql += " LIMIT 1)";
    auto p = db_.prepare(sql, "preparing a delete from " + s.qtable);
    if (!p) return core::fail(p.error());
    keyless = std::move(*p);
    stmt = keyless.get();
    for (size_t i = 0; i < values.size(); ++i) {
      if (!values[i].is_absent()) sqlite::bind_value(stmt, static_cast<int>(i + 1), values[i], s.scratch[i]);
    }
  } else {
    for (size_t k = 0; k < s.key_index.size(); ++k) {
      size_t i = s.key_index[k];
      sqlite::bind_value(stmt, static_cast<int>(k + 1), values[i], s.scratch[i]);
    }
  }
  SLUICE_TRY(db_.run(stmt, "deleting from " + s.qtable));
  s.counts.deleted++;
  return core::ok();
}

// A PARTIAL_JSON update without its document (Sink::applies_json_diffs): each diff list is
// applied to the document the table holds for the row's key; s.resolved holds the new row.
core::Status SqliteSink::apply_json_diffs(Stream& s, std::span<const core::Value> values) {
  s.resolved.assign(values.begin(), values.end());
  s.resolved_text.resize(values.size());
  for (size_t i = 0; i < values.size(); ++i) {
    if (!values[i].is_json_diff()) continue;
    const std::string where =
        "SQLite destination: a partial JSON update (binlog_row_image=MINIMAL) of column `" +
        s.info.columns[i].name + "` of " + s.info.stream_id;
    if (s.key_index.empty()) {
      return core::fail(core::ErrorCode::kUnsupported,
                        where +
                            " cannot find its row: the table has no primary key; set binlog_row_image=FULL "
                            "on the source, then re-snapshot the table with `sluice reset`");
    }
    auto it = s.read_document.find(i);
    if (it == s.read_document.end()) {
      std::string sql = "SELECT " + quote_ident(s.info.columns[i].name) + " FROM " + s.qtable + " WHERE 1";
      for (size_t k = 0; k < s.key_index.size(); ++k) {
        sql += " AND " + quote_ident(s.info.columns[s.key_index[k]].name) + " = ?" + std::to_string(k + 1);
      }
      auto p = db_.prepare(sql, "preparing a read of " + s.qtable);
      if (!p) return core::fail(p.error());
      it = s.read_document.emplace(i, std::move(*p)).first;
    }
    sqlite3_stmt* stmt = it->second.get();
    for (size_t k = 0; k < s.key_index.size(); ++k) {
      const size_t c = s.key_index[k];
      sqlite::bind_value(stmt, static_cast<int>(k + 1), values[c], s.scratch[c]);
    }
    const int rc = sqlite3_step(stmt);
    const bool found = rc == SQLITE_ROW && sqlite3_column_type(stmt, 0) != SQLITE_NULL;
    std::string document;
    if (found) {
      document.assign(reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0)),
                      static_cast<size_t>(sqlite3_column_bytes(stmt, 0)));
    }
    sqlite3_reset(stmt);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
      return core::fail(db_.error(rc, "reading a document of " + s.qtable));
    if (!found) {
      return core::fail(core::ErrorCode::kSchemaMismatch,
                        where + " finds no document for its key in " + s.qtable +
                            " (the row is missing or NULL there); re-snapshot the table with `sluice reset`");
    }
    auto next = change::apply_json_diff_list(document, values[i].text);
    if (!next) return core::fail(next.error().with_context(where));
    s.resolved_text[i] = std::move(*next);
    s.resolved[i] = core::Value::with_text(core::ValueKind::kJson, s.resolved_text[i]);
  }
  return core::ok();
}

core::Status SqliteSink::write_row(StreamHandle stream, const change::RowChange& row) {
  std::span<const core::Value> values = row.values();
  if (!in_tx_ || failed_) SLUICE_TRY(begin());
  if (stream >= streams_.size()) return core::fail(core::ErrorCode::kInternal, "write_row: unknown stream");
  Stream& s = *streams_[stream];
  if (values.size() != s.info.columns.size()) {
    return fail_with(
        core::Error{core::ErrorCode::kInternal, "SQLite destination: a row of " + s.info.stream_id + " has " +
                                                    std::to_string(values.size()) + " values for " +
                                                    std::to_string(s.info.columns.size()) + " columns"});
  }
  if (row.op == change::Op::kDelete && options_.hard_deletes) {
    if (auto st = write_delete(s, row); !st) return fail_with(st.error());
    return core::ok();
  }
  if (row.json_diffs) {
    if (auto st = apply_json_diffs(s, values); !st) return fail_with(st.error());
    values = s.resolved;
  }
  auto stmt_r = upsert_for(s, row);
  if (!stmt_r) return fail_with(stmt_r.error());
  sqlite3_stmt* stmt = *stmt_r;
  int p = 0;
  int rc = SQLITE_OK;
  for (size_t i = 0; i < values.size() && rc == SQLITE_OK; ++i) {
    if (!values[i].is_absent()) rc = sqlite::bind_value(stmt, ++p, values[i], s.scratch[i]);
  }
  size_t meta = s.info.columns.size();
  if (row.extracted.seconds != s.extracted.seconds || row.extracted.micro != s.extracted.micro) {
    s.extracted = row.extracted;
    s.extracted_text = time_text(row.extracted);
  }
  if (rc == SQLITE_OK) rc = sqlite3_bind_text64(stmt, ++p, s.extracted_text.data(), s.extracted_text.size(), SQLITE_STATIC, SQLITE_UTF8);
  if (rc == SQLITE_OK && row.op == change::Op::kDelete) {
    s.scratch[meta + 1] = time_text(row.commit_time);
    rc = sqlite3_bind_text64(stmt, ++p, s.scratch[meta + 1].data(), s.scratch[meta + 1].size(), SQLITE_STATIC, SQLITE_UTF8);
  } else if (rc == SQLITE_OK) {
    rc = sqlite3_bind_null(stmt, ++p);
  }
  if (rc == SQLITE_OK) rc = s.info.version != 0 ? sqlite3_bind_int64(stmt, ++p, s.info.version) : sqlite3_bind_null(stmt, ++p);
  s.min_version = std::min(s.min_version, s.info.version);
  if (rc != SQLITE_OK) return fail_with(db_.error(rc, "binding a row of " + s.qtable));
  sqlite3_set_last_insert_rowid(db_.get(), kNoInsert);
  if (auto st = db_.run(stmt, "writing a row into " + s.qtable); !st) return fail_with(st.error());
  if (row.op == change::Op::kDelete) {
    s.counts.deleted++;
  } else if (sqlite3_last_insert_rowid(db_.get()) != kNoInsert) {
    s.counts.inserted++;
  } else {
    s.counts.updated++;
  }
  return core::ok();
}

core::Status SqliteSink::checkpoint(std::string_view state_json) {
  SLUICE_TRY(begin());
  sqlite3_bind_text64(save_state_.get(), 1, state_json.data(), state_json.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
  if (auto st = db_.run(save_state_.get(), "saving the state"); !st) return fail_with(st.error());
  if (auto st = db_.exec("COMMIT", "committing rows and state"); !st) return fail_with(st.error());
  in_tx_ = false;
  if (wal_frames_ > wal_bound_frames_) {
    // Waits for the background copy, copies the rest, and makes the next commit restart the WAL.
    // A failure (a reader holding old pages past 1 s) is not the job's: the rows are durable in
    // the WAL, which is copied back later.
    sqlite3_busy_timeout(db_.get(), 1000);
    (void)sqlite3_wal_checkpoint_v2(db_.get(), "main", SQLITE_CHECKPOINT_RESTART, nullptr, nullptr);
    sqlite3_busy_timeout(db_.get(), 5000);
  } else {
    checkpointer_.request();
  }
  return core::ok();
}

core::Status SqliteSink::finish() {
  if (finished_) return core::ok();
  finished_ = true;
  if (in_tx_) {
    // Rows no checkpoint covered: the next job reads them again from the committed state.
    (void)db_.exec("ROLLBACK", "rolling back rows not covered by a checkpoint");
    in_tx_ = false;
  }
  checkpointer_.stop();
  if (failed_) return core::ok();
  if (bulk_load_) {
    // Busy (a reader holds the file): the file stays in rollback mode and the next job, which
    // finds it not empty, turns WAL on at its start.
    (void)db_.exec("PRAGMA journal_mode=WAL", "turning on WAL");
    return core::ok();
  }
  return db_.exec("PRAGMA wal_checkpoint(TRUNCATE)", "writing the WAL back into the database");
}

LoadCounts SqliteSink::load_counts(StreamHandle stream) const {
  return stream < streams_.size() ? streams_[stream]->counts : LoadCounts{};
}

std::string SqliteSink::table_name(StreamHandle stream) const {
  return stream < streams_.size() ? streams_[stream]->table : std::string();
}

namespace {

/// The state row of `_sluice_state`, nullopt when the table or the row does not exist.
core::Result<std::optional<std::string>> read_state(sqlite::Db& db) {
  auto st = db.prepare("SELECT state FROM _sluice_state WHERE id = 1", "reading the state");
  if (!st) {
    // A database without sluice's tables has no state yet.
    if (st.error().message.find("no such table") != std::string::npos) return std::optional<std::string>{};
    return core::fail(st.error());
  }
  int rc = sqlite3_step(st->get());
  if (rc == SQLITE_ROW) {
    const unsigned char* text = sqlite3_column_text(st->get(), 0);
    return std::optional<std::string>(text != nullptr ? reinterpret_cast<const char*>(text) : "");
  }
  if (rc != SQLITE_DONE) return core::fail(db.error(rc, "reading the state"));
  return std::optional<std::string>{};
}

}  // namespace

core::Result<std::optional<std::string>> SqliteSink::load_state() { return read_state(db_); }

core::Result<std::optional<std::string>> load_sqlite_state(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return std::optional<std::string>{};
  sqlite::Db db;
  // Read-write when the file allows it (SQLite falls back to read-only otherwise): a job killed
  // during its first load leaves a hot rollback journal, which only a writer can roll back.
  SLUICE_TRY(db.open(path, false, false));
  // Another connection may hold a lock for a moment (a reader closing the database last
  // checkpoints the WAL): wait for it as the sink does, rather than fail the job at its start.
  sqlite3_busy_timeout(db.get(), 5000);
  return read_state(db);
}

}  // namespace sluice::sinks
