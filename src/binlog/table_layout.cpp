#include "binlog/table_layout.h"

#include <bit>

namespace sluice::binlog {
namespace {

size_t popcount_bits(const uint8_t* bitmap, size_t n) {
  size_t count = 0;
  size_t full = n / 8;
  for (size_t i = 0; i < full; ++i) count += static_cast<size_t>(std::popcount(bitmap[i]));
  if (n % 8) count += static_cast<size_t>(std::popcount(static_cast<uint8_t>(bitmap[full] & ((1u << (n % 8)) - 1))));
  return count;
}

core::Error row_error(std::string message) {
  return core::Error{core::ErrorCode::kCorrupt, std::move(message), false, true};
}

// `enum('a','b')` when the labels are known (binlog_row_metadata=FULL or a schema history), in
// information_schema's COLUMN_TYPE form: a quote or backslash inside a label is doubled.
std::string with_members(const char* base, const std::vector<std::string>& members) {
  if (members.empty()) return base;
  std::string out = std::string(base) + "(";
  for (size_t i = 0; i < members.size(); ++i) {
    if (i > 0) out += ',';
    out += '\'';
    for (char ch : members[i]) {
      if (ch == '\'' || ch == '\\') out += ch;
      out += ch;
    }
    out += '\'';
  }
  return out + ")";
}

}  // namespace

core::Result<size_t> decode_row_image(const TableLayout& layout, const uint8_t* present, const uint8_t* p,
                                      size_t avail, core::Arena& arena, std::span<core::Value> out) {
  const size_t n = layout.columns.size();
  const size_t null_bytes = (popcount_bits(present, n) + 7) / 8;
  if (null_bytes > avail) return core::fail(row_error("row image shorter than its NULL bitmap"));
  const uint8_t* nulls = p;
  size_t off = null_bytes;
  size_t k = 0;  // index among present columns
  for (size_t i = 0; i < n; ++i) {
    if (!bit_set(present, i)) {
      out[i] = core::Value::absent();
      continue;
    }
    if (bit_set(nulls, k++)) {
      out[i] = core::Value::null();
      continue;
    }
    const ColumnLayout& c = layout.columns[i];
    auto used = c.decode(c.def, p + off, avail - off, arena, out[i]);
    if (!used) {
      return core::fail(used.error().with_context("column " + c.key + " (" + c.type_name + ") of " + layout.db + "." +
                                                  layout.table));
    }
    if (*used > avail - off) return core::fail(row_error("cell past the end of the row image"));
    off += *used;
  }
  return off;
}

std::string sql_type_name(const ColumnDef& c) {
  auto u = [&](const char* base) { return std::string(base) + (c.is_unsigned ? " unsigned" : ""); };
  auto with_len = [](const char* base, unsigned n) { return std::string(base) + "(" + std::to_string(n) + ")"; };
  auto fsp = [&](const char* base) { return c.meta ? with_len(base, c.meta) : std::string(base); };
  bool binary = c.collation == kBinaryCollation;
  switch (c.type) {
    case ColumnType::kTiny: return u("tinyint");
    case ColumnType::kShort: return u("smallint");
    case ColumnType::kInt24: return u("mediumint");
    case ColumnType::kLong: return u("int");
    case ColumnType::kLongLong: return u("bigint");
    case ColumnType::kFloat: return u("float");
    case ColumnType::kDouble: return u("double");
    case ColumnType::kNewDecimal:
      return u(("decimal(" + std::to_string(c.meta >> 8) + "," + std::to_string(c.meta & 0xff) + ")").c_str());
    case ColumnType::kDecimal: return "decimal(old)";
    case ColumnType::kNull: return "null";
    case ColumnType::kYear: return "year";
    case ColumnType::kDate: case ColumnType::kNewDate: return "date";
    case ColumnType::kTime: case ColumnType::kTime2: return fsp("time");
    case ColumnType::kDateTime: case ColumnType::kDateTime2: return fsp("datetime");
    case ColumnType::kTimestamp: case ColumnType::kTimestamp2: return fsp("timestamp");
    case ColumnType::kBit: return with_len("bit", (c.meta >> 8) * 8u + (c.meta & 0xff));
    case ColumnType::kVarchar: case ColumnType::kVarString:
      return with_len(binary ? "varbinary" : "varchar", c.meta);
    case ColumnType::kString: return with_len(binary ? "binary" : "char", c.meta);
    case ColumnType::kEnum:
      return with_members("enum", c.enum_values);
    case ColumnType::kSet:
      return with_members("set", c.enum_values);
    case ColumnType::kTinyBlob: case ColumnType::kMediumBlob: case ColumnType::kLongBlob:
    case ColumnType::kBlob: {
      static const char* const blobs[] = {"tinyblob", "blob", "mediumblob", "longblob"};
      static const char* const texts[] = {"tinytext", "text", "mediumtext", "longtext"};
      unsigned idx = c.meta >= 1 && c.meta <= 4 ? c.meta - 1u : 1u;
      return binary || c.collation == 0 ? blobs[idx] : texts[idx];
    }
    case ColumnType::kJson: return "json";
    case ColumnType::kGeometry: return "geometry";
    case ColumnType::kVector: return "vector";
    default: return "type" + std::to_string(static_cast<int>(c.type));
  }
}

}  // namespace sluice::binlog
