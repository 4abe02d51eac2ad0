// Value forms a reader of `sluice binlog stream` (and `binlog read`) can take at their word,
// against the servers: a JSON column's JSON null is not SQL NULL, and a BLOB/TEXT column whose
// charset the binlog does not give (MariaDB's binlog_row_metadata=NO_LOG, no schema history)
// is its bytes in one unambiguous form, {"base64":...}, while known charsets keep the plain forms.
#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "integration/binlog_stream/stream_support.h"
#include "support/json_lines_values.h"
#include "support/test_servers.h"
#include "support/test_util.h"

namespace sluice::test {
namespace {

// The row changes `binlog stream --until-now` prints for `db` from `from` on.
std::vector<nlohmann::json> streamed(const ServerInfo& s, uint32_t server_id, const std::string& db,
                                     const core::BinlogPosition& from) {
  std::string cfg = config_for(s, server_id);
  CommandResult r = run_sluice({"binlog", "stream", "--config", cfg, "--from", from_arg(from), "--until-now",
                                "--databases", db});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  std::vector<nlohmann::json> out;
  for (const std::string& l : split_lines(r.out)) {
    auto j = nlohmann::json::parse(l);
    if (j["op"] != "ddl") out.push_back(j);
  }
  return out;
}

struct Restore {
  ServerInfo s;
  std::string value;
  ~Restore() { admin_sql(s, "SET GLOBAL binlog_row_metadata = " + value); }
};

TEST(BinlogValueForms, JsonNullAndSqlNullAreApart) {
  ServerInfo s = shared_server("mysql");
  std::string old = split_lines(admin_sql(s, "SELECT @@GLOBAL.binlog_row_metadata")).at(0);
  Restore restore{s, old};
  admin_sql(s, "SET GLOBAL binlog_row_metadata = FULL");
  admin_sql(s,
            "DROP DATABASE IF EXISTS jnull; CREATE DATABASE jnull; "
            "CREATE TABLE jnull.t (id INT PRIMARY KEY, doc JSON)");
  core::BinlogPosition from = current_pos(s);
  admin_sql(s,
            "INSERT INTO t VALUES (1, 'null'), (2, NULL), (3, '{\"$json\": 1}'), (4, '\"null\"'), "
            "(5, '[null]'), (6, '{\"a\": null, \"$json\": 2}'), (7, 'null');"
            "UPDATE t SET doc = NULL WHERE id = 1; UPDATE t SET doc = CAST('null' AS JSON) WHERE id = 2;"
            "DELETE FROM t WHERE id = 7;",
            "jnull");
  std::vector<nlohmann::json> lines = streamed(s, 4321, "jnull", from);
  ASSERT_EQ(lines.size(), 10u);
  EXPECT_EQ(lines[0]["after"]["doc"], nlohmann::json::parse(R"({"$json":null})"));
  EXPECT_TRUE(lines[1]["after"]["doc"].is_null());
  EXPECT_EQ(lines[9]["before"]["doc"], nlohmann::json::parse(R"({"$json":null})"));  // the delete
  // Replayed with the reading rule of docs/json-lines.md, the rows equal SELECT's.
  std::map<int, std::optional<nlohmann::json>> state;
  for (const auto& l : lines) {
    if (l["op"] == "delete")
      state.erase(l["before"]["id"].get<int>());
    else
      state[l["after"]["id"].get<int>()] = json_document(l["after"]["doc"]);
  }
  expect_documents_equal_select(
      state, split_lines(admin_sql(s, "SELECT id, doc IS NULL, IFNULL(doc, '') FROM jnull.t ORDER BY id")));
}

// The row images of `lines` by id, each column's value as a string: SQL NULL "NULL", a
// charset-unknown value "unknown:" + its base64, a string as it is.
std::map<int, std::vector<std::string>> images(const std::vector<nlohmann::json>& lines, const char* id_key,
                                               const std::vector<std::string>& cols) {
  std::map<int, std::vector<std::string>> out;
  for (const auto& l : lines) {
    const auto& img = l["after"];
    std::vector<std::string> cells;
    for (const auto& c : cols) {
      const auto& v = img.at(c);
      if (v.is_null())
        cells.push_back("NULL");
      else if (v.is_object() && v.size() == 1 && v.contains("base64"))
        cells.push_back("unknown:" + v["base64"].get<std::string>());
      else
        cells.push_back(v.get<std::string>());
    }
    out[img.at(id_key).get<int>()] = cells;
  }
  return out;
}

TEST(BinlogValueForms, BlobAndTextOfUnknownCharsetAreTheirBytes) {
  ServerInfo s = shared_server("mariadb");
  std::string old = split_lines(admin_sql(s, "SELECT @@GLOBAL.binlog_row_metadata")).at(0);
  Restore restore{s, old};
  admin_sql(s,
            "DROP DATABASE IF EXISTS ucs; CREATE DATABASE ucs; CREATE TABLE ucs.t (id INT PRIMARY KEY, "
            "tl TEXT CHARACTER SET latin1, tu TEXT CHARACTER SET utf8mb4, b BLOB)");
  const std::string rows = "(1, 'café', 'QUJD', 'ABC'), (2, NULL, '😀', X'DEADBEEF'), (3, '', '', '')";
  const std::string select =
      "SELECT id, IFNULL(REPLACE(TO_BASE64(tl), '\\n', ''), 'NULL'), IFNULL(REPLACE(TO_BASE64(tu), '\\n', "
      "''), "
      "'NULL'), IFNULL(REPLACE(TO_BASE64(b), '\\n', ''), 'NULL'), IFNULL(tl, 'NULL'), IFNULL(tu, 'NULL') "
      "FROM ucs.t ORDER BY id";

  // NO_LOG: the TABLE_MAP says BLOB for all three columns, no charset: every value is its bytes.
  admin_sql(s, "SET GLOBAL binlog_row_metadata = NO_LOG");
  core::BinlogPosition from = current_pos(s);
  admin_sql(s, "INSERT INTO t VALUES " + rows, "ucs");
  auto nolog = images(streamed(s, 4322, "ucs", from), "@1", {"@2", "@3", "@4"});
  auto want = split_lines(admin_sql(s, select));
  ASSERT_EQ(nolog.size(), 3u);
  ASSERT_EQ(want.size(), 3u);
  for (const std::string& row : want) {
    auto c = split(row, '\t');
    auto unknown = [](const std::string& b64) { return b64 == "NULL" ? b64 : "unknown:" + b64; };
    EXPECT_EQ(nolog.at(std::stoi(c[0])),
              (std::vector<std::string>{unknown(c[1]), unknown(c[2]), unknown(c[3])}))
        << row;
  }

  // FULL: charsets known, the plain forms: TEXT as its text, BLOB as a base64 string.
  admin_sql(s, "DELETE FROM ucs.t; SET GLOBAL binlog_row_metadata = FULL");
  from = current_pos(s);
  admin_sql(s, "INSERT INTO t VALUES " + rows, "ucs");
  auto full = images(streamed(s, 4323, "ucs", from), "id", {"tl", "tu", "b"});
  ASSERT_EQ(full.size(), 3u);
  for (const std::string& row : want) {
    auto c = split(row, '\t');
    EXPECT_EQ(full.at(std::stoi(c[0])), (std::vector<std::string>{c[4], c[5], c[3]})) << row;
  }
}

}  // namespace
}  // namespace sluice::test
