#include "replicate/target_tables.h"

#include "replicate/sql_value.h"

namespace sluice::replicate {
namespace {

core::Status read_columns(mysql::Connection& conn, const std::string& where, TargetTable& t) {
  auto rows = conn.query("SELECT COLUMN_NAME, EXTRA, DATA_TYPE FROM information_schema.COLUMNS WHERE " + where +
                         " ORDER BY ORDINAL_POSITION");
  if (!rows) return core::fail(rows.error());
  t.column_list = "(";
  for (const auto& r : *rows) {
    std::string quoted;
    append_identifier(quoted, r[0].value_or(""));
    const std::string extra = r[1].value_or("");
    // "VIRTUAL GENERATED", "STORED GENERATED", MariaDB's "PERSISTENT"; not MySQL's DEFAULT_GENERATED.
    const bool generated = extra.find("VIRTUAL") != std::string::npos ||
                           extra.find("STORED") != std::string::npos ||
                           extra.find("PERSISTENT") != std::string::npos;
    if (!generated) t.column_list.append(t.column_list.size() > 1 ? "," : "").append(quoted);
    t.columns.push_back(std::move(quoted));
    t.generated.push_back(generated);
    t.json.push_back(r[2].value_or("") == "json");
  }
  t.column_list.push_back(')');
  return core::ok();
}

// The primary key, else the first unique key whose columns are all NOT NULL.
core::Status read_key(mysql::Connection& conn, const std::string& where, TargetTable& t) {
  auto rows = conn.query(
      "SELECT INDEX_NAME, COLUMN_NAME, NULLABLE FROM information_schema.STATISTICS WHERE " + where +
      " AND NON_UNIQUE = 0 ORDER BY INDEX_NAME = 'PRIMARY' DESC, INDEX_NAME, SEQ_IN_INDEX");
  if (!rows) return core::fail(rows.error());
  std::string index;
  std::vector<size_t> cols;
  bool usable = true;
  auto done = [&] { return !index.empty() && usable && !cols.empty(); };
  for (const auto& r : *rows) {
    if (r[0].value_or("") != index) {
      if (done()) break;
      index = r[0].value_or("");
      cols.clear();
      usable = true;
    }
    std::string quoted;
    append_identifier(quoted, r[1].value_or(""));
    size_t at = 0;
    while (at < t.columns.size() && t.columns[at] != quoted) ++at;
    if (at == t.columns.size() || r[2].value_or("") == "YES") usable = false;  // a prefix or NULL column
    cols.push_back(at);
  }
  if (done()) t.key = std::move(cols);
  return core::ok();
}

}  // namespace

core::Result<const TargetTable*> TargetTables::get(mysql::Connection& conn, const std::string& db,
                                                   const std::string& table) {
  const std::string display = db + "." + table;
  if (auto it = tables_.find(display); it != tables_.end()) return &it->second;
  TargetTable t;
  t.display = display;
  append_identifier(t.name, db);
  t.name.push_back('.');
  append_identifier(t.name, table);
  const std::string where =
      "TABLE_SCHEMA = " + conn.quote_string(db) + " AND TABLE_NAME = " + conn.quote_string(table);
  if (auto s = read_columns(conn, where, t); !s) return core::fail(s.error());
  if (t.columns.empty()) {
    return core::fail(core::ErrorCode::kNotFound,
                      "table " + display +
                          " does not exist on the target (or the target account cannot see it): "
                          "create it there, or start the pipeline before the table is created");
  }
  if (auto s = read_key(conn, where, t); !s) return core::fail(s.error());
  return &tables_.emplace(display, std::move(t)).first->second;
}

}  // namespace sluice::replicate
