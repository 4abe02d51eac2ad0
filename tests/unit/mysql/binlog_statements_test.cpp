// mysql::split_query_info: SHOW BINLOG EVENTS' Info of a QUERY event.
#include "mysql/binlog_statements.h"

#include <gtest/gtest.h>

namespace sluice::mysql {
namespace {

TEST(BinlogStatements, SplitsTheDefaultDatabaseFromTheStatement) {
  auto [db, sql] = split_query_info("use `shop`; ALTER TABLE t ADD c INT /* xid=12 */");
  EXPECT_EQ(db, "shop");
  EXPECT_EQ(sql, "ALTER TABLE t ADD c INT /* xid=12 */");
  auto [db2, sql2] = split_query_info("use `we``ird; db`; DROP TABLE x");
  EXPECT_EQ(db2, "we`ird; db");
  EXPECT_EQ(sql2, "DROP TABLE x");
  auto [db3, sql3] = split_query_info("BEGIN");
  EXPECT_EQ(db3, "");
  EXPECT_EQ(sql3, "BEGIN");
}

}  // namespace
}  // namespace sluice::mysql
