// build_tables(): information_schema rows -> TableSchema (see discovery.h).
#include <algorithm>
#include <charconv>
#include <map>
#include <string>
#include <utility>

#include "schema/discovery.h"
#include "schema/type_mapping.h"

namespace sluice::schema {
namespace {

using core::ErrorCode;
using TableKey = std::pair<std::string, std::string>;

std::string_view cell(const InfoRow& row, size_t i) {
  return i < row.size() && row[i] ? std::string_view(*row[i]) : std::string_view();
}

std::optional<uint64_t> number(const InfoRow& row, size_t i) {
  if (i >= row.size() || !row[i]) return std::nullopt;
  const std::string& s = *row[i];
  uint64_t v = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || ptr != s.data() + s.size()) return std::nullopt;
  return v;
}

core::Status check_width(const InfoRow& row, size_t width, std::string_view what) {
  if (row.size() < width || !row[0] || !row[1]) {
    return core::fail(ErrorCode::kServer, "discovery: malformed information_schema." + std::string(what) +
                                              " row (" + std::to_string(row.size()) + " columns)");
  }
  return core::ok();
}

// Columns of COLUMNS rows, in columns_sql() order.
enum Col : size_t {
  kSchema, kTable, kName, kOrdinal, kDataType, kColumnType, kNullable, kCharMax, kOctetMax,
  kNumPrecision, kNumScale, kDatetimePrecision, kCharset, kCollation, kColumnKey, kExtra, kSrsId, kWidth
};

core::Result<ColumnSchema> column_from_row(const InfoRow& row) {
  SLUICE_TRY(check_width(row, kWidth, "COLUMNS"));
  ColumnSchema c;
  c.name = std::string(cell(row, kName));
  std::optional<uint64_t> ordinal = number(row, kOrdinal);
  if (!ordinal || *ordinal == 0 || *ordinal > UINT32_MAX) {
    return core::fail(ErrorCode::kServer, "discovery: bad ORDINAL_POSITION for column '" + c.name + "'");
  }
  c.ordinal = static_cast<uint32_t>(*ordinal);
  c.data_type = std::string(cell(row, kDataType));
  c.column_type = std::string(cell(row, kColumnType));
  c.nullable = cell(row, kNullable) == "YES";
  c.max_length = number(row, kCharMax);
  c.octet_length = number(row, kOctetMax);
  c.charset = std::string(cell(row, kCharset));
  c.collation = std::string(cell(row, kCollation));
  std::string_view extra = cell(row, kExtra);
  c.auto_increment = extra.find("auto_increment") != std::string_view::npos;
  c.generated = extra.find("GENERATED") != std::string_view::npos || extra.find("VIRTUAL") != std::string_view::npos ||
                extra.find("PERSISTENT") != std::string_view::npos;
  if (auto srid = number(row, kSrsId); srid && *srid <= UINT32_MAX) c.srid = static_cast<uint32_t>(*srid);
  apply_column_type(c);
  // information_schema's numbers win over the type text where both exist.
  if (c.kind == ColumnKind::kDecimal) {
    if (auto p = number(row, kNumPrecision); p && *p <= 65) c.precision = static_cast<uint32_t>(*p);
    if (auto s = number(row, kNumScale); s && *s <= 38) c.scale = static_cast<uint32_t>(*s);
  }
  if (auto f = number(row, kDatetimePrecision); f && *f <= 6) c.fsp = static_cast<uint8_t>(*f);
  return c;
}

void add_keys(const InfoRows& rows, std::map<TableKey, size_t>& index, std::vector<TableSchema>& tables) {
  // Rows come ordered by table, index, position; a key with an expression part (no column) is skipped.
  std::map<std::pair<TableKey, std::string>, std::pair<KeySchema, bool>> keys;
  for (const InfoRow& row : rows) {
    if (row.size() < 5 || !row[0] || !row[1] || !row[2]) continue;
    TableKey tk{*row[0], *row[1]};
    if (!index.contains(tk)) continue;
    auto& [key, valid] = keys.try_emplace({tk, *row[2]}, KeySchema{*row[2], {}}, true).first->second;
    if (!row[4]) {
      valid = false;
      continue;
    }
    key.columns.push_back(*row[4]);
  }
  for (auto& [id, entry] : keys) {
    auto& [key, valid] = entry;
    if (!valid || key.columns.empty()) continue;
    TableSchema& t = tables[index[id.first]];
    if (key.name == "PRIMARY") {
      t.primary_key = std::move(key.columns);
    } else {
      t.unique_keys.push_back(std::move(key));
    }
  }
}

void mark_json_columns(const InfoRows& rows, std::map<TableKey, size_t>& index, std::vector<TableSchema>& tables) {
  for (const InfoRow& row : rows) {
    if (row.size() < 3 || !row[0] || !row[1] || !row[2]) continue;
    auto it = index.find(TableKey{*row[0], *row[1]});
    if (it == index.end()) continue;
    std::string name = json_valid_column(*row[2]);
    for (ColumnSchema& c : tables[it->second].columns) {
      if (c.name == name && c.kind == ColumnKind::kText && c.data_type == "longtext") c.kind = ColumnKind::kJson;
    }
  }
}

}  // namespace

core::Result<std::vector<TableSchema>> build_tables(const InfoSchemaRows& rows) {
  std::vector<TableSchema> tables;
  std::map<TableKey, size_t> index;
  for (const InfoRow& row : rows.tables) {
    SLUICE_TRY(check_width(row, 5, "TABLES"));
    TableSchema t;
    t.database = *row[0];
    t.name = *row[1];
    t.is_view = cell(row, 2) == "VIEW";
    t.engine = std::string(cell(row, 4));
    if (!t.is_view) t.row_count = number(row, 3);
    index.emplace(TableKey{t.database, t.name}, tables.size());
    tables.push_back(std::move(t));
  }
  for (const InfoRow& row : rows.columns) {
    SLUICE_TRY(check_width(row, kWidth, "COLUMNS"));
    auto it = index.find(TableKey{*row[kSchema], *row[kTable]});
    if (it == index.end()) continue;
    auto column = column_from_row(row);
    if (!column) return core::fail(column.error());
    tables[it->second].columns.push_back(std::move(*column));
  }
  add_keys(rows.keys, index, tables);
  mark_json_columns(rows.json_checks, index, tables);
  std::vector<TableSchema> out;
  out.reserve(tables.size());
  for (TableSchema& t : tables) {
    if (t.columns.empty()) continue;
    std::sort(t.columns.begin(), t.columns.end(),
              [](const ColumnSchema& a, const ColumnSchema& b) { return a.ordinal < b.ordinal; });
    out.push_back(std::move(t));
  }
  return out;
}

}  // namespace sluice::schema
