#include "replicate/row_writer.h"

#include "replicate/json_diff_sql.h"
#include "replicate/sql_value.h"

namespace sluice::replicate {
namespace {

// A statement is run once it is this long (well under every server's max_allowed_packet).
constexpr size_t kMaxStatementBytes = size_t{2} << 20;

core::Status image_mismatch(const TargetTable& t, size_t n) {
  return core::fail(core::ErrorCode::kSchemaMismatch,
                    "table " + t.display + " has " + std::to_string(t.columns.size()) +
                        " columns on the target but the source row has " + std::to_string(n) +
                        ": the two definitions differ; make the target's table match the source's");
}

}  // namespace

core::Status set_dml_session(mysql::Connection& conn) {
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
  sql_.push_back('(');
  bool first = true;
  for (size_t i = 0; i < row.after.size(); ++i) {
    if (t.generated[i]) continue;
    if (!first) sql_.push_back(',');
    first = false;
    if (row.after[i].is_absent()) {
      sql_.append("DEFAULT");
    } else {
      append_value(t, i, row.after[i]);
    }
  }
  sql_.push_back(')');
  return core::ok();
}

core::Status RowWriter::add_delete(const TargetTable& t, const change::RowChange& row) {
  bool keyed = !t.key.empty();
  for (size_t k : t.key) keyed = keyed && !row.before[k].is_absent();
  if (!keyed) {
    SLUICE_TRY(flush());
    sql_.append("DELETE FROM ").append(t.name).append(" WHERE ");
    if (!append_match(t, row.before)) return core::ok();
    sql_.append(" LIMIT 1");
    return run(t, 1);
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
  if (!idempotent_) ++expected_;
  return core::ok();
}

core::Status RowWriter::run_update(const TargetTable& t, const change::RowChange& row) {
  if (idempotent_ && !t.key.empty()) {
    SLUICE_TRY(add_delete(t, row));
    return add_insert(t, row);
  }
  SLUICE_TRY(flush());
  sql_.append("UPDATE ").append(t.name).append(" SET ");
  const size_t set_at = sql_.size();
  for (size_t i = 0; i < row.after.size(); ++i) {
    if (t.generated[i] || row.after[i].is_absent()) continue;
    if (sql_.size() > set_at) sql_.push_back(',');
    sql_.append(t.columns[i]).push_back('=');
    if (row.after[i].is_json_diff()) {  // a partial JSON update: its diffs applied to the target's document
      if (auto s = append_json_diff_sql(sql_, t.columns[i], row.after[i].text); !s) {
        sql_.clear();
        return core::fail(s.error().with_context("applying to " + t.display));
      }
    } else {
      append_value(t, i, row.after[i]);
    }
  }
  if (sql_.size() == set_at) {  // nothing to set
    sql_.clear();
    return core::ok();
  }
  sql_.append(" WHERE ");
  if (!append_match(t, row.before)) return core::ok();
  if (t.key.empty()) sql_.append(" LIMIT 1");
  return run(t, 0);
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
      if (image[i].is_absent() || t.generated[i] || t.json[i] || image[i].kind == core::ValueKind::kFloat) continue;
      cond(i, " <=> ");
    }
  }
  if (sql_.size() == at) {  // no column to find the row by
    sql_.clear();
    return false;
  }
  return true;
}

core::Status RowWriter::flush() {
  if (pending_ == Pending::kNone) return core::ok();
  if (pending_ == Pending::kDelete) sql_.push_back(')');
  const TargetTable& t = *table_;
  const uint64_t expected = pending_ == Pending::kDelete ? expected_ : 0;
  pending_ = Pending::kNone;
  expected_ = 0;
  table_ = nullptr;
  return run(t, expected);
}

core::Status RowWriter::run(const TargetTable& t, uint64_t expected) {
  core::Status s = conn_.execute(sql_);
  sql_.clear();
  ++statements_;
  if (!s) {
    core::Error e = s.error().with_context("applying to " + t.display);
    const unsigned n = conn_.last_errno();
    e.retryable = e.retryable || n == 1205 || n == 1213;  // lock wait timeout, deadlock: the batch again
    return core::fail(std::move(e));
  }
  if (expected != 0 && conn_.affected_rows() != expected) {
    return core::fail(
        core::ErrorCode::kServer,
        "applying to " + t.display + ": " + std::to_string(expected - conn_.affected_rows()) + " of " +
            std::to_string(expected) +
            " rows to delete are missing on the target (changed outside the pipeline?); nothing "
            "after this transaction was applied");
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
  expected_ = 0;
}

}  // namespace sluice::replicate
