// Differential test: DML on a real server, its binlog file decoded by sluice, compared with
// the server's own decoder (mariadb-binlog / the chroot's mysqlbinlog -v: row counts and ids
// per operation) and with SELECT afterwards (every column value of the replayed final state).
#include <gtest/gtest.h>

#include <cstdio>
#include <map>
#include <nlohmann/json.hpp>

#include "support/binlog_rows.h"
#include "support/test_servers.h"
#include "support/test_util.h"

namespace sluice::test {
namespace {

const char* kWorkload = R"SQL(
SET time_zone = '+00:00';
DROP DATABASE IF EXISTS diff; CREATE DATABASE diff; USE diff;
CREATE TABLE t (id INT PRIMARY KEY, i INT, bu BIGINT UNSIGNED, v VARCHAR(40), d DECIMAL(12,4),
  dt DATETIME(6), dd DATE, ti TIME, y YEAR, f DOUBLE);
INSERT INTO t VALUES (1, -5, 18446744073709551615, 'héllo', 1.5, '2024-01-02 03:04:05.123456', '2024-02-29', '-12:00:01', 2001, 0.25),
  (2, 7, 0, '', -0.0001, '1999-12-31 23:59:59.000001', '1000-01-01', '838:59:59', 1999, -1e10),
  (3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
UPDATE t SET v = CONCAT(IFNULL(v, 'n'), '+'), i = IFNULL(i, 0) + 1 WHERE id >= 2;
DELETE FROM t WHERE id = 1;
INSERT INTO t (id, v) SELECT seq, CONCAT('row', seq) FROM (SELECT 10 AS seq UNION SELECT 11 UNION SELECT 12) s;
UPDATE t SET d = d + 1 WHERE id = 2;
)SQL";

std::string copy_latest_binlog(const ServerInfo& s) {
  admin_sql(s, "FLUSH BINARY LOGS");
  std::string logs = admin_sql(s, "SHOW BINARY LOGS");
  auto lines = split_lines(logs);
  // The file before the newest one holds the workload.
  std::string name = lines.at(lines.size() - 2).substr(0, lines.at(lines.size() - 2).find('\t'));
  std::string dir = make_temp_dir("binlog_files");
  std::string dst = dir + "/" + name;
  write_file(dst, read_file(s.dir + "/data/" + name));
  return dst;
}

std::vector<nlohmann::json> sluice_rows(const std::string& file) {
  std::vector<nlohmann::json> rows;
  for (const auto& l : split_lines(binlog_json_lines(file, {"diff"}))) rows.push_back(nlohmann::json::parse(l));
  return rows;
}

// "insert 1", "update 2", ... from the server's decoder (first column of each image is the id).
std::vector<std::string> reference_ops(const ServerInfo& s, const std::string& file) {
  CommandResult r;
  if (s.is_mysql()) {
    std::string root = s.dir.substr(0, s.dir.find("/srv/"));
    std::string inside = "/tmp/" + file.substr(file.rfind('/') + 1);
    write_file(root + inside, read_file(file));
    r = run_command({"chroot", root, "/usr/bin/mysqlbinlog", "-v", inside});
  } else {
    r = run_command({"mariadb-binlog", "--verbose", "--base64-output=DECODE-ROWS", file});
  }
  EXPECT_EQ(r.exit_code, 0) << r.err;
  std::vector<std::string> ops;
  std::string pending;
  for (const auto& l : split_lines(r.out)) {
    if (l.starts_with("### INSERT INTO `diff`")) pending = "insert";
    else if (l.starts_with("### UPDATE `diff`")) pending = "update";
    else if (l.starts_with("### DELETE FROM `diff`")) pending = "delete";
    else if (!pending.empty() && l.starts_with("###   @1=")) {
      std::string v = l.substr(9);
      v = v.substr(0, v.find(' '));
      ops.push_back(pending + " " + v);
      pending.clear();
    }
  }
  return ops;
}

std::string cell_text(const nlohmann::json& v) {
  if (v.is_null()) return "NULL";
  if (v.is_string()) return v.get<std::string>();
  return v.dump();
}

class BinlogFilesTest : public ::testing::TestWithParam<std::string> {};

TEST_P(BinlogFilesTest, MatchesServerDecoderAndSelect) {
  ServerInfo s = shared_server(GetParam());
  // Column names come from the row metadata here (the schema history has its own tests); other
  // tests may leave the server at MINIMAL, so set it before the workload.
  admin_sql(s, "SET GLOBAL binlog_row_metadata = FULL");
  admin_sql(s, "FLUSH BINARY LOGS");
  admin_sql(s, kWorkload);
  std::string file = copy_latest_binlog(s);
  auto rows = sluice_rows(file);
  auto ref = reference_ops(s, file);
  std::vector<std::string> mine;
  for (const auto& r : rows) {
    const auto& img = r.contains("before") ? r["before"] : r["after"];
    mine.push_back(r["op"].get<std::string>() + " " + cell_text(img["id"]));
  }
  EXPECT_EQ(mine, ref);
  ASSERT_EQ(rows.size(), 10u);
  // Replay the changes; the final state equals SELECT, value by value.
  std::map<int, nlohmann::json> state;
  for (const auto& r : rows) {
    if (r["op"] == "delete") state.erase(r["before"]["id"].get<int>());
    else state[r["after"]["id"].get<int>()] = r["after"];
  }
  std::string select = admin_sql(s, "SET time_zone='+00:00'; SELECT id, i, bu, v, d, dt, dd, ti, y FROM diff.t ORDER BY id");
  auto lines = split_lines(select);
  ASSERT_EQ(lines.size(), state.size());
  size_t k = 0;
  for (const auto& [id, img] : state) {
    std::string mine_line;
    for (const char* col : {"id", "i", "bu", "v", "d", "dt", "dd", "ti", "y"}) {
      if (!mine_line.empty()) mine_line += '\t';
      mine_line += cell_text(img[col]);
    }
    EXPECT_EQ(mine_line, lines[k++]) << "id " << id;
  }
}

// Transactions as applications write them: savepoints (ORMs nest transactions with them), a
// ROLLBACK TO SAVEPOINT that the binlog records with the rows it undid (MariaDB, when the
// transaction also changed a MyISAM table; MySQL with GTIDs refuses such a transaction), and XA.
// What comes out is what the server committed, as SELECT shows it, each transaction's rows
// with one GTID and end position; CREATE TABLE ... SELECT prints its statement before its rows.
// A two-phase XA transaction of a followed table stops the
// read before any of its rows (it may be rolled back); one of another database is passed over.
TEST_P(BinlogFilesTest, SavepointsAndXaGiveWhatTheServerCommitted) {
  ServerInfo s = shared_server(GetParam());
  admin_sql(s, "SET GLOBAL binlog_row_metadata = FULL");
  admin_sql(s, "FLUSH BINARY LOGS");
  std::string sql =
      "DROP DATABASE IF EXISTS txn; CREATE DATABASE txn; USE txn;"
      "CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(10)); CREATE TABLE m (id INT PRIMARY KEY) ENGINE=MyISAM;"
      "BEGIN; INSERT INTO t VALUES (1, 'a'); SAVEPOINT s1; INSERT INTO t VALUES (2, 'b'); ROLLBACK TO "
      "SAVEPOINT s1;"
      "INSERT INTO t VALUES (3, 'c'); SAVEPOINT s2; INSERT INTO t VALUES (4, 'd'); RELEASE SAVEPOINT s2; "
      "COMMIT;";
  if (!s.is_mysql()) {
    sql +=
        "BEGIN; INSERT INTO t VALUES (10, 'x'); SAVEPOINT a; INSERT INTO m VALUES (11); INSERT INTO t VALUES "
        "(12, 'y');"
        "SAVEPOINT `b``c`; INSERT INTO t VALUES (14, 'w'); ROLLBACK TO SAVEPOINT a; INSERT INTO t VALUES "
        "(13, 'z');"
        "COMMIT;";
  }
  sql +=
      "CREATE TABLE c AS SELECT id, v FROM t;"  // the statement and its rows: one transaction
      "XA START 'one'; INSERT INTO t VALUES (20, 'p'); XA END 'one'; XA COMMIT 'one' ONE PHASE;"
      "DROP DATABASE IF EXISTS txn_other; CREATE DATABASE txn_other; CREATE TABLE txn_other.o (id INT "
      "PRIMARY KEY);"
      "XA START 'two'; INSERT INTO txn_other.o VALUES (1); XA END 'two'; XA PREPARE 'two'; XA COMMIT 'two';"
      "INSERT INTO t VALUES (30, 'q');";
  admin_sql(s, sql);
  std::string file = copy_latest_binlog(s);
  CommandResult r = run_sluice({"binlog", "read", "--databases", "txn", file});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::map<std::string, std::vector<std::string>> ids;  // table -> inserted ids, in order
  std::vector<std::string> first_txn, ctas;
  for (const auto& l : split_lines(r.out)) {
    auto j = nlohmann::json::parse(l);
    if (j["op"] == "ddl" && j["sql"].get<std::string>().starts_with("CREATE TABLE `c`")) {
      ctas.push_back(cell_text(j["gtid"]));
    }
    if (j["table"] == "c") ctas.push_back(cell_text(j["gtid"]));
    if (j["op"] != "insert") continue;
    std::string id = cell_text(j["after"]["id"]);
    ids[j["table"].get<std::string>()].push_back(id);
    if (j["table"] == "t" && (id == "1" || id == "3" || id == "4")) {
      first_txn.push_back(cell_text(j["gtid"]) + " " + cell_text(j["end_pos"]));
    }
  }
  EXPECT_EQ(ids["t"], split_lines(admin_sql(s, "SELECT id FROM txn.t ORDER BY id")));
  EXPECT_EQ(ids["m"], split_lines(admin_sql(s, "SELECT id FROM txn.m ORDER BY id")));
  EXPECT_EQ(ids["c"], split_lines(admin_sql(s, "SELECT id FROM txn.c ORDER BY id")));
  // CREATE TABLE ... SELECT: the statement, then its rows, all with the one GTID.
  ASSERT_EQ(ctas.size(), ids["c"].size() + 1) << r.out;
  for (const auto& g : ctas) EXPECT_EQ(g, ctas[0]);
  ASSERT_EQ(first_txn.size(), 3u);
  EXPECT_EQ(first_txn[0], first_txn[1]);
  EXPECT_EQ(first_txn[0], first_txn[2]);
  EXPECT_EQ(first_txn[0].find("null"), std::string::npos) << first_txn[0];

  // Two-phase XA: 'three' prepared and rolled back; 'four' prepared in one binlog file, other
  // transactions, its XA COMMIT in the next file. Its rows come out at the XA COMMIT. (Each
  // admin_sql is a connection of its own: MariaDB keeps a session's prepared XA transaction
  // until it ends.)
  XaCleanup cleanup(s, {"four"});
  std::string four_rows;  // by key (record locks only: the INSERT of 41 waits for no gap lock)
  for (const auto& id : ids["t"]) {
    four_rows += (four_rows.empty() ? "(" : ", (") + std::to_string(std::stoi(id) + 100) + ", 'x')";
  }
  admin_sql(s, "FLUSH BINARY LOGS");
  admin_sql(s,
            "USE txn; XA START 'three'; INSERT INTO t VALUES (40, 'r'); XA END 'three'; XA PREPARE 'three';"
            "XA ROLLBACK 'three'; XA START 'four'; INSERT INTO t VALUES " +
                four_rows + "; UPDATE t SET v = 'four' WHERE id = 3; XA END 'four'; XA PREPARE 'four';");
  admin_sql(s, "INSERT INTO txn.t VALUES (41, 's')");
  std::string prepared_in = copy_latest_binlog(s);
  admin_sql(s, "XA COMMIT 'four'");
  admin_sql(s, "INSERT INTO txn.t VALUES (42, 't')");
  std::string committed_in = copy_latest_binlog(s);
  CommandResult x = run_sluice({"binlog", "read", "--databases", "txn", prepared_in, committed_in});
  ASSERT_EQ(x.exit_code, 0) << x.err;
  std::vector<std::string> order, four_at;
  for (const auto& l : split_lines(x.out)) {
    auto j = nlohmann::json::parse(l);
    std::string id = cell_text(j[j["op"] == "delete" ? "before" : "after"]["id"]);
    order.push_back(cell_text(j["op"]) + " " + id);
    if (id == "3" || std::stoi(id) > 100)
      four_at.push_back(cell_text(j["file"]) + " " + cell_text(j["gtid"]));
  }
  std::vector<std::string> want = {"insert 41"};
  for (const auto& id : ids["t"]) want.push_back("insert " + std::to_string(std::stoi(id) + 100));
  want.push_back("update 3");
  want.push_back("insert 42");
  EXPECT_EQ(order, want) << x.out;
  const std::string commit_file = committed_in.substr(committed_in.rfind('/') + 1);
  for (const auto& at : four_at) EXPECT_EQ(at, four_at[0]);
  EXPECT_EQ(four_at[0].substr(0, four_at[0].find(' ')), commit_file);
  EXPECT_EQ(split_lines(admin_sql(s, "SELECT v FROM txn.t WHERE id = 3")), std::vector<std::string>{"four"});
  EXPECT_EQ(admin_sql(s, "SELECT COUNT(*) FROM txn.t WHERE id = 40"), "0\n");
  // The first file alone: the prepared transaction never commits there; its rows are not printed.
  CommandResult alone = run_sluice({"binlog", "read", "--databases", "txn", prepared_in});
  ASSERT_EQ(alone.exit_code, 0) << alone.err;
  EXPECT_EQ(split_lines(alone.out).size(), 1u) << alone.out;
  EXPECT_NE(alone.err.find("XA transaction X'666f7572',X'',1 prepared at "), std::string::npos) << alone.err;
}

// What `--verbose` says of a column and how a DECIMAL inside a JSON document prints, checked
// against the server itself: with binlog_row_metadata=FULL an ENUM/SET type names its members
// exactly as information_schema's COLUMN_TYPE does (quotes and backslashes doubled), and JSON
// documents holding decimals (MySQL's binary JSON) read as SELECT shows them: numbers with every digit.
TEST_P(BinlogFilesTest, VerboseTypesAndJsonDecimalsAreWhatTheServerShows) {
  ServerInfo s = shared_server(GetParam());
  admin_sql(s, "SET GLOBAL binlog_row_metadata = FULL");
  admin_sql(s, "FLUSH BINARY LOGS");
  std::string json_col = s.is_mysql() ? ", j JSON" : "";
  std::string json_val =
      s.is_mysql() ? ", JSON_OBJECT('d', 12.50, 'n', -0.000001, 'a', JSON_ARRAY(1, 2.50, 'x'))" : "";
  admin_sql(s,
            "DROP DATABASE IF EXISTS vt; CREATE DATABASE vt; USE vt;"
            "CREATE TABLE t (id INT PRIMARY KEY, e ENUM('it''s','a\\\\b','x,y'), s SET('p','q''r')" +
                json_col +
                ");"
                "INSERT INTO t VALUES (1, 'it''s', 'p,q''r'" +
                json_val + ");");
  std::string file = copy_latest_binlog(s);
  CommandResult r = run_sluice({"binlog", "read", "--verbose", "--no-ddl", "--databases", "vt", file});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::vector<std::string> lines = split_lines(r.out);
  ASSERT_EQ(lines.size(), 1u) << r.out;
  nlohmann::json row = nlohmann::json::parse(lines[0]);
  auto column_types = split_lines(admin_sql(
      s,
      "SELECT COLUMN_NAME, COLUMN_TYPE FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = 'vt' AND "
      "TABLE_NAME = 't' AND COLUMN_NAME IN ('e', 's') ORDER BY COLUMN_NAME"));
  ASSERT_EQ(column_types.size(), 2u);
  // admin_sql prints in batch mode, which writes a backslash as two.
  auto unbatch = [](std::string v) {
    for (size_t at = v.find("\\\\"); at != std::string::npos; at = v.find("\\\\", at + 1)) v.erase(at, 1);
    return v;
  };
  EXPECT_EQ("e\t" + row["types"]["e"].get<std::string>(), unbatch(column_types[0]));
  EXPECT_EQ("s\t" + row["types"]["s"].get<std::string>(), unbatch(column_types[1]));
  EXPECT_EQ(row["types"]["e"], "enum('it''s','a\\\\b','x,y')");
  EXPECT_EQ(row["after"]["e"], "it's");
  EXPECT_EQ(row["after"]["s"], "p,q'r");
  if (s.is_mysql()) {
    std::string text = split_lines(admin_sql(s, "SELECT j FROM vt.t")).at(0);
    std::string compact;
    for (char c : text) {
      if (c != ' ') compact += c;  // the document holds no spaces inside its strings
    }
    // The raw text of the line (a JSON parser would round the digits): "j" is the last column of "after".
    size_t from = lines[0].find("\"j\":"), to = lines[0].find("},\"types\"");
    ASSERT_TRUE(from != std::string::npos && to != std::string::npos) << lines[0];
    EXPECT_EQ(lines[0].substr(from + 4, to - from - 4), compact);
    EXPECT_EQ(compact, R"({"a":[1,2.50,"x"],"d":12.50,"n":-0.000001})");
  }
}

// binlog_row_value_options=PARTIAL_JSON with binlog_row_image=MINIMAL (MySQL 8.0+): the events hold
// a JSON column's changes, not its document. The read goes on to the end, every update is printed,
// and the documents rebuilt from the printed "json_diffs" by an independent replayer equal SELECT.
// The workload is the committed fixture's (tests/data/mysql_partial_json_minimal/make.sql).
TEST(BinlogFilesPartialJson, MinimalImageDiffsRebuildWhatSelectShows) {
  ServerInfo s = shared_server("mysql");
  admin_sql(s, "FLUSH BINARY LOGS");
  admin_sql(s, read_file(source_dir() + "/tests/data/mysql_partial_json_minimal/make.sql"));
  std::string file = copy_latest_binlog(s);
  CommandResult r = run_sluice({"binlog", "read", "--no-ddl", "--databases", "fjm", file});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::map<std::string, int> ops;
  for (const std::string& line : split_lines(r.out)) {
    nlohmann::json change = nlohmann::json::parse(line);
    if (!change.contains("json_diffs")) continue;
    for (const auto& [column, diffs] : change["json_diffs"].items()) {
      EXPECT_FALSE(change["after"].contains(column)) << line;  // not known: absent, never a diff as the value
      for (const auto& d : diffs) ++ops[d["op"].get<std::string>()];
    }
  }
  EXPECT_GE(ops["replace"], 3) << r.out;
  EXPECT_GE(ops["insert"], 2) << r.out;
  EXPECT_GE(ops["remove"], 1) << r.out;
  CommandResult replay = run_command(
      {"python3", source_dir() + "/tests/integration/binlog_files/json_diff_replay.py", "id"}, r.out);
  ASSERT_EQ(replay.exit_code, 0) << replay.err;
  std::string select = split_lines(admin_sql(s,
                                             "SELECT JSON_OBJECTAGG(id, JSON_OBJECT('id', id, 'doc', doc, "
                                             "'other', other, 'n', n)) FROM fjm.j"))
                           .at(0);
  EXPECT_EQ(nlohmann::json::parse(replay.out), nlohmann::json::parse(select)) << r.out;
}

INSTANTIATE_TEST_SUITE_P(Both, BinlogFilesTest, ::testing::ValuesIn(shared_server_names()));

}  // namespace
}  // namespace sluice::test
