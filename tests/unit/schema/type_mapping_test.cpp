// Type mapping from (DATA_TYPE, COLUMN_TYPE) as MySQL 9 and MariaDB 10.11 write them.
#include <gtest/gtest.h>

#include "schema/type_mapping.h"

namespace sluice::schema {
namespace {

struct KindCase {
  const char* data_type;
  const char* column_type;
  ColumnKind kind;
};

TEST(TypeMapping, EveryTypeHasAKind) {
  const KindCase cases[] = {
      {"tinyint", "tinyint(4)", ColumnKind::kTinyInt},
      {"tinyint", "tinyint", ColumnKind::kTinyInt},
      {"smallint", "smallint(5) unsigned", ColumnKind::kSmallInt},
      {"mediumint", "mediumint", ColumnKind::kMediumInt},
      {"int", "int(11)", ColumnKind::kInt},
      {"bigint", "bigint unsigned", ColumnKind::kBigInt},
      {"decimal", "decimal(20,6)", ColumnKind::kDecimal},
      {"float", "float", ColumnKind::kFloat},
      {"double", "double", ColumnKind::kDouble},
      {"bit", "bit(8)", ColumnKind::kBit},
      {"year", "year(4)", ColumnKind::kYear},
      {"year", "year", ColumnKind::kYear},
      {"date", "date", ColumnKind::kDate},
      {"time", "time(6)", ColumnKind::kTime},
      {"datetime", "datetime(6)", ColumnKind::kDateTime},
      {"timestamp", "timestamp(3)", ColumnKind::kTimestamp},
      {"char", "char(10)", ColumnKind::kChar},
      {"varchar", "varchar(255)", ColumnKind::kVarchar},
      {"tinytext", "tinytext", ColumnKind::kText},
      {"text", "text", ColumnKind::kText},
      {"mediumtext", "mediumtext", ColumnKind::kText},
      {"longtext", "longtext", ColumnKind::kText},
      {"binary", "binary(4)", ColumnKind::kBinary},
      {"varbinary", "varbinary(16)", ColumnKind::kVarbinary},
      {"tinyblob", "tinyblob", ColumnKind::kBlob},
      {"blob", "blob", ColumnKind::kBlob},
      {"mediumblob", "mediumblob", ColumnKind::kBlob},
      {"longblob", "longblob", ColumnKind::kBlob},
      {"enum", "enum('a','b')", ColumnKind::kEnum},
      {"set", "set('x','y')", ColumnKind::kSet},
      {"json", "json", ColumnKind::kJson},
      {"geometry", "geometry", ColumnKind::kGeometry},
      {"point", "point", ColumnKind::kGeometry},
      {"linestring", "linestring", ColumnKind::kGeometry},
      {"polygon", "polygon", ColumnKind::kGeometry},
      {"multipoint", "multipoint", ColumnKind::kGeometry},
      {"multilinestring", "multilinestring", ColumnKind::kGeometry},
      {"multipolygon", "multipolygon", ColumnKind::kGeometry},
      {"geomcollection", "geomcollection", ColumnKind::kGeometry},
      {"geometrycollection", "geometrycollection", ColumnKind::kGeometry},
      {"vector", "vector(3)", ColumnKind::kVector},
      {"inet4", "inet4", ColumnKind::kInet4},
      {"inet6", "inet6", ColumnKind::kInet6},
      {"uuid", "uuid", ColumnKind::kUuid},
      {"INT", "INT(11)", ColumnKind::kInt},
      {"", "decimal(5,2) unsigned", ColumnKind::kDecimal},
      {"sometype", "sometype", ColumnKind::kUnknown},
  };
  for (const KindCase& c : cases) {
    EXPECT_EQ(classify_type(c.data_type, c.column_type), c.kind) << c.data_type << " / " << c.column_type;
  }
}

TEST(TypeMapping, UnsignedAndBoolean) {
  EXPECT_TRUE(column_from_type("a", "int", "int(10) unsigned").is_unsigned);
  EXPECT_TRUE(column_from_type("a", "int", "int unsigned zerofill").is_unsigned);
  EXPECT_FALSE(column_from_type("a", "int", "int(11)").is_unsigned);
  EXPECT_FALSE(column_from_type("a", "enum", "enum('unsigned')").is_unsigned);
  EXPECT_TRUE(column_from_type("a", "tinyint", "tinyint(1)").is_boolean);
  EXPECT_TRUE(column_from_type("a", "tinyint", "tinyint(1) unsigned").is_boolean);
  EXPECT_FALSE(column_from_type("a", "tinyint", "tinyint(4)").is_boolean);
  EXPECT_FALSE(column_from_type("a", "tinyint", "tinyint unsigned").is_boolean);  // MySQL 9 drops the (1)
  EXPECT_TRUE(column_from_type("a", "", "bool").is_boolean);
}

TEST(TypeMapping, NumbersFromTheTypeText) {
  ColumnSchema d = column_from_type("d", "decimal", "decimal(20,6)");
  EXPECT_EQ(d.precision, 20u);
  EXPECT_EQ(d.scale, 6u);
  ColumnSchema d0 = column_from_type("d", "decimal", "decimal");
  EXPECT_EQ(d0.precision, 10u);
  EXPECT_EQ(d0.scale, 0u);
  EXPECT_EQ(column_from_type("b", "bit", "bit(5)").precision, 5u);
  EXPECT_EQ(column_from_type("b", "bit", "bit").precision, 1u);
  EXPECT_EQ(column_from_type("v", "vector", "vector(3)").precision, 3u);
  EXPECT_EQ(column_from_type("t", "datetime", "datetime(6)").fsp, 6);
  EXPECT_EQ(column_from_type("t", "time", "time").fsp, 0);
  EXPECT_EQ(column_from_type("t", "timestamp", "timestamp(3)").fsp, 3);
  EXPECT_EQ(column_from_type("c", "varchar", "varchar(255)").max_length, 255u);
  EXPECT_EQ(column_from_type("c", "text", "text").max_length, 65535u);
  EXPECT_EQ(column_from_type("c", "longtext", "longtext").max_length, 4294967295u);
  EXPECT_EQ(column_from_type("c", "binary", "binary(4)").charset, "binary");
  EXPECT_EQ(column_from_type("g", "geomcollection", "geomcollection").geometry_type, "geometrycollection");
  EXPECT_EQ(column_from_type("g", "point", "point").geometry_type, "point");
  EXPECT_TRUE(parse_type_arguments("varchar(x)").empty());
  EXPECT_EQ(parse_type_arguments("decimal(5, 2) unsigned"), (std::vector<uint64_t>{5, 2}));
}

TEST(TypeMapping, EnumAndSetLabels) {
  EXPECT_EQ(parse_enum_values("enum('a','b','c')"), (std::vector<std::string>{"a", "b", "c"}));
  // information_schema doubles quotes and backslashes: label y'y\z, a comma and parentheses.
  EXPECT_EQ(parse_enum_values("enum('x','y''y\\\\z','a,b)','')"),
            (std::vector<std::string>{"x", "y'y\\z", "a,b)", ""}));
  EXPECT_EQ(parse_enum_values("set('x','y','z')"), (std::vector<std::string>{"x", "y", "z"}));
  EXPECT_EQ(parse_enum_values("enum('ünï','😀')"), (std::vector<std::string>{"ünï", "😀"}));
  EXPECT_TRUE(parse_enum_values("enum('unterminated").empty());
  EXPECT_TRUE(parse_enum_values("varchar(3)").empty());
  ColumnSchema e = column_from_type("e", "enum", "enum('ab','ünïc')");
  EXPECT_EQ(e.max_length, 4u);  // characters of the longest label
  ColumnSchema s = column_from_type("s", "set", "set('a','bb','ccc')");
  EXPECT_EQ(s.max_length, 8u);  // "a,bb,ccc"
}

TEST(TypeMapping, ReplicationKeys) {
  EXPECT_TRUE(can_be_replication_key(column_from_type("a", "datetime", "datetime(6)")));
  EXPECT_TRUE(can_be_replication_key(column_from_type("a", "int", "int")));
  EXPECT_FALSE(can_be_replication_key(column_from_type("a", "tinyint", "tinyint(1)")));
  EXPECT_FALSE(can_be_replication_key(column_from_type("a", "json", "json")));
  EXPECT_FALSE(can_be_replication_key(column_from_type("a", "blob", "blob")));
}

TEST(TypeMapping, KindNames) {
  EXPECT_EQ(kind_name(ColumnKind::kUuid), "uuid");
  EXPECT_EQ(kind_name(ColumnKind::kTimestamp), "timestamp");
  EXPECT_EQ(kind_name(ColumnKind::kUnknown), "unknown");
}

}  // namespace
}  // namespace sluice::schema
