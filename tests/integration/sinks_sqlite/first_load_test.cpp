// The first job into a new SQLite file writes it with a rollback journal (each page once) and
// turns WAL on at its end. kill -9 in the middle of one of its transactions leaves a hot journal:
// the rerun must roll it back, resume from the committed bookmark and end with every source row
// exactly once, value by value, and the file in WAL mode for the jobs after it.

#include <gtest/gtest.h>
#include <sys/types.h>

#include <filesystem>
#include <fstream>

#include "support/sink_fixture.h"
#include "support/test_servers.h"
#include "support/test_util.h"

namespace sluice::test {
namespace {

constexpr int kRows = 100000;

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

/// Starts `args` stopped inside a transaction (stop_env: after the 3rd checkpoint, i.e. two
/// committed chunks of 20000 rows, and 2000 rows into the next one), checks that this left a
/// rollback journal whose header names a committed part of some rows but not the whole table,
/// and SIGKILLs it there.
void kill_inside_a_transaction(const std::vector<std::string>& args, const std::string& db) {
  pid_t pid = start_process(args, stop_env(3, 2000));
  bool stopped = wait_until_stopped(pid);
  kill9_and_reap(pid);
  ASSERT_TRUE(stopped) << "the job ended before its stop point";
  EXPECT_GT(size_of(db), 4u << 20);
  ASSERT_GT(size_of(db + "-journal"), 0u) << "no transaction was open";
  uintmax_t committed = committed_size(db + "-journal");
  EXPECT_GT(committed, 2u << 20);
  EXPECT_LT(committed, 16u << 20);
}

TEST(SinksSqliteFirstLoad, KilledInsideATransactionTheRerunRollsBackAndResumes) {
  for (const std::string& name : shared_server_names()) {
    SCOPED_TRACE(name);
    ServerInfo server = shared_server(name);
    const std::string db = "sq_first";
    create_sequence_table(server, db,
                          "CREATE TABLE f (id INT PRIMARY KEY, v VARCHAR(200) CHARACTER SET utf8mb4) ENGINE=InnoDB",
                          "f", kRows, "i, CONCAT(REPEAT(HEX(i * 2654435761 % 4294967296), 16), ' déjà 😀 ', i)");
    // Checkpoints at chunk ends only.
    std::string config =
        write_config(server, "\"filter_dbs\": \"" + db + "\", \"state_interval_seconds\": 3600");
    std::string catalog = make_sink_catalog(config, db, "FULL_TABLE", "f");
    std::string dest = make_temp_dir("sqfirst") + "/dest.db";
    ASSERT_NO_FATAL_FAILURE(
        kill_inside_a_transaction({SLUICE_BINARY, "sync", "--config", config, "--catalog", catalog,
                                   "--destination", "sqlite:" + dest, "--chunk-rows", "20000", "--quiet"},
                                  dest));

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
