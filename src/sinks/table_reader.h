#pragma once
/// Reading a destination table back, for `sluice verify` (src/verify): the rows a sink wrote for a
/// stream, selected by primary-key range or by key, with soft-deleted rows (`_sdc_deleted_at`
/// set) left out. Each destination that verify can compare implements TableReader next to its
/// sink (sqlite/sqlite_table_reader.h, postgres/pg_table_reader.h); a new destination (the MySQL
/// target of continuous replication) is one more implementation. One thread.

#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace sluice::sinks {

/// One cell as the destination returns it. Views are valid during the row callback only.
struct ReadCell {
  enum class Kind : uint8_t { kNull = 0, kInt = 1, kUInt = 2, kDouble = 3, kText = 4, kBytes = 5 };
  Kind kind = Kind::kNull;
  int64_t i = 0;
  uint64_t u = 0;
  double d = 0;
  std::string_view text;  ///< kText, kBytes
};

/// Receives one row: a cell per StreamInfo::columns entry, in that order.
using ReadRowFn = std::function<core::Status(std::span<const ReadCell>)>;

class TableReader {
 public:
  virtual ~TableReader() = default;
  /// The rows whose key is after `after` and up to and including `upto`, each a bookmark-JSON key
  /// ({"col": value}, as extract::bookmark_json writes it; null leaves that side open), in any
  /// order. The destination compares keys in its own order: a row may fall outside the range the
  /// source's order gives it (verify reconciles such rows across ranges).
  virtual core::Status read_range(const nlohmann::ordered_json& after, const nlohmann::ordered_json& upto,
                                  const ReadRowFn& fn) = 0;
  /// The rows whose key equals one of `keys` (bookmark-JSON keys), in any order.
  virtual core::Status read_keys(std::span<const nlohmann::ordered_json> keys, const ReadRowFn& fn) = 0;
};

/// SQL shared by the readers: "(k1, k2) > (P, P) AND (k1, k2) <= (P, P)" for a key range and
/// "(k1 = P AND k2 = P) OR ..." for `count` keys, over the quoted key columns `keys`;
/// `placeholder(n)` writes parameter n (1-based: "?1", "$1"). Parameters follow in key order,
/// `after`'s before `upto`'s. Empty when the range is open on both sides.
template <class Placeholder>
std::string key_range_sql(const std::vector<std::string>& keys, bool has_after, bool has_upto,
                          Placeholder placeholder) {
  auto tuple = [&](int first) {
    std::string t = "(";
    for (size_t i = 0; i < keys.size(); ++i) t += (i ? ", " : "") + placeholder(first + static_cast<int>(i));
    return t + ")";
  };
  std::string cols = "(";
  for (size_t i = 0; i < keys.size(); ++i) cols += (i ? ", " : "") + keys[i];
  cols += ")";
  std::string sql;
  int next = 1;
  if (has_after) {
    sql = cols + " > " + tuple(next);
    next += static_cast<int>(keys.size());
  }
  if (has_upto) sql += (sql.empty() ? "" : " AND ") + cols + " <= " + tuple(next);
  return sql;
}

template <class Placeholder>
std::string key_list_sql(const std::vector<std::string>& keys, size_t count, Placeholder placeholder) {
  std::string sql;
  int n = 1;
  for (size_t k = 0; k < count; ++k) {
    sql += k ? " OR (" : "(";
    for (size_t i = 0; i < keys.size(); ++i) sql += (i ? " AND " : "") + keys[i] + " = " + placeholder(n++);
    sql += ")";
  }
  return sql;
}

/// The key values of bookmark-JSON `key` for the columns `names`, in that order (a missing
/// column gives null).
inline std::vector<const nlohmann::ordered_json*> key_values(const nlohmann::ordered_json& key,
                                                             const std::vector<std::string>& names) {
  static const nlohmann::ordered_json kNull;
  std::vector<const nlohmann::ordered_json*> out;
  for (const std::string& n : names) {
    auto it = key.find(n);
    out.push_back(it == key.end() ? &kNull : &*it);
  }
  return out;
}

}  // namespace sluice::sinks
