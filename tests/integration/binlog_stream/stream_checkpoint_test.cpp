// `binlog stream --checkpoint FILE` when nothing of the followed tables happens: the resolved
// start is the checkpoint at once, a SIGTERM or --until-now on a quiet server leaves it, and
// transactions of other databases and a new binlog file move it on; the next run prints what
// changed in between.
#include "source/stream_checkpoint.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <algorithm>
#include <string>
#include <vector>

#include "stream_process.h"
#include "stream_support.h"

namespace sluice::test {
namespace {

class StreamCheckpointTest : public ::testing::TestWithParam<std::string> {
 protected:
  ServerInfo server() const { return shared_server(GetParam()); }
};

bool exists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0;
}

source::StreamCheckpoint load(const std::string& path) {
  auto cp = source::load_checkpoint(path);
  if (!cp) throw std::runtime_error(cp.error().message);
  if (!*cp) throw std::runtime_error("no checkpoint file " + path);
  return **cp;
}

TEST_P(StreamCheckpointTest, IdleStreamKeepsItsStartAcrossSigtermAndUntilNow) {
  ServerInfo s = server();
  const std::string db = "stream_idle_cp", other = "stream_idle_other";
  admin_sql(s, "DROP DATABASE IF EXISTS " + db + "; CREATE DATABASE " + db + "; CREATE TABLE " + db +
                   ".t (id INT PRIMARY KEY); DROP DATABASE IF EXISTS " + other + "; CREATE DATABASE " +
                   other + "; CREATE TABLE " + other + ".u (id INT PRIMARY KEY)");
  std::string dir = make_temp_dir("idle_cp");
  std::string cp = dir + "/stream.checkpoint", cfg = config_for(s, 4121);
  core::BinlogPosition start = current_pos(s);
  core::BinlogPosition rotated;
  {
    // An idle stream at the server's end: the checkpoint names that end as soon as it starts.
    StreamProcess p({"binlog", "stream", "--config", cfg, "--checkpoint", cp, "--databases", db});
    ASSERT_TRUE(wait_for([&] { return exists(cp); }, 30)) << "no checkpoint while idle";
    source::StreamCheckpoint first = load(cp);
    EXPECT_EQ(first.position.file, start.file);
    EXPECT_EQ(first.position.offset, start.offset);
    // The server moves to a new binlog: the idle checkpoint follows it (ROTATE, heartbeats).
    admin_sql(s, "FLUSH BINARY LOGS");
    rotated = current_pos(s);
    ASSERT_TRUE(wait_for([&] { return load(cp).position.file == rotated.file; }, 30)) << read_file(cp);
    EXPECT_EQ(p.stop(), 0) << p.err();
    EXPECT_TRUE(p.lines().empty());
  }
  // So the old binlog may go: nothing was lost in it.
  purge_binary_logs_to(s, rotated.file);
  // A change made while no stream runs comes out of the next run. (MySQL lists a stopped
  // reader as a replica for a while: the next runs use another server_id.)
  cfg = config_for(s, 4123);
  admin_sql(s, "INSERT INTO t VALUES (1), (2)", db);
  CommandResult r =
      run_sluice({"binlog", "stream", "--config", cfg, "--until-now", "--checkpoint", cp, "--databases", db});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(ids_of(split_lines(r.out), "t"), iota_ids(1, 2));

  // --until-now on a quiet server writes a new checkpoint file too.
  std::string cp2 = dir + "/quiet.checkpoint";
  core::BinlogPosition quiet = current_pos(s);
  CommandResult q = run_sluice(
      {"binlog", "stream", "--config", cfg, "--until-now", "--checkpoint", cp2, "--databases", db});
  ASSERT_EQ(q.exit_code, 0) << q.err;
  source::StreamCheckpoint at_quiet = load(cp2);
  EXPECT_EQ(at_quiet.position.offset, quiet.offset);
  EXPECT_EQ(at_quiet.gtid_set, gtid_state(s));
  // Transactions of a database the stream does not follow move the checkpoint past them.
  admin_sql(s, "INSERT INTO u VALUES (1); INSERT INTO u VALUES (2)", other);
  core::BinlogPosition moved = current_pos(s);
  CommandResult o = run_sluice(
      {"binlog", "stream", "--config", cfg, "--until-now", "--checkpoint", cp2, "--databases", db});
  ASSERT_EQ(o.exit_code, 0) << o.err;
  EXPECT_TRUE(split_lines(o.out).empty()) << o.out;
  EXPECT_EQ(load(cp2).position.offset, moved.offset);
  EXPECT_EQ(load(cp2).gtid_set, gtid_state(s));
  admin_sql(s, "INSERT INTO t VALUES (3)", db);
  CommandResult after = run_sluice(
      {"binlog", "stream", "--config", cfg, "--until-now", "--checkpoint", cp2, "--databases", db});
  ASSERT_EQ(after.exit_code, 0) << after.err;
  EXPECT_EQ(ids_of(split_lines(after.out), "t"), iota_ids(3, 3));
}

// A start that cannot be right on this server stops with one line (exit 2) and leaves the
// checkpoint as it was; a checkpoint of another server is read on by GTID only when this server
// has executed its GTID set.
TEST_P(StreamCheckpointTest, ImpossibleStartsAreRefusedAndForeignCheckpointsNeedAnExecutedGtid) {
  ServerInfo s = server();
  const std::string db = "stream_bad_start";
  admin_sql(s, "DROP DATABASE IF EXISTS " + db + "; CREATE DATABASE " + db + "; CREATE TABLE " + db +
                   ".t (id INT PRIMARY KEY)");
  std::string cfg = config_for(s, 4122);
  core::BinlogPosition now = current_pos(s);
  auto refused = [&](const std::vector<std::string>& args, const std::vector<std::string>& why) {
    std::vector<std::string> all = {"binlog", "stream", "--config", cfg, "--until-now", "--databases", db};
    all.insert(all.end(), args.begin(), args.end());
    CommandResult r = run_sluice(all);
    EXPECT_EQ(r.exit_code, 2) << r.err;
    for (const std::string& w : why) {
      EXPECT_NE(r.err.find(w), std::string::npos) << w << "\n" << r.err;
    }
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_TRUE(r.out.empty()) << r.out;
  };
  refused({"--from", now.file + ":999999999"},
          {"--from " + now.file + ":999999999 cannot be right", "is past the end of " + now.file});
  std::string newer = now.file.substr(0, now.file.rfind('.')) + ".999999";
  refused({"--from", newer + ":4"}, {"is newer than the server's current binlog " + now.file});

  std::string dir = make_temp_dir("foreign_cp");
  std::string cp = dir + "/stream.checkpoint";
  CommandResult mine =
      run_sluice({"binlog", "stream", "--config", cfg, "--until-now", "--checkpoint", cp, "--databases", db});
  ASSERT_EQ(mine.exit_code, 0) << mine.err;
  source::StreamCheckpoint saved = load(cp);
  EXPECT_NE(saved.server_identity, "");
  // The same checkpoint with another server's identity: refused without a GTID set, untouched.
  source::StreamCheckpoint foreign = saved;
  foreign.server_identity =
      s.is_mysql() ? "uuid:0b0e0f00-1111-2222-3333-444455556666" : "server_id:9999,domain:0";
  foreign.gtid_set.clear();
  ASSERT_TRUE(source::save_checkpoint(cp, foreign));
  std::string before = read_file(cp);
  refused({"--checkpoint", cp},
          {"checkpoint " + cp + " (" + saved.position.file + ":", "was written on another server"});
  EXPECT_EQ(read_file(cp), before);
  // With the GTID set this server has executed: a failover, read on by GTID.
  foreign.gtid_set = saved.gtid_set;
  ASSERT_FALSE(foreign.gtid_set.empty());
  ASSERT_TRUE(source::save_checkpoint(cp, foreign));
  admin_sql(s, "INSERT INTO t VALUES (7)", db);
  CommandResult moved =
      run_sluice({"binlog", "stream", "--config", cfg, "--until-now", "--checkpoint", cp, "--databases", db});
  ASSERT_EQ(moved.exit_code, 0) << moved.err;
  EXPECT_NE(moved.err.find("continuing by GTID"), std::string::npos) << moved.err;
  EXPECT_EQ(ids_of(split_lines(moved.out), "t"), iota_ids(7, 7));
  EXPECT_EQ(load(cp).server_identity, saved.server_identity);
}

INSTANTIATE_TEST_SUITE_P(Servers, StreamCheckpointTest, ::testing::Values("mariadb", "mysql"),
                         [](const auto& p) { return std::string(p.param); });

}  // namespace
}  // namespace sluice::test
