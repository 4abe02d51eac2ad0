#include "support/sink_fixture.h"

#include <gtest/gtest.h>

#include <cctype>
#include <cstdlib>
#include <nlohmann/json.hpp>

#include "support/test_util.h"

namespace sluice::test {

const char* const kAllTypesCreate =
    "CREATE TABLE t (id INT PRIMARY KEY, ti TINYINT, ub BIGINT UNSIGNED, de DECIMAL(20,6), fl FLOAT, "
    "db DOUBLE, bi BIT(5), yr YEAR, d DATE, tm TIME(3), dt DATETIME(6), ts TIMESTAMP(3) NULL, "
    "vc VARCHAR(50) CHARACTER SET utf8mb4, bl BLOB, js JSON, en ENUM('a','b'), st SET('x','y','z'));"
    "CREATE TABLE k (a INT, b VARCHAR(10));"
    "INSERT INTO t VALUES (1, -128, 18446744073709551615, 12345678901234.123456, 1.1, 0.1, b'10101', 2024, "
    "'2024-02-29', '-838:59:59.000', '2024-01-02 03:04:05.123456', '2024-01-02 03:04:05.123', "
    "'h\xc3\xa9llo \xf0\x9f\x98\x80', X'0001FF', '{\"a\":[1,2.5],\"b\":\"x\"}', 'b', 'x,z'),"
    "(2, 127, 42, -0.000001, -2.5, 1e300, b'0', 1901, '1000-01-01', '25:00:00.500', '9999-12-31 23:59:59.999999', "
    "'2038-01-19 03:14:07.999', '', X'', '[]', 'a', ''),"
    "(4, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);"
    "INSERT INTO k VALUES (1, 'one'), (2, 'two');";

const char* const kAllTypesChanges =
    "UPDATE t SET vc = 'changed \xf0\x9f\x98\x80', de = 1.5 WHERE id = 1; DELETE FROM t WHERE id = 2;"
    "INSERT INTO t (id, ub, de, dt) VALUES (3, 9223372036854775808, 99999999999999.999999, '2024-05-01 00:00:00');"
    "INSERT INTO k VALUES (3, 'three');";

std::string make_sink_catalog(const std::string& config, const std::string& db, const std::string& method,
                              const std::string& table) {
  CommandResult r = run_sluice({"discover", "--config", config});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  nlohmann::json catalog = nlohmann::json::parse(r.out);
  for (auto& stream : catalog["streams"]) {
    for (auto& m : stream["metadata"]) {
      if (!m["breadcrumb"].empty() || m["metadata"].value("database-name", "") != db) continue;
      m["metadata"]["selected"] = true;
      m["metadata"]["replication-method"] = stream["table_name"] == table ? method : "FULL_TABLE";
    }
  }
  std::string path = make_temp_dir("sink-catalog") + "/catalog.json";
  write_file(path, catalog.dump(1));
  return path;
}

void create_sequence_table(const ServerInfo& server, const std::string& db, const std::string& create_table,
                           const std::string& table, int rows, const std::string& select_list) {
  admin_sql(server, "DROP DATABASE IF EXISTS " + db + "; CREATE DATABASE " + db);
  admin_sql(server, create_table, db);
  admin_sql(server,
            std::string(server.is_mysql() ? "SET SESSION cte_max_recursion_depth = 1000000;"
                                          : "SET SESSION max_recursive_iterations = 1000000;") +
                "INSERT INTO " + table + " WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < " +
                std::to_string(rows) + ") SELECT " + select_list + " FROM n",
            db);
}

namespace {

constexpr const char* kColumns[] = {"id", "ti", "ub", "de", "fl", "db", "bi", "yr", "d",
                                    "tm", "dt", "ts", "vc", "bl", "js", "en", "st"};

bool same_number(const std::string& a, const std::string& b, bool single) {
  char* end_a = nullptr;
  char* end_b = nullptr;
  if (single) {
    float x = std::strtof(a.c_str(), &end_a), y = std::strtof(b.c_str(), &end_b);
    return *end_a == 0 && *end_b == 0 && x == y;
  }
  double x = std::strtod(a.c_str(), &end_a), y = std::strtod(b.c_str(), &end_b);
  return *end_a == 0 && *end_b == 0 && x == y;
}

bool same_hex(const std::string& a, const std::string& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::toupper(static_cast<unsigned char>(a[i])) != std::toupper(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

bool same_value(const std::string& column, const std::string& a, const std::string& b) {
  if (column == "fl") return same_number(a, b, true);
  if (column == "db") return same_number(a, b, false);
  if (column == "bl") return same_hex(a, b);
  if (column == "js") {
    auto x = nlohmann::json::parse(a, nullptr, false), y = nlohmann::json::parse(b, nullptr, false);
    return !x.is_discarded() && x == y;
  }
  return a == b;
}

}  // namespace

std::string time_text_to_micros(const std::string& text) {
  bool negative = text.starts_with('-');
  std::vector<std::string> parts = split(text.substr(negative ? 1 : 0), ':');
  if (parts.size() != 3) return "bad TIME '" + text + "'";
  std::vector<std::string> sec = split(parts[2], '.');
  std::string frac = sec.size() > 1 ? sec[1] : "";
  frac.resize(6, '0');
  long long micros = (std::stoll(parts[0]) * 3600 + std::stoll(parts[1]) * 60 + std::stoll(sec[0])) * 1000000 +
                     std::stoll(frac);
  return std::to_string(negative ? -micros : micros);
}

std::vector<TextRow> all_types_source_rows(const ServerInfo& server, const std::string& db,
                                           const std::vector<std::string>& extra) {
  std::string sql =
      "SET time_zone = '+00:00'; SELECT id, ti, ub, CAST(de AS CHAR), fl, db, CAST(bi AS UNSIGNED), yr, d, tm, "
      "DATE_FORMAT(dt, '%Y-%m-%d %H:%i:%s.%f'), DATE_FORMAT(ts, '%Y-%m-%d %H:%i:%s.%f'), vc, HEX(bl), js, en, st";
  for (const std::string& c : extra) sql += ", CAST(`" + c + "` AS CHAR)";
  sql += " FROM t ORDER BY id";
  std::vector<std::string> names(std::begin(kColumns), std::end(kColumns));
  names.insert(names.end(), extra.begin(), extra.end());
  std::vector<TextRow> rows;
  for (const std::string& line : split_lines(admin_sql(server, sql, db))) {
    std::vector<std::string> fields = split(line, '\t');
    EXPECT_EQ(fields.size(), names.size()) << line;
    TextRow row;
    for (size_t i = 0; i < names.size() && i < fields.size(); ++i) {
      // The client prints SQL NULL as "NULL" (no test string is "NULL").
      if (fields[i] == "NULL") {
        row[names[i]] = std::nullopt;
      } else {
        row[names[i]] = names[i] == "tm" ? time_text_to_micros(fields[i]) : fields[i];
      }
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

std::vector<std::string> diff_rows(const TextRow& source, const TextRow& dest) {
  std::vector<std::string> out;
  auto show = [](const std::optional<std::string>& v) { return v ? "'" + *v + "'" : std::string("NULL"); };
  for (const auto& [column, want] : source) {
    auto it = dest.find(column);
    std::optional<std::string> got = it == dest.end() ? std::nullopt : it->second;
    bool equal = want && got ? same_value(column, *want, *got) : want.has_value() == got.has_value();
    if (it == dest.end() && want) equal = false;
    if (!equal) out.push_back("column " + column + ": source " + show(want) + ", destination " + show(got));
  }
  return out;
}

}  // namespace sluice::test
