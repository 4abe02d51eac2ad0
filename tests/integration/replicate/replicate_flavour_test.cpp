// `sluice replicate` where source and target differ in what they can say or store:
// - partial JSON updates (MySQL binlog_row_value_options=PARTIAL_JSON under binlog_row_image=
//   MINIMAL: the binlog holds the diffs, not the document) applied on the target as mysqlbinlog
//   renders them, MySQL 9.7 -> MariaDB and MySQL 9.7 -> a second MySQL 9.7; the documents equal
//   the source's as JSON (SELECT on both sides, parsed);
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <map>
#include <memory>
#include <nlohmann/json.hpp>

#include "replicate_fixture.h"
#include "support/test_util.h"

namespace sluice::test {
namespace {

// SIGTERM: the pipeline ends cleanly, exit 0.
void stop(const Pipeline& p, int pid) {
  ASSERT_EQ(kill(pid, SIGTERM), 0);
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << read_file(p.work_dir + "/both.err");
}

// A transaction the pipeline must carry: one more row of the keyless counter table.
std::string counted(Pipeline& p) {
  return "INSERT INTO counter VALUES (" + std::to_string(++p.transactions) + ");";
}

std::string unhex(const std::string& hex) {
  std::string out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2)
    out.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  return out;
}

// id -> the document, parsed (MySQL sorts keys and respaces, MariaDB keeps the text it got).
std::map<int, nlohmann::json> documents(const ServerInfo& s, const std::string& db) {
  std::map<int, nlohmann::json> out;
  for (const std::string& line : split_lines(admin_sql(s, "SELECT id, HEX(doc) FROM j ORDER BY id", db))) {
    std::vector<std::string> f = split(line, '\t');
    out[std::stoi(f.at(0))] = nlohmann::json::parse(unhex(f.at(1)));
  }
  return out;
}

// Long texts: MySQL logs a diff only where it is smaller than the document.
const char* const kDocuments =
    "INSERT INTO j VALUES (1, '{\"a\": 1, \"b\": [1, 2, 3], \"s\": \"text\", \"o\": {\"x\": {\"y\": 1}},"
    " \"long\": \"a text long enough that every diff is smaller than the whole document\"}'),"
    " (2, '{\"k\": \"v\", \"long\": \"a text long enough that every diff is smaller than the document\"}'),"
    " (3, '[1, 2, \"a text long enough that every diff is smaller than the whole document\"]');";

// Each a change MySQL logs as diffs under a MINIMAL image: replace, insert (member, array element
// past the end), remove, nested and quoted paths, objects, strings with quotes, numbers, two
// diffs in one cell, two updates of a row in one transaction.
const char* const kPartialUpdates =
    "SET SESSION binlog_row_value_options = PARTIAL_JSON; SET SESSION binlog_row_image = MINIMAL;"
    "UPDATE j SET doc = JSON_SET(doc, '$.a', 2) WHERE id = 1;"
    "UPDATE j SET doc = JSON_SET(doc, '$.new', JSON_OBJECT('d', 1.50, 'q', 'it''s \"q\"')) WHERE id = 1;"
    "UPDATE j SET doc = JSON_SET(doc, '$.b[1]', 'two') WHERE id = 1;"
    "UPDATE j SET doc = JSON_REMOVE(doc, '$.b[0]') WHERE id = 1;"
    "UPDATE j SET doc = JSON_REPLACE(doc, '$.o.x.y', JSON_ARRAY(1, 'deep', NULL)) WHERE id = 1;"
    "UPDATE j SET doc = JSON_SET(doc, '$.\"key with space\"', true) WHERE id = 2;"
    "UPDATE j SET doc = JSON_SET(doc, '$.b[5]', 'appended') WHERE id = 1;"
    "UPDATE j SET doc = JSON_SET(doc, '$.a', 3.25, '$.s', 'two ops') WHERE id = 1;"
    "UPDATE j SET doc = JSON_SET(doc, '$.b[last]', 'last') WHERE id = 1;"
    "UPDATE j SET doc = JSON_SET(doc, '$[1]', 'a longer string than the element it replaces') WHERE id = 3;"
    "BEGIN; UPDATE j SET doc = JSON_SET(doc, '$.k', 'w') WHERE id = 2;"
    "UPDATE j SET doc = JSON_REMOVE(doc, '$.k') WHERE id = 2;";

void partial_json_pair(const ServerInfo& target, const std::string& name) {
  Pipeline p = make_pipeline(shared_server("mysql"), target, name);
  admin_sql(p.source,
            "CREATE DATABASE " + p.db + "; USE " + p.db +
                "; CREATE TABLE j (id INT PRIMARY KEY, doc JSON); CREATE TABLE counter (txn INT NOT NULL);" +
                kDocuments + counted(p));
  admin_sql(p.source, std::string(kPartialUpdates) + counted(p) + "COMMIT;", p.db);
  const int pid = start_replicate(p);
  ASSERT_TRUE(wait_caught_up(p, 60)) << read_file(p.work_dir + "/both.err");
  // The binlog held diffs (the pipeline had no document to copy) and the target applied them.
  const CommandResult dump = run_sluice({"journal", "dump", "--dir", p.journal_dir});
  EXPECT_NE(dump.out.find("\"op\":\"remove\""), std::string::npos) << dump.out;
  const auto expected = documents(p.source, p.db);
  EXPECT_EQ(expected.at(1)["s"], "two ops");  // the updates happened on the source
  EXPECT_EQ(documents(p.target, p.target_db), expected);
  stop(p, pid);
}

TEST(ReplicateFlavour, PartialJsonUpdatesMySqlToMariaDb) {
  partial_json_pair(shared_server("mariadb"), "pjm");
}

TEST(ReplicateFlavour, PartialJsonUpdatesMySqlToMySql) {
  static std::unique_ptr<ScopedServer> second = std::make_unique<ScopedServer>("mysql", "rptarget");
  partial_json_pair(second->info(), "pjy");
}

}  // namespace
}  // namespace sluice::test
