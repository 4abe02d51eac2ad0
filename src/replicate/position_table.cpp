#include "replicate/position_table.h"

#include "replicate/sql_value.h"

namespace sluice::replicate {

PositionTable::PositionTable(std::string schema, std::string name)
    : schema_(std::move(schema)), name_(std::move(name)) {
  append_identifier(table_, schema_);
  table_.append(".`apply_position`");
}

core::Result<AppliedPosition> PositionTable::open(mysql::Connection& conn) {
  where_ = " WHERE name = " + conn.quote_string(name_);
  std::string db;
  append_identifier(db, schema_);
  auto ctx = [&](const core::Error& e) {
    return e.with_context("the position table " + schema_ +
                          ".apply_position (grant the target account "
                          "CREATE, SELECT, INSERT, UPDATE on " +
                          schema_ + ".*)");
  };
  for (const std::string& sql :
       {"CREATE DATABASE IF NOT EXISTS " + db,
        "CREATE TABLE IF NOT EXISTS " + table_ +
            " (name VARCHAR(64) NOT NULL PRIMARY KEY, lsn BIGINT UNSIGNED NOT NULL DEFAULT 0,"
            " ddl_lsn BIGINT UNSIGNED NOT NULL DEFAULT 0, source_file VARCHAR(512) NOT NULL DEFAULT '',"
            " source_pos BIGINT UNSIGNED NOT NULL DEFAULT 0, gtid VARCHAR(512) NOT NULL DEFAULT '',"
            " applied_at TIMESTAMP(6) NULL) ENGINE=InnoDB",
        "INSERT IGNORE INTO " + table_ + " (name) VALUES (" + conn.quote_string(name_) + ")",
        std::string("COMMIT")}) {
    if (auto s = conn.execute(sql); !s) return core::fail(ctx(s.error()));
  }
  auto rows = conn.query("SELECT lsn, ddl_lsn FROM " + table_ + where_);
  if (!rows) return core::fail(ctx(rows.error()));
  AppliedPosition p;
  if (!rows->empty()) {
    p.lsn = std::stoull((*rows)[0][0].value_or("0"));
    p.ddl_lsn = std::stoull((*rows)[0][1].value_or("0"));
  }
  return p;
}

std::string PositionTable::update_sql(mysql::Connection& conn, uint64_t lsn,
                                      const change::Transaction& txn) const {
  return "UPDATE " + table_ + " SET lsn = " + std::to_string(lsn) +
         ", ddl_lsn = 0, source_file = " + conn.quote_string(txn.file) +
         ", source_pos = " + std::to_string(txn.end_pos) + ", gtid = " + conn.quote_string(txn.gtid) +
         ", applied_at = NOW(6)" + where_;
}

std::string PositionTable::touch_sql() const {
  return "UPDATE " + table_ + " SET applied_at = NOW(6)" + where_;
}

std::string PositionTable::mark_ddl_sql(uint64_t lsn) const {
  return "UPDATE " + table_ + " SET ddl_lsn = " + std::to_string(lsn) + where_;
}

}  // namespace sluice::replicate
