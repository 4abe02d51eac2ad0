#include "support/pg_test_server.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <mutex>
#include <stdexcept>

#include "support/test_util.h"

namespace sluice::test {
namespace {

struct PgServer {
  std::string port;
  std::string dir;   ///< SLUICE_PG_DIR: data/ inside
  std::string root;  ///< non-empty when started here
};

PgServer* started_server = nullptr;

void stop_started() {
  if (started_server == nullptr || started_server->root.empty()) return;
  run_command({"env", "SLUICE_TEST_ROOT=" + started_server->root, source_dir() + "/scripts/pgserver.sh", "stop", "pg"});
}

PgServer start() {
  PgServer s;
  if (const char* p = std::getenv("SLUICE_PG_PORT")) {
    s.port = p;
    if (const char* d = std::getenv("SLUICE_PG_DIR")) s.dir = d;
    return s;
  }
  s.root = make_temp_dir("pgserver");
  CommandResult r =
      run_command({"env", "SLUICE_TEST_ROOT=" + s.root, source_dir() + "/scripts/pgserver.sh", "start", "pg"});
  if (r.exit_code != 0) throw std::runtime_error("scripts/pgserver.sh start failed: " + r.err);
  for (const std::string& line : split_lines(r.out)) {
    if (line.starts_with("export SLUICE_PG_PORT=")) s.port = line.substr(22);
    if (line.starts_with("export SLUICE_PG_DIR=")) s.dir = line.substr(21);
  }
  if (s.port.empty()) throw std::runtime_error("scripts/pgserver.sh printed no port: " + r.out);
  return s;
}

const PgServer& server() {
  static std::once_flag once;
  static PgServer s;
  std::call_once(once, [] {
    s = start();
    started_server = &s;
    std::atexit(stop_started);
  });
  return s;
}

}  // namespace

const std::string& pg_port() { return server().port; }

const std::string& pg_data_dir() {
  static const std::string dir = server().dir + "/data";
  return dir;
}

std::string pg_uri() { return "postgresql://postgres:pgpw@127.0.0.1:" + pg_port() + "/sluice"; }

std::string psql(const std::string& sql) {
  CommandResult r = run_command({"psql", "-d", pg_uri(), "-AtX", "-F", "|", "-v", "ON_ERROR_STOP=1", "-c", sql});
  EXPECT_EQ(r.exit_code, 0) << r.err << " in " << sql;
  return r.out;
}

std::vector<std::vector<std::string>> pg_rows(const std::string& sql) {
  CommandResult r = run_command({"psql", "-d", pg_uri(), "-AtX", "-F", "|", "-P", std::string("null=") + kPgNull, "-v",
                                 "ON_ERROR_STOP=1", "-c", sql});
  EXPECT_EQ(r.exit_code, 0) << r.err << " in " << sql;
  std::vector<std::vector<std::string>> rows;
  for (const std::string& line : split_lines(r.out)) {
    std::vector<std::string> fields;
    size_t start = 0;
    while (true) {
      size_t bar = line.find('|', start);
      fields.push_back(line.substr(start, bar == std::string::npos ? std::string::npos : bar - start));
      if (bar == std::string::npos) break;
      start = bar + 1;
    }
    rows.push_back(std::move(fields));
  }
  return rows;
}

}  // namespace sluice::test
