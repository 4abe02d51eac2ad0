// The test servers themselves: both flavors are up, binlogging rows with GTIDs, TLS on.
#include <gtest/gtest.h>

#include "support/test_servers.h"

namespace sluice::test {
namespace {

class ServersTest : public ::testing::TestWithParam<std::string> {};

TEST_P(ServersTest, BinlogRowFullWithTls) {
  ServerInfo s = shared_server(GetParam());
  std::string out = admin_sql(s, "SELECT @@log_bin, @@binlog_format, @@binlog_row_image, @@ssl_ca <> '';");
  EXPECT_EQ(out, "1\tROW\tFULL\t1\n");
}

TEST_P(ServersTest, FlavorMatchesVersion) {
  ServerInfo s = shared_server(GetParam());
  std::string version = admin_sql(s, "SELECT VERSION();");
  EXPECT_EQ(version.find("MariaDB") != std::string::npos, s.flavor == "mariadb") << version;
}

INSTANTIATE_TEST_SUITE_P(Both, ServersTest, ::testing::ValuesIn(shared_server_names()));

}  // namespace
}  // namespace sluice::test
