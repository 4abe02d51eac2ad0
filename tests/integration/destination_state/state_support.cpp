#include "integration/destination_state/state_support.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "support/pg_test_server.h"
#include "support/test_util.h"

extern char** environ;

namespace sluice::test::state {

pid_t spawn_sluice(const std::vector<std::string>& args, const std::string& out, const std::string& err) {
  std::vector<std::string> argv = {SLUICE_BINARY};
  argv.insert(argv.end(), args.begin(), args.end());
  std::vector<char*> cargv;
  for (auto& a : argv) cargv.push_back(a.data());
  cargv.push_back(nullptr);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&fa, 2, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  pid_t pid = -1;
  int rc = posix_spawn(&pid, cargv[0], &fa, nullptr, cargv.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  if (rc != 0) throw std::runtime_error("cannot start sluice");
  return pid;
}

int wait_exit(pid_t pid, int seconds) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  int status = 0;
  while (waitpid(pid, &status, WNOHANG) != pid) {
    if (std::chrono::steady_clock::now() > deadline) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      ADD_FAILURE() << "sluice (pid " << pid << ") did not end within " << seconds << " s";
      return -1;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

bool wait_until(const std::function<bool()>& ready, int seconds) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  while (std::chrono::steady_clock::now() < deadline) {
    if (ready()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return ready();
}

SourceBlock::SourceBlock(const ServerInfo& server, const std::string& db,
                         const std::vector<std::string>& tables) {
  auto c = mysql::Connection::connect(admin_connect_options(server));
  if (!c) throw std::runtime_error(c.error().message);
  conn_ = std::move(*c);
  std::string sql = "LOCK TABLES ";
  for (size_t i = 0; i < tables.size(); ++i) sql += (i > 0 ? ", " : "") + db + "." + tables[i] + " WRITE";
  if (auto st = conn_->execute(sql); !st) throw std::runtime_error(st.error().message);
}

SourceBlock::~SourceBlock() { release(); }

void SourceBlock::release() {
  if (conn_) (void)conn_->execute("UNLOCK TABLES");
  conn_.reset();
}

void make_tables(const ServerInfo& server, const std::string& db, const std::vector<std::string>& tables,
                 int rows) {
  admin_sql(server, "DROP DATABASE IF EXISTS " + db + "; CREATE DATABASE " + db);
  std::string seq = server.is_mysql() ? "SET SESSION cte_max_recursion_depth = 100000;"
                                      : "SET SESSION max_recursive_iterations = 100000;";
  for (const std::string& t : tables) {
    admin_sql(server,
              seq + "CREATE TABLE " + t + " (id INT PRIMARY KEY, v VARCHAR(40)); INSERT INTO " + t +
                  " WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < " +
                  std::to_string(rows) + ") SELECT i, CONCAT('" + t + " row ', i) FROM n",
              db);
  }
}

std::string make_catalog(const std::string& config, const std::string& db,
                         const std::map<std::string, std::string>& methods) {
  CommandResult r = run_sluice({"discover", "--config", config});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  nlohmann::json catalog = nlohmann::json::parse(r.out);
  for (auto& stream : catalog["streams"]) {
    auto method = methods.find(stream["table_name"].get<std::string>());
    for (auto& m : stream["metadata"]) {
      if (!m["breadcrumb"].empty() || m["metadata"].value("database-name", "") != db) continue;
      m["metadata"]["selected"] = method != methods.end();
      if (method != methods.end()) m["metadata"]["replication-method"] = method->second;
    }
  }
  std::string path = make_temp_dir("state-catalog") + "/catalog.json";
  write_file(path, catalog.dump(1));
  return path;
}

namespace {

std::vector<std::string> lines_with_bars(std::string text) {
  for (char& c : text) c = c == '\t' ? '|' : c;
  return split_lines(text);
}

std::vector<std::string> sorted_rows(const std::map<int64_t, std::string>& rows) {
  std::vector<std::string> out;
  for (const auto& [id, v] : rows) out.push_back(std::to_string(id) + "|" + v);
  return out;
}

}  // namespace

std::vector<std::string> source_rows(const ServerInfo& server, const std::string& db,
                                     const std::string& table) {
  return lines_with_bars(admin_sql(server, "SELECT id, v FROM " + table + " ORDER BY id", db));
}

std::vector<std::string> sqlite_rows(const std::string& path, const std::string& table) {
  CommandResult r =
      run_command({"sqlite3", "-batch", "-noheader", "-separator", "|", path,
                   "SELECT id, v FROM " + table + " WHERE _sdc_deleted_at IS NULL ORDER BY id"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return split_lines(r.out);
}

std::vector<std::string> pg_rows_of(const std::string& schema, const std::string& table) {
  return split_lines(
      psql("SELECT id, v FROM " + schema + "." + table + " WHERE _sdc_deleted_at IS NULL ORDER BY id"));
}

std::vector<std::string> jsonl_rows(const std::string& dir, const std::string& stream_id, size_t* records) {
  std::vector<std::string> files;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    std::string name = e.path().filename().string();
    if (name.starts_with(stream_id + "-") && name.ends_with(".jsonl")) files.push_back(e.path().string());
  }
  std::sort(files.begin(), files.end());
  std::map<int64_t, std::pair<std::string, int64_t>> rows;  // id -> (v, version)
  int64_t newest = 0;
  size_t lines = 0;
  for (const std::string& f : files) {
    for (const std::string& line : split_lines(read_file(f))) {
      ++lines;
      nlohmann::json row = nlohmann::json::parse(line);
      int64_t id = row["id"].get<int64_t>();
      int64_t version = row.value("_sdc_table_version", int64_t{0});
      newest = std::max(newest, version);
      if (row.contains("_sdc_deleted_at") && !row["_sdc_deleted_at"].is_null()) {
        rows.erase(id);
      } else {
        rows[id] = {row["v"].get<std::string>(), version};
      }
    }
  }
  if (records != nullptr) *records = lines;
  std::map<int64_t, std::string> live;
  for (const auto& [id, row] : rows) {
    if (row.second == newest) live[id] = row.first;  // rows of older versions are obsolete
  }
  return sorted_rows(live);
}

std::vector<std::string> avro_rows(const std::string& dir, const std::string& stream_id, size_t* records) {
  static const char* kReader = R"(
import avro.datafile, avro.io, glob, os, sys
rows, newest, n = {}, 0, 0
for path in sorted(glob.glob(os.path.join(sys.argv[1], sys.argv[2] + ".*.avro"))):
    with avro.datafile.DataFileReader(open(path, "rb"), avro.io.DatumReader()) as r:
        for rec in r:
            n += 1
            version = rec.get("_sdc_table_version") or 0
            newest = max(newest, version)
            if rec.get("_sdc_deleted_at") is not None:
                rows.pop(rec["id"], None)
            else:
                rows[rec["id"]] = (rec["v"], version)
print(n)
for k in sorted(rows):
    if rows[k][1] == newest:
        print("%d|%s" % (k, rows[k][0]))
)";
  CommandResult r = run_command({"/usr/bin/python3", "-c", kReader, dir, stream_id});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  std::vector<std::string> lines = split_lines(r.out);
  if (lines.empty()) return lines;
  if (records != nullptr) *records = std::stoul(lines[0]);
  lines.erase(lines.begin());
  return lines;
}

std::string pg_destination(const std::string& schema, const std::string& state_id) {
  return "\"destination\": {\"type\": \"postgres\", \"host\": \"127.0.0.1\", \"port\": " + pg_port() +
         ", \"user\": \"postgres\", \"password\": \"pgpw\", \"dbname\": \"sluice\", \"schema\": \"" + schema +
         "\", \"state_id\": \"" + state_id + "\", \"report_dir\": \"" + make_temp_dir("pg-reports") + "\"}";
}

}  // namespace sluice::test::state
