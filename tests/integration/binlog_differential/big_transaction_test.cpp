// Memory bound: one transaction of ~1 GB (260,000 rows of 4 KB into a BLACKHOLE table, which
// logs rows without storing them) decoded by `sluice binlog read` in at most 64 MB of peak RSS,
// every row printed. MariaDB's rows then come with end_pos null (beyond the 8 MiB buffer);
// MySQL's GTID event carries the length, so end_pos stays known. MySQL is also run with
// binlog_transaction_compression=ON: one TRANSACTION_PAYLOAD inflating to ~1 GB.
#include <gtest/gtest.h>

#include "support/test_servers.h"
#include "support/test_util.h"

namespace sluice::test {
namespace {

constexpr int kRows = 260000;
#if defined(__SANITIZE_ADDRESS__)
// AddressSanitizer's shadow memory and quarantine (up to 256 MB) inflate RSS; the 64 MB bound is
// checked by the release build (bench/run.sh --only memory); here a 1 GB buffer is still caught.
constexpr long kMaxRssKb = 512 * 1024;
#else
constexpr long kMaxRssKb = 64 * 1024;
#endif

void ensure_blackhole(const ServerInfo& s) {
  auto has = [&] {
    return admin_sql(s, "SELECT SUPPORT FROM information_schema.ENGINES WHERE ENGINE = 'BLACKHOLE'").starts_with("YES");
  };
  if (!has() && !s.is_mysql()) admin_sql(s, "INSTALL SONAME 'ha_blackhole'");
  ASSERT_TRUE(has()) << s.name << " has no BLACKHOLE engine";
}

std::string make_big_transaction(const ServerInfo& s, bool compressed) {
  admin_sql(s, "CREATE DATABASE IF NOT EXISTS bigtxn; DROP TABLE IF EXISTS bigtxn.t;"
               "CREATE TABLE bigtxn.t (id INT, pad VARCHAR(4000), n BIGINT) ENGINE=BLACKHOLE; FLUSH BINARY LOGS");
  std::string rows = s.is_mysql()
                         ? "WITH RECURSIVE c(seq) AS (SELECT 1 UNION ALL SELECT seq + 1 FROM c WHERE seq < " +
                               std::to_string(kRows) + ") SELECT seq, REPEAT(CHAR(65 + seq % 26), 4000), seq * 3 FROM c"
                         : "SELECT seq, REPEAT(CHAR(65 + seq % 26), 4000), seq * 3 FROM seq_1_to_" + std::to_string(kRows);
  std::string session = s.is_mysql() ? std::string("SET SESSION cte_max_recursion_depth = 1000000; ") +
                                           "SET SESSION binlog_transaction_compression = " + (compressed ? "ON; " : "OFF; ")
                                     : "";
  admin_sql(s, session + "BEGIN; INSERT INTO bigtxn.t " + rows + "; COMMIT;", "bigtxn");
  admin_sql(s, "FLUSH BINARY LOGS");
  auto lines = split_lines(admin_sql(s, "SHOW BINARY LOGS"));
  std::string name = lines.at(lines.size() - 2).substr(0, lines.at(lines.size() - 2).find('\t'));
  return s.dir + "/data/" + name;
}

void check_decode(const std::string& file, bool end_pos_known) {
  std::string dir = make_temp_dir("big_transaction");
  std::string cmd = "/usr/bin/time -f %M -o " + dir + "/rss " + std::string(SLUICE_BINARY) + " binlog read " + file +
                    " | awk 'NR == 1 { print > \"" + dir + "/first\" } END { print NR }'";
  CommandResult r = run_command({"/bin/sh", "-c", cmd});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, std::to_string(kRows) + "\n");
  long rss_kb = std::stol(split_lines(read_file(dir + "/rss")).back());
  std::printf("%s: peak RSS %ld KB\n", file.c_str(), rss_kb);
  EXPECT_LE(rss_kb, kMaxRssKb) << "peak RSS of sluice binlog read";
  std::string first = read_file(dir + "/first");
  EXPECT_EQ(first.find("\"end_pos\":null") == std::string::npos, end_pos_known) << first.substr(0, 200);
  EXPECT_TRUE(first.find("\"n\":3}") != std::string::npos || first.find("\"@3\":3}") != std::string::npos)
      << first.substr(0, 200);  // the first row's last column
}

class BigTransaction : public ::testing::TestWithParam<std::string> {};

TEST_P(BigTransaction, OneGigabyteTransactionInBoundedMemory) {
  ServerInfo s = shared_server(GetParam());
  ensure_blackhole(s);
  check_decode(make_big_transaction(s, false), s.is_mysql());
  if (s.is_mysql()) check_decode(make_big_transaction(s, true), true);
}

INSTANTIATE_TEST_SUITE_P(Both, BigTransaction, ::testing::ValuesIn(shared_server_names()));

}  // namespace
}  // namespace sluice::test
