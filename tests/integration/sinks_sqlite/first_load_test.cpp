// The first job into a new SQLite file writes it with a rollback journal (each page once) and
// turns WAL on at its end. kill -9 in the middle of one of its transactions leaves a hot journal:
// the rerun must roll it back, resume from the committed bookmark and end with every source row
// exactly once, value by value, and the file in WAL mode for the jobs after it.

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "support/sink_fixture.h"
#include "support/test_servers.h"
#include "support/test_util.h"

namespace sluice::test {
namespace {

constexpr int kRows = 200000;

uintmax_t size_of(const std::string& path) {
  std::error_code ec;
  uintmax_t n = std::filesystem::file_size(path, ec);
  return ec ? 0 : n;
}

std::string sqlite_out(const std::string& path, const std::string& sql) {
  CommandResult r = run_command({"sqlite3", "-batch", "-noheader", "-separator", "\t", path, sql});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return r.out;
}

/// The size of the database before the transaction that `journal` belongs to: the page count and
/// page size of the rollback journal's header (big-endian, at bytes 16 and 24), 0 when the header
/// is incomplete.
uintmax_t committed_size(const std::string& journal) {
  std::ifstream in(journal, std::ios::binary);
  unsigned char h[28] = {};
  if (!in.read(reinterpret_cast<char*>(h), sizeof h)) return 0;
  auto be32 = [&](int at) {
    return uintmax_t{h[at]} << 24 | uintmax_t{h[at + 1]} << 16 | uintmax_t{h[at + 2]} << 8 | h[at + 3];
  };
  return be32(16) * be32(24);
}

/// Starts `args` and SIGKILLs it while a transaction that changed committed pages is open (its
/// rollback journal is not empty) after some rows were committed. True when the kill left a hot
/// journal behind and the committed part holds some rows but not the whole table (a commit can
/// slip in between the look and the kill, and a slow machine can let the job finish the table
/// first, its last state still to commit: the caller retries).
bool kill_inside_a_transaction(const std::vector<std::string>& args, const std::string& db) {
  pid_t pid = start_process(args);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  bool killed = false;
  while (!killed && std::chrono::steady_clock::now() < deadline) {
    if (size_of(db) > (4u << 20) && size_of(db + "-journal") > 0) {
      kill(pid, SIGKILL);
      killed = true;
    } else if (int status = 0; waitpid(pid, &status, WNOHANG) == pid) {
      return false;  // ended before it could be killed
    }
  }
  if (!killed) kill(pid, SIGKILL);
  int status = 0;
  waitpid(pid, &status, 0);
  uintmax_t committed = committed_size(db + "-journal");
  return killed && committed > (2u << 20) && committed < (16u << 20);
}

TEST(SinksSqliteFirstLoad, KilledInsideATransactionTheRerunRollsBackAndResumes) {
  for (const std::string& name : shared_server_names()) {
    SCOPED_TRACE(name);
    ServerInfo server = shared_server(name);
    const std::string db = "sq_first";
    create_sequence_table(server, db,
                          "CREATE TABLE f (id INT PRIMARY KEY, v VARCHAR(200) CHARACTER SET utf8mb4) ENGINE=InnoDB",
                          "f", kRows, "i, CONCAT(REPEAT(HEX(i * 2654435761 % 4294967296), 16), ' déjà 😀 ', i)");
    std::string config = write_config(server, "\"filter_dbs\": \"" + db + "\", \"state_interval_seconds\": 0.05");
    std::string catalog = make_sink_catalog(config, db, "FULL_TABLE", "f");

    std::string dest;
    bool hot = false;
    for (int attempt = 0; attempt < 5 && !hot; ++attempt) {
      dest = make_temp_dir("sqfirst") + "/dest.db";
      hot = kill_inside_a_transaction({SLUICE_BINARY, "sync", "--config", config, "--catalog", catalog,
                                       "--destination", "sqlite:" + dest, "--quiet"},
                                      dest);
    }
    ASSERT_TRUE(hot) << "no kill -9 landed inside a transaction after some rows (not all) were committed, in 5 "
                        "attempts";

    CommandResult rerun =
        run_sluice({"sync", "--config", config, "--catalog", catalog, "--destination", "sqlite:" + dest});
    ASSERT_EQ(rerun.exit_code, 0) << rerun.err;
    EXPECT_NE(rerun.err.find("resuming after"), std::string::npos) << "the rerun started over:\n" << rerun.err;
    EXPECT_EQ(sqlite_out(dest, "PRAGMA journal_mode"), "wal\n");
    EXPECT_EQ(sqlite_out(dest, "SELECT COUNT(*), COUNT(DISTINCT id) FROM f"),
              std::to_string(kRows) + "\t" + std::to_string(kRows) + "\n");
    std::string source = admin_sql(server, "SELECT id, v FROM " + db + ".f ORDER BY id");
    std::string copied = sqlite_out(dest, "SELECT id, v FROM f WHERE _sdc_deleted_at IS NULL ORDER BY id");
    EXPECT_EQ(copied.size(), source.size());
    EXPECT_TRUE(copied == source) << "the destination's rows differ from the source's";
    admin_sql(server, "DROP DATABASE " + db);
  }
}

}  // namespace
}  // namespace sluice::test
