// `sluice sync` against real MariaDB and MySQL servers: each method on a table with every
// column type, values compared with what the `mariadb` client SELECTs, second runs return
// exactly the changes, a kill -9 mid-table resumes without losing rows, and every message is
// checked by an independent validator (python3-jsonschema).
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <set>
#include <sstream>
#include <thread>

#include "integration/sync/sync_support.h"

namespace sluice::test::sync {
namespace {

const char* kSchema = R"SQL(
SET SESSION sql_mode = '';
SET SESSION time_zone = '+00:00';
DROP DATABASE IF EXISTS sync_t;
CREATE DATABASE sync_t CHARACTER SET utf8mb4;
USE sync_t;
CREATE TABLE types (
  id INT NOT NULL PRIMARY KEY, c_tinyint TINYINT, c_bool TINYINT(1), c_usmallint SMALLINT UNSIGNED,
  c_ubigint BIGINT UNSIGNED, c_bigint BIGINT, c_decimal DECIMAL(20,6), c_float FLOAT, c_double DOUBLE,
  c_date DATE, c_datetime6 DATETIME(6), c_ts TIMESTAMP(3) NULL DEFAULT NULL, c_time TIME, c_time6 TIME(6),
  c_year YEAR, c_varchar VARCHAR(255), c_text TEXT, c_binary BINARY(4), c_blob BLOB, c_enum ENUM('a','b','c'),
  c_set SET('x','y','z'), c_bit1 BIT(1), c_bit8 BIT(8), c_json JSON, c_point GEOMETRY NULL,
  updated_at DATETIME(6) NOT NULL DEFAULT '2000-01-01 00:00:00');
INSERT INTO types VALUES
 (1, 1, 1, 65535, 18446744073709551615, -9223372036854775808, 12345678901234.123456, 1.1, 3.141592653589793,
  '2024-02-29', '2024-02-29 13:14:15.123456', '2024-02-29 13:14:15.123', '13:14:15', '-838:59:59', 2024,
  'héllo wörld 😀', 'four-byte 𝄞 clef', 0x00010203, 0x00FF00FF80, 'b', 'x,z', b'1', b'10101010',
  '{"a": 1, "b": [true, null, 2.5], "u": "ünï"}', ST_GeomFromText('POINT(1 2)'), '2024-01-01 00:00:00.000001'),
 (2, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
  NULL, NULL, NULL, NULL, NULL, NULL, '2024-01-02 00:00:00'),
 (3, -128, 0, 0, 0, 9223372036854775807, -0.000001, -3.4e38, 1e300, '0000-00-00', '0000-00-00 00:00:00',
  '1970-01-01 00:00:01.000', '25:00:00', '25:00:00.5', 1901, '', '', 0x00000000, '', '', '', b'0', b'00000000',
  '[]', NULL, '2024-01-03 00:00:00'),
 (4, 5, 2, 1, 1, 1, 0.5, 0.1, 0.1, '1000-01-01', '1969-07-20 20:17:40.5', '2038-01-19 03:14:07.999',
  '00:00:00', '-00:00:01.5', 2155, 'tab	here', 'ascii', 0x61, 0x00, 'c', 'x,y,z', b'1', b'11111111',
  '"just a string"', ST_GeomFromText('LINESTRING(0 0,1 1)'), '2024-01-04 00:00:00');
CREATE TABLE big (id INT NOT NULL PRIMARY KEY, v VARCHAR(40), d DECIMAL(12,2));
)SQL";

// Expected Singer JSON text of each column, computed by the server and read by the mariadb client.
const char* kExpected = R"SQL(
SET SESSION sql_mode = ''; SET SESSION time_zone = '+00:00';
SELECT id, IFNULL(c_tinyint,'null'), IF(c_bool IS NULL,'null',IF(c_bool<>0,'true','false')), IFNULL(c_usmallint,'null'),
 IFNULL(c_ubigint,'null'), IFNULL(c_bigint,'null'), IFNULL(c_decimal,'null'),
 IF(c_date IS NULL OR c_date = '0000-00-00','null',CONCAT('"',DATE_FORMAT(c_date,'%Y-%m-%dT00:00:00.000000Z'),'"')),
 IF(c_datetime6 IS NULL OR c_datetime6 = '0000-00-00','null',CONCAT('"',DATE_FORMAT(c_datetime6,'%Y-%m-%dT%H:%i:%s.%fZ'),'"')),
 IF(c_ts IS NULL,'null',CONCAT('"',DATE_FORMAT(c_ts,'%Y-%m-%dT%H:%i:%s.%fZ'),'"')),
 IF(c_time IS NULL,'null',CONCAT('"',c_time,'"')), IF(c_time6 IS NULL,'null',CONCAT('"',c_time6,'"')),
 IFNULL(c_year+0,'null'), IFNULL(HEX(c_varchar),'null'), IFNULL(HEX(c_text),'null'),
 IF(c_binary IS NULL,'null',CONCAT('"',TO_BASE64(c_binary),'"')), IF(c_blob IS NULL,'null',CONCAT('"',TO_BASE64(c_blob),'"')),
 IF(c_enum IS NULL,'null',CONCAT('"',c_enum,'"')), IF(c_set IS NULL,'null',CONCAT('"',c_set,'"')),
 IF(c_bit1 IS NULL,'null',IF(c_bit1+0<>0,'true','false')), IFNULL(c_bit8+0,'null'),
 IF(c_point IS NULL,'null',CONCAT('"',REPLACE(ST_AsText(c_point),', ',','),'"')),
 IFNULL(c_float,'null'), IFNULL(c_double,'null'), IFNULL(c_json,'null')
FROM sync_t.types ORDER BY id
)SQL";

const std::vector<std::string> kExact = {"id", "c_tinyint", "c_bool", "c_usmallint", "c_ubigint", "c_bigint",
                                         "c_decimal", "c_date", "c_datetime6", "c_ts", "c_time", "c_time6",
                                         "c_year", "c_varchar", "c_text", "c_binary", "c_blob", "c_enum",
                                         "c_set", "c_bit1", "c_bit8", "c_point"};

std::vector<std::vector<std::string>> rows_of(const std::string& tsv) {
  std::vector<std::vector<std::string>> out;
  for (const std::string& line : split_lines(tsv)) {
    std::vector<std::string> cells;
    std::stringstream in(line);
    std::string cell;
    while (std::getline(in, cell, '\t')) cells.push_back(cell);
    out.push_back(cells);
  }
  return out;
}

// Every record line of `stream` equals the source row, value by value.
void expect_types_equal_source(const ServerInfo& server, const std::vector<std::string>& lines) {
  auto rows = rows_of(admin_sql(server, kExpected));
  ASSERT_EQ(lines.size(), rows.size());
  for (size_t r = 0; r < rows.size(); ++r) {
    const std::string& line = lines[r];
    const auto& row = rows[r];
    ASSERT_EQ(row.size(), kExact.size() + 3) << line;
    for (size_t c = 0; c < kExact.size(); ++c) {
      std::string got = raw_value(line, kExact[c]);
      std::string want = row[c];
      if ((kExact[c] == "c_varchar" || kExact[c] == "c_text") && got != "null") {
        got = hex_upper(nlohmann::json::parse(got).get<std::string>());
      }
      EXPECT_EQ(got, want) << server.name << " row " << row[0] << " column " << kExact[c];
    }
    std::string f = raw_value(line, "c_float"), d = raw_value(line, "c_double");
    if (row[kExact.size()] == "null") {
      EXPECT_EQ(f, "null");
    } else {
      EXPECT_EQ(std::stof(f), std::stof(row[kExact.size()])) << "c_float row " << row[0];
    }
    if (row[kExact.size() + 1] == "null") {
      EXPECT_EQ(d, "null");
    } else {
      EXPECT_EQ(std::stod(d), std::stod(row[kExact.size() + 1])) << "c_double row " << row[0];
    }
    std::string j = raw_value(line, "c_json");
    if (row[kExact.size() + 2] == "null") {
      EXPECT_EQ(j, "null");
    } else {
      EXPECT_EQ(nlohmann::json::parse(j), nlohmann::json::parse(row[kExact.size() + 2])) << "c_json row " << row[0];
    }
  }
}

void expect_valid(const SyncRun& run) {
  bool ok = false;
  std::string out = validate(run.out_path, ok);
  EXPECT_TRUE(ok) << out;
}

std::vector<int64_t> ids(const std::vector<nlohmann::json>& records) {
  std::vector<int64_t> out;
  for (const auto& r : records) out.push_back(r["id"].get<int64_t>());
  return out;
}

class SyncTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    server_ = shared_server(GetParam());
    admin_sql(server_, kSchema);
    config_ = write_config(server_, "\"filter_dbs\": \"sync_t\", \"server_id\": 7700");
  }
  ServerInfo server_;
  std::string config_;
};

TEST_P(SyncTest, FullTableEqualsSourceAndValidates) {
  std::string catalog = make_catalog(config_, "sync_t", {{"types", "FULL_TABLE"}});
  SyncRun run = run_sync(config_, catalog);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  expect_valid(run);
  expect_types_equal_source(server_, run.record_lines("types"));
  // ACTIVATE_VERSION before (first load) and after the records; the final state marks it done.
  int activates = 0;
  for (const auto& m : run.messages) activates += m["type"] == "ACTIVATE_VERSION";
  EXPECT_EQ(activates, 2);
  EXPECT_EQ(run.last_state()["bookmarks"]["sync_t-types"], nlohmann::json({{"initial_full_table_complete", true}}));
  EXPECT_TRUE(run.last_state()["currently_syncing"].is_null());
}

// Parallel key ranges (--threads, one range per key with --chunk-rows 1): every row once, value
// by value, all RECORDs before the final ACTIVATE_VERSION / STATE; log-based too.
TEST_P(SyncTest, ParallelThreadsEqualSource) {
  for (const char* method : {"FULL_TABLE", "LOG_BASED"}) {
    std::string catalog = make_catalog(config_, "sync_t", {{"types", method}});
    for (const char* threads : {"2", "3"}) {
      SyncRun run = run_sync(config_, catalog, "", {"--threads", threads, "--chunk-rows", "1"});
      ASSERT_EQ(run.exit_code, 0) << run.err;
      expect_valid(run);
      std::vector<std::string> lines = run.record_lines("types");
      std::sort(lines.begin(), lines.end(), [](const std::string& a, const std::string& b) {
        return std::stoll(raw_value(a, "id")) < std::stoll(raw_value(b, "id"));
      });
      SCOPED_TRACE(std::string(method) + " --threads " + threads);
      expect_types_equal_source(server_, lines);  // same count as the table: no duplicates
      size_t last_record = 0, last_activate = 0;
      for (size_t i = 0; i < run.messages.size(); ++i) {
        if (run.messages[i]["type"] == "RECORD") last_record = i;
        if (run.messages[i]["type"] == "ACTIVATE_VERSION") last_activate = i;
      }
      EXPECT_LT(last_record, last_activate);
      EXPECT_FALSE(run.last_state()["bookmarks"]["sync_t-types"].contains("last_pk_fetched"));
    }
  }
}

TEST_P(SyncTest, KeyBasedSecondRunReturnsChangesAndBoundary) {
  std::string catalog = make_catalog(config_, "sync_t", {{"types", "INCREMENTAL"}}, {{"types", "updated_at"}});
  SyncRun first = run_sync(config_, catalog);
  ASSERT_EQ(first.exit_code, 0) << first.err;
  expect_valid(first);
  expect_types_equal_source(server_, first.record_lines("types"));
  EXPECT_EQ(first.last_state()["bookmarks"]["sync_t-types"]["replication_key_value"], "2024-01-04T00:00:00.000000Z");
  admin_sql(server_, "UPDATE sync_t.types SET c_tinyint = 9, updated_at = '2024-06-01 00:00:00.5' WHERE id = 2;"
                     "INSERT INTO sync_t.types (id, updated_at) VALUES (10, '2024-05-01');"
                     "INSERT INTO sync_t.types (id, updated_at) VALUES (11, '2023-01-01');"
                     "UPDATE sync_t.types SET c_tinyint = 8 WHERE id = 3;");
  SyncRun second = run_sync(config_, catalog, first.out_path);
  ASSERT_EQ(second.exit_code, 0) << second.err;
  expect_valid(second);
  // The boundary row (4, key equal to the bookmark) and the two rows with larger keys, in key order.
  EXPECT_EQ(ids(second.records("types")), (std::vector<int64_t>{4, 10, 2}));
  EXPECT_EQ(second.last_state()["bookmarks"]["sync_t-types"]["replication_key_value"], "2024-06-01T00:00:00.500000Z");
}

TEST_P(SyncTest, LogBasedSecondRunReturnsExactlyTheChanges) {
  std::string catalog = make_catalog(config_, "sync_t", {{"types", "LOG_BASED"}});
  SyncRun first = run_sync(config_, catalog);
  ASSERT_EQ(first.exit_code, 0) << first.err;
  expect_valid(first);
  expect_types_equal_source(server_, first.record_lines("types"));
  auto b = first.last_state()["bookmarks"]["sync_t-types"];
  EXPECT_TRUE(b.contains("log_file") && b.contains("log_pos")) << b.dump();
  admin_sql(server_, "SET SESSION sql_mode=''; SET time_zone='+00:00';"
                     "INSERT INTO sync_t.types SELECT id + 100, c_tinyint, c_bool, c_usmallint, c_ubigint, c_bigint,"
                     " c_decimal, c_float, c_double, c_date, c_datetime6, c_ts, c_time, c_time6, c_year, c_varchar,"
                     " c_text, c_binary, c_blob, c_enum, c_set, c_bit1, c_bit8, c_json, c_point, updated_at"
                     " FROM sync_t.types ORDER BY id;"
                     "UPDATE sync_t.types SET c_varchar = 'changed 😀' WHERE id = 1;"
                     "DELETE FROM sync_t.types WHERE id = 2;");
  SyncRun second = run_sync(config_, catalog, first.out_path);
  ASSERT_EQ(second.exit_code, 0) << second.err;
  expect_valid(second);
  auto recs = second.records("types");
  ASSERT_EQ(ids(recs), (std::vector<int64_t>{101, 102, 103, 104, 1, 2}));
  // The binlog copies equal the source rows through the binlog path, value by value.
  std::vector<std::string> lines = second.record_lines("types");
  std::vector<std::string> copies(lines.begin(), lines.begin() + 4);
  for (std::string& l : copies) {
    size_t p = l.find("\"id\":");
    l.replace(p, l.find(',', p) - p, "\"id\":" + std::to_string(std::stoi(raw_value(l, "id")) - 100));
  }
  admin_sql(server_, "DELETE FROM sync_t.types WHERE id > 100; UPDATE sync_t.types SET c_varchar = 'héllo wörld 😀' WHERE id = 1;"
                     "INSERT INTO sync_t.types (id, updated_at) VALUES (2, '2024-01-02 00:00:00')");
  expect_types_equal_source(server_, copies);
  EXPECT_EQ(recs[4]["c_varchar"], "changed 😀");
  EXPECT_TRUE(recs[4]["_sdc_deleted_at"].is_null());
  EXPECT_TRUE(recs[5]["_sdc_deleted_at"].is_string());
  EXPECT_TRUE(recs[0]["_sdc_deleted_at"].is_null());
  // A third run with nothing new returns no record.
  SyncRun third = run_sync(config_, catalog, second.out_path);
  ASSERT_EQ(third.exit_code, 0) << third.err;
  size_t changes_after = third.records("types").size();
  // (the clean-up statements above are changes too: insert 2, update 1, deletes of 101..104)
  EXPECT_EQ(changes_after, 6u);
}

// A two-phase XA transaction prepared before a job and committed after it: the job delivers the
// transactions around it but not its rows, and its bookmark stays before its XA PREPARE; the next
// job delivers its rows once committed (and, at least once, what came between again).
TEST_P(SyncTest, LogBasedTwoPhaseXaArrivesAtItsCommit) {
  XaCleanup cleanup(server_, {"sy1"});
  std::string catalog = make_catalog(config_, "sync_t", {{"types", "LOG_BASED"}});
  SyncRun first = run_sync(config_, catalog);
  ASSERT_EQ(first.exit_code, 0) << first.err;
  admin_sql(server_,
            "XA START 'sy1'; INSERT INTO sync_t.types (id, c_varchar) VALUES (50, 'xa');"
            "UPDATE sync_t.types SET c_varchar = 'by xa' WHERE id = 1; XA END 'sy1'; XA PREPARE 'sy1'");
  admin_sql(server_, "INSERT INTO sync_t.types (id, c_varchar) VALUES (60, 'between')");
  SyncRun second = run_sync(config_, catalog, first.out_path);
  ASSERT_EQ(second.exit_code, 0) << second.err;
  expect_valid(second);
  EXPECT_EQ(ids(second.records("types")), (std::vector<int64_t>{60}));
  auto b2 = second.last_state()["bookmarks"]["sync_t-types"];
  EXPECT_FALSE(b2.contains("gtid")) << b2.dump();  // the state at the XA PREPARE is not named
  admin_sql(server_, "XA COMMIT 'sy1'");
  admin_sql(server_, "INSERT INTO sync_t.types (id, c_varchar) VALUES (61, 'after')");
  SyncRun third = run_sync(config_, catalog, second.out_path);
  ASSERT_EQ(third.exit_code, 0) << third.err;
  expect_valid(third);
  auto recs = third.records("types");
  EXPECT_EQ(ids(recs), (std::vector<int64_t>{60, 50, 1, 61}));
  ASSERT_EQ(recs.size(), 4u);
  EXPECT_EQ(recs[1]["c_varchar"], "xa");
  EXPECT_EQ(recs[2]["c_varchar"], "by xa");
  SyncRun fourth = run_sync(config_, catalog, third.out_path);
  ASSERT_EQ(fourth.exit_code, 0) << fourth.err;
  EXPECT_EQ(fourth.records("types").size(), 0u);
  EXPECT_TRUE(fourth.last_state()["bookmarks"]["sync_t-types"].contains("log_pos"));
}

TEST_P(SyncTest, AlterTableInTheBinlogRangeKeepsColumnsInPlace) {
  std::string catalog = make_catalog(config_, "sync_t", {{"types", "LOG_BASED"}});
  SyncRun first = run_sync(config_, catalog);
  ASSERT_EQ(first.exit_code, 0) << first.err;
  admin_sql(server_, "INSERT INTO sync_t.types (id, c_bigint, c_varchar) VALUES (20, 20, 'old layout');"
                     "ALTER TABLE sync_t.types ADD COLUMN c_added VARCHAR(10) DEFAULT 'dflt' AFTER c_tinyint;"
                     "INSERT INTO sync_t.types (id, c_bigint, c_varchar) VALUES (21, 21, 'added');"
                     "ALTER TABLE sync_t.types DROP COLUMN c_usmallint;"
                     "INSERT INTO sync_t.types (id, c_bigint, c_varchar) VALUES (22, 22, 'dropped');");
  SyncRun second = run_sync(config_, catalog, first.out_path);
  ASSERT_EQ(second.exit_code, 0) << second.err;
  expect_valid(second);
  auto recs = second.records("types");
  ASSERT_EQ(ids(recs), (std::vector<int64_t>{20, 21, 22}));
  for (size_t i = 0; i < 3; ++i) EXPECT_EQ(recs[i]["c_bigint"], 20 + static_cast<int>(i));
  EXPECT_EQ(recs[0]["c_varchar"], "old layout");
  EXPECT_EQ(recs[1]["c_varchar"], "added");
  EXPECT_EQ(recs[2]["c_varchar"], "dropped");
  EXPECT_TRUE(recs[0].contains("c_usmallint"));
  EXPECT_FALSE(recs[2].contains("c_usmallint"));
  int schemas = 0;
  for (const auto& m : second.messages) schemas += m["type"] == "SCHEMA";
  EXPECT_GE(schemas, 2);  // the first one, and one when c_usmallint went away
}

TEST_P(SyncTest, ResumesAfterKill9DuringFullTable) {
  admin_sql(server_, std::string(server_.is_mysql() ? "SET SESSION cte_max_recursion_depth = 100000;"
                                                    : "SET SESSION max_recursive_iterations = 100000;") +
                         "INSERT INTO sync_t.big WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 60000)"
                     " SELECT i, CONCAT('row ', i), i / 100 FROM n");
  std::string catalog = make_catalog(config_, "sync_t", {{"big", "FULL_TABLE"}});
  std::string partial = sync_killed_after_states(config_, catalog, {"--chunk-rows", "500"}, 3);
  auto [seen, last_state] = parse_killed_output(partial);
  ASSERT_LT(seen.size(), 60000u) << "the job finished before the kill: make the table bigger";
  std::string state = make_temp_dir("state") + "/state.json";
  write_file(state, last_state);
  SyncRun resumed = run_sync(config_, catalog, state, {"--chunk-rows", "500"});
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  expect_valid(resumed);
  for (const auto& r : resumed.records("big")) seen.insert(r["id"].get<int64_t>());
  EXPECT_EQ(seen.size(), 60000u);
  EXPECT_EQ(*seen.begin(), 1);
  EXPECT_EQ(*seen.rbegin(), 60000);
  // The resumed job continued after the last chunk, not from the start.
  EXPECT_LT(resumed.records("big").size(), 60000u);
}

TEST(SyncValidator, RejectsARecordThatDoesNotFitItsSchema) {
  std::string path = make_temp_dir("bad") + "/bad.jsonl";
  write_file(path,
             "{\"type\":\"SCHEMA\",\"stream\":\"t\",\"schema\":{\"properties\":{\"a\":{\"type\":[\"null\",\"integer\"]}},"
             "\"type\":\"object\"},\"key_properties\":[]}\n"
             "{\"type\":\"RECORD\",\"stream\":\"t\",\"record\":{\"a\":\"x\"}}\n{\"type\":\"STATE\"}\n");
  bool ok = true;
  std::string out = validate(path, ok);
  EXPECT_FALSE(ok);
  EXPECT_NE(out.find("2 problems"), std::string::npos) << out;
}

INSTANTIATE_TEST_SUITE_P(Servers, SyncTest, ::testing::ValuesIn(shared_server_names()),
                         [](const auto& p) { return p.param; });

}  // namespace
}  // namespace sluice::test::sync
