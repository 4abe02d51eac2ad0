// The PostgreSQL destination's identifier mapping and type-change policy (pg_ddl.h).
#include "sinks/postgres/pg_ddl.h"

#include <gtest/gtest.h>

namespace sluice::sinks::pg {
namespace {

TEST(PgIdentifier, ShortNamesAreKeptLongOnesCutWithAHash) {
  EXPECT_EQ(pg_identifier("orders"), "orders");
  std::string exact(63, 'a');
  EXPECT_EQ(pg_identifier(exact), exact);
  std::string a = std::string(60, 'x') + "_first", b = std::string(60, 'x') + "_second";
  std::string ma = pg_identifier(a), mb = pg_identifier(b);
  EXPECT_EQ(ma.size(), 63u);
  EXPECT_TRUE(ma.starts_with(std::string(54, 'x') + "_")) << ma;
  EXPECT_NE(ma, mb);                 // same first 63 bytes, different names
  EXPECT_EQ(ma, pg_identifier(a));   // deterministic
  // A multi-byte character is never split: "é" is 2 bytes at offsets 53-54.
  std::string u = std::string(53, 'y') + "\xc3\xa9" + std::string(20, 'z');
  std::string mu = pg_identifier(u);
  EXPECT_TRUE(mu.starts_with(std::string(53, 'y') + "_")) << mu;
  EXPECT_LE(mu.size(), 63u);
}

TEST(PgTypeChange, WideningNarrowingAndIncompatible) {
  auto kind = [](const char* have, const char* want) { return classify_type_change(have, want).kind; };
  auto target = [](const char* have, const char* want) { return classify_type_change(have, want).target; };
  EXPECT_EQ(kind("integer", "integer"), TypeChangeKind::kSame);
  EXPECT_EQ(kind("timestamp with time zone", "timestamptz"), TypeChangeKind::kSame);
  EXPECT_EQ(kind("text", "text"), TypeChangeKind::kSame);  // VARCHAR(10) -> VARCHAR(100)
  EXPECT_EQ(target("integer", "bigint"), "bigint");          // INT -> BIGINT
  EXPECT_EQ(target("smallint", "integer"), "integer");
  EXPECT_EQ(target("bigint", "numeric(20,0)"), "numeric(20,0)");  // BIGINT -> BIGINT UNSIGNED
  EXPECT_EQ(kind("bigint", "integer"), TypeChangeKind::kKeep);    // narrowing: the wide column holds it
  EXPECT_EQ(kind("numeric(20,0)", "bigint"), TypeChangeKind::kKeep);
  EXPECT_EQ(target("numeric(10,2)", "numeric(12,2)"), "numeric(12,2)");
  EXPECT_EQ(kind("numeric(12,2)", "numeric(10,2)"), TypeChangeKind::kKeep);
  EXPECT_EQ(target("numeric(10,2)", "numeric(10,4)"), "numeric(12,4)");  // both whole digits and scale kept
  EXPECT_EQ(target("integer", "numeric(5,2)"), "numeric(12,2)");
  EXPECT_EQ(kind("numeric(12,2)", "integer"), TypeChangeKind::kKeep);
  EXPECT_EQ(kind("numeric(9,2)", "integer"), TypeChangeKind::kWiden);
  EXPECT_EQ(kind("numeric", "bigint"), TypeChangeKind::kKeep);
  EXPECT_EQ(target("real", "double precision"), "double precision");
  EXPECT_EQ(kind("double precision", "real"), TypeChangeKind::kKeep);
  EXPECT_EQ(kind("integer", "text"), TypeChangeKind::kIncompatible);
  EXPECT_EQ(kind("text", "integer"), TypeChangeKind::kIncompatible);
  EXPECT_EQ(kind("bigint", "double precision"), TypeChangeKind::kIncompatible);
  EXPECT_EQ(kind("timestamp without time zone", "timestamptz"), TypeChangeKind::kIncompatible);
  EXPECT_EQ(kind("boolean", "smallint"), TypeChangeKind::kIncompatible);
}

}  // namespace
}  // namespace sluice::sinks::pg
