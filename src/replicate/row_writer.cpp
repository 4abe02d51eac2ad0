#include "replicate/row_writer.h"

#include <algorithm>

#include "replicate/json_diff_sql.h"
#include "replicate/sql_value.h"

namespace sluice::replicate {
namespace {

// A statement is run once it is this long (well under every server's max_allowed_packet).
constexpr size_t kMaxStatementBytes = size_t{2} << 20;
// A packet of UPDATE statements is sent once it holds this many, or is this long.
constexpr uint64_t kMaxPacketUpdates = 200;
constexpr size_t kMaxPacketBytes = size_t{1} << 20;

core::Status image_mismatch(const TargetTable& t, size_t n) {
  return core::fail(core::ErrorCode::kSchemaMismatch,
                    "table " + t.display + " has " + std::to_string(t.columns.size()) +
                        " columns on the target but the source row has " + std::to_string(n) +
                        ": the two definitions differ; make the target's table match the source's");
}

}  // namespace

core::Status set_dml_session(mysql::Connection& conn) {
  SLUICE_TRY(conn.enable_multi_statements());
  SLUICE_TRY(conn.execute("SET SESSION sql_mode = 'NO_AUTO_VALUE_ON_ZERO,NO_ENGINE_SUBSTITUTION'"));
  return conn.execute("SET SESSION foreign_key_checks = 0");
}

// A JSON column takes text, not a binary string: bytes of unknown charset (a MariaDB JSON
// column is a LONGTEXT, logged without its charset) are converted to utf8mb4 text.
void RowWriter::append_value(const TargetTable& t, size_t i, const core::Value& v) {
  if (t.json[i] && v.kind == core::ValueKind::kBytes) {
    sql_.append("CONVERT(");
    append_sql_value(sql_, v);
    sql_.append(" USING utf8mb4)");
    return;
  }
  append_sql_value(sql_, v);
}

core::Status RowWriter::add(const TargetTable& t, const change::RowChange& row) {
  const size_t n = row.op == change::Op::kDelete ? row.before.size() : row.after.size();
  if (n != t.columns.size()) return image_mismatch(t, n);
  replay_ = false;
  switch (row.op) {
    case change::Op::kInsert:
      return add_insert(t, row);
    case change::Op::kDelete:
      return add_delete(t, row);
    case change::Op::kUpdate:
      return run_update(t, row);
    default:
      return core::ok();
  }
}

void RowWriter::append_values(const TargetTable& t, std::span<const core::Value> image) {
  sql_.push_back('(');
  bool first = true;
  for (size_t i = 0; i < image.size(); ++i) {
    if (t.generated[i]) continue;
    if (!first) sql_.push_back(',');
    first = false;
    if (image[i].is_absent()) {
      sql_.append("DEFAULT");
    } else {
      append_value(t, i, image[i]);
    }
  }
  sql_.push_back(')');
}

core::Status RowWriter::add_insert(const TargetTable& t, const change::RowChange& row) {
  if (pending_ != Pending::kInsert || table_ != &t || sql_.size() > kMaxStatementBytes) {
    SLUICE_TRY(flush());
    pending_ = Pending::kInsert;
    table_ = &t;
    sql_.append(idempotent_ ? "REPLACE INTO " : "INSERT INTO ")
        .append(t.name)
        .append(t.column_list)
        .append(" VALUES ");
  } else {
    sql_.push_back(',');
  }
  append_values(t, row.after);
  ++rows_;
  if (!single_) return core::ok();
  auto conflict = run_pending();
  if (!conflict) return core::fail(conflict.error());
  return *conflict ? resolve(t, row, Conflict::kDuplicateInsert, conflict_message_) : core::ok();
}

core::Status RowWriter::add_delete(const TargetTable& t, const change::RowChange& row) {
  bool keyed = !t.key.empty();
  for (size_t k : t.key) keyed = keyed && !row.before[k].is_absent();
  if (!keyed) {  // one row by its whole image, at once
    SLUICE_TRY(flush());
    sql_.append("DELETE FROM ").append(t.name).append(" WHERE ");
    if (!append_match(t, row.before)) {
      sql_.clear();
      return core::ok();
    }
    sql_.append(" LIMIT 1");
    SLUICE_TRY(execute(t));
    return conn_.affected_rows() == 0 && !idempotent_ ? resolve(t, row, Conflict::kMissingDelete) : core::ok();
  }
  if (pending_ != Pending::kDelete || table_ != &t || sql_.size() > kMaxStatementBytes) {
    SLUICE_TRY(flush());
    pending_ = Pending::kDelete;
    table_ = &t;
    sql_.append("DELETE FROM ").append(t.name).append(" WHERE (");
    for (size_t j = 0; j < t.key.size(); ++j) sql_.append(j ? "," : "").append(t.columns[t.key[j]]);
    sql_.append(") IN (");
  } else {
    sql_.push_back(',');
  }
  sql_.push_back('(');
  for (size_t j = 0; j < t.key.size(); ++j) {
    if (j) sql_.push_back(',');
    append_sql_value(sql_, row.before[t.key[j]]);
  }
  sql_.push_back(')');
  ++rows_;
  if (!single_) return core::ok();
  auto conflict = run_pending();
  if (!conflict) return core::fail(conflict.error());
  return *conflict ? resolve(t, row, Conflict::kMissingDelete) : core::ok();
}

// Appends "c=v,..." for the columns an update sets: with `changed_only`, those whose after
// value differs from the before image's (same kind and flags, the same SQL literal byte for
// byte), those the before image lacks, and partial JSON updates; otherwise every present one.
core::Status RowWriter::append_set(const TargetTable& t, const change::RowChange& row, bool changed_only) {
  const size_t set_at = sql_.size();
  for (size_t i = 0; i < row.after.size(); ++i) {
    const core::Value& after = row.after[i];
    if (t.generated[i] || after.is_absent()) continue;
    const size_t column_at = sql_.size();
    if (sql_.size() > set_at) sql_.push_back(',');
    sql_.append(t.columns[i]).push_back('=');
    if (after.is_json_diff()) {  // a partial JSON update: its diffs applied to the target's document
      if (auto s = append_json_diff_sql(sql_, t.columns[i], after.text); !s) {
        return core::fail(s.error().with_context("applying to " + t.display));
      }
      continue;
    }
    const size_t value_at = sql_.size();
    append_value(t, i, after);
    if (!changed_only || i >= row.before.size()) continue;
    const core::Value& before = row.before[i];
    if (before.is_absent() || before.kind != after.kind || before.flags != after.flags) continue;
    std::swap(sql_, scratch_);
    sql_.clear();
    append_value(t, i, before);
    std::swap(sql_, scratch_);
    if (std::string_view(sql_).substr(value_at) == scratch_) sql_.resize(column_at);  // unchanged
  }
  return core::ok();
}

core::Status RowWriter::run_update(const TargetTable& t, const change::RowChange& row) {
  if (idempotent_ && !t.key.empty()) {
    SLUICE_TRY(add_delete(t, row));
    return add_insert(t, row);
  }
  if (pending_ != Pending::kUpdate || rows_ >= kMaxPacketUpdates || sql_.size() > kMaxPacketBytes) {
    SLUICE_TRY(flush());
  }
  const size_t start = sql_.size();
  if (start != 0) sql_.push_back(';');
  sql_.append("UPDATE ").append(t.name).append(" SET ");
  const size_t set_at = sql_.size();
  core::Status set = append_set(t, row, true);
  // Nothing changed: every column set to itself, so the row is still found (or found missing).
  if (set && sql_.size() == set_at) set = append_set(t, row, false);
  if (!set) {
    sql_.resize(start);
    return set;
  }
  sql_.append(" WHERE ");
  if (sql_.size() == set_at + 7 || !append_match(t, row.before)) {  // nothing to set or to find it by
    sql_.resize(start);
    return core::ok();
  }
  if (t.key.empty()) sql_.append(" LIMIT 1");
  if (!single_) {  // into the packet: a mismatch there replays its rows one by one
    pending_ = Pending::kUpdate;
    table_ = &t;
    ++rows_;
    return core::ok();
  }
  if (core::Status s = execute(t); !s) {
    if (conn_.last_errno() != 1062) return s;
    return resolve(t, row, Conflict::kDuplicateUpdate, s.error().message);
  }
  // Found (changed or not): matched_rows, as an UPDATE to the same values changes nothing.
  return conn_.matched_rows() == 0 ? resolve(t, row, Conflict::kMissingUpdate) : core::ok();
}

// A conflict met by a statement that touched this one row: `stop` names it, `overwrite` makes
// the target hold the source's row (REPLACE also removes a row holding another unique key of
// it, which the source cannot have either) or skips a delete.
core::Status RowWriter::resolve(const TargetTable& t, const change::RowChange& row, Conflict what,
                                const std::string& server) {
  sql_.clear();
  const std::string key = key_text(t, what == Conflict::kDuplicateInsert ? row.after : row.before);
  if (!overwrite_) {
    static const char* const kWhat[] = {
        "INSERT of a key that exists on the target", "UPDATE of a row missing on the target",
        "UPDATE to a key that another row holds on the target", "DELETE of a row missing on the target"};
    return core::fail(core::ErrorCode::kServer,
                      "conflict in " + t.display + ", key " + key + ": " + kWhat[static_cast<int>(what)] +
                          (server.empty() ? "" : " (" + server + ")") +
                          ", changed outside the pipeline?; replicate.on_conflict is \"stop\": nothing from "
                          "this transaction on was applied (\"overwrite\" replaces or skips such rows)");
  }
  if (what == Conflict::kDuplicateUpdate) {  // the old row goes, the new one replaces the holder
    sql_.append("DELETE FROM ").append(t.name).append(" WHERE ");
    if (append_match(t, row.before)) {
      if (t.key.empty()) sql_.append(" LIMIT 1");
      SLUICE_TRY(execute(t));
    }
    sql_.clear();
  }
  if (what != Conflict::kMissingDelete) {
    sql_.append("REPLACE INTO ").append(t.name).append(t.column_list).append(" VALUES ");
    append_values(t, row.after);
    SLUICE_TRY(execute(t));
  }
  if (note_) note_(t, what, key);
  return core::ok();
}

std::string key_text(const TargetTable& t, std::span<const core::Value> image) {
  bool keyed = !t.key.empty();
  for (size_t k : t.key) keyed = keyed && k < image.size() && !image[k].is_absent();
  std::string names = "(", values = "(";
  auto add = [&](size_t i) {
    if (names.size() > 1) {
      names.push_back(',');
      values.push_back(',');
    }
    names.append(t.columns[i]);
    append_sql_value(values, image[i]);
  };
  if (keyed) {
    for (size_t k : t.key) add(k);
  } else {
    for (size_t i = 0; i < image.size() && i < t.columns.size(); ++i) {
      if (!image[i].is_absent() && !t.generated[i]) add(i);
    }
  }
  return names + ")=" + values + ")";
}

// "k1 = v AND ..." by the key, or by every present column (NULL-safe) without one.
bool RowWriter::append_match(const TargetTable& t, std::span<const core::Value> image) {
  bool keyed = !t.key.empty();
  for (size_t k : t.key) keyed = keyed && k < image.size() && !image[k].is_absent();
  const size_t at = sql_.size();
  auto cond = [&](size_t i, const char* op) {
    if (sql_.size() > at) sql_.append(" AND ");
    sql_.append(t.columns[i]).append(op);
    append_value(t, i, image[i]);
  };
  if (keyed) {
    for (size_t k : t.key) cond(k, " = ");
  } else {
    // FLOAT (a literal compares as a double) and JSON (a literal compares as a JSON string)
    // cannot be matched by equality: the other columns find the row.
    for (size_t i = 0; i < image.size(); ++i) {
      if (image[i].is_absent() || t.generated[i] || t.json[i] || image[i].kind == core::ValueKind::kFloat)
        continue;
      cond(i, " <=> ");
    }
  }
  return sql_.size() > at;  // false: no column to find the row by
}

// Runs the pending batch: true when it met a conflict (its INSERT or an UPDATE of the packet a
// duplicate key, its DELETE fewer rows than it names, an UPDATE no row); the server's message
// kept in conflict_message_.
core::Result<bool> RowWriter::run_pending() {
  if (pending_ == Pending::kNone) return false;
  const bool is_delete = pending_ == Pending::kDelete;
  const bool is_update = pending_ == Pending::kUpdate;
  if (is_delete) sql_.push_back(')');
  const TargetTable& t = *table_;
  const uint64_t n = rows_;
  pending_ = Pending::kNone;
  table_ = nullptr;
  rows_ = 0;
  core::Status s = execute(t);
  if (!s) {
    if (is_delete || conn_.last_errno() != 1062) return core::fail(s.error());
    conflict_message_ = s.error().message;
    return true;
  }
  if (is_update) {
    conflict_message_.clear();
    const auto& matched = conn_.matched_each();
    return matched.size() != n || std::find(matched.begin(), matched.end(), 0) != matched.end();
  }
  return is_delete && !idempotent_ && conn_.affected_rows() != n;
}

core::Status RowWriter::flush() {
  const TargetTable* t = table_;
  const Pending what = pending_;
  const uint64_t n = rows_;
  auto conflict = run_pending();
  if (!conflict) return core::fail(conflict.error());
  if (!*conflict) return core::ok();
  replay_ = true;
  std::string found = "a duplicate key (" + conflict_message_ + ")";
  if (what == Pending::kDelete) found = "rows to delete are missing";
  if (what == Pending::kUpdate && conflict_message_.empty()) found = "a row to update is missing";
  return core::fail(core::ErrorCode::kServer, "applying to " + t->display + ": " + found + " in a batch of " +
                                                  std::to_string(n) +
                                                  " rows: applying them again row by row");
}

// Runs sql_ (and clears it); errors name the table, deadlocks and lock waits are retryable.
core::Status RowWriter::execute(const TargetTable& t) {
  core::Status s = conn_.execute(sql_);
  sql_.clear();
  ++statements_;
  if (!s) {
    core::Error e = s.error().with_context("applying to " + t.display);
    const unsigned n = conn_.last_errno();
    e.retryable = e.retryable || n == 1205 || n == 1213;  // lock wait timeout, deadlock: the batch again
    return core::fail(std::move(e));
  }
  return core::ok();
}

core::Status RowWriter::set_idempotent(bool on) {
  if (on == idempotent_) return core::ok();
  SLUICE_TRY(flush());
  idempotent_ = on;
  return core::ok();
}

void RowWriter::reset() {
  sql_.clear();
  pending_ = Pending::kNone;
  table_ = nullptr;
  rows_ = 0;
}

}  // namespace sluice::replicate
