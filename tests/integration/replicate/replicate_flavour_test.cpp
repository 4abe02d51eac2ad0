// `sluice replicate` where source and target differ in what they can say or store:
// - partial JSON updates (MySQL binlog_row_value_options=PARTIAL_JSON under binlog_row_image=
//   MINIMAL: the binlog holds the diffs, not the document) applied on the target as mysqlbinlog
//   renders them, MySQL 9.7 -> MariaDB and MySQL 9.7 -> a second MySQL 9.7; the documents equal
//   the source's as JSON (SELECT on both sides, parsed);
// - DDL rewritten for the target's flavour: MySQL 9.7 -> MariaDB with utf8mb4_0900_* collations
//   (columns, the table's, a database created with MySQL's default, an ALTER adding such a
//   column), MySQL-only options; MariaDB -> MySQL 9.7 with INET4/INET6 columns (BINARY(4)/(16),
//   read back with INET6_NTOA), uca1400 collations and Aria options; rows applied, tables equal;
// - a UUID column (no faithful mapping into MySQL) and a VECTOR column (none in MariaDB 10.11)
//   stop the pipeline naming the statement.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <chrono>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <thread>

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

// SELECT `select` on both sides (the target's with `target_select`) equal row by row.
void expect_same_rows(const Pipeline& p, const std::string& select, const std::string& target_select) {
  const std::string src = admin_sql(p.source, select, p.db);
  EXPECT_FALSE(src.empty());
  EXPECT_EQ(admin_sql(p.target, target_select, p.target_db), src);
}

std::string collations(const ServerInfo& s, const std::string& db, const std::string& table) {
  return admin_sql(
      s, "SELECT COLUMN_NAME, COLLATION_NAME FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = '" + db +
             "' AND TABLE_NAME = '" + table + "' AND COLLATION_NAME IS NOT NULL ORDER BY 1");
}

// The pipeline process ends by itself (within 60 s), non-zero, its stderr naming `what` and the
// statement `sql`.
void expect_stops_naming(const Pipeline& p, int pid, const std::string& what, const std::string& sql) {
  const int status = wait_exit(pid, 60);
  const std::string err = read_file(p.work_dir + "/both.err");
  EXPECT_TRUE(status != -1 && WIFEXITED(status) && WEXITSTATUS(status) != 0) << err;
  EXPECT_NE(err.find(what), std::string::npos) << err;
  EXPECT_NE(err.find("`" + sql + "`"), std::string::npos) << err;
}

TEST(ReplicateFlavour, MySqlCollationsAndOptionsRewrittenForMariaDb) {
  Pipeline p = make_pipeline(shared_server("mysql"), shared_server("mariadb"), "ddlm");
  // The database takes MySQL's default collation (utf8mb4_0900_ai_ci, the session's number).
  admin_sql(
      p.source,
      "CREATE DATABASE " + p.db + "; USE " + p.db +
          "; CREATE TABLE counter (txn INT NOT NULL);"
          "CREATE TABLE c (id INT PRIMARY KEY, a VARCHAR(20) COLLATE utf8mb4_0900_ai_ci,"
          " b VARCHAR(20) CHARACTER SET utf8mb4 COLLATE utf8mb4_0900_as_cs, s VARCHAR(20) COLLATE "
          "utf8mb4_sv_0900_ai_ci, t TEXT, KEY ka (a) INVISIBLE) DEFAULT CHARSET=utf8mb4 "
          "COLLATE=utf8mb4_0900_as_ci ENCRYPTION='N';"
          "INSERT INTO c VALUES (1, 'Åsa', 'CASE', 'ö', 'trailing  '), (2, 'emoji 😀', 'case', 'z', NULL);" +
          counted(p));
  const int pid = start_replicate(p);
  admin_sql(
      p.source,
      "ALTER TABLE c ADD COLUMN d VARCHAR(20) COLLATE utf8mb4_0900_bin AFTER a;"
      "INSERT INTO c VALUES (3, 'ä', 'Bin', 'B', 'x', 'y'); UPDATE c SET d = 'É', b = 'upd' WHERE id = 1;"
      "CREATE TABLE n (id INT PRIMARY KEY, v VARCHAR(5)) COLLATE utf8mb4_0900_bin;"
      "INSERT INTO n VALUES (1, 'a ');" +
          counted(p),
      p.db);
  ASSERT_TRUE(wait_caught_up(p, 60)) << read_file(p.work_dir + "/both.err");
  expect_same_rows(p, "SELECT * FROM c ORDER BY id", "SELECT * FROM c ORDER BY id");
  expect_same_rows(p, "SELECT id, HEX(v) FROM n", "SELECT id, HEX(v) FROM n");
  EXPECT_EQ(collations(p.target, p.target_db, "c"),
            "a\tutf8mb4_uca1400_nopad_ai_ci\nb\tutf8mb4_uca1400_nopad_as_cs\nd\tutf8mb4_nopad_bin\n"
            "s\tutf8mb4_uca1400_swedish_nopad_ai_ci\nt\tutf8mb4_uca1400_nopad_as_ci\n");
  EXPECT_EQ(admin_sql(p.target,
                      "SELECT DEFAULT_COLLATION_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = '" +
                          p.target_db + "'"),
            "utf8mb4_uca1400_nopad_ai_ci\n");
  EXPECT_NE(read_file(p.work_dir + "/both.err").find("DDL rewritten for the target"), std::string::npos);
  // MySQL's VECTOR has no type in MariaDB 10.11: the pipeline stops at its DDL, naming it.
  const std::string vector = "CREATE TABLE v (id INT PRIMARY KEY, e VECTOR(3))";
  admin_sql(p.source, vector, p.db);
  expect_stops_naming(p, pid, "a MariaDB target cannot hold a VECTOR column", vector);
}

TEST(ReplicateFlavour, MariaDbInetAndCollationsIntoMySqlAndUuidRefused) {
  Pipeline p = make_pipeline(replicate_source_mariadb(), shared_server("mysql"), "inet");
  admin_sql(
      p.source,
      "CREATE DATABASE " + p.db + " CHARACTER SET utf8mb4; USE " + p.db +
          "; CREATE TABLE counter (txn INT NOT NULL);"
          "CREATE TABLE n (id INT PRIMARY KEY, ip6 INET6, ip4 INET4 NOT NULL, c VARCHAR(10) COLLATE "
          "utf8mb4_uca1400_ai_ci, KEY k (ip6) IGNORED) PAGE_CHECKSUM=1 TRANSACTIONAL=0;"
          "INSERT INTO n VALUES (1, '::ffff:192.0.2.1', '192.0.2.1', 'x'), (2, '2001:db8::ff00:42:8329', "
          "'0.0.0.0', NULL), (3, NULL, '255.255.255.255', 'é');" +
          counted(p));
  const int pid = start_replicate(p);
  admin_sql(p.source,
            "UPDATE n SET ip6 = '::1', ip4 = '10.0.0.1' WHERE id = 2; DELETE FROM n WHERE id = 1;"
            "ALTER TABLE n ADD COLUMN more INET6 AFTER id; INSERT INTO n VALUES (4, 'fe80::1', NULL, "
            "'127.0.0.1', 'y');" +
                counted(p),
            p.db);
  ASSERT_TRUE(wait_caught_up(p, 60)) << read_file(p.work_dir + "/both.err");
  expect_same_rows(p, "SELECT id, more, ip6, ip4, c FROM n ORDER BY id",
                   "SELECT id, INET6_NTOA(more), INET6_NTOA(ip6), INET6_NTOA(ip4), c FROM n ORDER BY id");
  EXPECT_EQ(admin_sql(p.target,
                      "SELECT COLUMN_NAME, COLUMN_TYPE, COLLATION_NAME FROM information_schema.COLUMNS WHERE "
                      "TABLE_SCHEMA = '" +
                          p.target_db + "' AND TABLE_NAME = 'n' AND COLUMN_NAME <> 'id' ORDER BY 1"),
            "c\tvarchar(10)\tutf8mb4_0900_ai_ci\nip4\tbinary(4)\tNULL\nip6\tbinary(16)\tNULL\nmore\tbinary("
            "16)\tNULL\n");
  // UUID has no faithful form in MySQL: the pipeline stops at its DDL, naming the statement.
  const std::string uuid = "CREATE TABLE u (id INT PRIMARY KEY, u UUID)";
  admin_sql(p.source, uuid + "; INSERT INTO u VALUES (1, UUID());", p.db);
  expect_stops_naming(p, pid, "a MySQL target cannot hold a UUID column", uuid);
  // The user makes the table by hand; the restart takes the statement as done and goes on.
  admin_sql(p.target, "CREATE TABLE u (id INT PRIMARY KEY, u BINARY(16))", p.target_db);
  admin_sql(p.source, counted(p), p.db);
  const int again = start_replicate(p);
  ASSERT_TRUE(wait_caught_up(p, 60)) << read_file(p.work_dir + "/both.err");
  EXPECT_EQ(admin_sql(p.target, "SELECT COUNT(*) FROM u", p.target_db), "1\n");
  EXPECT_NE(read_file(p.work_dir + "/both.err").find("taken as done"), std::string::npos);
  stop(p, again);
}

}  // namespace
}  // namespace sluice::test
