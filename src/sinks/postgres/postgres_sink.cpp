#include "sinks/postgres/postgres_sink.h"

#include <cstdio>
#include <map>
#include <set>

#include "core/file_lock.h"
#include "core/json_writer.h"
#include "core/value_format.h"
#include "sinks/postgres/pg_ddl.h"

namespace sluice::sinks {
namespace {

using pg::pg_identifier;
using pg::quote_ident;

std::string load_table_name(std::string_view table, int64_t version) {
  uint64_t h = 1469598103934665603ULL;  // FNV-1a: a short, stable tag for long table names
  for (char c : table) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ULL;
  char buf[64];
  std::snprintf(buf, sizeof buf, "_sluice_load_%016llx_%lld", static_cast<unsigned long long>(h),
                static_cast<long long>(version));
  return buf;
}

void append_epoch(std::string& out, core::EpochTime t) {
  char buf[40];
  size_t n = core::format_datetime(buf, core::temporal_from_epoch(t), 6);
  out.append(buf, n);
  out += "+00";
}

std::string join(const std::vector<std::string>& parts, std::string_view sep, std::string_view prefix = {}) {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) out += sep;
    out += prefix;
    out += parts[i];
  }
  return out;
}

}  // namespace

PostgresSink::~PostgresSink() {
  if (in_txn_) (void)conn_.exec("ROLLBACK");
}

core::Result<std::unique_ptr<PostgresSink>> PostgresSink::open(PostgresSinkOptions options) {
  auto conn = pg::PgConnection::connect(options.connect);
  if (!conn) return core::fail(conn.error().with_context("postgres destination"));
  std::unique_ptr<PostgresSink> sink(new PostgresSink(std::move(options), std::move(*conn)));
  SLUICE_TRY(sink->lock_state());
  std::string table = quote_ident(sink->state_schema()) + "._sluice_state";
  auto exists = sink->conn_.query("SELECT to_regclass($1)::text", {table});
  if (!exists) return core::fail(exists.error().with_context("postgres destination"));
  if (!exists->empty() && (*exists)[0]) {
    auto state = sink->conn_.query("SELECT state FROM " + table + " WHERE id = $1", {sink->options_.state_id});
    if (!state) return core::fail(state.error().with_context("postgres destination"));
    if (!state->empty()) sink->committed_state_ = (*state)[0];
  }
  return sink;
}

namespace {

/// The advisory lock key of a state: FNV-1a of "schema/state_id", as PostgreSQL's bigint.
uint64_t state_lock_key(const std::string& schema, const std::string& state_id) {
  uint64_t h = 1469598103934665603ULL;
  for (char c : schema + "/" + state_id) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ULL;
  return h;
}

/// The holder of an advisory lock, from its session: "sluice PID@HOST" (application_name, set
/// by lock_state) and the session's start.
core::LockHolder holder_of(const std::string& application, const std::string& backend_pid,
                           const std::string& since) {
  core::LockHolder h;
  h.since = since;
  constexpr std::string_view kPrefix = "sluice ";
  size_t at = application.find('@');
  if (application.starts_with(kPrefix) && at != std::string::npos) {
    h.pid = std::strtoll(application.c_str() + kPrefix.size(), nullptr, 10);
    h.host = application.substr(at + 1);
  } else {
    // Not a sluice job: name its PostgreSQL backend.
    h.host = "the PostgreSQL server (backend pid " + backend_pid + ", application '" + application + "')";
  }
  return h;
}

}  // namespace

// One job per schema + state_id: a session-level advisory lock, released by PostgreSQL when
// this connection ends (the job's end, or its death: the server sees the socket close).
core::Status PostgresSink::lock_state() {
  core::LockHolder me = core::this_process();
  auto named = conn_.query("SELECT set_config('application_name', $1, false)",
                           {"sluice " + std::to_string(me.pid) + "@" + me.host});
  if (!named) return core::fail(named.error().with_context("postgres destination"));
  uint64_t key = state_lock_key(state_schema(), options_.state_id);
  std::string key_text = std::to_string(static_cast<int64_t>(key));
  auto got = conn_.query("SELECT pg_try_advisory_lock($1::bigint)::text", {key_text});
  if (!got) return core::fail(got.error().with_context("postgres destination"));
  if (!got->empty() && (*got)[0] == "true") return core::ok();
  auto holder = conn_.query(
      "SELECT coalesce(a.application_name, '') || '|' || a.pid || '|' || "
      "to_char(a.backend_start AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS') || ' UTC' "
      "FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid WHERE l.locktype = 'advisory' AND l.granted "
      "AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database()) "
      "AND l.classid = $1::oid AND l.objid = $2::oid AND l.objsubid = 1",
      {std::to_string(key >> 32), std::to_string(key & 0xffffffffULL)});
  core::LockHolder h;
  if (holder && !holder->empty() && (*holder)[0]) {
    const std::string& row = *(*holder)[0];
    size_t a = row.find('|');
    size_t b = row.find('|', a + 1);
    if (a != std::string::npos && b != std::string::npos) {
      h = holder_of(row.substr(0, a), row.substr(a + 1, b - a - 1), row.substr(b + 1));
    }
  }
  if ((h.pid == 0 && h.host.empty()) || h.dead_here()) {
    // Released a moment ago, or held by a job of this host killed a moment ago: its session ends
    // as soon as the server notices.
    auto waited = conn_.query(
        "SELECT set_config('lock_timeout', '10s', false), pg_advisory_lock($1::bigint)::text, "
        "set_config('lock_timeout', '0', false)",
        {key_text});
    if (waited) return core::ok();
  }
  std::string where = "PostgreSQL destination " + conn_.where() + " (schema " + state_schema() +
                      ", state_id '" + options_.state_id + "')";
  return core::fail(
      core::ErrorCode::kIo,
      where + " is in use by another sluice job (" + h.describe() +
          "): wait until that job ends and run this one again, or give this job its own 'state_id' "
          "(a lock of a job that died is released by itself)",
      /*retryable=*/true);
}

std::string PostgresSink::state_schema() const { return options_.schema.empty() ? "sluice" : options_.schema; }

core::Status PostgresSink::begin() {
  if (broken_) {
    return core::fail(core::ErrorCode::kInternal, "postgres destination: a previous error aborted the transaction");
  }
  if (in_txn_) return core::ok();
  SLUICE_TRY(conn_.exec("BEGIN"));
  in_txn_ = true;
  return core::ok();
}

core::Status PostgresSink::fail_and_rollback(core::Error e) {
  if (in_txn_) (void)conn_.exec("ROLLBACK");
  in_txn_ = false;
  broken_ = true;
  for (auto& s : streams_) s->staging_ready = false;
  return core::fail(e.with_context("postgres destination"));
}

core::Status PostgresSink::ensure_table(Stream& s, const std::string& table) {
  std::string qualified = s.schema + "." + quote_ident(table);
  std::vector<std::string> defs;
  for (const Column& c : s.columns) defs.push_back(c.quoted + " " + c.sql_type);
  defs.push_back("\"_sdc_extracted_at\" timestamptz");
  defs.push_back("\"_sdc_deleted_at\" timestamptz");
  std::string sql = "CREATE TABLE IF NOT EXISTS " + qualified + " (" + join(defs, ", ");
  if (!s.key_columns.empty()) {
    std::vector<std::string> keys;
    for (size_t k : s.key_columns) keys.push_back(s.columns[k].quoted);
    sql += ", PRIMARY KEY (" + join(keys, ", ") + ")";
  }
  sql += ")";
  SLUICE_TRY(conn_.exec(sql));
  return reconcile_columns(s, qualified);
}

// Columns the source added are added (existing rows get NULL); a column whose source type
// changed is widened, kept (it already holds the new values), or marked: its first non-NULL value
// stops the job (docs/postgres.md). Marking rather than failing here lets a job replay binlog
// events written before a type change the user has already dealt with.
core::Status PostgresSink::reconcile_columns(Stream& s, const std::string& qualified) {
  auto have = conn_.query("SELECT attname || E'\\t' || format_type(atttypid, atttypmod) FROM pg_attribute "
                          "WHERE attrelid = to_regclass($1) AND attnum > 0 AND NOT attisdropped",
                          {qualified});
  if (!have) return core::fail(have.error());
  std::map<std::string, std::string> present;
  for (const auto& c : *have) {
    if (!c) continue;
    size_t tab = c->rfind('\t');
    present[c->substr(0, tab)] = c->substr(tab + 1);
  }
  for (Column& c : s.columns) {
    auto it = present.find(c.pg_name);
    if (it == present.end()) {
      SLUICE_TRY(conn_.exec("ALTER TABLE " + qualified + " ADD COLUMN " + c.quoted + " " + c.sql_type));
      continue;
    }
    pg::TypeChange change = pg::classify_type_change(it->second, c.sql_type);
    if (change.kind == pg::TypeChangeKind::kWiden) {
      SLUICE_TRY(conn_.exec("ALTER TABLE " + qualified + " ALTER COLUMN " + c.quoted + " TYPE " + change.target +
                            " USING " + c.quoted + "::" + change.target));
    } else if (change.kind == pg::TypeChangeKind::kIncompatible) {
      c.type_error = "the source type is now " + c.column_type + " (PostgreSQL " + c.sql_type + "), which " +
                     qualified + "." + c.quoted + " (" + it->second +
                     ") cannot take without loss; change that column yourself (ALTER TABLE " + qualified +
                     " ALTER COLUMN " + c.quoted + " TYPE " + c.sql_type +
                     " USING ...) or drop the table and load the stream again";
    }
  }
  return core::ok();
}

core::Status PostgresSink::prepare(Stream& s, const StreamInfo& info) {
  s.info = info;
  std::string schema = options_.schema.empty() ? pg_identifier(pg::schema_name_for(info.database)) : options_.schema;
  s.schema_name = schema;
  s.schema = quote_ident(schema);
  s.pg_table = pg_identifier(info.table);
  s.table = s.schema + "." + quote_ident(s.pg_table);
  s.columns.clear();
  s.key_columns.clear();
  std::set<std::string> names;
  for (const schema::ColumnSchema& c : info.columns) {
    auto type = pg::pg_column_type(c);
    if (!type) return core::fail(type.error().with_context(info.database + "." + info.table));
    std::string name = pg_identifier(c.name);
    if (!names.insert(name).second) {
      return core::fail(core::ErrorCode::kSchemaMismatch, "table " + info.database + "." + info.table +
                                                              ": two columns map to the PostgreSQL name " + name +
                                                              "; deselect one of them");
    }
    s.columns.push_back(Column{quote_ident(name), name, c.name, type->sql, c.column_type, type->encoding, {}});
  }
  for (const std::string& key : info.key_properties) {
    for (size_t i = 0; i < info.columns.size(); ++i) {
      if (info.columns[i].name == key) s.key_columns.push_back(i);
    }
  }
  SLUICE_TRY(begin());
  SLUICE_TRY(create_schema(s.schema));
  SLUICE_TRY(ensure_table(s, s.pg_table));
  SLUICE_TRY(record_names(s));
  s.dest = s.table;
  if (info.method == change::Method::kFullTable && info.version != 0) {
    auto comment = conn_.query("SELECT obj_description(to_regclass($1), 'pg_class')", {s.table});
    if (!comment) return core::fail(comment.error());
    std::string active = "sluice version " + std::to_string(info.version);
    if (comment->empty() || !(*comment)[0] || *(*comment)[0] != active) {
      // A new version loads beside the table and replaces it at activate_version.
      std::string load = load_table_name(info.table, info.version);
      SLUICE_TRY(ensure_table(s, load));
      s.dest = s.schema + "." + quote_ident(load);
    }
  }
  s.staging = quote_ident("_sluice_stage_" + std::to_string(s.index));
  s.staging_ready = false;
  return core::ok();
}

// Names PostgreSQL cannot hold (over 63 bytes) were shortened by pg_identifier: the mapping is
// kept in <state schema>._sluice_names, in the transaction of the rows.
core::Status PostgresSink::record_names(const Stream& s) {
  std::vector<std::pair<std::string, std::string>> mapped;  // (column or "", source name)
  if (s.pg_table != s.info.table) mapped.emplace_back("", s.info.table);
  for (const Column& c : s.columns) {
    if (c.pg_name != c.source_name) mapped.emplace_back(c.pg_name, c.source_name);
  }
  if (mapped.empty()) return core::ok();
  std::string names = quote_ident(state_schema()) + "._sluice_names";
  SLUICE_TRY(create_schema(quote_ident(state_schema())));
  SLUICE_TRY(conn_.exec("CREATE TABLE IF NOT EXISTS " + names +
                        " (schema_name text NOT NULL, table_name text NOT NULL, column_name text NOT NULL, "
                        "source_name text NOT NULL, PRIMARY KEY (schema_name, table_name, column_name))"));
  for (const auto& [column, source] : mapped) {
    auto st = conn_.query("INSERT INTO " + names + " VALUES ($1, $2, $3, $4) ON CONFLICT "
                          "(schema_name, table_name, column_name) DO UPDATE SET source_name = EXCLUDED.source_name",
                          {s.schema_name, s.pg_table, column, source});
    if (!st) return core::fail(st.error());
  }
  return core::ok();
}

// The job reads a table without a key in one pass, and starts that pass over after a kill or a
// failure, with the same version. The rows a checkpoint of the interrupted pass committed are in
// the load table, or in the table itself when the version was activated before its rows (a first
// load): either holds only rows of this version, and they would be loaded twice.
core::Status PostgresSink::restart_keyless_load(const Stream& s) {
  if (!s.key_columns.empty() || s.info.method != change::Method::kFullTable || s.info.version == 0)
    return core::ok();
  return conn_.exec("TRUNCATE " + s.dest);
}

core::Result<StreamHandle> PostgresSink::open_stream(const StreamInfo& info) {
  for (size_t i = 0; i < streams_.size(); ++i) {
    if (streams_[i]->info.stream_id == info.stream_id) {
      SLUICE_TRY(update_stream(static_cast<StreamHandle>(i), info));
      return static_cast<StreamHandle>(i);
    }
  }
  streams_.push_back(std::make_unique<Stream>());
  streams_.back()->index = streams_.size() - 1;
  auto st = prepare(*streams_.back(), info);
  if (st) st = restart_keyless_load(*streams_.back());
  if (!st) {
    streams_.pop_back();
    return core::fail(fail_and_rollback(st.error()).error());
  }
  return static_cast<StreamHandle>(streams_.size() - 1);
}

core::Status PostgresSink::update_stream(StreamHandle stream, const StreamInfo& info) {
  if (stream >= streams_.size()) return core::fail(core::ErrorCode::kInternal, "postgres: unknown stream handle");
  Stream& s = *streams_[stream];
  auto st = flush(s);
  if (st) st = prepare(s, info);
  if (!st) return fail_and_rollback(st.error());
  return core::ok();
}

// A log-based snapshot under a new version (a first one, a keyless one read again whole after an
// interruption, one after `sluice reset`) replaces the table's rows: the table holds only the new
// version's rows from its first activation on, so keys the source no longer has do not stay live.
// The table comment records the version, as for Full Table loads; a keyed snapshot resumed under
// its own version finds it there and keeps its rows.
core::Status PostgresSink::replace_log_snapshot(Stream& s, int64_t version) {
  auto comment = conn_.query("SELECT obj_description(to_regclass($1), 'pg_class')", {s.table});
  if (!comment) return core::fail(comment.error());
  std::string active = "sluice version " + std::to_string(version);
  if (!comment->empty() && (*comment)[0] && *(*comment)[0] == active) return core::ok();
  SLUICE_TRY(flush(s));
  SLUICE_TRY(begin());
  SLUICE_TRY(conn_.exec("DELETE FROM " + s.table));
  return conn_.exec("COMMENT ON TABLE " + s.table + " IS '" + active + "'");
}

core::Status PostgresSink::activate_version(StreamHandle stream, int64_t version) {
  if (stream >= streams_.size()) return core::fail(core::ErrorCode::kInternal, "postgres: unknown stream handle");
  Stream& s = *streams_[stream];
  if (s.dest == s.table && s.info.method == change::Method::kLogBased && version != 0 &&
      s.info.version == version) {
    auto st = replace_log_snapshot(s, version);
    if (!st) return fail_and_rollback(st.error());
    return core::ok();
  }
  if (s.dest == s.table || s.info.version != version) return core::ok();
  auto swap = [&]() -> core::Status {
    SLUICE_TRY(flush(s));
    SLUICE_TRY(begin());
    // The finished load replaces the table in this transaction, committed with the bookmark.
    SLUICE_TRY(conn_.exec("DROP TABLE IF EXISTS " + s.table));
    SLUICE_TRY(conn_.exec("ALTER TABLE " + s.dest + " RENAME TO " + quote_ident(s.pg_table)));
    SLUICE_TRY(conn_.exec("COMMENT ON TABLE " + s.table + " IS 'sluice version " + std::to_string(version) + "'"));
    s.dest = s.table;
    return core::ok();
  };
  auto st = swap();
  if (!st) return fail_and_rollback(st.error());
  return core::ok();
}

core::Status PostgresSink::truncate_stream(StreamHandle stream, int64_t version,
                                           core::EpochTime commit_time) {
  if (stream >= streams_.size())
    return core::fail(core::ErrorCode::kInternal, "postgres: unknown stream handle");
  Stream& s = *streams_[stream];
  auto run = [&]() -> core::Status {
    SLUICE_TRY(flush(s));  // the rows before the TRUNCATE first
    SLUICE_TRY(begin());
    if (options_.hard_delete) return conn_.exec("DELETE FROM " + s.dest);
    // Soft deletes keep the rows, marked with the TRUNCATE's commit time (rows deleted earlier keep theirs).
    std::string at;
    append_epoch(at, commit_time);
    return conn_.exec("UPDATE " + s.dest + " SET \"_sdc_deleted_at\" = '" + at +
                      "'::timestamptz WHERE \"_sdc_deleted_at\" IS NULL");
  };
  auto st = run();
  if (!st) return fail_and_rollback(st.error());
  s.info.version = version;
  return core::ok();
}

std::string PostgresSink::key_description(const Stream& s, const change::RowChange& row) const {
  const std::span<const core::Value> values = row.values();
  std::string out;
  core::ValueFormat fmt;
  for (size_t k : s.key_columns) {
    if (k >= values.size()) continue;
    if (!out.empty()) out += ", ";
    out += s.info.columns[k].name + "=";
    core::append_value_json(out, values[k], fmt);
  }
  return out.empty() ? "(no key)" : out;
}

core::Status PostgresSink::write_row(StreamHandle stream, const change::RowChange& row) {
  std::span<const core::Value> values = row.values();
  if (stream >= streams_.size()) return core::fail(core::ErrorCode::kInternal, "postgres: unknown stream handle");
  Stream& s = *streams_[stream];
  if (values.size() != s.columns.size()) {
    return core::fail(core::ErrorCode::kInternal, "postgres: row has the wrong number of values");
  }
  if (row.json_diffs) {
    if (auto st = apply_json_diffs(s, values); !st) return fail_and_rollback(st.error());
    values = resolved_;
  }
  size_t mark = s.copy.size();
  for (size_t i = 0; i < s.columns.size(); ++i) {
    const core::Value& v = values[i];
    core::Status st = core::ok();
    if (v.is_absent()) {
      st = core::fail(core::ErrorCode::kUnsupported,
                      "not in the binlog row image; the PostgreSQL destination needs binlog_row_image=FULL");
    } else if (!s.columns[i].type_error.empty() && !v.is_null()) {
      st = core::fail(core::ErrorCode::kSchemaMismatch, s.columns[i].type_error);
    } else {
      st = pg::append_copy_value(s.copy, s.columns[i].encoding, v);
    }
    if (!st) {
      s.copy.resize(mark);
      return core::fail(st.error().with_context("postgres destination: table " + s.info.database + "." +
                                                s.info.table + ", key " + key_description(s, row) +
                                                ", column `" + s.info.columns[i].name + "`"));
    }
    s.copy.push_back('\t');
  }
  append_epoch(s.copy, row.extracted);
  s.copy.push_back('\t');
  if (row.op == change::Op::kDelete) {
    append_epoch(s.copy, row.commit_time);
  } else {
    s.copy += "\\N";
  }
  s.copy.push_back('\t');
  core::json_append_int(s.copy, ++seq_);
  s.copy.push_back('\n');
  ++s.buffered_rows;
  if (s.copy.size() >= options_.batch_bytes) {
    auto st = flush(s);
    if (!st) return fail_and_rollback(st.error());
  }
  return core::ok();
}

core::Status PostgresSink::flush(Stream& s) {
  if (s.buffered_rows == 0) return core::ok();
  SLUICE_TRY(begin());
  std::vector<std::string> cols;
  for (const Column& c : s.columns) cols.push_back(c.quoted);
  cols.push_back("\"_sdc_extracted_at\"");
  cols.push_back("\"_sdc_deleted_at\"");
  if (!s.staging_ready) {
    // Same column types as the destination, no constraints, plus the arrival order.
    SLUICE_TRY(conn_.exec("DROP TABLE IF EXISTS pg_temp." + s.staging));
    SLUICE_TRY(conn_.exec("CREATE TEMP TABLE " + s.staging + " AS SELECT " + join(cols, ", ") +
                          ", 0::bigint AS _sluice_seq FROM " + s.dest + " WITH NO DATA"));
    s.staging_ready = true;
  }
  cols.push_back("_sluice_seq");
  SLUICE_TRY(conn_.copy_in("COPY " + s.staging + " (" + join(cols, ", ") + ") FROM STDIN", s.copy));
  SLUICE_TRY(merge(s));
  SLUICE_TRY(conn_.exec("TRUNCATE " + s.staging));
  s.copy.clear();
  s.buffered_rows = 0;
  if (s.copy.capacity() > 2 * options_.batch_bytes) std::string().swap(s.copy);
  return core::ok();
}

core::Status PostgresSink::merge(Stream& s) {
  std::vector<std::string> cols;
  for (const Column& c : s.columns) cols.push_back(c.quoted);
  cols.push_back("\"_sdc_extracted_at\"");
  cols.push_back("\"_sdc_deleted_at\"");
  std::string col_list = join(cols, ", ");
  if (s.key_columns.empty()) {
    return conn_.exec("INSERT INTO " + s.dest + " (" + col_list + ") SELECT " + col_list + " FROM " + s.staging +
                      " ORDER BY _sluice_seq");
  }
  std::vector<std::string> keys;
  for (size_t k : s.key_columns) keys.push_back(s.columns[k].quoted);
  std::string key_list = join(keys, ", ");
  // The last change of each key in this batch wins.
  std::string latest = "(SELECT DISTINCT ON (" + key_list + ") " + col_list + " FROM " + s.staging + " ORDER BY " +
                       key_list + ", _sluice_seq DESC) AS s";
  std::string where;
  if (options_.hard_delete) {
    std::vector<std::string> match;
    for (const std::string& k : keys) match.push_back("d." + k + " = s." + k);
    SLUICE_TRY(conn_.exec("DELETE FROM " + s.dest + " AS d USING " + latest + " WHERE " + join(match, " AND ") +
                          " AND s.\"_sdc_deleted_at\" IS NOT NULL"));
    where = " WHERE s.\"_sdc_deleted_at\" IS NULL";
  }
  std::vector<std::string> sets;
  for (size_t i = 0; i < cols.size(); ++i) sets.push_back(cols[i] + " = EXCLUDED." + cols[i]);
  return conn_.exec("INSERT INTO " + s.dest + " (" + col_list + ") SELECT " + col_list + " FROM " + latest + where +
                    " ON CONFLICT (" + key_list + ") DO UPDATE SET " + join(sets, ", "));
}

core::Status PostgresSink::create_schema(const std::string& quoted_schema) {
  // The usual case, a schema that exists: no DDL and no lock.
  auto exists = conn_.query("SELECT (to_regnamespace($1) IS NOT NULL)::text", {quoted_schema});
  if (!exists) return core::fail(exists.error());
  if (!exists->empty() && exists->front() == std::string("true")) return core::ok();
  // Two int4 keys: a space of its own, apart from the bigint key of the state lock.
  auto locked = conn_.query("SELECT pg_advisory_xact_lock(1936484707, hashtext($1))::text", {quoted_schema});
  if (!locked) return core::fail(locked.error());
  return conn_.exec("CREATE SCHEMA IF NOT EXISTS " + quoted_schema);
}

core::Status PostgresSink::ensure_state_table(const std::string& schema) {
  SLUICE_TRY(create_schema(quote_ident(schema)));
  return conn_.exec("CREATE TABLE IF NOT EXISTS " + quote_ident(schema) +
                    "._sluice_state (id text PRIMARY KEY, state text NOT NULL, "
                    "updated_at timestamptz NOT NULL DEFAULT now())");
}

core::Status PostgresSink::checkpoint(std::string_view state_json) {
  auto run = [&]() -> core::Status {
    for (auto& s : streams_) SLUICE_TRY(flush(*s));
    SLUICE_TRY(begin());
    SLUICE_TRY(ensure_state_table(state_schema()));
    auto up = conn_.query("INSERT INTO " + quote_ident(state_schema()) +
                              "._sluice_state (id, state, updated_at) VALUES ($1, $2, now()) "
                              "ON CONFLICT (id) DO UPDATE SET state = EXCLUDED.state, updated_at = now()",
                          {options_.state_id, std::string(state_json)});
    if (!up) return core::fail(up.error());
    SLUICE_TRY(conn_.exec("COMMIT"));
    in_txn_ = false;
    return core::ok();
  };
  auto st = run();
  if (!st) return fail_and_rollback(st.error());
  committed_state_ = std::string(state_json);
  return core::ok();
}

core::Status PostgresSink::finish() {
  // Rows after the last checkpoint are not committed: without their bookmark they would be
  // delivered twice. A resumed job sends them again.
  if (in_txn_) {
    in_txn_ = false;
    return conn_.exec("ROLLBACK");
  }
  return core::ok();
}

}  // namespace sluice::sinks
