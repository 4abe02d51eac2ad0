// PARTIAL_JSON updates logged without the document (MySQL binlog_row_value_options=PARTIAL_JSON
// with binlog_row_image=MINIMAL or NOBLOB) in a log-based `sluice sync`: SQLite and PostgreSQL
// apply the logged diffs (replace, insert, remove; nested, quoted and array paths; two diffs in
// one cell) to the document they hold, and the documents they end with equal SELECT's, as JSON
// (key order aside). A destination that cannot read documents back (JSON lines) stops the job
// with one line naming the setting, writing nothing wrong.
#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "integration/binlog_stream/stream_support.h"
#include "integration/sync/sync_support.h"
#include "support/pg_test_server.h"
#include "support/test_servers.h"
#include "support/test_util.h"

namespace sluice::test {
namespace {

using Documents = std::map<int, nlohmann::json>;

// id -> doc of SELECT on the source.
Documents source_documents(const ServerInfo& s) {
  Documents out;
  for (const std::string& line : split_lines(admin_sql(s, "SELECT id, doc FROM pjsync.j ORDER BY id"))) {
    std::vector<std::string> f = split(line, '\t');
    out[std::stoi(f.at(0))] = nlohmann::json::parse(f.at(1));
  }
  return out;
}

Documents sqlite_documents(const std::string& path) {
  CommandResult r = run_command({"python3", "-c",
                                 "import sqlite3,sys\nfor i, d in "
                                 "sqlite3.connect(sys.argv[1]).execute('SELECT id, doc FROM j ORDER BY id'):"
                                 " print(i, d, sep='\\t')",
                                 path});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  Documents out;
  for (const std::string& line : split_lines(r.out)) {
    std::vector<std::string> f = split(line, '\t');
    out[std::stoi(f.at(0))] = nlohmann::json::parse(f.at(1));
  }
  return out;
}

Documents pg_documents(const std::string& schema) {
  Documents out;
  for (const auto& row : pg_rows("SELECT id, doc::text FROM " + schema + ".j ORDER BY id")) {
    out[std::stoi(row.at(0))] = nlohmann::json::parse(row.at(1));
  }
  return out;
}

// The updates, each a JSON change MySQL logs as diffs under a MINIMAL image (JSON_ARRAY_INSERT has
// no partial form: its whole document is logged), one transaction with two updates of a row.
const char* const kPartialUpdates =
    "SET SESSION binlog_row_value_options = PARTIAL_JSON; SET SESSION binlog_row_image = MINIMAL;"
    "UPDATE j SET doc = JSON_SET(doc, '$.a', 2) WHERE id = 1;"
    "UPDATE j SET doc = JSON_SET(doc, '$.new', JSON_OBJECT('d', 1.50)) WHERE id = 1;"
    "UPDATE j SET doc = JSON_SET(doc, '$.b[1]', 'two') WHERE id = 1;"
    "UPDATE j SET doc = JSON_REMOVE(doc, '$.b[0]') WHERE id = 1;"
    "UPDATE j SET doc = JSON_REPLACE(doc, '$.o.x.y', 'deep') WHERE id = 1;"
    "UPDATE j SET doc = JSON_SET(doc, '$.\"key with space\"', true) WHERE id = 2;"
    "UPDATE j SET doc = JSON_SET(doc, '$.b[5]', 'appended') WHERE id = 1;"
    "UPDATE j SET doc = JSON_SET(doc, '$.a', 3, '$.s', 'two ops') WHERE id = 1;"
    "UPDATE j SET doc = JSON_ARRAY_INSERT(doc, '$.b[0]', 'first') WHERE id = 1;"
    "UPDATE j SET doc = JSON_SET(doc, '$.b[1]', 'again') WHERE id = 1;"
    "UPDATE j SET doc = JSON_SET(doc, '$[1]', 'a longer string than the element it replaces') WHERE id = 3;"
    "BEGIN; UPDATE j SET doc = JSON_SET(doc, '$.k', 'w') WHERE id = 2;"
    "UPDATE j SET doc = JSON_REMOVE(doc, '$.k') WHERE id = 2; COMMIT;"
    "SET SESSION binlog_row_value_options = ''; SET SESSION binlog_row_image = FULL;";

TEST(SyncPartialJson, KeyedDestinationsApplyTheDiffsOfMinimalImages) {
  ServerInfo s = shared_server("mysql");
  // Long texts: MySQL logs a diff only where it is smaller than the document.
  admin_sql(
      s,
      "DROP DATABASE IF EXISTS pjsync; CREATE DATABASE pjsync;"
      "CREATE TABLE pjsync.j (id INT PRIMARY KEY, doc JSON);"
      "INSERT INTO pjsync.j VALUES (1, '{\"a\": 1, \"b\": [1, 2, 3], \"s\": \"text\", \"o\": {\"x\": {\"y\": "
      "1}},"
      " \"long\": \"a text long enough that every diff is smaller than the whole document\"}'),"
      " (2, '{\"k\": \"v\", \"long\": \"a text long enough that every diff is smaller than the document\"}'),"
      " (3, '[1, 2, \"a text long enough that every diff is smaller than the whole document\"]')");
  std::string cfg = config_for(s, 4331, "\"filter_dbs\": \"pjsync\"");
  std::string catalog = sync::make_catalog(cfg, "pjsync", {{"j", "LOG_BASED"}});
  std::string dir = make_temp_dir("pjsync");
  psql("DROP SCHEMA IF EXISTS pj_sync CASCADE");
  const std::string sqlite = "{\"type\":\"sqlite\",\"path\":\"" + dir + "/d.db\",\"report\":false}";
  const std::string pg = "{\"type\":\"postgres\",\"host\":\"127.0.0.1\",\"port\":" + pg_port() +
                         ",\"user\":\"postgres\",\"password\":\"pgpw\",\"dbname\":\"sluice\","
                         "\"integration_name\":\"pj_sync\",\"report\":false}";
  const std::string jsonl = "jsonl:" + dir + "/out";
  for (const std::string& dest : {sqlite, pg, jsonl}) {
    sync::SyncRun first = sync::run_sync(cfg, catalog, "", {"--destination", dest});
    ASSERT_EQ(first.exit_code, 0) << dest << ": " << first.err;
  }

  admin_sql(s, kPartialUpdates, "pjsync");
  for (const std::string& dest : {sqlite, pg}) {
    sync::SyncRun second = sync::run_sync(cfg, catalog, "", {"--destination", dest});
    ASSERT_EQ(second.exit_code, 0) << dest << ": " << second.err;
  }
  const Documents expected = source_documents(s);
  EXPECT_EQ(expected.at(1)["s"], "two ops");  // the updates happened
  EXPECT_EQ(sqlite_documents(dir + "/d.db"), expected);
  EXPECT_EQ(pg_documents("pj_sync"), expected);
  // The DECIMAL a diff inserted keeps its digits (1.50, not the double 1.5), as SELECT shows it.
  ASSERT_NE(admin_sql(s, "SELECT doc->'$.new' FROM pjsync.j WHERE id = 1").find("1.50"), std::string::npos);
  CommandResult doc1 = run_command({"python3", "-c",
                                    "import sqlite3,sys\nprint(sqlite3.connect(sys.argv[1]).execute("
                                    "'SELECT doc FROM j WHERE id = 1').fetchone()[0])",
                                    dir + "/d.db"});
  EXPECT_NE(doc1.out.find(R"("new":{"d":1.50})"), std::string::npos) << doc1.out;
  const std::string pg1 = pg_rows("SELECT doc::text FROM pj_sync.j WHERE id = 1").at(0).at(0);
  EXPECT_NE(pg1.find(R"("new": {"d": 1.50})"), std::string::npos) << pg1;

  // JSON lines holds no document to apply them to: one line, the bookmark kept, nothing written.
  sync::SyncRun refused = sync::run_sync(cfg, catalog, "", {"--destination", jsonl});
  EXPECT_NE(refused.exit_code, 0);
  EXPECT_NE(refused.err.find("binlog_row_image=FULL"), std::string::npos) << refused.err;
  EXPECT_NE(refused.err.find("partial JSON update"), std::string::npos) << refused.err;
  admin_sql(s, "DROP DATABASE pjsync");
}

}  // namespace
}  // namespace sluice::test
