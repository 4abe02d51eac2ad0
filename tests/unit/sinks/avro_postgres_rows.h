#pragma once
// A table with a column of every kind and rows of core::Values, for the Avro and PostgreSQL
// sink tests (unit and integration). Values are what the decoders produce (core/value.h).

#include <cstring>
#include <deque>
#include <string>
#include <vector>

#include "core/value.h"
#include "sinks/sink.h"

namespace sluice::test {

inline schema::ColumnSchema col(std::string name, schema::ColumnKind kind, std::string column_type,
                                bool nullable = true) {
  schema::ColumnSchema c;
  c.name = std::move(name);
  c.kind = kind;
  c.column_type = std::move(column_type);
  c.data_type = c.column_type.substr(0, c.column_type.find('('));
  c.nullable = nullable;
  c.is_unsigned = c.column_type.find("unsigned") != std::string::npos;
  return c;
}

/// Every kind, in this order (indexes below).
inline sinks::StreamInfo every_kind_stream(std::string database = "shop", std::string table = "every kind") {
  using K = schema::ColumnKind;
  sinks::StreamInfo info;
  info.database = std::move(database);
  info.table = std::move(table);
  info.stream = info.table;
  info.stream_id = info.database + "-" + info.table;
  info.method = change::Method::kLogBased;
  info.deleted_at_column = true;
  auto& c = info.columns;
  c.push_back(col("id", K::kInt, "int", false));                 // 0
  c.push_back(col("tiny", K::kTinyInt, "tinyint"));               // 1
  c.push_back(col("flag", K::kTinyInt, "tinyint(1)"));            // 2
  c.back().is_boolean = true;
  c.push_back(col("small_u", K::kSmallInt, "smallint unsigned")); // 3
  c.push_back(col("int_u", K::kInt, "int unsigned"));             // 4
  c.push_back(col("big", K::kBigInt, "bigint"));                  // 5
  c.push_back(col("big_u", K::kBigInt, "bigint unsigned"));       // 6
  c.push_back(col("dec", K::kDecimal, "decimal(30,6)"));          // 7
  c.back().precision = 30;
  c.back().scale = 6;
  c.push_back(col("f", K::kFloat, "float"));                      // 8
  c.push_back(col("d", K::kDouble, "double"));                    // 9
  c.push_back(col("b1", K::kBit, "bit(1)"));                      // 10
  c.back().precision = 1;
  c.push_back(col("b10", K::kBit, "bit(10)"));                    // 11
  c.back().precision = 10;
  c.push_back(col("y", K::kYear, "year"));                        // 12
  c.push_back(col("dt", K::kDate, "date"));                       // 13
  c.push_back(col("tm", K::kTime, "time(6)"));                    // 14
  c.push_back(col("dtm", K::kDateTime, "datetime(6)"));           // 15
  c.push_back(col("ts", K::kTimestamp, "timestamp(6)"));          // 16
  c.push_back(col("name", K::kVarchar, "varchar(20)"));           // 17
  c.back().charset = "utf8mb4";
  c.push_back(col("bin", K::kVarbinary, "varbinary(10)"));        // 18
  c.back().charset = "binary";
  c.push_back(col("e", K::kEnum, "enum('a','b')"));               // 19
  c.push_back(col("s", K::kSet, "set('x','y','z')"));             // 20
  c.push_back(col("j", K::kJson, "json"));                        // 21
  c.push_back(col("g", K::kGeometry, "point"));                   // 22
  c.push_back(col("1st col", K::kInt, "int"));                    // 23
  c.push_back(col("a-b", K::kInt, "int"));                        // 24
  c.push_back(col("a b", K::kInt, "int"));                        // 25
  c.push_back(col("a_b", K::kInt, "int"));                        // 26
  info.key_properties = {"id"};
  return info;
}

/// Keeps the bytes that values point into alive.
struct RowStore {
  std::deque<std::string> bytes;
  std::string_view keep(std::string s) { return bytes.emplace_back(std::move(s)); }
};

inline core::Value temporal(core::ValueKind kind, int y, int mo, int d, unsigned h, int mi, int s, unsigned us,
                            bool negative = false) {
  core::Value v;
  v.kind = kind;
  v.t = core::Temporal{y, static_cast<uint8_t>(mo), static_cast<uint8_t>(d), static_cast<uint8_t>(mi),
                       static_cast<uint8_t>(s), h, us, negative};
  v.fsp = 6;
  return v;
}

inline core::Value with_u(core::ValueKind kind, uint64_t u, std::string_view text = {}, uint8_t flags = 0) {
  core::Value v = core::Value::with_text(kind, text);
  v.u = u;
  v.flags = flags;
  return v;
}

inline std::string point_wkb(double x, double y) {
  std::string b(4, '\0');  // SRID 0
  b.push_back('\1');       // little-endian
  uint32_t type = 1;
  b.append(reinterpret_cast<const char*>(&type), 4);
  b.append(reinterpret_cast<const char*>(&x), 8);
  b.append(reinterpret_cast<const char*>(&y), 8);
  return b;
}

/// Row 1: ordinary values; row 2: extremes (zero dates, -838:59:59, max unsigned); row 3: NULLs.
inline std::vector<core::Value> every_kind_row(int which, int id, RowStore& store) {
  using V = core::Value;
  using K = core::ValueKind;
  std::vector<V> r(27, V::null());
  r[0] = V::from_int(id);
  if (which == 3) return r;
  bool ext = which == 2;
  r[1] = V::from_int(ext ? -128 : 7);
  r[2] = V::from_int(ext ? 5 : 0);
  r[3] = V::from_uint(ext ? 65535 : 1);
  r[4] = V::from_uint(ext ? 4294967295u : 2);
  r[5] = V::from_int(ext ? INT64_MIN : 1234567890123);
  r[6] = V::from_uint(ext ? UINT64_MAX : 42);
  r[7] = V::with_text(K::kDecimal, ext ? "-999999999999999999999999.999999" : "12345678901234.123456");
  r[8] = V::from_float(1.1f);
  r[9] = V::from_double(ext ? 1e300 : 2.5);
  r[10] = with_u(K::kBit, 1);
  r[10].bits = 1;
  r[11] = with_u(K::kBit, ext ? 1023 : 5);
  r[11].bits = 10;
  r[12] = with_u(K::kYear, ext ? 0 : 2024);
  r[13] = ext ? temporal(K::kDate, 0, 0, 0, 0, 0, 0, 0) : temporal(K::kDate, 2024, 2, 29, 0, 0, 0, 0);
  r[14] = ext ? temporal(K::kTime, 0, 0, 0, 838, 59, 59, 0, true) : temporal(K::kTime, 0, 0, 0, 25, 0, 0, 500000);
  r[15] = ext ? temporal(K::kDateTime, 2024, 0, 0, 0, 0, 0, 0)
              : temporal(K::kDateTime, 2024, 3, 1, 13, 14, 15, 123456);
  core::Value ts;
  ts.kind = K::kTimestamp;
  ts.fsp = 6;
  ts.ts = ext ? core::EpochTime{0, 0} : core::EpochTime{1709298855, 654321};  // 2024-03-01 13:14:15.654321 UTC
  r[16] = ts;
  r[17] = V::with_text(K::kString, ext ? store.keep("tab\there\nnew \\ \"q\" 😀") : "héllo");
  r[18] = V::with_text(K::kBytes, ext ? store.keep(std::string("\0\xff\x01", 3)) : "ab");
  r[19] = with_u(K::kEnum, ext ? 0 : 2, ext ? "" : "b", core::kValueFlagLabels);
  r[20] = with_u(K::kSet, ext ? 5 : 0, ext ? "x,z" : "", core::kValueFlagLabels);
  r[21] = V::with_text(K::kJson, ext ? R"([1,{"k":"v"},null,18446744073709551615])" : R"({"a":1.5,"b":[true]})");
  r[22] = V::with_text(K::kGeometry, store.keep(point_wkb(1, ext ? -2.5 : 2)));
  for (int i = 23; i < 27; ++i) r[i] = V::from_int(i * (ext ? -1 : 1));
  return r;
}

}  // namespace sluice::test
