#include "extract/snapshot_sql.h"

#include "extract/key_literal.h"
#include "extract/text_value.h"

namespace sluice::extract {

using nlohmann::ordered_json;

std::vector<size_t> select_list(const SnapshotSpec& spec) {
  std::vector<size_t> out = spec.columns;
  auto add = [&out](size_t c) {
    for (size_t x : out) {
      if (x == c) return;
    }
    out.push_back(c);
  };
  for (size_t k : spec.key) add(k);
  for (size_t k : spec.order_by) add(k);
  return out;
}

std::string select_sql(const schema::TableSchema& table, std::span<const size_t> list, bool exact_floats) {
  std::string sql = "SELECT ";
  for (size_t i = 0; i < list.size(); ++i) {
    if (i) sql += ", ";
    const schema::ColumnSchema& c = table.columns[list[i]];
    const std::string name = mysql::Connection::quote_identifier(c.name);
    sql += exact_floats && c.kind == schema::ColumnKind::kFloat ? "CAST(" + name + " AS DOUBLE)" : name;
  }
  return sql + " FROM " + qualified_name(table);
}

std::string order_clause(const schema::TableSchema& table, std::span<const size_t> cols) {
  std::string out;
  for (size_t i = 0; i < cols.size(); ++i) {
    out += i == 0 ? " ORDER BY " : ", ";
    out += mysql::Connection::quote_identifier(table.columns[cols[i]].name);
  }
  return out;
}

core::Result<std::vector<std::string>> key_literals(mysql::Connection& conn, const schema::TableSchema& t,
                                                    std::span<const size_t> key, const ordered_json& values,
                                                    std::string_view what) {
  std::vector<std::string> out;
  if (!values.is_object()) {
    return core::fail(core::ErrorCode::kConfig, std::string(what) + " of " + t.stream_id() + " must be an object");
  }
  for (size_t k : key) {
    const schema::ColumnSchema& c = t.columns[k];
    auto it = values.find(c.name);
    if (it == values.end()) {
      return core::fail(core::ErrorCode::kConfig, std::string(what) + " of " + t.stream_id() + " lacks key column '" +
                                                      c.name + "': remove the bookmark to restart the table");
    }
    auto lit = sql_literal(c, *it, conn);
    if (!lit) return core::fail(lit.error());
    out.push_back(std::move(*lit));
  }
  return out;
}

core::Result<bool> next_snapshot_row(mysql::StreamingResult& res, mysql::Row& row, const schema::TableSchema& table,
                                     size_t width) {
  auto more = res.next(row);
  if (!more) return core::fail(more.error().with_context("reading " + table.stream_id()));
  if (*more && row.size() != width) {
    return core::fail(core::ErrorCode::kInternal, "unexpected column count reading " + table.stream_id());
  }
  return *more;
}

core::Result<std::string> key_range_predicate(mysql::Connection& conn, const schema::TableSchema& t,
                                              std::span<const size_t> key, const ordered_json& lo,
                                              const ordered_json& hi) {
  std::string where;
  if (!hi.is_null()) {
    auto lits = key_literals(conn, t, key, hi, "max_pk_values");
    if (!lits) return core::fail(lits.error());
    where = "(" + key_predicate(t, key, *lits, false) + ")";
  }
  if (!lo.is_null()) {
    auto lits = key_literals(conn, t, key, lo, "last_pk_fetched");
    if (!lits) return core::fail(lits.error());
    where += (where.empty() ? "(" : " AND (") + key_predicate(t, key, *lits, true) + ")";
  }
  return where;
}

ordered_json key_json(const schema::TableSchema& t, std::span<const size_t> key,
                      std::span<const std::optional<std::string_view>> cells) {
  ordered_json j = ordered_json::object();
  for (size_t i = 0; i < key.size() && i < cells.size(); ++i) {
    const schema::ColumnSchema& c = t.columns[key[i]];
    auto v = value_from_text(c, cells[i]);
    j[c.name] = v ? bookmark_json(c, *v) : ordered_json(nullptr);
  }
  return j;
}

}  // namespace sluice::extract
