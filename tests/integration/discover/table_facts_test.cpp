// The table facts behind sync's warnings (schema/discovery.h): an index that begins with a column
// (an unindexed replication key scans the table each job) and column-level grants (the binlog
// carries columns the user cannot SELECT), on real servers.
#include <gtest/gtest.h>

#include "mysql/connection.h"
#include "schema/discovery.h"
#include "support/test_servers.h"

namespace sluice::test {
namespace {

class TableFactsTest : public ::testing::TestWithParam<std::string> {};

TEST_P(TableFactsTest, IndexesLedByAColumnAndColumnGrants) {
  ServerInfo s = shared_server(GetParam());
  admin_sql(s,
            "DROP DATABASE IF EXISTS sluice_facts; CREATE DATABASE sluice_facts; USE sluice_facts;"
            "CREATE TABLE f (a INT PRIMARY KEY, b INT, c INT, KEY ib (b, c));"
            "CREATE TABLE g (a INT PRIMARY KEY, b INT);"
            "DROP USER IF EXISTS 'sluice_facts_cols'@'%'; CREATE USER 'sluice_facts_cols'@'%' IDENTIFIED BY "
            "'colspw';"
            "GRANT SELECT (a, b) ON sluice_facts.f TO 'sluice_facts_cols'@'%';");
  auto admin = mysql::Connection::connect(admin_connect_options(s));
  ASSERT_TRUE(admin) << admin.error().message;
  for (const auto& [column, indexed] : {std::pair{"a", true}, {"b", true}, {"c", false}}) {
    auto v = schema::has_index_led_by(**admin, "sluice_facts", "f", column);
    ASSERT_TRUE(v) << v.error().message;
    EXPECT_EQ(*v, indexed) << "an index led by " << column;
  }
  mysql::ConnectOptions o = admin_connect_options(s);
  o.user = "sluice_facts_cols";
  o.password = "colspw";
  auto cols = mysql::Connection::connect(o);
  ASSERT_TRUE(cols) << cols.error().message;
  auto f = schema::has_column_grants(**cols, "sluice_facts", "f");
  ASSERT_TRUE(f) << f.error().message;
  EXPECT_TRUE(*f);
  auto g = schema::has_column_grants(**admin, "sluice_facts", "g");
  ASSERT_TRUE(g) << g.error().message;
  EXPECT_FALSE(*g);
  admin_sql(s, "DROP USER 'sluice_facts_cols'@'%'; DROP DATABASE sluice_facts;");
}

INSTANTIATE_TEST_SUITE_P(Servers, TableFactsTest, ::testing::Values("mariadb", "mysql"),
                         [](const auto& p) { return p.param; });

}  // namespace
}  // namespace sluice::test
