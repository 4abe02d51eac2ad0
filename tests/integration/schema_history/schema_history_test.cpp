// Schema history on real servers with binlog_row_metadata=MINIMAL: a table altered between
// inserts (ADD COLUMN in the middle, DROP COLUMN, MODIFY type, RENAME COLUMN) is decoded
// with the history seeded from discovery at the start; every value lands under the column
// it was written to (checked against the inserted values, SELECT, and the server's own
// decoder's @N columns). A history that disagrees stops with a clear error instead. DDL with
// executable comments (/*!NNNNN */, /*M! */) changes the history as the server ran it.
#include <gtest/gtest.h>

#include <cstdio>
#include <ctime>
#include <map>
#include <nlohmann/json.hpp>
#include <random>

#include "binlog/binlog_files.h"
#include "binlog/change_assembler.h"
#include "binlog/change_printer.h"
#include "mysql/connection.h"
#include "schema/discovery.h"
#include "schema/history_resolver.h"
#include "schema/history_tracker.h"
#include "support/test_servers.h"
#include "support/test_util.h"

namespace sluice::test {
namespace {

using ordered = nlohmann::ordered_json;

const char* kCreate =
    "DROP DATABASE IF EXISTS hist; CREATE DATABASE hist; USE hist;"
    "CREATE TABLE t (id INT PRIMARY KEY, a VARCHAR(20), b INT, c ENUM('c1','c2','c3'), d VARCHAR(20), e "
    "INT);";

// Each statement separately so that every DDL is its own QUERY event between row events.
const std::vector<std::string> kWorkload = {
    "INSERT INTO t VALUES (1, 'a-1', 2001, 'c1', 'd-1', 5001)",
    "ALTER TABLE t ADD COLUMN m VARCHAR(20) AFTER a",
    "INSERT INTO t (id, a, m, b, c, d, e) VALUES (2, 'a-2', 'm-2', 2002, 'c2', 'd-2', 5002)",
    "ALTER TABLE t DROP COLUMN b",
    "INSERT INTO t (id, a, m, c, d, e) VALUES (3, 'a-3', 'm-3', 'c3', 'd-3', 5003)",
    "ALTER TABLE t MODIFY COLUMN e BIGINT",
    "INSERT INTO t (id, a, m, c, d, e) VALUES (4, 'a-4', 'm-4', 'c1', 'd-4', 5000000004)",
    "ALTER TABLE t RENAME COLUMN d TO d2",
    "INSERT INTO t (id, a, m, c, d2, e) VALUES (5, 'a-5', 'm-5', 'c2', 'd2-5', 5000000005)",
    "UPDATE t SET a = 'a-1u' WHERE id = 1",
};

// What each insert wrote, in the column order of the table at that moment.
const char* kExpectedInserts[] = {
    R"({"id":1,"a":"a-1","b":2001,"c":"c1","d":"d-1","e":5001})",
    R"({"id":2,"a":"a-2","m":"m-2","b":2002,"c":"c2","d":"d-2","e":5002})",
    R"({"id":3,"a":"a-3","m":"m-3","c":"c3","d":"d-3","e":5003})",
    R"({"id":4,"a":"a-4","m":"m-4","c":"c1","d":"d-4","e":5000000004})",
    R"({"id":5,"a":"a-5","m":"m-5","c":"c2","d2":"d2-5","e":5000000005})",
};

std::string current_binlog(const ServerInfo& s) {
  auto lines = split_lines(admin_sql(s, "SHOW BINARY LOGS"));
  return lines.back().substr(0, lines.back().find('\t'));
}

// Sets a global server variable for the test and restores the server's value afterwards.
class GlobalSetting {
 public:
  GlobalSetting(const ServerInfo& s, const std::string& name, const std::string& value) : s_(s), name_(name) {
    old_ = split_lines(admin_sql(s, "SELECT @@GLOBAL." + name)).at(0);
    admin_sql(s, "SET GLOBAL " + name + " = " + value);
  }
  ~GlobalSetting() { admin_sql(s_, "SET GLOBAL " + name_ + " = " + old_); }

 private:
  ServerInfo s_;
  std::string name_, old_;
};

std::vector<schema::TableSchema> discover_hist(const ServerInfo& s) {
  mysql::ConnectOptions o;
  o.host = s.host;
  o.port = static_cast<uint16_t>(s.port);
  o.user = kReplUser;
  o.password = kReplPassword;
  auto conn = mysql::Connection::connect(o);
  EXPECT_TRUE(conn) << conn.error().message;
  if (!conn) return {};
  schema::DiscoveryOptions options;
  options.databases = {"hist"};
  auto tables = schema::discover(**conn, options);
  EXPECT_TRUE(tables) << tables.error().message;
  return tables ? *tables : std::vector<schema::TableSchema>{};
}

// Collects row changes of hist.* as JSON lines (keys in column order).
class Collector : public binlog::ChangeHandler {
 public:
  core::Status on_row(const change::RowChange& change, const binlog::TableLayoutPtr& layout) override {
    if (change.database != "hist") return core::ok();
    std::string line;
    binlog::ChangePrinter::append_row(line, change, *layout, false);
    rows.push_back(ordered::parse(line));
    return core::ok();
  }
  std::vector<ordered> rows;
};

struct Decoded {
  core::Status status;
  std::vector<ordered> rows;
};

Decoded decode(const std::string& file, schema::SchemaHistory& history) {
  Collector collector;
  schema::HistoryResolver resolver(history);
  schema::HistoryTracker tracker(history, collector);
  binlog::ChangeAssembler assembler(tracker);  // every statement reaches the history
  binlog::DecoderOptions options;
  options.resolver = &resolver;
  binlog::EventDecoder decoder(options);
  Decoded out;
  out.status = binlog::read_binlog_files({file}, {}, decoder, assembler);
  if (out.status) out.status = assembler.finish();
  out.rows = std::move(collector.rows);
  return out;
}

// The server's decoder: per inserted row, the @N values as printed (quotes removed).
std::vector<std::vector<std::string>> reference_inserts(const ServerInfo& s, const std::string& file) {
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
  std::vector<std::vector<std::string>> rows;
  bool in_insert = false;
  for (const auto& l : split_lines(r.out)) {
    if (l.starts_with("### INSERT INTO `hist`.`t`")) {
      rows.emplace_back();
      in_insert = true;
    } else if (in_insert && l.starts_with("###   @")) {
      std::string v = l.substr(l.find('=') + 1);
      if (v.starts_with("'"))
        v = v.substr(1, v.rfind('\'') - 1);
      else
        v = v.substr(0, v.find(' '));
      rows.back().push_back(v);
    } else if (!l.starts_with("### SET") && !l.starts_with("###   ")) {
      in_insert = false;
    }
  }
  return rows;
}

schema::HistoryOptions only_hist() {
  schema::HistoryOptions o;
  o.databases = {"hist"};
  return o;
}

// The tab-separated cells of each line of `tsv` (admin_sql's output).
std::vector<std::vector<std::string>> cells_of(const std::string& tsv) {
  std::vector<std::vector<std::string>> rows;
  for (const auto& line : split_lines(tsv)) {
    auto& cells = rows.emplace_back();
    for (size_t p = 0, q; p <= line.size(); p = q + 1) {
      q = line.find('\t', p);
      if (q == std::string::npos) q = line.size();
      cells.push_back(line.substr(p, q - p));
    }
  }
  return rows;
}

std::string text(const ordered& v) { return v.is_string() ? v.get<std::string>() : v.dump(); }

class SchemaHistoryTest : public ::testing::TestWithParam<std::string> {};

TEST_P(SchemaHistoryTest, AlterBetweenInsertsNeverShiftsValues) {
  ServerInfo s = shared_server(GetParam());
  GlobalSetting minimal(s, "binlog_row_metadata", "MINIMAL");
  admin_sql(s, kCreate);
  admin_sql(s, "FLUSH BINARY LOGS");
  std::string name = current_binlog(s);
  // Seed: discovery at the start of the new binlog file, before any workload event.
  schema::SchemaHistory history(only_hist());
  history.seed(discover_hist(s), {name, 4});
  for (const auto& sql : kWorkload) admin_sql(s, sql, "hist");
  std::vector<schema::TableSchema> final_tables = discover_hist(s);
  admin_sql(s, "FLUSH BINARY LOGS");
  std::string file = make_temp_dir("schema_history") + "/" + name;
  write_file(file, read_file(s.dir + "/data/" + name));

  Decoded d = decode(file, history);
  ASSERT_TRUE(d.status) << d.status.error().message;
  ASSERT_EQ(d.rows.size(), 6u);
  for (size_t i = 0; i < 5; ++i) {
    EXPECT_EQ(d.rows[i]["op"], "insert");
    EXPECT_EQ(d.rows[i]["after"].dump(), ordered::parse(kExpectedInserts[i]).dump()) << "insert " << i + 1;
  }
  EXPECT_EQ(d.rows[5]["op"], "update");
  EXPECT_EQ(d.rows[5]["before"]["d2"], "d-1");
  EXPECT_EQ(d.rows[5]["after"]["a"], "a-1u");
  EXPECT_EQ(d.rows[5]["after"]["m"], nullptr);
  EXPECT_FALSE(d.rows[5]["after"].contains("b"));
  // The history followed all four DDL statements.
  EXPECT_EQ(history.versions("hist", "t").size(), 5u);
  ASSERT_EQ(final_tables.size(), 1u);
  ASSERT_EQ(history.latest("hist", "t")->table.columns.size(), final_tables[0].columns.size());
  for (size_t i = 0; i < final_tables[0].columns.size(); ++i) {
    EXPECT_EQ(history.latest("hist", "t")->table.columns[i].name, final_tables[0].columns[i].name);
    EXPECT_EQ(history.latest("hist", "t")->table.columns[i].kind, final_tables[0].columns[i].kind);
  }

  // SELECT: every decoded insert value equals the row's current value in the same column
  // (d is now d2; b is gone; e was widened without changing values).
  for (const auto& cells : cells_of(admin_sql(s, "SELECT id, a, m, c, d2, e FROM t ORDER BY id", "hist"))) {
    int id = std::stoi(cells.at(0));
    if (id == 1) continue;  // updated since
    const ordered& after = d.rows.at(static_cast<size_t>(id - 1))["after"];
    std::map<std::string, std::string> current = {{"a", cells[1]}, {"m", cells[2]},  {"c", cells[3]},
                                                  {"d", cells[4]}, {"d2", cells[4]}, {"e", cells[5]}};
    for (const auto& [key, value] : after.items()) {
      if (current.contains(key)) {
        EXPECT_EQ(text(value), current[key]) << "row " << id << " column " << key;
      }
    }
  }

  // The server's own decoder prints @N: column N of each insert is the same value.
  auto ref = reference_inserts(s, file);
  ASSERT_EQ(ref.size(), 5u);
  for (size_t i = 0; i < ref.size(); ++i) {
    const ordered& after = d.rows[i]["after"];
    ASSERT_EQ(ref[i].size(), after.size()) << "insert " << i + 1;
    size_t n = 0;
    for (const auto& [key, value] : after.items()) {
      if (key != "c") {  // the server's decoder prints an ENUM as its index
        EXPECT_EQ(ref[i][n], text(value)) << "insert " << i + 1 << " @" << n + 1 << " (" << key << ")";
      }
      ++n;
    }
  }

  // A history seeded with the final schema but at the start position (as if discovery ran
  // after the ALTERs) stops at the first row instead of shifting values.
  schema::SchemaHistory late(only_hist());
  late.seed(final_tables, {name, 4});
  Decoded bad = decode(file, late);
  ASSERT_FALSE(bad.status);
  EXPECT_EQ(bad.status.error().code, core::ErrorCode::kSchemaMismatch);
  const std::string& msg = bad.status.error().message;
  EXPECT_NE(msg.find("schema of hist.t at " + name + ":"), std::string::npos) << msg;
  EXPECT_NE(
      msg.find("disagrees with the binlog: column 3 `m`: the history says varchar(20), the binlog has int"),
      std::string::npos)
      << msg;
  EXPECT_NE(msg.find("re-snapshot the table or run with binlog_row_metadata=FULL"), std::string::npos) << msg;
  EXPECT_TRUE(bad.rows.empty());

  // Saved and loaded again (a restart), the history decodes the same file from its start:
  // the DDL it already holds is skipped, each TABLE_MAP gets the version of its position.
  std::string path = make_temp_dir("schema_history") + "/history.json";
  ASSERT_TRUE(history.save(path));
  auto loaded = schema::SchemaHistory::load(path);
  ASSERT_TRUE(loaded) << loaded.error().message;
  Decoded again = decode(file, *loaded);
  ASSERT_TRUE(again.status) << again.status.error().message;
  ASSERT_EQ(again.rows.size(), d.rows.size());
  for (size_t i = 0; i < d.rows.size(); ++i) EXPECT_EQ(again.rows[i].dump(), d.rows[i].dump());
  EXPECT_EQ(loaded->to_json(), history.to_json());
}

// DDL with executable comments, as dump tools and migrations write it: `/*!NNNNN ... */` runs
// on servers of that version or newer, `/*M! ... */` only on MariaDB. The history adds a column
// exactly when the server that wrote the binlog ran the comment: after each ALTER, a row with a
// distinct value in every column (as the server itself lists them) decodes under those names.
TEST_P(SchemaHistoryTest, VersionedCommentsInDdlFollowTheServer) {
  ServerInfo s = shared_server(GetParam());
  GlobalSetting minimal(s, "binlog_row_metadata", "MINIMAL");
  admin_sql(
      s,
      "DROP DATABASE IF EXISTS hist; CREATE DATABASE hist; CREATE TABLE hist.t (id INT PRIMARY KEY, a INT)");
  admin_sql(s, "FLUSH BINARY LOGS");
  std::string name = current_binlog(s);
  schema::SchemaHistory history(only_hist());
  history.seed(discover_hist(s), {name, 4});
  const std::vector<std::string> alters = {
      "ALTER TABLE t ADD COLUMN x INT /*!50600 , ADD COLUMN y INT */",
      // MySQL 9.7 runs 80013 and skips 99999; MariaDB skips both (50700..99999: MySQL 5.7+ features).
      "ALTER TABLE t ADD COLUMN z INT /*!80013 , ADD COLUMN q INT */ /*!99999 , ADD COLUMN r INT */",
      "ALTER TABLE t ADD COLUMN w INT /*M!100100 , ADD COLUMN m INT */ /*M! , ADD COLUMN k INT */",
      "ALTER TABLE t /*!50100 DROP COLUMN a, */ ADD COLUMN b INT",
  };
  std::vector<ordered> expected;
  int id = 0;
  for (const std::string& alter : alters) {
    admin_sql(s, alter, "hist");
    std::vector<schema::TableSchema> now = discover_hist(s);
    ASSERT_EQ(now.size(), 1u);
    ++id;
    ordered row = ordered::object();
    std::string cols, vals;
    for (const schema::ColumnSchema& c : now[0].columns) {
      int v = c.name == "id" ? id : id * 100 + static_cast<int>(c.ordinal);
      row[c.name] = v;
      cols += (cols.empty() ? "" : ", ") + c.name;
      vals += (vals.empty() ? "" : ", ") + std::to_string(v);
    }
    admin_sql(s, "INSERT INTO t (" + cols + ") VALUES (" + vals + ")", "hist");
    expected.push_back(row);
  }
  std::vector<std::string> final_names;
  std::vector<schema::TableSchema> final_tables = discover_hist(s);
  ASSERT_EQ(final_tables.size(), 1u);
  for (const schema::ColumnSchema& c : final_tables[0].columns) final_names.push_back(c.name);
  // Which comments ran is the server's business; both servers run some and skip some.
  std::vector<std::string> want = s.is_mysql()
                                      ? std::vector<std::string>{"id", "x", "y", "z", "q", "w", "b"}
                                      : std::vector<std::string>{"id", "x", "y", "z", "w", "m", "k", "b"};
  ASSERT_EQ(final_names, want);
  admin_sql(s, "FLUSH BINARY LOGS");
  std::string file = make_temp_dir("schema_history") + "/" + name;
  write_file(file, read_file(s.dir + "/data/" + name));

  Decoded d = decode(file, history);
  ASSERT_TRUE(d.status) << d.status.error().message;
  ASSERT_EQ(d.rows.size(), expected.size());
  for (size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(d.rows[i]["after"].dump(), expected[i].dump()) << alters[i];
  }
  EXPECT_EQ(history.versions("hist", "t").size(), alters.size() + 1);
}

INSTANTIATE_TEST_SUITE_P(Servers, SchemaHistoryTest, ::testing::ValuesIn(shared_server_names()));

// A TIME/DATETIME/TIMESTAMP literal with exactly `fsp` fractional digits, from `rng`.
std::string temporal_literal(std::mt19937_64& rng, char kind, int fsp) {
  auto pick = [&](uint64_t n) { return static_cast<unsigned>(rng() % n); };
  char buf[64];
  if (kind == 't') {
    std::snprintf(buf, sizeof buf, "%s%u:%02u:%02u", pick(2) ? "-" : "", pick(839), pick(60), pick(60));
  } else if (kind == 'd') {
    std::snprintf(buf, sizeof buf, "%04u-%02u-%02u %02u:%02u:%02u", 1000 + pick(9000), 1 + pick(12),
                  1 + pick(28), pick(24), pick(60), pick(60));
  } else {  // TIMESTAMP, UTC: 1970-01-01 00:00:01 .. 2038-01-19 03:14:07
    std::time_t t = 1 + static_cast<std::time_t>(pick(2147483646u));
    std::tm tm{};
    gmtime_r(&t, &tm);
    std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
  }
  std::string v = buf;
  if (fsp > 0) {
    std::string digits = std::to_string(1000000 + pick(1000000)).substr(1, static_cast<size_t>(fsp));
    v += "." + digits;
  }
  return v;
}

// MariaDB's own fractional TIME/DATETIME/TIMESTAMP format (mysql56_temporal_format=OFF: the
// only one before 10.1, and what tables created then still hold). The TABLE_MAP shows the old
// type codes with no fractional digits, so each cell's size comes from the schema history (the
// server's own mariadb-binlog prints no row of such a table). Inserts, updates and deletes of
// random values in every precision decode to what SELECT returns; without a history the
// decoding stops with an error that names the cause; after ALTER TABLE ... FORCE with the
// MySQL 5.6 format the table decodes from its new type codes.
TEST(SchemaHistoryMariadb, Pre101FractionalTemporalsDecodeWithTheHistory) {
  ServerInfo s = shared_server("mariadb");
  GlobalSetting minimal(s, "binlog_row_metadata", "MINIMAL");
  admin_sql(s, "DROP DATABASE IF EXISTS hist; CREATE DATABASE hist; FLUSH BINARY LOGS");
  std::string name = current_binlog(s);
  schema::SchemaHistory history(only_hist());
  history.seed(discover_hist(s), {name, 4});  // before the CREATE: the history follows it

  const char kinds[] = {'t', 'd', 's'};
  const char* types[] = {"TIME", "DATETIME", "TIMESTAMP"};
  std::string create = "CREATE TABLE hist.t (id INT PRIMARY KEY", cols = "id";
  for (int k = 0; k < 3; ++k) {
    for (int fsp = 0; fsp <= 6; ++fsp) {
      std::string col = std::string(1, kinds[k]) + std::to_string(fsp);
      create += ", " + col + " " + types[k] + "(" + std::to_string(fsp) + ")" + (k == 2 ? " NULL" : "");
      cols += ", " + col;
    }
  }
  {  // the variable is global only: set just around the CREATE (integration tests run serially)
    GlobalSetting old_format(s, "mysql56_temporal_format", "OFF");
    admin_sql(s, create + ")");
  }
  std::mt19937_64 rng(20261121);
  auto values = [&](int id) {
    std::string v = std::to_string(id);
    for (int k = 0; k < 3; ++k) {
      for (int fsp = 0; fsp <= 6; ++fsp) {
        bool null = k == 2 && rng() % 8 == 0;
        v += ", " + (null ? std::string("NULL") : "'" + temporal_literal(rng, kinds[k], fsp) + "'");
      }
    }
    return v;
  };
  const int kRows = 40;
  std::string insert =
      "SET time_zone = '+00:00'; INSERT INTO t VALUES (1, '-838:59:59', '-838:59:59.9', "
      "'838:59:59.99', '-00:00:00.001', '00:00:00.0000', '-00:00:00.00001', '838:59:59.999999', "
      "'0000-00-00 00:00:00', '1000-01-01 00:00:00.0', '9999-12-31 23:59:59.99', "
      "'0000-00-00 00:00:00.000', '2024-02-29 12:00:00.0001', '1000-01-01 00:00:00.00001', "
      "'9999-12-31 23:59:59.999999', '1970-01-01 00:00:01', '2038-01-19 03:14:07.9', NULL, "
      "'2000-01-01 00:00:00.000', '2000-01-01 00:00:00.0009', '1970-01-01 00:00:01.00001', "
      "'2038-01-19 03:14:07.999999')";
  for (int id = 2; id <= kRows; ++id) insert += ", (" + values(id) + ")";
  admin_sql(s, insert, "hist");
  std::string select = "SET time_zone = '+00:00'; SELECT " + cols + " FROM t ORDER BY id";
  auto inserted = cells_of(admin_sql(s, select, "hist"));
  std::string update = "SET time_zone = '+00:00';";
  for (int id = 1; id <= kRows; ++id) {
    std::string v = values(id);  // "id, c1, c2, ...": set every column but the id
    std::string set;
    size_t p = v.find(", ") + 2;
    for (char k : kinds) {
      for (int fsp = 0; fsp <= 6; ++fsp) {
        size_t q = v.find(", ", p);
        std::string cell = v.substr(p, q == std::string::npos ? std::string::npos : q - p);
        set += std::string(set.empty() ? "" : ", ") + k + std::to_string(fsp) + " = " + cell;
        p = q == std::string::npos ? v.size() : q + 2;
      }
    }
    update += " UPDATE t SET " + set + " WHERE id = " + std::to_string(id) + ";";
  }
  admin_sql(s, update, "hist");
  auto updated = cells_of(admin_sql(s, select, "hist"));
  admin_sql(s, "DELETE FROM t WHERE id % 3 = 0", "hist");
  // Converted to MySQL 5.6's format (TIME2, DATETIME2, TIMESTAMP2), then one more row.
  admin_sql(s, "ALTER TABLE t FORCE", "hist");
  admin_sql(s, "SET time_zone = '+00:00'; INSERT INTO t VALUES (" + values(kRows + 1) + ")", "hist");
  auto last = cells_of(admin_sql(s, select + "", "hist")).back();
  admin_sql(s, "FLUSH BINARY LOGS");
  std::string file = make_temp_dir("schema_history") + "/" + name;
  write_file(file, read_file(s.dir + "/data/" + name));

  Decoded d = decode(file, history);
  ASSERT_TRUE(d.status) << d.status.error().message;
  const size_t deletes = kRows / 3;
  ASSERT_EQ(d.rows.size(), 2 * static_cast<size_t>(kRows) + deletes + 1);
  auto expect_row = [&](const ordered& image, const std::vector<std::string>& want, const std::string& what) {
    ASSERT_EQ(image.size(), want.size()) << what;
    size_t i = 0;
    for (const auto& [key, value] : image.items()) {
      EXPECT_EQ(value.is_null() ? "NULL" : text(value), want[i]) << what << " column " << key;
      ++i;
    }
  };
  for (int i = 0; i < kRows; ++i) {
    const ordered& ins = d.rows[static_cast<size_t>(i)];
    EXPECT_EQ(ins["op"], "insert");
    expect_row(ins["after"], inserted[static_cast<size_t>(i)], "insert " + std::to_string(i + 1));
    const ordered& upd = d.rows[static_cast<size_t>(kRows + i)];
    EXPECT_EQ(upd["op"], "update");
    expect_row(upd["before"], inserted[static_cast<size_t>(i)], "update before " + std::to_string(i + 1));
    expect_row(upd["after"], updated[static_cast<size_t>(i)], "update after " + std::to_string(i + 1));
  }
  for (size_t j = 0; j < deletes; ++j) {
    const ordered& del = d.rows[2 * kRows + j];
    EXPECT_EQ(del["op"], "delete");
    expect_row(del["before"], updated[3 * j + 2], "delete of id " + std::to_string(3 * j + 3));
  }
  expect_row(d.rows.back()["after"], last, "insert after ALTER TABLE FORCE");

  // Without a history the cells' sizes are unknown: the first row with fractions stops the
  // decoding with the cause and the fix, and no row of the table comes out wrong.
  Collector collector;
  binlog::ChangeAssembler assembler(collector);
  binlog::EventDecoder decoder(binlog::DecoderOptions{});
  core::Status st = binlog::read_binlog_files({file}, {}, decoder, assembler);
  if (st) st = assembler.finish();
  ASSERT_FALSE(st);
  EXPECT_NE(st.error().message.find("decoding a row of hist.t at " + name + ":"), std::string::npos)
      << st.error().message;
  EXPECT_NE(st.error().message.find("pre-10.1 format, mysql56_temporal_format=OFF"), std::string::npos)
      << st.error().message;
  EXPECT_TRUE(collector.rows.empty());
}

}  // namespace
}  // namespace sluice::test
