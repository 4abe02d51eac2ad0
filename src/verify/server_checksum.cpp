#include "verify/server_checksum.h"

#include "extract/snapshot_reader.h"
#include "extract/snapshot_sql.h"

namespace sluice::verify {
namespace {

/// One value in SQL, rendered alike by every MySQL-family server for equal data (see the header).
std::string rendering(const schema::ColumnSchema& c) {
  using K = schema::ColumnKind;
  const std::string x = mysql::Connection::quote_identifier(c.name);
  switch (c.kind) {
    case K::kTimestamp:
      return "UNIX_TIMESTAMP(" + x + ")";
    case K::kBit:
      return "CAST(" + x + " AS UNSIGNED)";
    case K::kFloat:  // printed as a FLOAT, 6 digits (123456.7 and 123456.8 alike); as a DOUBLE, exact
      return "CAST(" + x + " AS DOUBLE)";
    default:
      break;
  }
  // Numbers (a DOUBLE printed shortest round-trip, so distinct values print distinctly), YEAR,
  // DATE, TIME and DATETIME as the server prints them; the rest by its bytes.
  const bool printed =
      (c.kind >= K::kTinyInt && c.kind <= K::kDouble) || (c.kind >= K::kYear && c.kind <= K::kDateTime);
  return printed ? x : "HEX(" + x + ")";
}

}  // namespace

core::Result<nlohmann::ordered_json> chunk_end(mysql::Connection& conn, const schema::TableSchema& table,
                                               std::span<const size_t> key,
                                               const nlohmann::ordered_json& after, size_t rows) {
  auto where = extract::key_range_predicate(conn, table, key, after, nullptr);
  if (!where) return core::fail(where.error());
  std::string sql = extract::select_sql(table, key);
  if (!where->empty()) sql += " WHERE " + *where;
  sql += extract::order_clause(table, key) + " LIMIT 1 OFFSET " + std::to_string(rows == 0 ? 0 : rows - 1);
  auto found = conn.query(sql);
  if (!found) return core::fail(found.error().with_context("finding a chunk of " + table.stream_id()));
  if (found->empty()) return nlohmann::ordered_json();
  std::vector<std::optional<std::string_view>> cells;
  for (const auto& cell : found->front()) {
    cells.push_back(cell ? std::optional<std::string_view>(*cell) : std::nullopt);
  }
  return extract::key_json(table, key, cells);
}

core::Result<ServerChunk> server_checksum(mysql::Connection& conn, const schema::TableSchema& table,
                                          std::span<const size_t> columns, const std::string& where) {
  // SHA2: MySQL 9.7 has no MD5 or SHA1 any more.
  std::string row = "CONCAT_WS('|'";
  for (size_t c : columns) row += ", IFNULL(" + rendering(table.columns[c]) + ", '~')";
  row += ")";
  std::string sql = "SELECT COUNT(*), SUM(CAST(CONV(LEFT(SHA2(" + row +
                    ", 256), 16), 16, 10) AS UNSIGNED)) FROM " + extract::qualified_name(table);
  if (!where.empty()) sql += " WHERE " + where;
  auto found = conn.query(sql);
  if (!found) return core::fail(found.error().with_context("checksumming " + table.stream_id()));
  ServerChunk chunk;
  if (!found->empty() && found->front().size() == 2) {
    chunk.rows = std::stoull(found->front()[0].value_or("0"));
    chunk.sum = found->front()[1].value_or("0");
  }
  return chunk;
}

}  // namespace sluice::verify
