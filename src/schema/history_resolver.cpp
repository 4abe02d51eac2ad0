#include "schema/history_resolver.h"

#include "core/charset.h"
#include "schema/ddl_lexer.h"
#include "schema/type_mapping.h"

namespace sluice::schema {
namespace {

using binlog::ColumnType;

// The TABLE_MAP types a column of `kind` may be written as (old and new temporal formats;
// ENUM/SET as their own code or as STRING; MariaDB JSON as a BLOB; blob sizes share a code).
bool type_fits(ColumnKind kind, ColumnType t) {
  switch (kind) {
    case ColumnKind::kTinyInt: return t == ColumnType::kTiny;
    case ColumnKind::kSmallInt: return t == ColumnType::kShort;
    case ColumnKind::kMediumInt: return t == ColumnType::kInt24;
    case ColumnKind::kInt: return t == ColumnType::kLong;
    case ColumnKind::kBigInt: return t == ColumnType::kLongLong;
    case ColumnKind::kDecimal: return t == ColumnType::kNewDecimal;
    case ColumnKind::kFloat: return t == ColumnType::kFloat;
    case ColumnKind::kDouble: return t == ColumnType::kDouble;
    case ColumnKind::kBit: return t == ColumnType::kBit;
    case ColumnKind::kYear: return t == ColumnType::kYear;
    case ColumnKind::kDate: return t == ColumnType::kDate || t == ColumnType::kNewDate;
    case ColumnKind::kTime: return t == ColumnType::kTime || t == ColumnType::kTime2;
    case ColumnKind::kDateTime: return t == ColumnType::kDateTime || t == ColumnType::kDateTime2;
    case ColumnKind::kTimestamp: return t == ColumnType::kTimestamp || t == ColumnType::kTimestamp2;
    case ColumnKind::kChar:
    case ColumnKind::kBinary:
    case ColumnKind::kInet4:
    case ColumnKind::kInet6:
    case ColumnKind::kUuid: return t == ColumnType::kString;
    case ColumnKind::kVarchar:
    case ColumnKind::kVarbinary: return t == ColumnType::kVarchar || t == ColumnType::kVarString;
    case ColumnKind::kText:
    case ColumnKind::kBlob:
      return t == ColumnType::kBlob || t == ColumnType::kTinyBlob || t == ColumnType::kMediumBlob ||
             t == ColumnType::kLongBlob;
    case ColumnKind::kEnum: return t == ColumnType::kEnum || t == ColumnType::kString;
    case ColumnKind::kSet: return t == ColumnType::kSet || t == ColumnType::kString;
    case ColumnKind::kJson: return t == ColumnType::kJson || t == ColumnType::kBlob;
    case ColumnKind::kGeometry: return t == ColumnType::kGeometry;
    case ColumnKind::kVector: return t == ColumnType::kVector || t == ColumnType::kVarchar;
    case ColumnKind::kUnknown: return false;
  }
  return false;
}

bool fractional(ColumnType t) {
  return t == ColumnType::kTime2 || t == ColumnType::kDateTime2 || t == ColumnType::kTimestamp2;
}

std::string mismatch(std::string_view db, std::string_view table, std::string_view position, const std::string& what) {
  return "schema of " + std::string(db) + "." + std::string(table) + " at " + std::string(position) +
         " disagrees with the binlog: " + what +
         "; re-snapshot the table or run with binlog_row_metadata=FULL";
}

core::Status no_schema(std::string_view db, std::string_view table, std::string_view position, const std::string& why) {
  return core::fail(core::ErrorCode::kSchemaMismatch,
                    "no known schema of " + std::string(db) + "." + std::string(table) + " at " +
                        std::string(position) + ": " + why +
                        "; re-snapshot the table or run with binlog_row_metadata=FULL");
}

std::string binlog_type(const binlog::ColumnDef& c) { return binlog::sql_type_name(c); }

bool is_integer(ColumnKind kind) {
  return kind == ColumnKind::kTinyInt || kind == ColumnKind::kSmallInt || kind == ColumnKind::kMediumInt ||
         kind == ColumnKind::kInt || kind == ColumnKind::kBigInt;
}

// Byte strings: BINARY, VARBINARY, BLOB, and CHAR/VARCHAR/TEXT declared with the binary charset.
bool holds_bytes(const ColumnSchema& c) {
  if (c.kind == ColumnKind::kBinary || c.kind == ColumnKind::kVarbinary || c.kind == ColumnKind::kBlob)
    return true;
  return (c.kind == ColumnKind::kChar || c.kind == ColumnKind::kVarchar || c.kind == ColumnKind::kText) &&
         c.charset == "binary";
}

// What a TABLE_MAP without optional metadata (MariaDB's binlog_row_metadata=NO_LOG) leaves
// unsaid and the history knows: UNSIGNED integers, the binary charset of byte strings (so the
// decoder keeps their bytes and pads BINARY(n) with the 0x00 bytes the binlog strips), and the
// charset of text (so latin1 or cp1251 bytes become the characters SELECT shows, not U+FFFD or
// a misread UTF-8 sequence).
void restore_signedness_and_charsets(const ColumnSchema& c, binlog::ColumnDef& b) {
  if (c.is_unsigned && is_integer(c.kind)) b.is_unsigned = true;
  if (b.collation != 0) return;
  if (holds_bytes(c)) {
    b.collation = binlog::kBinaryCollation;
  } else if (c.kind == ColumnKind::kChar || c.kind == ColumnKind::kVarchar || c.kind == ColumnKind::kText) {
    b.collation = core::collation_of(core::charset_by_name(c.charset));  // 0 (unknown) when none named
  } else if (c.kind == ColumnKind::kJson && b.type != binlog::ColumnType::kJson) {
    // MariaDB's JSON is a LONGTEXT (a BLOB in the TABLE_MAP): its text, utf8mb4 unless it says
    // otherwise, delivered as a JSON value as the snapshot reads it.
    b.collation = core::collation_of(core::charset_by_name(c.charset.empty() ? "utf8mb4" : c.charset));
    b.extended_type = binlog::ExtendedType::kJsonText;
  }
}

}  // namespace

std::string column_disagreement(const ColumnSchema& column, const binlog::ColumnDef& b) {
  std::string history_type = column.column_type.empty() ? std::string(kind_name(column.kind)) : column.column_type;
  if (!type_fits(column.kind, b.type)) {
    return "the history says " + history_type + ", the binlog has " + binlog_type(b);
  }
  if (column.kind == ColumnKind::kDecimal) {
    uint32_t precision = b.meta >> 8, scale = b.meta & 0xff;
    if (precision != column.precision || scale != column.scale) {
      return "the history says " + history_type + ", the binlog has decimal(" + std::to_string(precision) + "," +
             std::to_string(scale) + ")";
    }
  }
  if (fractional(b.type) && b.meta != column.fsp) {
    return "the history says " + history_type + ", the binlog has " + std::to_string(b.meta) + " fractional digits";
  }
  if (column.kind == ColumnKind::kBit) {
    uint32_t bits = (b.meta >> 8) * 8 + (b.meta & 0xff);
    if (bits != column.precision) {
      return "the history says " + history_type + ", the binlog has bit(" + std::to_string(bits) + ")";
    }
  }
  if ((column.kind == ColumnKind::kEnum || column.kind == ColumnKind::kSet) && !column.enum_values.empty() &&
      !b.enum_values.empty() && b.enum_values != column.enum_values) {
    return "the history's labels of " + history_type + " differ from the binlog's";
  }
  return {};
}

namespace {

// The table a TABLE_MAP with column names (binlog_row_metadata=FULL) describes: each column as the
// history knows it when the names and types agree, else as the binlog has it.
TableSchema table_from_names(const TableSchema& known, std::span<const binlog::ColumnDef> columns) {
  TableSchema t = known;
  t.columns.clear();
  for (const binlog::ColumnDef& b : columns) {
    const ColumnSchema* k = known.find_column(b.name);
    ColumnSchema c = (k != nullptr && column_disagreement(*k, b).empty())
                         ? *k
                         : column_from_type(b.name, "", binlog::sql_type_name(b));
    c.ordinal = static_cast<uint32_t>(t.columns.size() + 1);
    t.columns.push_back(std::move(c));
  }
  return t;
}

// Why the history's columns do not fit the TABLE_MAP's names, or "".
std::string names_disagree(const std::vector<ColumnSchema>& cols,
                           std::span<const binlog::ColumnDef> columns) {
  if (cols.size() != columns.size()) {
    return "the binlog has " + std::to_string(columns.size()) + " columns, the history " +
           std::to_string(cols.size());
  }
  for (size_t i = 0; i < cols.size(); ++i) {
    if (!iequals(columns[i].name, cols[i].name)) {
      return "column " + std::to_string(i + 1) + " is `" + columns[i].name + "` in the binlog, `" +
             cols[i].name + "` in the history";
    }
    std::string why = column_disagreement(cols[i], columns[i]);
    if (!why.empty()) return "column " + std::to_string(i + 1) + " `" + cols[i].name + "`: " + why;
  }
  return {};
}

}  // namespace

core::Status HistoryResolver::resolve(std::string_view db, std::string_view table, std::string_view position,
                                      std::span<binlog::ColumnDef> columns) {
  if (!history_.tracks(db, table)) return core::ok();
  bool named = !columns.empty();
  for (const auto& c : columns) named = named && !c.name.empty();
  auto at = core::BinlogPosition::parse(position);
  if (!at) return core::fail(at.error());
  const SchemaVersion* v = history_.version_at(db, table, *at);
  if (v == nullptr || v->state == SchemaVersion::State::kDropped) {
    if (named) return core::ok();  // FULL row metadata: the binlog describes the table itself
    if (v) return no_schema(db, table, position, "the history has it dropped at " + v->position.str());
    return no_schema(db, table, position,
                     "the schema history (from " + history_.seeded_at().str() + ") does not hold this table");
  }
  if (named &&
      (v->state == SchemaVersion::State::kUnknown || !names_disagree(v->table.columns, columns).empty())) {
    // The binlog names its columns: they decide. The history's version is corrected from them.
    std::string why = v->state == SchemaVersion::State::kUnknown ? "it had no known schema there"
                                                                 : names_disagree(v->table.columns, columns);
    v = &history_.correct(db, table, *at, table_from_names(v->table, columns),
                          "schema of " + std::string(db) + "." + std::string(table) + " at " +
                              std::string(position) +
                              ": the history disagreed with the binlog's column names (" + why +
                              "); corrected from the binlog's row metadata");
  }
  if (v->state == SchemaVersion::State::kUnknown) {
    if (v->statement.empty())
      return core::fail(core::ErrorCode::kSchemaMismatch, v->reason);  // seed_unknown()
    return no_schema(db, table, position,
                     "the statement at " + v->position.str() + " could not be followed (" + v->reason +
                         "): " + v->statement);
  }
  const auto& cols = v->table.columns;
  std::string since = " (history version from " + v->position.str() + ")";
  if (cols.size() != columns.size()) {
    return core::fail(core::ErrorCode::kSchemaMismatch,
                      mismatch(db, table, position,
                               "the binlog has " + std::to_string(columns.size()) + " columns, the history " +
                                   std::to_string(cols.size()) + since));
  }
  for (size_t i = 0; i < cols.size(); ++i) {
    binlog::ColumnDef& b = columns[i];
    std::string label = "column " + std::to_string(i + 1) + " `" + cols[i].name + "`";
    if (!b.name.empty() && !iequals(b.name, cols[i].name)) {
      return core::fail(core::ErrorCode::kSchemaMismatch,
                        mismatch(db, table, position, label + " is named `" + b.name + "` in the row metadata" + since));
    }
    std::string why = column_disagreement(cols[i], b);
    if (!why.empty()) {
      return core::fail(core::ErrorCode::kSchemaMismatch, mismatch(db, table, position, label + ": " + why + since));
    }
    if (b.name.empty()) b.name = cols[i].name;
    restore_signedness_and_charsets(cols[i], b);
    // An old TIME/DATETIME/TIMESTAMP code: MySQL before 5.6 (no fractions) or MariaDB's own
    // pre-10.1 format, whose fractional digits (and so its cell size) only the schema knows.
    if (binlog::is_old_temporal(b.type) && cols[i].fsp <= 6) b.meta = cols[i].fsp;
    if (b.enum_values.empty()) b.enum_values = cols[i].enum_values;
    if (b.type == ColumnType::kString && b.extended_type == binlog::ExtendedType::kNone) {
      if (cols[i].kind == ColumnKind::kInet6) b.extended_type = binlog::ExtendedType::kInet6;
      if (cols[i].kind == ColumnKind::kUuid) b.extended_type = binlog::ExtendedType::kUuid;
    }
  }
  return core::ok();
}

}  // namespace sluice::schema
