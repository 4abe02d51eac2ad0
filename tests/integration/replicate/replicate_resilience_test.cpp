// `sluice replicate` when things go wrong (issue 16's resilience acceptance), between real
// servers: MariaDB -> MariaDB over TLS with verify_identity through a restart of the target
// mid-stream (the applier retries with backoff); kill -9 at random moments, many in one flavour
// pair and a few in another, of the single process and of each role; the target away while the
// source rotates and purges its binlog past the extractor, and a full log (journal_max_bytes)
// making extraction wait; a source failover to a GTID replica; torn and damaged log records.
// After each: every table equal value by value and each source transaction applied once (the
// fixture's counter table).
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <random>
#include <thread>

#include "replicate_fixture.h"
#include "support/test_util.h"

namespace sluice::test {
namespace {

using std::chrono::milliseconds;
namespace fs = std::filesystem;

// A MariaDB target that these tests restart and stop (started once per test binary).
const ServerInfo& restartable_target() {
  static std::unique_ptr<ScopedServer> server = std::make_unique<ScopedServer>("mariadb", "rptarget");
  return server->info();
}

CommandResult testserver(const std::vector<std::string>& args) {
  std::vector<std::string> argv{source_dir() + "/scripts/testserver.sh"};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_command(argv);
}

// Shuts the server down (SIGTERM, data kept) and waits until its process is gone.
void stop_server(const ServerInfo& s) {
  const int pid = std::stoi(read_file(s.dir + "/pid"));
  ASSERT_EQ(kill(pid, SIGTERM), 0);
  for (int i = 0; i < 600 && kill(pid, 0) == 0; ++i) std::this_thread::sleep_for(milliseconds(100));
  ASSERT_NE(kill(pid, 0), 0) << s.name << " did not stop";
}

// Starts a server stopped by stop_server again, same port and data.
void start_server_again(const ServerInfo& s) {
  CommandResult r = testserver({"restart", s.name});
  ASSERT_EQ(r.exit_code, 0) << r.err;
}

// SIGTERM, reaped: the exit status.
int terminate(int pid) {
  kill(pid, SIGTERM);
  int status = 0;
  waitpid(pid, &status, 0);
  return status;
}

void expect_clean_exit(const Pipeline& p, int pid) {
  const int status = terminate(pid);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << read_file(p.work_dir + "/both.err");
}

void edit_config(const Pipeline& p, const std::function<void(nlohmann::json&)>& edit) {
  nlohmann::json config = nlohmann::json::parse(read_file(p.config));
  edit(config);
  write_file(p.config, config.dump());
}

std::string current_binlog(const ServerInfo& s) {
  return split(split_lines(admin_sql(s, "SHOW MASTER STATUS")).at(0), '\t').at(0);
}

// Waits until the log holds a transaction of the source's binlog `file`.
bool wait_logged_from(const Pipeline& p, const std::string& file) {
  for (int i = 0; i < 150; ++i) {
    if (run_sluice({"journal", "dump", "--dir", p.journal_dir}).out.find(file) != std::string::npos)
      return true;
    std::this_thread::sleep_for(milliseconds(200));
  }
  return false;
}

void expect_journal_verifies(const Pipeline& p) {
  CommandResult verify = run_sluice({"journal", "verify", "--dir", p.journal_dir});
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
}

// `kills` kill -9 of the single process, then `role_kills` of each role while the other role
// runs in a second process over the same log; each after a random 0.2-1.5 s.
void kill_at_random_moments(const Pipeline& p, uint32_t seed, int kills, int role_kills) {
  std::mt19937 rng(seed);
  auto random_pause = [&] { std::this_thread::sleep_for(milliseconds(200 + rng() % 1300)); };
  for (int i = 0; i < kills; ++i) {
    const int pid = start_replicate(p);
    random_pause();
    kill9_and_reap(pid);
  }
  for (int i = 0; i < 2 * role_kills; ++i) {
    const bool kill_extract = i % 2 == 0;
    const int other = start_replicate(p, kill_extract ? "apply" : "extract");
    const int victim = start_replicate(p, kill_extract ? "extract" : "apply");
    random_pause();
    kill9_and_reap(victim);
    terminate(other);
  }
}

// The single process catches up after the kills: tables equal, each transaction once, the log
// verifies.
void catch_up_after_kills(Pipeline& p, std::thread& writer) {
  const int pid = start_replicate(p);
  writer.join();
  ASSERT_TRUE(wait_caught_up(p, 120)) << read_file(p.work_dir + "/both.err");
  expect_tables_equal(p);
  expect_clean_exit(p, pid);
  expect_journal_verifies(p);
}

int kill_count() {
  const char* v = std::getenv("SLUICE_REPLICATE_KILLS");
  return v != nullptr && *v != '\0' ? std::atoi(v) : 20;
}

// The applier's lines that say it retries after a target problem ("connecting to the target",
// "lost connection" ...), not while it waits for the extractor to create the log.
std::vector<std::string> target_retry_lines(const Pipeline& p, const std::string& role) {
  std::vector<std::string> lines;
  for (const std::string& l : split_lines(read_file(p.work_dir + "/" + role + ".err"))) {
    if (l.find("replicate apply: ") != std::string::npos && l.find("; retrying in ") != std::string::npos &&
        l.find("journal directory") == std::string::npos)
      lines.push_back(l);
  }
  return lines;
}

// Issue 16: MariaDB -> MariaDB over TLS with verify_identity; the target (the shared MariaDB)
// killed and started again while the workload runs: the applier says it retries, backs off from
// 0.5 s, and ends equal with nothing doubled.
TEST(ReplicateResilience, MariaDbToMariaDbThroughATargetRestart) {
  const ServerInfo target = shared_server("mariadb");
  Pipeline p = make_pipeline(replicate_source_mariadb(), target, "m2m");
  Workload w(p, 41);
  w.create_schema();
  w.run(40, 0, 20);
  const int pid = start_replicate(p);
  ASSERT_TRUE(wait_caught_up(p, 60)) << read_file(p.work_dir + "/both.err");
  std::thread writer([&] { w.run(150, 10); });
  std::this_thread::sleep_for(milliseconds(500));
  CommandResult restart = testserver({"restart", target.name, "kill"});
  writer.join();
  ASSERT_EQ(restart.exit_code, 0) << restart.err;
  ASSERT_TRUE(wait_caught_up(p, 90)) << read_file(p.work_dir + "/both.err");
  expect_tables_equal(p);
  expect_clean_exit(p, pid);
  const std::vector<std::string> retries = target_retry_lines(p, "both");
  ASSERT_FALSE(retries.empty()) << read_file(p.work_dir + "/both.err");
  EXPECT_NE(retries[0].find("; retrying in 500 ms"), std::string::npos) << retries[0];
}

// At least 20 kills in one flavour pair (MySQL 9.7 -> MariaDB), most of the single process,
// two of each role.
TEST(ReplicateResilience, ManyKillsAtRandomMomentsMySqlToMariaDb) {
  Pipeline p = make_pipeline(shared_server("mysql"), shared_server("mariadb"), "kills", 50);
  Workload w(p, 23);
  w.create_schema();
  std::thread writer([&] { w.run(1200, 10, 400); });
  kill_at_random_moments(p, 77, kill_count(), 2);
  catch_up_after_kills(p, writer);
}

// A few in the other direction (MariaDB -> MySQL 9.7): of the single process and of each role.
TEST(ReplicateResilience, FewKillsMariaDbToMySql) {
  Pipeline p = make_pipeline(replicate_source_mariadb(), shared_server("mysql"), "kills2", 50);
  Workload w(p, 24);
  w.create_schema();
  std::thread writer([&] { w.run(300, 10, 100); });
  kill_at_random_moments(p, 78, 2, 1);
  catch_up_after_kills(p, writer);
}

// The target away while the source rotates and purges the binlog the extractor already read
// into the log: when the target is back, everything arrives from the log.
TEST(ReplicateResilience, TargetAwayLongerThanTheSourceKeepsItsBinlog) {
  const ServerInfo& source = replicate_source_mariadb();
  const ServerInfo& target = restartable_target();
  Pipeline p = make_pipeline(source, target, "away");
  Workload w(p, 43);
  w.create_schema();
  w.run(20);
  const int pid = start_replicate(p);
  ASSERT_TRUE(wait_caught_up(p, 60)) << read_file(p.work_dir + "/both.err");
  stop_server(target);
  for (int i = 0; i < 2; ++i) {
    w.run(40);
    admin_sql(source, "FLUSH BINARY LOGS");
    const std::string file = current_binlog(source);
    w.run(1);
    ASSERT_TRUE(wait_logged_from(p, file)) << read_file(p.work_dir + "/both.err");
    purge_binary_logs_to(source, file);
  }
  w.run(20);
  ASSERT_TRUE(wait_logged_from(p, current_binlog(source)));
  start_server_again(target);
  ASSERT_TRUE(wait_caught_up(p, 90)) << read_file(p.work_dir + "/both.err");
  expect_tables_equal(p);
  expect_clean_exit(p, pid);
}

// Row values of t_big compared through their length and digest on both sides.
std::string big_rows(const ServerInfo& s, const std::string& db) {
  return admin_sql(s, "SELECT id, LENGTH(b), MD5(b) FROM t_big ORDER BY id", db);
}

uint64_t log_bytes(const Pipeline& p) {
  uint64_t total = 0;
  for (const auto& e : fs::directory_iterator(p.journal_dir)) {
    if (e.path().extension() == ".sjl") total += e.file_size();
  }
  return total;
}

// With a small journal_max_bytes and the target down, extraction waits at the limit (the log
// stays within it, nothing is lost) and resumes once the applier frees segments.
TEST(ReplicateResilience, FullLogMakesExtractionWaitAndLosesNothing) {
  const ServerInfo& source = replicate_source_mariadb();
  const ServerInfo& target = restartable_target();
  Pipeline p = make_pipeline(source, target, "full");
  const uint64_t limit = uint64_t{16} << 20;
  edit_config(p, [&](nlohmann::json& c) { c["replicate"]["journal_max_bytes"] = limit; });
  Workload w(p, 44);
  w.create_schema();
  admin_sql(source, "CREATE TABLE t_big (id INT PRIMARY KEY, b LONGBLOB)", p.db);
  w.run(10);
  const int pid = start_replicate(p);
  ASSERT_TRUE(wait_caught_up(p, 60)) << read_file(p.work_dir + "/both.err");
  stop_server(target);
  for (int i = 0; i < 28; ++i) {  // 28 MiB of rows, one transaction each
    admin_sql(source,
              "INSERT INTO t_big VALUES (" + std::to_string(i) + ", REPEAT(CHAR(65 + " +
                  std::to_string(i % 26) + "), 1048576))",
              p.db);
  }
  w.run(10);
  const std::string status_path = p.journal_dir + "/extract.status.json";
  bool waiting = false;
  for (int i = 0; i < 150 && !waiting; ++i) {
    waiting = read_file(status_path).find("transaction log full") != std::string::npos;
    if (!waiting) std::this_thread::sleep_for(milliseconds(200));
  }
  EXPECT_TRUE(waiting) << read_file(status_path);
  EXPECT_LE(log_bytes(p), limit);
  start_server_again(target);
  ASSERT_TRUE(wait_caught_up(p, 120)) << read_file(p.work_dir + "/both.err");
  expect_tables_equal(p);
  EXPECT_EQ(big_rows(target, p.target_db), big_rows(source, p.db));
  EXPECT_EQ(split_lines(big_rows(target, p.target_db)).size(), 28u);
  EXPECT_LE(log_bytes(p), limit);
  expect_clean_exit(p, pid);
  expect_journal_verifies(p);
}

// Source failover: the pipeline extracts from a MariaDB primary that a second MariaDB replicates
// natively by GTID (CHANGE MASTER TO ... MASTER_USE_GTID=slave_pos). Killed mid-stream (the log
// behind the primary); pointed at the replica before it replicated anything: refused; then the
// replica caught up, the primary stopped, the replica promoted and the config pointed at it:
// the restart resumes by GTID on the new host, whose files and positions differ, nothing lost or
// doubled, and the log's "source" file then names the new server.
TEST(ReplicateResilience, SourceFailoverResumesByGtidOnThePromotedReplica) {
  const std::vector<std::string> options{"--binlog-row-metadata=MINIMAL"};
  auto primary = std::make_unique<ScopedServer>("mariadb", "rpprimary", options);
  ScopedServer replica("mariadb", "rpreplica", options);
  admin_sql(replica.info(), "CHANGE MASTER TO MASTER_HOST = '127.0.0.1', MASTER_PORT = " +
                                std::to_string(primary->info().port) +
                                ", MASTER_USER = 'root', MASTER_PASSWORD = 'rootpw', MASTER_USE_GTID = "
                                "slave_pos");
  Pipeline p = make_pipeline(primary->info(), shared_server("mysql"), "failover", 50);
  Workload w(p, 45);
  w.create_schema();
  w.run(30, 0, 15);
  const int pid = start_replicate(p);
  ASSERT_TRUE(wait_caught_up(p, 60)) << read_file(p.work_dir + "/both.err");
  std::thread writer([&] { w.run(150, 5); });
  std::this_thread::sleep_for(milliseconds(800));
  kill9_and_reap(pid);  // the log now ends somewhere before the primary's end
  writer.join();
  // Pointed at the replica before it replicated anything: the log's GTID set is not executed
  // there, so the extractor refuses, naming both servers and what to do.
  edit_config(p, [&](nlohmann::json& c) { c["port"] = replica.info().port; });
  CommandResult refused =
      run_command({"timeout", "30", SLUICE_BINARY, "replicate", "--config", p.config, "--role", "extract"});
  EXPECT_NE(refused.exit_code, 0);
  EXPECT_NE(refused.err.find("is not executed here"), std::string::npos) << refused.err;
  EXPECT_NE(refused.err.find("point the config at a server that has executed the log's transactions"),
            std::string::npos)
      << refused.err;
  admin_sql(replica.info(), "START SLAVE");
  const std::string primary_gtid = admin_sql(primary->info(), "SELECT @@gtid_binlog_pos");
  EXPECT_EQ(
      admin_sql(replica.info(), "SELECT MASTER_GTID_WAIT('" + split_lines(primary_gtid).at(0) + "', 60)"),
      "0\n");
  primary.reset();  // the primary is gone; the replica is promoted
  admin_sql(replica.info(), "STOP SLAVE; RESET SLAVE ALL");
  p.source = replica.info();
  w.reconnect();
  w.run(30, 0);
  const int again = start_replicate(p);
  ASSERT_TRUE(wait_caught_up(p, 60)) << read_file(p.work_dir + "/both.err");
  expect_tables_equal(p);
  expect_clean_exit(p, again);
  const std::string err = read_file(p.work_dir + "/both.err");
  EXPECT_NE(err.find("was written on another server"), std::string::npos) << err;
  EXPECT_NE(err.find("continuing by GTID"), std::string::npos) << err;
  const std::string replica_id = admin_sql(replica.info(), "SELECT @@server_id, @@gtid_domain_id");
  EXPECT_EQ(read_file(p.journal_dir + "/source"),
            "server_id:" + split(split_lines(replica_id).at(0), '\t').at(0) + ",domain:0\n");
  expect_journal_verifies(p);
}

// The log's records that hold a row of the counter table (one per logged workload transaction).
size_t logged_counter_rows(const Pipeline& p) {
  size_t n = 0;
  for (const std::string& l : split_lines(run_sluice({"journal", "dump", "--dir", p.journal_dir}).out))
    n += l.find("\"table\":\"counter\"") != std::string::npos;
  return n;
}

// Runs the extract role until the log holds the counter rows of every workload transaction.
void extract_all(const Pipeline& p) {
  const int pid = start_replicate(p, "extract");
  for (int i = 0; i < 150 && logged_counter_rows(p) < p.transactions; ++i)
    std::this_thread::sleep_for(milliseconds(200));
  terminate(pid);
  EXPECT_EQ(logged_counter_rows(p), p.transactions) << read_file(p.work_dir + "/extract.err");
}

// The offsets of the records of a segment (docs/transaction-log.md: the header's length is the
// u32 at offset 12; a record is length u32, flags u32, LSN u64, CRC u32, then its body).
std::vector<uint64_t> record_offsets(const std::string& path) {
  const std::string bytes = read_file(path);
  auto u32 = [&](size_t at) {
    uint32_t v = 0;
    for (int i = 3; i >= 0; --i) v = v << 8 | static_cast<uint8_t>(bytes.at(at + i));
    return v;
  };
  std::vector<uint64_t> offsets;
  for (uint64_t at = u32(12); at < bytes.size(); at += 20 + u32(at)) offsets.push_back(at);
  return offsets;
}

void flip_byte(const std::string& path, uint64_t offset) {
  std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
  f.seekg(static_cast<std::streamoff>(offset));
  const char c = static_cast<char>(f.get() ^ 0x5a);
  f.seekp(static_cast<std::streamoff>(offset));
  f.put(c);
}

// Issue 16's torn write, end to end: a log whose last record was cut (a crash mid-write), then
// one whose last record has a bad CRC: the extractor cuts the tail and reads those transactions
// from the source again (each logged and applied once). A damaged record in the middle stops
// the extractor and `journal verify`, naming the segment and the offset.
TEST(ReplicateResilience, TornLogTailIsReadAgainDamageInTheMiddleIsNamed) {
  Pipeline p = make_pipeline(replicate_source_mariadb(), shared_server("mariadb"), "torn");
  Workload w(p, 46);
  w.create_schema();
  w.run(30);
  extract_all(p);
  const std::string seg = p.journal_dir + "/seg-00000000000000000001.sjl";
  ASSERT_EQ(truncate(seg.c_str(), static_cast<off_t>(record_offsets(seg).back() + 30)), 0);
  EXPECT_EQ(logged_counter_rows(p), p.transactions - 1);  // the reader stops before the torn record
  w.run(5);
  extract_all(p);
  flip_byte(seg, fs::file_size(seg) - 1);
  EXPECT_EQ(logged_counter_rows(p), p.transactions - 1);
  w.run(5);
  const int pid = start_replicate(p);
  ASSERT_TRUE(wait_caught_up(p, 60)) << read_file(p.work_dir + "/both.err");
  expect_tables_equal(p);
  expect_clean_exit(p, pid);
  EXPECT_EQ(logged_counter_rows(p), p.transactions);
  expect_journal_verifies(p);

  const std::vector<uint64_t> offsets = record_offsets(seg);
  const uint64_t middle = offsets.at(offsets.size() / 2);
  flip_byte(seg, middle + 30);
  const std::string where = seg + " at offset " + std::to_string(middle);
  CommandResult r =
      run_command({"timeout", "30", SLUICE_BINARY, "replicate", "--config", p.config, "--role", "extract"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find(where), std::string::npos) << r.err;
  CommandResult verify = run_sluice({"journal", "verify", "--dir", p.journal_dir});
  EXPECT_EQ(verify.exit_code, 1);
  EXPECT_NE((verify.out + verify.err).find(where), std::string::npos) << verify.out << verify.err;
}

}  // namespace
}  // namespace sluice::test
