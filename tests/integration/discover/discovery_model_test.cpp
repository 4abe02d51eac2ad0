// schema::discover() on real servers: the model the replication jobs and the schema history use.
#include <gtest/gtest.h>

#include "mysql/connection.h"
#include "schema/discovery.h"
#include "support/test_servers.h"

namespace sluice::test {
namespace {

class DiscoveryModelTest : public ::testing::TestWithParam<std::string> {};

TEST_P(DiscoveryModelTest, KeysKindsAndDetails) {
  ServerInfo s = shared_server(GetParam());
  admin_sql(s,
            "DROP DATABASE IF EXISTS sluice_model; CREATE DATABASE sluice_model; USE sluice_model;"
            "CREATE TABLE k (a INT NOT NULL, b VARCHAR(10) NOT NULL, c INT, d INT, j JSON,"
            " e ENUM('x','y''z') NOT NULL, t DATETIME(4), n DECIMAL(12,3) UNSIGNED, p POINT,"
            " g INT AS (c + 1) VIRTUAL, PRIMARY KEY (b, a), UNIQUE KEY uq (c, d)) ENGINE=InnoDB;"
            "INSERT INTO k (a, b, e) VALUES (1, 'x', 'x'), (2, 'y', 'x');"
            "CREATE VIEW v AS SELECT a, b FROM k;");
  mysql::ConnectOptions o;
  o.host = s.host;
  o.port = static_cast<uint16_t>(s.port);
  o.user = kReplUser;
  o.password = kReplPassword;
  auto conn = mysql::Connection::connect(o);
  ASSERT_TRUE(conn) << conn.error().message;
  schema::DiscoveryOptions options;
  options.databases = {"sluice_model"};
  schema::DiscoveryStats stats;
  auto tables = schema::discover(**conn, options, &stats);
  ASSERT_TRUE(tables) << tables.error().message;
  EXPECT_LE(stats.queries, 4u);
  ASSERT_EQ(tables->size(), 2u);
  const schema::TableSchema& k = (*tables)[0].name == "k" ? (*tables)[0] : (*tables)[1];
  const schema::TableSchema& v = (*tables)[0].name == "v" ? (*tables)[0] : (*tables)[1];
  EXPECT_TRUE(v.is_view);
  EXPECT_FALSE(k.is_view);
  EXPECT_EQ(k.engine, "InnoDB");
  EXPECT_EQ(k.primary_key, (std::vector<std::string>{"b", "a"}));
  ASSERT_EQ(k.unique_keys.size(), 1u);
  EXPECT_EQ(k.unique_keys[0].name, "uq");
  EXPECT_EQ(k.unique_keys[0].columns, (std::vector<std::string>{"c", "d"}));
  ASSERT_EQ(k.columns.size(), 10u);
  EXPECT_FALSE(k.find_column("a")->nullable);
  EXPECT_EQ(k.find_column("b")->max_length, 10u);
  EXPECT_EQ(k.find_column("b")->charset, "utf8mb4");
  EXPECT_EQ(k.find_column("j")->kind, schema::ColumnKind::kJson);  // MariaDB: via its CHECK
  EXPECT_EQ(k.find_column("e")->enum_values, (std::vector<std::string>{"x", "y'z"}));
  EXPECT_EQ(k.find_column("t")->fsp, 4);
  const schema::ColumnSchema* n = k.find_column("n");
  EXPECT_EQ(n->kind, schema::ColumnKind::kDecimal);
  EXPECT_EQ(n->precision, 12u);
  EXPECT_EQ(n->scale, 3u);
  EXPECT_TRUE(n->is_unsigned);
  EXPECT_EQ(k.find_column("p")->geometry_type, "point");
  EXPECT_TRUE(k.find_column("g")->generated);
  EXPECT_EQ(k.find_column("g")->ordinal, 10u);
  admin_sql(s, "DROP DATABASE sluice_model;");
}

INSTANTIATE_TEST_SUITE_P(Both, DiscoveryModelTest, ::testing::ValuesIn(shared_server_names()));

}  // namespace
}  // namespace sluice::test
