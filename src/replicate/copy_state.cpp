#include "replicate/copy_state.h"

#include "replicate/sql_value.h"

namespace sluice::replicate {
namespace {

// The columns read back, in this order.
constexpr const char* kColumns = "db, tbl, done, keyed, last_key, snap_file, snap_pos, snap_gtid";

CopyRow row_from(const mysql::OwnedRow& r) {
  CopyRow c;
  c.done = r[2].value_or("0") == "1";
  c.keyed = r[3].value_or("0") == "1";
  c.last_key = r[4].value_or("");
  c.snap.file = r[5].value_or("");
  c.snap.offset = std::stoull(r[6].value_or("0"));
  c.snap_gtid = r[7].value_or("");
  return c;
}

core::Result<std::vector<mysql::OwnedRow>> read_rows(mysql::Connection& conn, const std::string& table,
                                                     const std::string& name) {
  return conn.query(std::string("SELECT ") + kColumns + " FROM " + table +
                    " WHERE name = " + conn.quote_string(name));
}

std::string table_name(const std::string& schema) {
  std::string t;
  append_identifier(t, schema);
  t.append(".`initial_copy`");
  return t;
}

}  // namespace

CopyState::CopyState(std::string schema, std::string name)
    : schema_(std::move(schema)), name_(std::move(name)), table_(table_name(schema_)) {}

core::Status CopyState::open(mysql::Connection& conn) {
  std::string db;
  append_identifier(db, schema_);
  auto ctx = [&](const core::Error& e) {
    return e.with_context("the initial copy's table " + schema_ + ".initial_copy (grant the target account " +
                          "CREATE, SELECT, INSERT, UPDATE on " + schema_ + ".*)");
  };
  for (const std::string& sql :
       {"CREATE DATABASE IF NOT EXISTS " + db,
        "CREATE TABLE IF NOT EXISTS " + table_ +
            " (name VARCHAR(64) NOT NULL, db VARCHAR(64) NOT NULL, tbl VARCHAR(64) NOT NULL,"
            " done TINYINT NOT NULL DEFAULT 0, keyed TINYINT NOT NULL DEFAULT 0, last_key LONGTEXT NULL,"
            " snap_file VARCHAR(512) NOT NULL DEFAULT '', snap_pos BIGINT UNSIGNED NOT NULL DEFAULT 0,"
            " snap_gtid TEXT NULL, copied_at TIMESTAMP(6) NULL, PRIMARY KEY (name, db, tbl)) "
            "ENGINE=InnoDB"}) {
    if (auto s = conn.execute(sql); !s) return core::fail(ctx(s.error()));
  }
  auto rows = read_rows(conn, table_, name_);
  if (!rows) return core::fail(ctx(rows.error()));
  pipeline_.reset();
  tables_.clear();
  for (const mysql::OwnedRow& r : *rows) {
    const std::string d = r[0].value_or(""), t = r[1].value_or("");
    if (d.empty() && t.empty()) {
      pipeline_ = row_from(r);
    } else {
      tables_[{d, t}] = row_from(r);
    }
  }
  return core::ok();
}

const CopyRow* CopyState::table(const std::string& db, const std::string& tbl) const {
  auto it = tables_.find({db, tbl});
  return it == tables_.end() ? nullptr : &it->second;
}

std::string CopyState::save_sql(mysql::Connection& conn, const std::string& db, const std::string& tbl,
                                const CopyRow& row) {
  if (db.empty() && tbl.empty()) {
    pipeline_ = row;
  } else {
    tables_[{db, tbl}] = row;
  }
  return "REPLACE INTO " + table_ + " (name, " + kColumns + ", copied_at) VALUES (" +
         conn.quote_string(name_) + ", " + conn.quote_string(db) + ", " + conn.quote_string(tbl) + ", " +
         (row.done ? "1" : "0") + ", " + (row.keyed ? "1" : "0") + ", " +
         (row.last_key.empty() ? "NULL" : conn.quote_string(row.last_key)) + ", " +
         conn.quote_string(row.snap.file) + ", " + std::to_string(row.snap.offset) + ", " +
         conn.quote_string(row.snap_gtid) + ", NOW(6))";
}

core::Status CopyWindow::load(mysql::Connection& conn, const std::string& schema, const std::string& name) {
  tables_.clear();
  passed_ = true;
  auto rows = read_rows(conn, table_name(schema), name);
  if (!rows) {
    if (conn.last_errno() == 1146) return core::ok();  // no initial copy on this target
    return core::fail(rows.error().with_context("reading " + schema + ".initial_copy"));
  }
  for (const mysql::OwnedRow& r : *rows) {
    const std::string d = r[0].value_or(""), t = r[1].value_or("");
    if (d.empty() && t.empty()) continue;
    CopyRow c = row_from(r);
    if (c.snap.empty()) continue;
    if (last_.empty() || core::compare_positions(c.snap, last_) > 0) last_ = c.snap;
    tables_[d + "." + t] = Entry{c.snap, c.keyed};
    passed_ = false;
  }
  return core::ok();
}

CopyWindow::Mode CopyWindow::mode(std::string_view db, std::string_view tbl, std::string_view file,
                                  uint64_t begin_pos) {
  if (passed_) return Mode::kApply;
  // A transaction begins before a snapshot's position exactly when it committed before it
  // (the position is between transactions); begin_pos is known for every fragment.
  const core::BinlogPosition at{std::string(file), begin_pos};
  if (core::compare_positions(at, last_) >= 0) {
    passed_ = true;  // the log is in source order: nothing later is in a copy
    return Mode::kApply;
  }
  auto it = tables_.find(std::string(db) + "." + std::string(tbl));
  if (it == tables_.end() || core::compare_positions(at, it->second.snap) >= 0) return Mode::kApply;
  return it->second.keyed ? Mode::kIdempotent : Mode::kSkip;
}

}  // namespace sluice::replicate
