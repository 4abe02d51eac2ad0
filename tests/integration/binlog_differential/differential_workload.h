#pragma once
// A seeded random workload over a table with many column types, for the binlog differential
// test: SQL text plus the column list, edge values included (NULLs, extremes, 4-byte UTF-8,
// zero dates, JSON documents). Columns are only ever appended (ALTER TABLE ADD COLUMN), so a
// column's 1-based position never changes.
#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace sluice::test::differential {

enum class Kind { kInt, kUBig, kText, kDecimal, kDateTime, kDate, kTimestamp, kDouble, kEnum, kBytes, kJson };

struct Column {
  std::string name;
  Kind kind;
  std::string sql_type;
};

inline std::vector<Column> base_columns() {
  return {{"id", Kind::kInt, "INT PRIMARY KEY"},
          {"i", Kind::kInt, "INT"},
          {"u", Kind::kUBig, "BIGINT UNSIGNED"},
          {"s", Kind::kText, "VARCHAR(60) CHARACTER SET utf8mb4"},
          {"tx", Kind::kText, "TEXT CHARACTER SET utf8mb4"},
          {"d", Kind::kDecimal, "DECIMAL(20,6)"},
          {"dt", Kind::kDateTime, "DATETIME(6)"},
          {"dd", Kind::kDate, "DATE"},
          {"ts", Kind::kTimestamp, "TIMESTAMP(3) NULL"},
          {"f", Kind::kDouble, "DOUBLE"},
          {"e", Kind::kEnum, "ENUM('a','bb','ccc')"},
          {"vb", Kind::kBytes, "VARBINARY(30)"},
          {"j", Kind::kJson, "JSON"}};
}

inline const std::vector<std::string>& enum_labels() {
  static const std::vector<std::string> labels = {"a", "bb", "ccc"};
  return labels;
}

class Workload {
 public:
  explicit Workload(uint32_t seed) : rng_(seed) {}

  /// An SQL literal for a random value of `kind` (NULL 1 time in 8).
  std::string literal(Kind kind) {
    if (pick(8) == 0) return "NULL";
    switch (kind) {
      case Kind::kInt: return one_of({"-2147483648", "2147483647", "0", "-1"}, std::to_string(range(-100000, 100000)));
      case Kind::kUBig:
        return one_of({"0", "18446744073709551615", "9223372036854775808"}, std::to_string(rng_() * 4099ull));
      case Kind::kText: return quote(text(kind));
      case Kind::kDecimal:
        return one_of({"99999999999999.999999", "-99999999999999.999999", "0.000001", "0"},
                      std::to_string(range(-9999999, 9999999)) + "." + std::to_string(range(0, 999999)));
      case Kind::kDateTime:
        return one_of({"'1000-01-01 00:00:00.000000'", "'9999-12-31 23:59:59.999999'", "'0000-00-00 00:00:00'"},
                      "'" + date() + " " + time() + "." + six(range(0, 999999)) + "'");
      case Kind::kDate: return one_of({"'1000-01-01'", "'9999-12-31'", "'0000-00-00'"}, "'" + date() + "'");
      case Kind::kTimestamp:
        return one_of({"'1970-01-01 00:00:01.000'", "'2038-01-19 03:14:07.999'"},
                      "FROM_UNIXTIME(" + std::to_string(range(1, 2000000000)) + "." + std::to_string(range(100, 999)) + ")");
      case Kind::kDouble:
        return one_of({"1.7976931348623157e308", "-2.2250738585072014e-308", "0.1", "1e-300"},
                      std::to_string(range(-100000, 100000)) + "." + std::to_string(range(0, 99999)) + "e" +
                          std::to_string(range(-20, 20)));
      case Kind::kEnum: return "'" + enum_labels()[pick(3)] + "'";
      case Kind::kBytes: {
        std::string b;
        static const char kAlphabet[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz!#$%&()*+,-./:;<=>?@[]^_`{|}~ ";
        for (int k = pick(30); k > 0; --k) b.push_back(kAlphabet[pick(static_cast<int>(sizeof kAlphabet) - 1)]);
        return quote(b);
      }
      case Kind::kJson:
        return quote("{\"n\": " + std::to_string(range(-1000, 1000)) + ", \"s\": \"" + text_piece() +
                     "\", \"a\": [1, \"x\", null, true], \"o\": {\"k\": " + std::to_string(pick(50)) + "}}");
    }
    return "NULL";
  }

  /// The INSERT of row `id` with random values for `cols`.
  std::string insert(int id, const std::vector<Column>& cols) {
    std::string names, values;
    for (const auto& c : cols) {
      if (!names.empty()) names += ", ", values += ", ";
      names += c.name;
      values += c.name == "id" ? std::to_string(id) : literal(c.kind);
    }
    return "INSERT INTO t (" + names + ") VALUES (" + values + ");\n";
  }

  /// An UPDATE of 1-3 random columns of rows id in [lo, hi].
  std::string update(int lo, int hi, const std::vector<Column>& cols) {
    std::string set;
    for (int k = 1 + pick(3); k > 0; --k) {
      const Column& c = cols[1 + pick(static_cast<int>(cols.size()) - 1)];
      if (set.find(c.name + " =") != std::string::npos) continue;
      if (!set.empty()) set += ", ";
      set += c.name + " = " + literal(c.kind);
    }
    return "UPDATE t SET " + set + " WHERE id BETWEEN " + std::to_string(lo) + " AND " + std::to_string(hi) + ";\n";
  }

  int pick(int n) { return static_cast<int>(rng_() % static_cast<uint32_t>(n)); }
  int64_t range(int64_t lo, int64_t hi) {
    return lo + static_cast<int64_t>(rng_() % static_cast<uint64_t>(hi - lo + 1));
  }

 private:
  std::string one_of(std::initializer_list<const char*> edges, std::string normal) {
    if (pick(6) == 0) return *(edges.begin() + pick(static_cast<int>(edges.size())));
    return normal;
  }
  std::string text_piece() {
    static const char* const pieces[] = {"abc", "Zürich", "déjà vu", "€", "😀", "日本語", " ", "x-y_z", "Ωμέγα"};
    std::string s;
    for (int k = pick(4); k > 0; --k) s += pieces[pick(9)];
    return s;
  }
  std::string text(Kind) {
    std::string s = text_piece();
    if (pick(10) == 0) s.append(static_cast<size_t>(range(100, 3000)), static_cast<char>('a' + pick(26)));
    return s.substr(0, 55);  // within VARCHAR(60) (4-byte characters are never cut: pieces stay short)
  }
  static std::string quote(const std::string& s) { return "'" + s + "'"; }
  static std::string six(int64_t v) {
    std::string s = std::to_string(v);
    return std::string(6 - s.size(), '0') + s;
  }
  std::string two(int64_t v) { return (v < 10 ? "0" : "") + std::to_string(v); }
  std::string date() { return std::to_string(range(1001, 9998)) + "-" + two(range(1, 12)) + "-" + two(range(1, 28)); }
  std::string time() { return two(range(0, 23)) + ":" + two(range(0, 59)) + ":" + two(range(0, 59)); }

  std::mt19937 rng_;
};

}  // namespace sluice::test::differential
