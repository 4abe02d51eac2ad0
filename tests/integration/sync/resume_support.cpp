#include "integration/sync/resume_support.h"

#include <gtest/gtest.h>

#include <sstream>

#include "mysql/connection.h"
#include "support/test_util.h"

namespace sluice::test::sync {
namespace {

std::vector<std::string> cells(const std::string& line) {
  std::vector<std::string> out;
  std::stringstream in(line);
  std::string c;
  while (std::getline(in, c, '\t')) out.push_back(c);
  if (!line.empty() && line.back() == '\t') out.emplace_back();
  return out;
}

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::stringstream in(s);
  std::string c;
  while (std::getline(in, c, sep)) out.push_back(c);
  return out;
}

}  // namespace

void create_resume_table(const ServerInfo& server, int rows) {
  admin_sql(server, std::string(server.is_mysql() ? "SET SESSION cte_max_recursion_depth = 1000000;"
                                                  : "SET SESSION max_recursive_iterations = 1000000;") +
                        "DROP DATABASE IF EXISTS resume_t; CREATE DATABASE resume_t CHARACTER SET utf8mb4;"
                        "CREATE TABLE resume_t.t (id INT NOT NULL PRIMARY KEY, v VARCHAR(64), n BIGINT, d DECIMAL(12,2));"
                        "INSERT INTO resume_t.t WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < " +
                        std::to_string(rows) + ") SELECT i, CONCAT('row ', i, ' ü'), i, i / 100 FROM s");
}

ChangeScript::ChangeScript(int first_free_id, int live_rows, uint32_t seed) : rng_(seed), next_id_(first_free_id) {
  for (int i = 1; i <= live_rows; ++i) live_.push_back(i);
}

std::string ChangeScript::statement(bool added) {
  ++changes_;
  ++counter_;
  std::string n = std::to_string(counter_);
  std::string d = std::to_string(counter_ % 100000) + "." + std::to_string(10 + counter_ % 90);
  std::string a = added ? "'a" + std::to_string(counter_ % 1000) + "'" : "";
  auto pick = static_cast<uint32_t>(rng_() % 10);
  if (pick < 4 || live_.size() < 10) {
    int id = next_id_++;
    live_.push_back(id);
    return "INSERT INTO resume_t.t (id, v, n, d" + std::string(added ? ", c_added" : "") + ") VALUES (" +
           std::to_string(id) + ", 'new " + n + " é', " + n + ", " + d + (added ? ", " + a : "") + ");";
  }
  size_t k = rng_() % live_.size();
  int id = live_[k];
  if (pick < 8) {
    // n changes every time, so the statement always writes a row event.
    return "UPDATE resume_t.t SET v = 'upd " + n + "', n = " + n + ", d = " + d + (added ? ", c_added = " + a : "") +
           " WHERE id = " + std::to_string(id) + ";";
  }
  live_[k] = live_.back();
  live_.pop_back();
  return "DELETE FROM resume_t.t WHERE id = " + std::to_string(id) + ";";
}

std::string ChangeScript::transactions(int count, int max_rows, bool added) {
  std::string sql;
  for (int t = 0; t < count; ++t) {
    if (t % 10 == 9) {
      sql += statement(added);
      continue;
    }
    sql += "BEGIN;";
    int rows = 1 + static_cast<int>(rng_() % static_cast<uint32_t>(max_rows));
    for (int r = 0; r < rows; ++r) sql += statement(added);
    sql += "COMMIT;\n";
  }
  return sql;
}

BackgroundWriter::BackgroundWriter(const ServerInfo& server, int max_id)
    : thread_([this, server, max_id] { run(server, max_id); }) {}

BackgroundWriter::~BackgroundWriter() { stop(); }

int64_t BackgroundWriter::stop() {
  if (!stop_.exchange(true)) thread_.join();
  EXPECT_EQ(error_, "") << "background writer";
  return error_.empty() ? committed_.load() : -1;
}

void BackgroundWriter::run(ServerInfo server, int max_id) {
  auto conn = mysql::Connection::connect(admin_connect_options(server));
  if (!conn) {
    error_ = conn.error().message;
    return;
  }
  std::mt19937 rng(20240501);
  uint32_t range = static_cast<uint32_t>(max_id + max_id / 10);
  int64_t k = 0;
  while (!stop_.load()) {
    std::vector<std::string> sql = {"BEGIN"};
    for (int i = 0; i < 6; ++i) {
      std::string id = std::to_string(1 + rng() % range), n = std::to_string(1000000 + ++k);
      switch (rng() % 5) {
        case 0:
        case 1:
          sql.push_back("REPLACE INTO resume_t.t VALUES (" + id + ", 'w" + n + "', " + n + ", " + std::to_string(k % 997) +
                        ".5)");
          break;
        case 2:
        case 3:
          sql.push_back("UPDATE resume_t.t SET n = " + n + ", v = CONCAT('u', " + n + ") WHERE id = " + id);
          break;
        default:
          sql.push_back("DELETE FROM resume_t.t WHERE id = " + id);
      }
    }
    sql.push_back("COMMIT");
    for (const std::string& s : sql) {
      if (auto st = (*conn)->execute(s); !st) {
        error_ = st.error().message;
        return;
      }
    }
    ++committed_;
  }
}

std::vector<std::string> keyed_replay(const std::string& mode, const std::string& name, const std::string& cols,
                                      const std::vector<std::string>& inputs) {
  std::vector<std::string> argv = {"/usr/bin/python3", source_dir() + "/tests/integration/sync/keyed_replay.py", mode,
                                   name, "id", cols};
  argv.insert(argv.end(), inputs.begin(), inputs.end());
  CommandResult r = run_command(argv);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return split_lines(r.out);
}

void expect_replay_equals_source(const ServerInfo& server, const std::string& cols,
                                 const std::vector<std::string>& replayed) {
  std::vector<std::string> names = split(cols, ',');
  std::vector<std::string> source = split_lines(admin_sql(server, "SELECT " + cols + " FROM resume_t.t ORDER BY id"));
  ASSERT_EQ(replayed.size(), source.size()) << server.name << ": rows at the destination vs at the source";
  size_t bad = 0;
  for (size_t r = 0; r < source.size() && bad < 5; ++r) {
    std::vector<std::string> got = cells(replayed[r]), want = cells(source[r]);
    ASSERT_EQ(got.size(), names.size()) << replayed[r];
    ASSERT_EQ(want.size(), names.size()) << source[r];
    for (size_t c = 0; c < names.size(); ++c) {
      if (names[c] == "c_added" && (got[c] == "ABSENT" || got[c] == "NULL")) got[c] = "dflt";
      if (got[c] != want[c]) {
        ++bad;
        ADD_FAILURE() << server.name << ": row " << want[0] << " column " << names[c] << ": destination '" << got[c]
                      << "', source '" << want[c] << "'";
      }
    }
  }
}

std::vector<uint64_t> transaction_ends(const ServerInfo& server, const std::string& file) {
  std::vector<uint64_t> out;
  for (const std::string& line : split_lines(admin_sql(server, "SHOW BINLOG EVENTS IN '" + file + "'"))) {
    std::vector<std::string> c = cells(line);  // Log_name Pos Event_type Server_id End_log_pos Info
    if (c.size() < 6) continue;
    bool end = c[2] == "Xid" || (c[2] == "Query" && c[5].rfind("BEGIN", 0) != 0);
    if (end) out.push_back(std::stoull(c[4]));
  }
  return out;
}

std::vector<std::string> gtids_at(const ServerInfo& server, const std::string& file,
                                  const std::vector<uint64_t>& positions) {
  std::vector<std::string> out;
  if (positions.empty()) return out;
  if (!server.is_mysql()) {
    std::string sql = "SELECT ";
    for (size_t i = 0; i < positions.size(); ++i) {
      sql += (i ? ", " : "") + std::string("BINLOG_GTID_POS('") + file + "', " + std::to_string(positions[i]) + ")";
    }
    return cells(split_lines(admin_sql(server, sql)).at(0));
  }
  std::vector<std::pair<uint64_t, std::string>> gtids;  // GTID event position, "uuid:n"
  for (const std::string& line : split_lines(admin_sql(server, "SHOW BINLOG EVENTS IN '" + file + "'"))) {
    std::vector<std::string> c = cells(line);
    if (c.size() < 6 || c[2] != "Gtid") continue;
    size_t q = c[5].find('\'');  // SET @@SESSION.GTID_NEXT= 'uuid:n'
    gtids.emplace_back(std::stoull(c[1]), c[5].substr(q + 1, c[5].rfind('\'') - q - 1));
  }
  for (uint64_t pos : positions) {
    std::string last;
    for (const auto& [at, g] : gtids) {
      if (at < pos) last = g;
    }
    size_t colon = last.rfind(':');
    std::string n = colon == std::string::npos ? "" : last.substr(colon + 1);
    out.push_back(last.empty() ? "" : last.substr(0, colon + 1) + (n == "1" ? "1" : "1-" + n));
  }
  return out;
}

std::pair<std::string, uint64_t> binlog_end(const ServerInfo& server) {
  std::string line =
      split_lines(admin_sql(server, server.is_mysql() ? "SHOW BINARY LOG STATUS" : "SHOW MASTER STATUS")).at(0);
  std::vector<std::string> c = cells(line);
  return {c.at(0), std::stoull(c.at(1))};
}

}  // namespace sluice::test::sync
