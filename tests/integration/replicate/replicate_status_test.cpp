// `sluice status --config pipeline.json` and the metrics endpoint of `sluice replicate`, against
// real servers (MySQL 9.7 -> MariaDB): each state a user meets (not started, online, stopped,
// catching up, a killed process, failed with its error), the --json values checked against what
// `sluice journal dump` shows and the target's position table, and a scrape of /metrics that
// `promtool check metrics` (Debian's prometheus package) accepts, its values equal to the status.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>
#include <thread>

#include "mysql/connection.h"
#include "replicate_fixture.h"
#include "support/test_util.h"

namespace sluice::test {
namespace {

using nlohmann::json;

int free_port() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(a);
  bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a));
  getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  close(fd);
  return ntohs(a.sin_port);
}

// The pipeline's config with replicate.metrics_listen on a free loopback port; returns the port.
int add_metrics_listen(const Pipeline& p) {
  const int port = free_port();
  json c = json::parse(read_file(p.config));
  c["replicate"]["metrics_listen"] = "127.0.0.1:" + std::to_string(port);
  write_file(p.config, c.dump());
  return port;
}

// GET /metrics over a plain socket: the body ("" when nothing answers).
std::string scrape(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  std::string reply;
  if (connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)) == 0) {
    const std::string get = "GET /metrics HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n";
    if (write(fd, get.data(), get.size()) == static_cast<ssize_t>(get.size())) {
      char buf[4096];
      for (ssize_t n; (n = read(fd, buf, sizeof(buf))) > 0;) reply.append(buf, static_cast<size_t>(n));
    }
  }
  close(fd);
  EXPECT_EQ(reply.rfind("HTTP/1.", 0), 0u) << reply;
  EXPECT_NE(reply.find("200 OK"), std::string::npos) << reply;
  const size_t body = reply.find("\r\n\r\n");
  return body == std::string::npos ? "" : reply.substr(body + 4);
}

// The value of the sample `series` (name{labels}) in an exposition text; NaN when absent.
double sample(const std::string& text, const std::string& series) {
  for (const std::string& line : split_lines(text)) {
    if (line.rfind(series + " ", 0) == 0) return std::stod(line.substr(series.size() + 1));
  }
  ADD_FAILURE() << "no sample " << series << " in\n" << text;
  return std::nan("");
}

json status_json(const Pipeline& p) {
  CommandResult r = run_sluice({"status", "--config", p.config, "--json"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return json::parse(r.out);
}

// Polls `sluice status --json` until `done` holds (deadline `seconds`); the last status.
json wait_status(const Pipeline& p, const std::function<bool(const json&)>& done, int seconds = 30) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  json s;
  while (std::chrono::steady_clock::now() < deadline) {
    s = status_json(p);
    if (done(s)) return s;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  ADD_FAILURE() << "status never reached the expected state:\n" << s.dump(2);
  return s;
}

bool role_is(const json& s, const char* role, const char* state, const char* process) {
  return s[role]["state"] == state && s[role]["process"] == process;
}

// The last LSN `sluice journal dump` prints (what the log holds).
uint64_t last_logged_lsn(const Pipeline& p) {
  CommandResult dump = run_sluice({"journal", "dump", "--dir", p.journal_dir});
  EXPECT_EQ(dump.exit_code, 0) << dump.err;
  const std::vector<std::string> lines = split_lines(dump.out);
  return lines.empty() ? 0 : json::parse(lines.back()).at("lsn").get<uint64_t>();
}

// The target's position table row: lsn, source_file:source_pos.
std::vector<std::string> position_row(const Pipeline& p) {
  return split(
      split_lines(admin_sql(p.target, "SELECT lsn, CONCAT(source_file, ':', source_pos) FROM apply_position",
                            p.position_schema))
          .at(0),
      '\t');
}

uint64_t segment_bytes(const Pipeline& p) {
  uint64_t n = 0;
  for (const auto& e : std::filesystem::directory_iterator(p.journal_dir)) {
    if (e.path().extension() == ".sjl") n += e.file_size();
  }
  return n;
}

int stop_and_reap(int pid) {
  kill(pid, SIGTERM);
  int status = 0;
  waitpid(pid, &status, 0);
  return status;
}

int start_role(const Pipeline& p, const std::string& role, const std::string& metrics_listen) {
  return start_process(
      {SLUICE_BINARY, "replicate", "--config", p.config, "--role", role, "--metrics-listen", metrics_listen},
      {}, "", p.work_dir + "/" + role + ".err");
}

// Online (both roles in one process, caught up) with the metrics scraped; stopped (SIGTERM);
// catching up (extract alone while the source writes, then apply held by a table lock on the
// target); a killed apply process said to be gone; a metrics port in use refused in one line.
TEST(ReplicateStatus, ShowsEachStateWithTheLogsAndTheTargetsValues) {
  Pipeline p = make_pipeline(shared_server("mysql"), shared_server("mariadb"), "status");
  const int port = add_metrics_listen(p);
  Workload w(p, 41);
  w.create_schema();
  w.run(15);

  json s = status_json(p);
  EXPECT_EQ(s["extract"]["process"], "not_started") << s.dump(2);
  EXPECT_EQ(s["apply"]["process"], "not_started") << s.dump(2);

  // Online: both roles caught up.
  int pid = start_replicate(p);
  w.run(15);
  ASSERT_TRUE(wait_caught_up(p, 60)) << read_file(p.work_dir + "/both.err");
  s = wait_status(p, [](const json& j) {
    return role_is(j, "extract", "online", "running") && role_is(j, "apply", "online", "running") &&
           j["apply"]["lsn_applied"] == j["extract"]["lsn_durable"];
  });
  const uint64_t logged = last_logged_lsn(p);
  const std::vector<std::string> position = position_row(p);
  EXPECT_EQ(s["extract"]["lsn_written"], logged) << s.dump(2);
  EXPECT_EQ(s["extract"]["lsn_durable"], logged) << s.dump(2);
  EXPECT_EQ(std::to_string(s["apply"]["lsn_applied"].get<uint64_t>()), position.at(0)) << s.dump(2);
  EXPECT_EQ(s["apply"]["source_position"], position.at(1)) << s.dump(2);
  EXPECT_EQ(s["records_behind"], 0) << s.dump(2);
  EXPECT_EQ(s["apply"]["lag_seconds"], 0) << s.dump(2);
  EXPECT_EQ(s["apply"]["alive"], true);
  // The log began with this process: each of its records was logged and applied once (DDL too).
  EXPECT_EQ(s["extract"]["transactions"], logged) << s.dump(2);
  EXPECT_EQ(s["apply"]["transactions"], logged) << s.dump(2);
  EXPECT_EQ(s["log_bytes"], segment_bytes(p)) << s.dump(2);
  EXPECT_FALSE(s["extract"]["source_position"].get<std::string>().empty());
  CommandResult text = run_sluice({"status", "--config", p.config});
  EXPECT_NE(text.out.find("extract: online, process "), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("apply: online, process "), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("LSN applied             " + position.at(0) + " (0 records behind"),
            std::string::npos)
      << text.out;

  // The metrics: promtool accepts them, and they say what the status says.
  const std::string metrics = scrape(port);
  CommandResult promtool = run_command({"promtool", "check", "metrics"}, metrics);
  EXPECT_EQ(promtool.exit_code, 0) << "promtool (Debian's prometheus package, scripts/install-deps.sh): "
                                   << promtool.out << promtool.err << "\n"
                                   << metrics;
  const std::string ex = "{pipeline=\"default\",role=\"extract\"}",
                    ap = "{pipeline=\"default\",role=\"apply\"}";
  EXPECT_EQ(sample(metrics, "sluice_replicate_lsn_durable" + ex), static_cast<double>(logged));
  EXPECT_EQ(sample(metrics, "sluice_replicate_lsn_written" + ex), static_cast<double>(logged));
  EXPECT_EQ(sample(metrics, "sluice_replicate_lsn_applied" + ap), std::stod(position.at(0)));
  EXPECT_EQ(sample(metrics, "sluice_replicate_up" + ap), 1.0);
  EXPECT_EQ(sample(metrics, "sluice_replicate_state{pipeline=\"default\",role=\"apply\",state=\"online\"}"),
            1.0);
  EXPECT_EQ(sample(metrics, "sluice_replicate_state{pipeline=\"default\",role=\"apply\",state=\"failed\"}"),
            0.0);
  EXPECT_EQ(sample(metrics, "sluice_replicate_transactions_total" + ap), static_cast<double>(logged));
  EXPECT_EQ(sample(metrics, "sluice_replicate_rows_total" + ap), s["apply"]["rows"].get<double>());
  EXPECT_EQ(sample(metrics, "sluice_replicate_apply_lag_seconds" + ap), 0.0);
  EXPECT_EQ(sample(metrics, "sluice_replicate_log_bytes{pipeline=\"default\"}"),
            static_cast<double>(segment_bytes(p)));
  const std::string file = position.at(1).substr(0, position.at(1).rfind(':'));
  EXPECT_EQ(sample(metrics, "sluice_replicate_source_position{pipeline=\"default\",role=\"apply\",file=\"" +
                                file + "\"}"),
            std::stod(position.at(1).substr(position.at(1).rfind(':') + 1)));

  // Stopped.
  int status = stop_and_reap(pid);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << read_file(p.work_dir + "/both.err");
  s = status_json(p);
  EXPECT_TRUE(role_is(s, "extract", "stopped", "ended")) << s.dump(2);
  EXPECT_TRUE(role_is(s, "apply", "stopped", "ended")) << s.dump(2);
  EXPECT_EQ(s["apply"]["alive"], false);

  // Catching up: extract alone while the source writes; apply has not run since.
  const int extract = start_role(p, "extract", "127.0.0.1:" + std::to_string(port));
  w.run(15);
  s = wait_status(p, [&](const json& j) {
    return role_is(j, "extract", "online", "running") && j["extract"]["lsn_durable"] == last_logged_lsn(p) &&
           j["records_behind"].get<uint64_t>() > 0;
  });
  EXPECT_TRUE(role_is(s, "apply", "stopped", "ended")) << s.dump(2);
  EXPECT_EQ(s["records_behind"].get<uint64_t>(),
            s["extract"]["lsn_durable"].get<uint64_t>() - std::stoull(position_row(p).at(0)))
      << s.dump(2);
  text = run_sluice({"status", "--config", p.config});
  EXPECT_NE(text.out.find("apply: stopped"), std::string::npos) << text.out;

  // A second process on the metrics port the first one serves: one clear line.
  CommandResult busy = run_sluice({"replicate", "--config", p.config, "--role", "apply"});
  EXPECT_NE(busy.exit_code, 0);
  EXPECT_EQ(busy.err, "sluice: error: replicate.metrics_listen 127.0.0.1:" + std::to_string(port) +
                          ": cannot listen (Address already in use; another process has the port: choose "
                          "another)\n");

  // The apply role held by a table lock on the target: catching up, behind, lag growing.
  auto lock = mysql::Connection::connect(admin_connect_options(p.target));
  ASSERT_TRUE(lock) << lock.error().message;
  ASSERT_TRUE((*lock)->execute("LOCK TABLES `" + p.target_db + "`.counter WRITE"));
  int apply = start_role(p, "apply", "off");
  s = wait_status(p, [](const json& j) {
    return role_is(j, "apply", "catching_up", "running") && j["apply"]["pending_commit_seconds"] > 0;
  });
  EXPECT_GT(s["records_behind"].get<uint64_t>(), 0u) << s.dump(2);
  EXPECT_EQ(std::to_string(s["apply"]["lsn_applied"].get<uint64_t>()), position_row(p).at(0)) << s.dump(2);
  text = run_sluice({"status", "--config", p.config});
  EXPECT_NE(text.out.find("apply: catching_up, process "), std::string::npos) << text.out;

  // The apply process killed: its file still says catching_up, the status says it is gone.
  kill9_and_reap(apply);
  s = status_json(p);
  EXPECT_TRUE(role_is(s, "apply", "catching_up", "gone")) << s.dump(2);
  EXPECT_EQ(s["apply"]["alive"], false);
  text = run_sluice({"status", "--config", p.config});
  EXPECT_NE(text.out.find("is gone (killed or crashed)"), std::string::npos) << text.out;

  // Unlocked and restarted: online again, nothing behind.
  ASSERT_TRUE((*lock)->execute("UNLOCK TABLES"));
  apply = start_role(p, "apply", "off");
  ASSERT_TRUE(wait_caught_up(p, 60)) << read_file(p.work_dir + "/apply.err");
  s = wait_status(
      p, [](const json& j) { return role_is(j, "apply", "online", "running") && j["records_behind"] == 0; });
  EXPECT_EQ(std::to_string(s["apply"]["lsn_applied"].get<uint64_t>()), position_row(p).at(0)) << s.dump(2);
  EXPECT_EQ(s["apply"]["lsn_applied"], last_logged_lsn(p)) << s.dump(2);
  stop_and_reap(apply);
  stop_and_reap(extract);
  expect_tables_equal(p);
}

// A row deleted on the target by hand, then on the source: the applier's DELETE finds nothing
// and the pipeline stops; the status says failed with the error, the position before it.
TEST(ReplicateStatus, FailedApplyIsShownWithItsError) {
  Pipeline p = make_pipeline(shared_server("mysql"), shared_server("mariadb"), "stfail");
  Workload w(p, 43);
  w.create_schema();
  w.run(10);
  const int pid = start_replicate(p);
  ASSERT_TRUE(wait_caught_up(p, 60)) << read_file(p.work_dir + "/both.err");
  const std::string id = split_lines(admin_sql(p.target, "SELECT MIN(id) FROM t_types", p.target_db)).at(0);
  admin_sql(p.target, "DELETE FROM t_types WHERE id = " + id, p.target_db);
  admin_sql(p.source, "DELETE FROM t_types WHERE id = " + id, p.db);
  const int status = wait_exit(pid, 30);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) != 0) << status << read_file(p.work_dir + "/both.err");
  json s = wait_status(
      p, [](const json& j) { return j["apply"]["state"] == "failed"; }, 10);
  EXPECT_EQ(s["apply"]["process"], "ended") << s.dump(2);
  EXPECT_EQ(s["apply"]["alive"], false);
  const std::string error = s["apply"]["last_error"];
  EXPECT_NE(error.find("t_types"), std::string::npos) << error;
  EXPECT_NE(read_file(p.work_dir + "/both.err").find(error), std::string::npos) << error;
  EXPECT_TRUE(role_is(s, "extract", "stopped", "ended")) << s.dump(2);
  EXPECT_EQ(std::to_string(s["apply"]["lsn_applied"].get<uint64_t>()), position_row(p).at(0)) << s.dump(2);
  EXPECT_EQ(s["records_behind"], 1) << s.dump(2);  // the DELETE's record, not applied
  CommandResult text = run_sluice({"status", "--config", p.config});
  EXPECT_NE(text.out.find("apply: failed"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("last error              " + error), std::string::npos) << text.out;
}

TEST(ReplicateStatus, BadMetricsListenIsOneLine) {
  const ServerInfo& s = shared_server("mariadb");
  const std::string cfg = write_config(
      s, "\"server_id\": 7998, \"replicate\": {\"journal_dir\": \"/tmp/x\", \"metrics_listen\": \"9187\"}");
  CommandResult r = run_sluice({"replicate", "--config", cfg});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(
      r.err.find("'replicate.metrics_listen' must be \"HOST:PORT\" such as \"127.0.0.1:9187\" (port 1 to "
                 "65535), got '9187'"),
      std::string::npos)
      << r.err;
  const std::string good =
      write_config(s, "\"server_id\": 7998, \"replicate\": {\"journal_dir\": \"/tmp/x\"}");
  CommandResult flag =
      run_sluice({"replicate", "--config", good, "--role", "extract", "--metrics-listen", "localhost:99999"});
  EXPECT_EQ(flag.exit_code, 2) << flag.err;
  EXPECT_NE(flag.err.find("--metrics-listen must be \"HOST:PORT\""), std::string::npos) << flag.err;
}

}  // namespace
}  // namespace sluice::test
