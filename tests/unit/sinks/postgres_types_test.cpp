#include "sinks/postgres/postgres_types.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "sinks/postgres/postgres_sink.h"
#include "support/sink_options.h"
#include "unit/sinks/avro_postgres_rows.h"

namespace sluice::sinks::pg {
namespace {

std::string copy_of(PgEncoding e, const core::Value& v) {
  std::string out;
  auto st = append_copy_value(out, e, v);
  return st ? out : "error: " + st.error().message;
}

TEST(PostgresTypes, ColumnTypes) {
  auto info = test::every_kind_stream();
  std::vector<std::string> got;
  for (const auto& c : info.columns) {
    auto t = pg_column_type(c);
    ASSERT_TRUE(t) << c.name;
    got.push_back(t->sql);
  }
  std::vector<std::string> want = {"integer", "smallint", "boolean", "integer", "bigint", "bigint",
                                   "numeric(20,0)", "numeric(30,6)", "real", "double precision", "boolean",
                                   "bigint", "smallint", "date", "interval", "timestamp", "timestamptz", "text",
                                   "bytea", "text", "text", "jsonb", "text", "integer", "integer", "integer",
                                   "integer"};
  EXPECT_EQ(got, want);
}

TEST(PostgresTypes, CopyTextValues) {
  test::RowStore store;
  auto r1 = test::every_kind_row(1, 1, store);
  auto r2 = test::every_kind_row(2, 2, store);
  EXPECT_EQ(copy_of(PgEncoding::kBoolean, r1[2]), "f");
  EXPECT_EQ(copy_of(PgEncoding::kBoolean, r2[2]), "t");
  EXPECT_EQ(copy_of(PgEncoding::kInteger, r2[6]), "18446744073709551615");
  EXPECT_EQ(copy_of(PgEncoding::kInteger, r2[5]), "-9223372036854775808");
  EXPECT_EQ(copy_of(PgEncoding::kNumeric, r1[7]), "12345678901234.123456");
  EXPECT_EQ(copy_of(PgEncoding::kReal, r1[8]), "1.1");
  EXPECT_EQ(copy_of(PgEncoding::kDate, r1[13]), "2024-02-29");
  EXPECT_EQ(copy_of(PgEncoding::kDate, r2[13]), "\\N");  // zero date
  EXPECT_EQ(copy_of(PgEncoding::kInterval, r1[14]), "25:00:00.500000");
  EXPECT_EQ(copy_of(PgEncoding::kInterval, r2[14]), "-838:59:59.000000");
  EXPECT_EQ(copy_of(PgEncoding::kTimestamp, r1[15]), "2024-03-01 13:14:15.123456");
  EXPECT_EQ(copy_of(PgEncoding::kTimestamp, r2[15]), "\\N");
  EXPECT_EQ(copy_of(PgEncoding::kTimestampTz, r1[16]), "2024-03-01 13:14:15.654321+00");
  // A snapshot TIMESTAMP arrives as its UTC fields (a DATETIME-kind value); the zero one is NULL.
  EXPECT_EQ(copy_of(PgEncoding::kTimestampTz, r1[15]), "2024-03-01 13:14:15.123456+00");
  EXPECT_EQ(copy_of(PgEncoding::kTimestampTz, r2[15]), "\\N");
  EXPECT_EQ(copy_of(PgEncoding::kText, r2[17]), "tab\\there\\nnew \\\\ \"q\" 😀");
  EXPECT_EQ(copy_of(PgEncoding::kBytea, r2[18]), "\\\\x00ff01");
  EXPECT_EQ(copy_of(PgEncoding::kText, r1[19]), "b");
  EXPECT_EQ(copy_of(PgEncoding::kText, r2[20]), "x,z");
  EXPECT_EQ(copy_of(PgEncoding::kText, r1[22]), "POINT(1 2)");
  EXPECT_EQ(copy_of(PgEncoding::kJsonb, r1[21]), R"({"a":1.5,"b":[true]})");
  EXPECT_EQ(copy_of(PgEncoding::kText, core::Value::null()), "\\N");
  auto nul = core::Value::with_text(core::ValueKind::kString, std::string_view("a\0b", 3));
  EXPECT_NE(copy_of(PgEncoding::kText, nul).find("NUL"), std::string::npos);
  EXPECT_NE(copy_of(PgEncoding::kDate, r1[17]).find("error"), std::string::npos);
}

TEST(PostgresTypes, SchemaNamesAndQuoting) {
  EXPECT_EQ(schema_name_for("Stitch MySQL RDS"), "stitch_mysql_rds");
  EXPECT_EQ(schema_name_for("9 lives"), "_9_lives");
  EXPECT_EQ(schema_name_for("PG Prod"), "_pg_prod");
  EXPECT_EQ(schema_name_for("Café-Prod"), "caf__prod");
  EXPECT_EQ(quote_ident("a\"b"), "\"a\"\"b\"");
}

TEST(PostgresOptions, ParsedAndChecked) {
  auto o = test::postgres_options({{"type", "postgres"},
                                   {"host", "db"},
                                   {"port", 6543},
                                   {"user", "u"},
                                   {"password", "p"},
                                   {"dbname", "w"},
                                   {"integration_name", "Stitch MySQL RDS"},
                                   {"hard_delete", true}});
  ASSERT_TRUE(o) << o.error().message;
  EXPECT_EQ(o->connect.port, "6543");
  EXPECT_EQ(o->schema, "stitch_mysql_rds");
  EXPECT_TRUE(o->hard_delete);
  EXPECT_FALSE(test::postgres_options({{"host", "db"}}));  // no user
  auto bad = test::postgres_options({{"user", "u"}, {"hard_delete", "yes"}});
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("hard_delete"), std::string::npos);
}

}  // namespace
}  // namespace sluice::sinks::pg
