// A JSON column's JSON null and SQL NULL stay apart in `sluice sync`'s JSON-lines destination,
// in the snapshot's rows and in the log-based catch-up's alike: JSON null is {"$json":null}, SQL
// NULL null (docs/json-lines.md). Read back with the documented rule, the rows equal SELECT's.
// On MariaDB, whose JSON is a LONGTEXT (a BLOB in the binlog), the catch-up delivers the column
// as JSON like the snapshot does, not as a string holding JSON text.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "integration/binlog_stream/stream_support.h"
#include "integration/sync/sync_support.h"
#include "support/json_lines_values.h"
#include "support/test_servers.h"
#include "support/test_util.h"

namespace sluice::test {
namespace {

// Every line of the destination's files, in file-name order.
std::vector<nlohmann::json> destination_lines(const std::string& dir) {
  std::vector<std::string> names;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    if (e.path().extension() == ".jsonl") names.push_back(e.path().string());
  }
  std::sort(names.begin(), names.end());
  std::vector<nlohmann::json> out;
  for (const std::string& n : names) {
    for (const std::string& l : split_lines(read_file(n))) out.push_back(nlohmann::json::parse(l));
  }
  return out;
}

void json_null_and_sql_null_stay_apart(const std::string& flavor) {
  ServerInfo s = shared_server(flavor);
  admin_sql(
      s,
      "DROP DATABASE IF EXISTS jnsync; CREATE DATABASE jnsync; "
      "CREATE TABLE jnsync.t (id INT PRIMARY KEY, doc JSON);"
      "INSERT INTO jnsync.t VALUES (1, 'null'), (2, NULL), (3, '{\"$json\": [null]}'), (4, '\"null\"')");
  std::string cfg = config_for(s, 4324, "\"filter_dbs\": \"jnsync\"");
  std::string catalog = sync::make_catalog(cfg, "jnsync", {{"t", "LOG_BASED"}});
  std::string dir = make_temp_dir("jnsync");
  std::string dest = "jsonl:" + dir + "/out";
  sync::SyncRun first = sync::run_sync(cfg, catalog, "", {"--destination", dest});
  ASSERT_EQ(first.exit_code, 0) << first.err;
  auto snapshot = destination_lines(dir + "/out");
  ASSERT_EQ(snapshot.size(), 4u);
  EXPECT_EQ(snapshot[0]["doc"], nlohmann::json::parse(R"({"$json":null})"));
  EXPECT_TRUE(snapshot[1]["doc"].is_null());

  admin_sql(s,
            "INSERT INTO t VALUES (5, 'null'), (6, NULL); UPDATE t SET doc = NULL WHERE id = 1; "
            "UPDATE t SET doc = 'null' WHERE id = 2; INSERT INTO t VALUES (7, '{\"a\": [1, 2.50]}')",
            "jnsync");
  sync::SyncRun second = sync::run_sync(cfg, catalog, "", {"--destination", dest});
  ASSERT_EQ(second.exit_code, 0) << second.err;
  auto all = destination_lines(dir + "/out");
  ASSERT_EQ(all.size(), 9u);
  EXPECT_EQ(all[4]["doc"], nlohmann::json::parse(R"({"$json":null})"));  // catch-up insert of id 5
  EXPECT_TRUE(all[5]["doc"].is_null());
  EXPECT_TRUE(all[8]["doc"].is_object()) << all[8].dump();  // a document, not a string of JSON text

  // The last line of each id, read with the rule of docs/json-lines.md, equals SELECT.
  std::map<int, std::optional<nlohmann::json>> state;
  for (const auto& l : all) state[l["id"].get<int>()] = json_document(l["doc"]);
  expect_documents_equal_select(
      state, split_lines(admin_sql(s, "SELECT id, doc IS NULL, IFNULL(doc, '') FROM jnsync.t ORDER BY id")));
}

TEST(SyncJsonLines, JsonNullAndSqlNullAreApartInSnapshotAndCatchup) {
  json_null_and_sql_null_stay_apart("mysql");
}

TEST(SyncJsonLines, MariadbJsonIsJsonInSnapshotAndCatchup) { json_null_and_sql_null_stay_apart("mariadb"); }

}  // namespace
}  // namespace sluice::test
