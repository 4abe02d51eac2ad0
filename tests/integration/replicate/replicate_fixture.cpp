#include "replicate_fixture.h"

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <thread>

#include "support/test_util.h"

namespace sluice::test {
namespace {

std::string binlog_position(const ServerInfo& s) {
  const std::string out = admin_sql(s, s.is_mysql() ? "SHOW BINARY LOG STATUS" : "SHOW MASTER STATUS");
  std::vector<std::string> cells = split(split_lines(out).at(0), '\t');
  return cells.at(0) + ":" + cells.at(1);
}

std::string applier_user(const std::string& name) { return "rpa_" + name; }

// The target account: DML and DDL on the replicated database and the position schema, nothing
// else (no SUPER, no admin privilege, no global privilege).
void create_target_account(const Pipeline& p, const std::string& name) {
  const std::string user = "'" + applier_user(name) + "'@'%'";
  const std::string privs = "SELECT, INSERT, UPDATE, DELETE, CREATE, DROP, ALTER, INDEX";
  admin_sql(p.target, "DROP USER IF EXISTS " + user + "; CREATE USER " + user +
                          " IDENTIFIED BY 'applierpw'; GRANT " + privs + " ON `" + p.target_db + "`.* TO " +
                          user + "; GRANT " + privs + " ON `" + p.position_schema + "`.* TO " + user + ";");
}

// A JSON document as its parsed form (MySQL sorts keys and respaces, MariaDB keeps the text);
// the client's tab output escapes backslashes, undone first.
std::string json_cell(std::string s) {
  if (s.empty() || (s[0] != '{' && s[0] != '[')) return s;
  std::string text;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 1 < s.size()) {
      const char c = s[++i];
      text.push_back(c == 'n' ? '\n' : c == 't' ? '\t' : c == '0' ? '\0' : c);
    } else {
      text.push_back(s[i]);
    }
  }
  auto j = nlohmann::json::parse(text, nullptr, false);
  return j.is_discarded() ? s : j.dump();
}

std::vector<std::vector<std::string>> table_rows(const ServerInfo& s, const std::string& db,
                                                 const std::string& table, const std::string& order) {
  std::vector<std::vector<std::string>> rows;
  for (const std::string& line :
       split_lines(admin_sql(s, "SELECT * FROM `" + table + "` ORDER BY " + order, db))) {
    rows.push_back(split(line, '\t'));
    for (std::string& c : rows.back()) c = json_cell(c);
  }
  return rows;
}

}  // namespace

const ServerInfo& replicate_source_mariadb() {
  // MariaDB logs no column metadata by default: without it a TABLE_MAP says neither UNSIGNED
  // nor a CHAR's charset (docs/replication.md requires MINIMAL or FULL).
  static std::unique_ptr<ScopedServer> server = std::make_unique<ScopedServer>(
      "mariadb", "rpsource", std::vector<std::string>{"--binlog-row-metadata=MINIMAL"});
  return server->info();
}

Pipeline make_pipeline(const ServerInfo& source, const ServerInfo& target, const std::string& name,
                       size_t batch_rows, const std::string& replicate_extra, const std::string& target_db) {
  Pipeline p;
  p.source = source;
  p.target = target;
  p.db = "rp_" + name;
  p.target_db = target_db.empty() ? p.db + "_copy" : target_db;
  p.position_schema = "sluice_" + name;
  admin_sql(source, "DROP DATABASE IF EXISTS `" + p.db + "`");
  admin_sql(target, "DROP DATABASE IF EXISTS `" + p.target_db + "`; DROP DATABASE IF EXISTS `" +
                        p.position_schema + "`");
  create_target_account(p, name);
  p.work_dir = make_temp_dir("replicate-" + name);
  p.journal_dir = p.work_dir + "/log";
  const std::string start = binlog_position(source);
  const uint32_t server_id = 7000 + static_cast<uint32_t>(std::hash<std::string>{}(name) % 1000);
  nlohmann::json target_part{{"host", target.host},
                             {"port", target.port},
                             {"user", applier_user(name)},
                             {"password", "applierpw"},
                             {"ssl_mode", "verify_identity"},
                             {"ssl_ca", target.certs + "/ca.pem"},
                             {"position_schema", p.position_schema}};
  nlohmann::json replicate{{"journal_dir", p.journal_dir},         {"include", {p.db + ".*"}},
                           {"exclude", {p.db + ".t_skip*"}},
                           {"rename", {{p.db, p.target_db}}},      {"start", start},
                           {"batch_rows", batch_rows}};
  if (!replicate_extra.empty()) replicate.update(nlohmann::json::parse("{" + replicate_extra + "}"));
  p.config = write_config(source, "\"server_id\": " + std::to_string(server_id) + ", \"target\": " +
                                      target_part.dump() + ", \"replicate\": " + replicate.dump());
  return p;
}

Workload::Workload(Pipeline& p, uint32_t seed) : p_(p), rng_(seed) {
  auto c = mysql::Connection::connect(admin_connect_options(p.source));
  if (!c) throw std::runtime_error(c.error().message);
  conn_ = std::move(*c);
}

void Workload::reconnect() {
  auto c = mysql::Connection::connect(admin_connect_options(p_.source));
  if (!c) throw std::runtime_error(c.error().message);
  conn_ = std::move(*c);
  if (auto s = conn_->execute("USE `" + p_.db + "`"); !s) throw std::runtime_error(s.error().message);
}

void Workload::create_schema() {
  const std::string db = "`" + p_.db + "`";
  for (const std::string& sql : std::vector<std::string>{
           "CREATE DATABASE " + db,
           "USE " + db,
           "CREATE TABLE t_types (id INT PRIMARY KEY, ti TINYINT, si SMALLINT UNSIGNED, mi MEDIUMINT, bi "
           "BIGINT,"
           " ubi BIGINT UNSIGNED, dc DECIMAL(20,6), fl FLOAT, dbl DOUBLE, dt DATE, tm TIME(3), dtm "
           "DATETIME(6),"
           " ts TIMESTAMP(6) NULL, yr YEAR, ch CHAR(10), vc VARCHAR(100), tx TEXT, bn BINARY(4), vb "
           "VARBINARY(50),"
           " bl BLOB, en ENUM('a','b','c'), st SET('x','y','z'), bt BIT(10), js JSON, nn INT NULL)"
           " DEFAULT CHARSET=utf8mb4",
           "CREATE TABLE t_uk (a INT NOT NULL, b VARCHAR(20) NOT NULL, v INT, UNIQUE KEY ab (a, b))",
           "CREATE TABLE t_nokey (x INT, y VARCHAR(20))",
           "CREATE TABLE counter (txn INT NOT NULL)",
           "CREATE TABLE t_skipped (id INT AUTO_INCREMENT PRIMARY KEY, txn INT)",
       }) {
    if (auto s = conn_->execute(sql); !s) throw std::runtime_error(s.error().message);
  }
}

std::string Workload::types_values(int id) {
  auto pick = [&](int n) { return static_cast<int>(rng_() % static_cast<unsigned>(n)); };
  static const char* kText[] = {"plain",       "it's \"quoted\"", "tab\there", "new\nline",
                                "back\\slash", "ünïcødé ✓",       "",          "emoji 😀"};
  const std::string txt = kText[pick(8)];
  std::string v =
      "(" + std::to_string(id) + "," + std::to_string(pick(256) - 128) + "," + std::to_string(pick(65536)) +
      "," + std::to_string(pick(16777216) - 8388608) + "," + std::to_string(int64_t(rng_()) * 1000003 - 7) +
      "," + std::to_string(uint64_t(rng_()) * 4294967311ULL) + "," + std::to_string(pick(2000000) - 1000000) +
      "." + std::to_string(100000 + pick(900000)) + "," + std::to_string(pick(400) - 200) + ".25," +
      std::to_string(pick(100000)) + ".125,'20" + std::to_string(10 + pick(20)) + "-0" +
      std::to_string(1 + pick(9)) + "-1" + std::to_string(pick(10)) + "','" + (pick(2) ? "-" : "") +
      std::to_string(pick(838)) + ":1" + std::to_string(pick(10)) + ":0" + std::to_string(pick(10)) + ".5" +
      std::to_string(pick(10)) + "0','2024-02-29 23:59:59." + std::to_string(100000 + pick(900000)) + "'," +
      (pick(4) == 0 ? std::string("NULL") : "'2021-06-1" + std::to_string(pick(10)) + " 10:00:00.000001'") +
      "," + std::to_string(1901 + pick(255)) + ",'c" + std::to_string(pick(99)) + "'," +
      conn_->quote_string(txt + std::to_string(id)) + "," + conn_->quote_string(txt) + ",X'00FF" +
      (pick(2) ? "0A0D" : "2700") + "',X'" + (pick(2) ? "DEADBEEF" : "") + "00',X'0102030405'," + "'" +
      "abc"[pick(3)] + "','" + (pick(2) ? "x,z" : "y") + "'," + std::to_string(pick(1024)) +
      ",'{\"k\": " + std::to_string(pick(1000)) + ", \"s\": \"v\\\\\"q\", \"a\": [1, 2.5, null, true]}'," +
      (pick(3) == 0 ? "NULL" : std::to_string(pick(100))) + ")";
  return v;
}

void Workload::one_transaction() {
  auto pick = [&](size_t n) { return static_cast<size_t>(rng_() % n); };
  auto exec = [&](const std::string& sql) {
    if (auto s = conn_->execute(sql); !s) throw std::runtime_error(s.error().message);
  };
  const uint64_t txn = ++p_.transactions;
  exec("START TRANSACTION");
  const size_t statements = 1 + pick(4);
  for (size_t i = 0; i < statements; ++i) {
    const size_t what = pick(10);
    if (what < 3 || ids_.size() < 5) {
      const int id = next_id_++;
      exec(
          "INSERT INTO t_types "
          "(id,ti,si,mi,bi,ubi,dc,fl,dbl,dt,tm,dtm,ts,yr,ch,vc,tx,bn,vb,bl,en,st,bt,js,nn) VALUES " +
          types_values(id));
      ids_.push_back(id);
    } else if (what < 5) {
      const size_t at = pick(ids_.size());
      exec("UPDATE t_types SET vc = CONCAT(vc, 'u'), dc = dc + 1.5, ts = NULL, nn = " +
           std::to_string(pick(50)) + ", bl = REPEAT('b', " + std::to_string(pick(300)) +
           ") WHERE id = " + std::to_string(ids_[at]));
    } else if (what == 5) {  // a primary-key change
      const size_t at = pick(ids_.size());
      const int id = next_id_++;
      exec("UPDATE t_types SET id = " + std::to_string(id) + " WHERE id = " + std::to_string(ids_[at]));
      ids_[at] = id;
    } else if (what == 6) {
      const size_t at = pick(ids_.size());
      exec("DELETE FROM t_types WHERE id = " + std::to_string(ids_[at]));
      ids_.erase(ids_.begin() + static_cast<long>(at));
    } else if (what == 7) {
      const int a = static_cast<int>(txn * 10 + i);  // one transaction may do this twice
      exec("INSERT INTO t_uk VALUES (" + std::to_string(a) + ", 'k', 1), (" + std::to_string(a) +
           ", 'l', NULL)");
      uks_.push_back(a);
      if (uks_.size() > 3 && pick(2)) {
        exec("UPDATE t_uk SET v = v + 1, b = 'm' WHERE a = " + std::to_string(uks_[0]) + " AND b = 'k'");
        exec("DELETE FROM t_uk WHERE a = " + std::to_string(uks_[1]));
        uks_.erase(uks_.begin() + 1);
      }
    } else {
      exec("INSERT INTO t_nokey VALUES (" + std::to_string(pick(5)) + ", 'n" + std::to_string(pick(3)) +
           "'), (NULL, NULL)");
      if (pick(3) == 0) exec("DELETE FROM t_nokey WHERE x = " + std::to_string(pick(5)) + " LIMIT 1");
      if (pick(3) == 0)
        exec("UPDATE t_nokey SET y = 'upd' WHERE x = " + std::to_string(pick(5)) + " LIMIT 1");
    }
  }
  exec("INSERT INTO t_skipped (txn) VALUES (" + std::to_string(txn) + ")");  // excluded
  exec("INSERT INTO counter VALUES (" + std::to_string(txn) + ")");
  exec("COMMIT");
}

void Workload::seed(size_t rows) {
  for (size_t done = 0; done < rows;) {
    std::string types, uk, nokey;
    for (size_t i = 0; i < 250 && done < rows; ++i, ++done) {
      const int id = next_id_++;
      types += (types.empty() ? "" : ",") + types_values(id);
      ids_.push_back(id);
      const std::string a = std::to_string(-id);  // never a workload transaction's a
      uk += (uk.empty() ? "(" : ",(") + a + ",'s" + std::to_string(id % 7) + "'," + std::to_string(id) + ")";
      nokey += (nokey.empty() ? "(" : ",(") + std::to_string(id % 5) + ",'seed'),(NULL,NULL)";
    }
    for (const std::string& sql : {"INSERT INTO t_types VALUES " + types, "INSERT INTO t_uk VALUES " + uk,
                                   "INSERT INTO t_nokey VALUES " + nokey}) {
      if (auto s = conn_->execute(sql); !s) throw std::runtime_error(s.error().message);
    }
  }
}

void Workload::run(size_t n, unsigned pause_ms, size_t alter_at) {
  for (size_t i = 0; i < n; ++i) {
    if (!altered_ && p_.transactions >= alter_at) {
      altered_ = true;
      // DDL between DML: a column added in the middle and a key added; later rows carry it.
      for (const char* sql :
           {"ALTER TABLE t_types ADD COLUMN added VARCHAR(20) NOT NULL DEFAULT 'dflt' AFTER mi",
            "ALTER TABLE t_nokey ADD INDEX ix (x)"}) {
        if (auto s = conn_->execute(sql); !s) throw std::runtime_error(s.error().message);
      }
    }
    one_transaction();
    if (pause_ms) std::this_thread::sleep_for(std::chrono::milliseconds(pause_ms));
  }
}

bool wait_caught_up(const Pipeline& p, int seconds) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  std::string got;
  while (std::chrono::steady_clock::now() < deadline) {
    try {
      got = admin_sql(p.target, "SELECT COUNT(*) FROM counter", p.target_db);
      if (std::stoull(got) >= p.transactions) return true;
    } catch (const std::exception&) {
      // the database or table may not be there yet
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  ADD_FAILURE() << "the target holds " << got << " of " << p.transactions << " transactions after " << seconds
                << " s";
  return false;
}

void expect_tables_equal(const Pipeline& p) {
  const std::map<std::string, std::string> tables{
      {"t_types", "id"}, {"t_uk", "a, b"}, {"t_nokey", "x, y"}, {"counter", "txn"}};
  for (const auto& [table, order] : tables) {
    auto src = table_rows(p.source, p.db, table, order);
    auto dst = table_rows(p.target, p.target_db, table, order);
    ASSERT_EQ(src.size(), dst.size()) << table;
    EXPECT_GT(src.size(), 0u) << table;
    for (size_t r = 0; r < src.size(); ++r) {
      ASSERT_EQ(src[r].size(), dst[r].size()) << table << " row " << r;
      for (size_t c = 0; c < src[r].size(); ++c) {
        EXPECT_EQ(src[r][c], dst[r][c]) << table << " row " << r << " (" << src[r][0] << ") column " << c + 1;
      }
    }
  }
  // The excluded table (replicate.exclude) was neither created nor written on the target.
  EXPECT_EQ(admin_sql(p.target,
                      "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = '" + p.target_db +
                          "' AND TABLE_NAME = 't_skipped'"),
            "0\n");
  // Each transaction exactly once (a keyless table: a second apply would add a second row).
  EXPECT_EQ(admin_sql(p.target, "SELECT COUNT(*), COUNT(DISTINCT txn), MIN(txn), MAX(txn) FROM counter",
                      p.target_db),
            std::to_string(p.transactions) + "\t" + std::to_string(p.transactions) + "\t1\t" +
                std::to_string(p.transactions) + "\n");
}

int start_replicate(const Pipeline& p, const std::string& role) {
  std::vector<std::string> argv{SLUICE_BINARY, "replicate", "--config", p.config};
  if (!role.empty()) {
    argv.push_back("--role");
    argv.push_back(role);
  }
  return start_process(argv, {}, "", p.work_dir + "/" + (role.empty() ? "both" : role) + ".err");
}

}  // namespace sluice::test
