// `sluice discover` against real MariaDB and MySQL servers: every column type, a view, a table
// without a key, a composite key, names that need quoting; the catalog is checked by
// python3-jsonschema (Draft 4 meta-schema, and a row SELECTed and encoded per docs/types.md),
// and on MariaDB compared with the Singer tap's catalog of the same schema.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "support/test_servers.h"
#include "support/test_util.h"
#include "unit/schema/tap_differences.h"

namespace sluice::test {
namespace {

using Json = nlohmann::ordered_json;

enum Only { kBoth, kMariaDb, kMySql };

// A column of the all-types table: DDL type, a value, the expected catalog property, and the
// SQL expression (over `{}` = the column) that renders its Singer RECORD form as JSON text.
struct TypeCase {
  const char* name;
  const char* ddl;
  const char* value;
  const char* schema;
  const char* encode;
  Only only = kBoth;
};

constexpr const char* kNumber = "CAST({} AS CHAR)";
constexpr const char* kBits = "CAST({}+0 AS CHAR)";
constexpr const char* kString = "JSON_QUOTE({})";
constexpr const char* kText = "JSON_QUOTE(CAST({} AS CHAR))";
constexpr const char* kBool = "IF({} IS NULL, NULL, IF({}, 'true', 'false'))";
constexpr const char* kDateTime = "JSON_QUOTE(DATE_FORMAT({}, '%Y-%m-%dT%H:%i:%s.%fZ'))";
constexpr const char* kBase64 = "JSON_QUOTE(REPLACE(TO_BASE64({}), '\\n', ''))";
constexpr const char* kWkt = "JSON_QUOTE(ST_AsText({}))";
#define INT_SCHEMA(lo, hi) R"({"inclusion":"available","minimum":)" lo R"(,"maximum":)" hi R"(,"type":["null","integer"]})"
#define STR_SCHEMA(extra) R"({"inclusion":"available",)" extra R"("type":["null","string"]})"

const std::vector<TypeCase>& type_cases() {
  static const std::vector<TypeCase> cases = {
      {"c_tinyint", "TINYINT", "-128", INT_SCHEMA("-128", "127"), kNumber},
      {"c_utinyint", "TINYINT UNSIGNED", "255", INT_SCHEMA("0", "255"), kNumber},
      {"c_bool", "BOOL", "1", R"({"inclusion":"available","type":["null","boolean"]})", kBool},
      {"c_smallint", "SMALLINT", "-32768", INT_SCHEMA("-32768", "32767"), kNumber},
      {"c_usmallint", "SMALLINT UNSIGNED", "65535", INT_SCHEMA("0", "65535"), kNumber},
      {"c_mediumint", "MEDIUMINT", "-8388608", INT_SCHEMA("-8388608", "8388607"), kNumber},
      {"c_umediumint", "MEDIUMINT UNSIGNED", "16777215", INT_SCHEMA("0", "16777215"), kNumber},
      {"c_int", "INT", "-2147483648", INT_SCHEMA("-2147483648", "2147483647"), kNumber},
      {"c_uint", "INT UNSIGNED", "4294967295", INT_SCHEMA("0", "4294967295"), kNumber},
      {"c_bigint", "BIGINT", "-9223372036854775808", INT_SCHEMA("-9223372036854775808", "9223372036854775807"), kNumber},
      {"c_ubigint", "BIGINT UNSIGNED", "18446744073709551615", INT_SCHEMA("0", "18446744073709551615"), kNumber},
      {"c_decimal", "DECIMAL(20,6)", "12345678901234.123456",
       R"({"inclusion":"available","multipleOf":1e-06,"type":["null","number"]})", kNumber},
      {"c_decimal0", "DECIMAL(10,0)", "-9999999999", R"({"inclusion":"available","multipleOf":1,"type":["null","number"]})",
       kNumber},
      {"c_float", "FLOAT", "1.5", R"({"inclusion":"available","type":["null","number"]})", kNumber},
      {"c_double", "DOUBLE", "2.25", R"({"inclusion":"available","type":["null","number"]})", kNumber},
      {"c_bit1", "BIT(1)", "b'1'", R"({"inclusion":"available","type":["null","boolean"]})", kBool},
      {"c_bit8", "BIT(8)", "b'10101010'", INT_SCHEMA("0", "255"), kBits},
      {"c_bit64", "BIT(64)", "0xFFFFFFFFFFFFFFFF", INT_SCHEMA("0", "18446744073709551615"), kBits},
      {"c_year", "YEAR", "2024", INT_SCHEMA("0", "2155"), kBits},
      {"c_date", "DATE", "'2024-02-29'", STR_SCHEMA(R"("format":"date-time",)"), kDateTime},
      {"c_time", "TIME", "'-838:59:59'", STR_SCHEMA(""), kText},
      {"c_time6", "TIME(6)", "'25:00:00.5'", STR_SCHEMA(""), kText},
      {"c_datetime", "DATETIME", "'2024-02-29 13:14:15'", STR_SCHEMA(R"("format":"date-time",)"), kDateTime},
      {"c_datetime3", "DATETIME(3)", "'1969-07-20 20:17:40.5'", STR_SCHEMA(R"("format":"date-time",)"), kDateTime},
      {"c_timestamp", "TIMESTAMP(6) NULL DEFAULT NULL", "'2038-01-19 03:14:07.999999'",
       STR_SCHEMA(R"("format":"date-time",)"), kDateTime},
      {"c_char", "CHAR(10)", "'chär'", STR_SCHEMA(R"("maxLength":10,)"), kString},
      {"c_varchar", "VARCHAR(255)", "'héllo 😀'", STR_SCHEMA(R"("maxLength":255,)"), kString},
      {"c_latin1", "VARCHAR(20) CHARACTER SET latin1", "'àé'", STR_SCHEMA(R"("maxLength":20,)"), kString},
      {"c_tinytext", "TINYTEXT", "'tiny'", STR_SCHEMA(R"("maxLength":255,)"), kString},
      {"c_text", "TEXT", "'text \"q\" \\\\ x'", STR_SCHEMA(R"("maxLength":65535,)"), kString},
      {"c_mediumtext", "MEDIUMTEXT", "'m'", STR_SCHEMA(R"("maxLength":16777215,)"), kString},
      {"c_longtext", "LONGTEXT", "'l'", STR_SCHEMA(R"("maxLength":4294967295,)"), kString},
      {"c_binary", "BINARY(4)", "0x00010203", STR_SCHEMA(R"("contentEncoding":"base64",)"), kBase64},
      {"c_varbinary", "VARBINARY(16)", "0xDEADBEEF", STR_SCHEMA(R"("contentEncoding":"base64",)"), kBase64},
      {"c_tinyblob", "TINYBLOB", "0x00", STR_SCHEMA(R"("contentEncoding":"base64",)"), kBase64},
      {"c_blob", "BLOB", "0x00FF00FF80", STR_SCHEMA(R"("contentEncoding":"base64",)"), kBase64},
      {"c_mediumblob", "MEDIUMBLOB", "0x01", STR_SCHEMA(R"("contentEncoding":"base64",)"), kBase64},
      {"c_longblob", "LONGBLOB", "0x02", STR_SCHEMA(R"("contentEncoding":"base64",)"), kBase64},
      {"c_enum", "ENUM('a','b''q','c')", "'b''q'", STR_SCHEMA(R"("maxLength":3,)"), kString},
      {"c_set", "SET('x','y','z')", "'x,z'", STR_SCHEMA(R"("maxLength":5,)"), kString},
      {"c_json", "JSON", "'{\"a\": [1, true, null], \"u\": \"ünï\"}'",
       R"({"inclusion":"available","type":["null","object","array","string","number","boolean"]})", "CAST({} AS CHAR)"},
      {"c_geometry", "GEOMETRY", "ST_GeomFromText('POINT(1 2)')", STR_SCHEMA(""), kWkt},
      {"c_point", "POINT", "ST_GeomFromText('POINT(3 4)')", STR_SCHEMA(""), kWkt},
      {"c_linestring", "LINESTRING", "ST_GeomFromText('LINESTRING(0 0,1 1)')", STR_SCHEMA(""), kWkt},
      {"c_polygon", "POLYGON", "ST_GeomFromText('POLYGON((0 0,1 0,1 1,0 0))')", STR_SCHEMA(""), kWkt},
      {"c_multipoint", "MULTIPOINT", "ST_GeomFromText('MULTIPOINT(0 0,1 1)')", STR_SCHEMA(""), kWkt},
      {"c_multilinestring", "MULTILINESTRING", "ST_GeomFromText('MULTILINESTRING((0 0,1 1),(2 2,3 3))')",
       STR_SCHEMA(""), kWkt},
      {"c_multipolygon", "MULTIPOLYGON", "ST_GeomFromText('MULTIPOLYGON(((0 0,1 0,1 1,0 0)))')", STR_SCHEMA(""), kWkt},
      {"c_geomcollection", "GEOMETRYCOLLECTION", "ST_GeomFromText('GEOMETRYCOLLECTION(POINT(1 2))')", STR_SCHEMA(""),
       kWkt},
      {"c_inet4", "INET4", "'192.168.0.1'", STR_SCHEMA(R"("format":"ipv4",)"), kText, kMariaDb},
      {"c_inet6", "INET6", "'2001:db8::1'", STR_SCHEMA(R"("format":"ipv6",)"), kText, kMariaDb},
      {"c_uuid", "UUID", "'123e4567-e89b-12d3-a456-426614174000'", STR_SCHEMA(R"("maxLength":36,)"), kText, kMariaDb},
      {"c_vector", "VECTOR(3)", "STRING_TO_VECTOR('[1,2.5,3]')",
       R"({"inclusion":"available","type":["null","array"],"items":{"type":"number"}})", "VECTOR_TO_STRING({})", kMySql},
  };
  return cases;
}

bool applies(const TypeCase& c, const ServerInfo& s) {
  return c.only == kBoth || (c.only == kMySql) == s.is_mysql();
}

std::string replace_all(std::string s, const std::string& from, const std::string& to) {
  for (size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size())) s.replace(at, from.size(), to);
  return s;
}

std::string setup_sql(const ServerInfo& s) {
  std::string cols = "id INT NOT NULL PRIMARY KEY", values = "1", nulls = "2";
  for (const TypeCase& c : type_cases()) {
    if (!applies(c, s)) continue;
    cols += std::string(", ") + c.name + " " + c.ddl;
    values += std::string(", ") + c.value;
    nulls += ", NULL";
  }
  return "SET SESSION time_zone = '+00:00';"
         "DROP DATABASE IF EXISTS sluice_disc; CREATE DATABASE sluice_disc CHARACTER SET utf8mb4; USE sluice_disc;"
         "CREATE TABLE all_types (" + cols + ");"
         "INSERT INTO all_types VALUES (" + values + "), (" + nulls + ");"
         "CREATE VIEW v_all AS SELECT id, c_int, c_decimal, c_datetime3, c_varchar FROM all_types;"
         "CREATE VIEW v_blobs AS SELECT c_blob, c_json FROM all_types;"
         "CREATE TABLE nokey (a INT, b VARCHAR(5));"
         "CREATE TABLE compk (a INT NOT NULL, b VARCHAR(10) NOT NULL, c INT, PRIMARY KEY (b, a), UNIQUE KEY uq (c));"
         "DROP DATABASE IF EXISTS `sluice disc.ü``q`; CREATE DATABASE `sluice disc.ü``q`;"
         "CREATE TABLE `sluice disc.ü``q`.`tä``ble.n me` (`co l``ü.x` INT PRIMARY KEY, `ñ \"quoted\"` VARCHAR(3));";
}

// The row with `id`, rendered by the server in the Singer RECORD form of docs/types.md.
std::string select_record_sql(const ServerInfo& s, int id) {
  std::string pieces = "'\"id\":', CAST(id AS CHAR)";
  for (const TypeCase& c : type_cases()) {
    if (!applies(c, s)) continue;
    std::string expr = replace_all(c.encode, "{}", std::string("`") + c.name + "`");
    pieces += std::string(", ',\"") + c.name + "\":', COALESCE(" + expr + ", 'null')";
  }
  return "SET SESSION time_zone = '+00:00'; SELECT CONCAT('{', " + pieces + ", '}') FROM sluice_disc.all_types WHERE id = " +
         std::to_string(id) + ";";
}

// Undoes the mariadb client's batch escaping (\\ \n \t \0).
std::string unescape_batch(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 1 < s.size()) {
      char e = s[++i];
      out += e == 'n' ? '\n' : e == 't' ? '\t' : e == '0' ? '\0' : e;
    } else if (s[i] != '\n') {
      out += s[i];
    }
  }
  return out;
}

const Json* find_stream(const Json& catalog, const std::string& id) {
  for (const Json& s : catalog["streams"]) {
    if (s["tap_stream_id"] == id) return &s;
  }
  return nullptr;
}

class DiscoverTest : public ::testing::TestWithParam<std::string> {};

TEST_P(DiscoverTest, EveryTypeViewKeysAndQuotedNames) {
  ServerInfo s = shared_server(GetParam());
  admin_sql(s, setup_sql(s));
  std::string dir = make_temp_dir("discover");
  std::string config = write_config(s, R"("filter_dbs": "sluice_disc,sluice disc.ü`q")");
  CommandResult r = run_sluice({"discover", "--config", config, "--output", dir + "/catalog.json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "");
  Json catalog = Json::parse(read_file(dir + "/catalog.json"));
  std::vector<std::string> ids;
  for (const Json& st : catalog["streams"]) ids.push_back(st["tap_stream_id"]);
  EXPECT_EQ(ids, (std::vector<std::string>{"sluice disc.ü`q-tä`ble.n me", "sluice_disc-all_types", "sluice_disc-compk",
                                           "sluice_disc-nokey", "sluice_disc-v_all", "sluice_disc-v_blobs"}));

  const Json* all = find_stream(catalog, "sluice_disc-all_types");
  ASSERT_NE(all, nullptr);
  const Json& props = (*all)["schema"]["properties"];
  EXPECT_EQ(props["id"].dump(), R"({"inclusion":"automatic","minimum":-2147483648,"maximum":2147483647,"type":["null","integer"]})");
  for (const TypeCase& c : type_cases()) {
    if (!applies(c, s)) continue;
    ASSERT_TRUE(props.contains(c.name)) << c.name;
    EXPECT_EQ(props[c.name].dump(), c.schema) << c.name << " " << c.ddl;
  }
  for (size_t i = 1; i < (*all)["metadata"].size(); ++i) {
    EXPECT_EQ((*all)["metadata"][i]["metadata"]["selected-by-default"], true) << (*all)["metadata"][i].dump();
  }
  const Json& top = (*all)["metadata"][0]["metadata"];
  EXPECT_EQ(top["table-key-properties"], Json::array({"id"}));
  EXPECT_EQ(top["is-view"], false);
  EXPECT_EQ(top["database-name"], "sluice_disc");

  const Json& compk = (*find_stream(catalog, "sluice_disc-compk"))["metadata"][0]["metadata"];
  EXPECT_EQ(compk["table-key-properties"], Json::array({"a", "b"}));
  const Json& nokey = (*find_stream(catalog, "sluice_disc-nokey"))["metadata"][0]["metadata"];
  EXPECT_EQ(nokey["table-key-properties"], Json::array());
  const Json& view = (*find_stream(catalog, "sluice_disc-v_all"))["metadata"][0]["metadata"];
  EXPECT_EQ(view.dump(), R"({"selected-by-default":false,"database-name":"sluice_disc","is-view":true})");
  const Json& blobs = (*find_stream(catalog, "sluice_disc-v_blobs"))["metadata"][0]["metadata"];
  EXPECT_EQ(blobs["forced-replication-method"], "FULL_TABLE");

  const Json& q = *find_stream(catalog, "sluice disc.ü`q-tä`ble.n me");
  EXPECT_EQ(q["stream"], "tä`ble.n me");
  EXPECT_EQ(q["metadata"][0]["metadata"]["table-key-properties"], Json::array({"co l`ü.x"}));
  EXPECT_EQ(q["metadata"][2]["breadcrumb"][1], "ñ \"quoted\"");

  // Independent check: python3-jsonschema validates the schemas and the rows as the server renders them.
  std::string records;
  for (int id : {1, 2}) {
    std::string rec = unescape_batch(admin_sql(s, select_record_sql(s, id)));
    EXPECT_TRUE(Json::accept(rec)) << rec;  // the encoding expressions themselves produce JSON
    records += R"({"stream":"sluice_disc-all_types","record":)" + rec + "}\n";  // digits as the server wrote them
  }
  write_file(dir + "/records.jsonl", records);
  CommandResult v = run_command({"/usr/bin/python3", source_dir() + "/tests/integration/discover/validate_catalog.py",
                                 dir + "/catalog.json", dir + "/records.jsonl"});
  EXPECT_EQ(v.exit_code, 0) << v.out << v.err;
  EXPECT_NE(v.out.find("checked 6 streams, 2 records, 0 problems"), std::string::npos) << v.out;
}

TEST_P(DiscoverTest, MatchesTheSingerTapOnItsOwnSchema) {
  ServerInfo s = shared_server(GetParam());
  admin_sql(s, read_file(source_dir() + "/tests/data/tap_reference/schema.sql"));
  admin_sql(s, "ANALYZE TABLE sluice_t.types_full, sluice_t.types_incr, sluice_t.types_log, sluice_t.nopk, sluice_t.compk;");
  std::string config = write_config(s, R"("filter_dbs": "sluice_t")");
  CommandResult r = run_sluice({"discover", "--config", config});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  Json ours = Json::parse(r.out);
  Json tap = tap_reference_catalog();
  ASSERT_EQ(ours["streams"].size(), tap["streams"].size());
  for (size_t i = 0; i < tap["streams"].size(); ++i) {
    Json expected = expected_sluice_stream(tap["streams"][i]);
    Json got = ours["streams"][i];
    if (s.is_mysql()) {
      // MySQL 8.0.19+ shows no integer display width ("int", not "int(11)"), JSON is a real type,
      // and YEAR is "year": compare the schemas only, sql-datatype per flavor is checked below.
      got["metadata"] = expected["metadata"];
    }
    EXPECT_EQ(got.dump(2), expected.dump(2)) << tap["streams"][i]["tap_stream_id"];
  }
  if (s.is_mysql()) {
    const Json& md = ours["streams"][2]["metadata"];
    EXPECT_EQ(md[1]["metadata"]["sql-datatype"], "int");
    EXPECT_EQ(md[3]["metadata"]["sql-datatype"], "tinyint(1)");
  }
}

TEST_P(DiscoverTest, ErrorsAreOneLineWithTheRightExitCode) {
  ServerInfo s = shared_server(GetParam());
  std::string dir = make_temp_dir("discover-err");
  // Usage: no --config.
  CommandResult usage = run_sluice({"discover"});
  EXPECT_EQ(usage.exit_code, 2) << usage.err;
  // Config: not JSON.
  write_file(dir + "/bad.json", "{not json");
  CommandResult bad = run_sluice({"discover", "--config", dir + "/bad.json"});
  EXPECT_EQ(bad.exit_code, 2) << bad.err;
  EXPECT_EQ(split_lines(bad.err).size(), 1u) << bad.err;
  // Runtime: wrong password; the catalog file is not created.
  std::string config = write_config(s, "", kReplUser, "wrong-password");
  CommandResult auth = run_sluice({"discover", "--config", config, "--output", dir + "/catalog.json"});
  EXPECT_EQ(auth.exit_code, 1) << auth.err;
  ASSERT_EQ(split_lines(auth.err).size(), 1u) << auth.err;
  EXPECT_TRUE(auth.err.starts_with("sluice: error: ")) << auth.err;
  EXPECT_EQ(auth.err.find("wrong-password"), std::string::npos) << auth.err;
  EXPECT_EQ(run_command({"test", "-e", dir + "/catalog.json"}).exit_code, 1);
  // Runtime: the output directory does not exist.
  CommandResult out = run_sluice({"discover", "--config", write_config(s), "--output", dir + "/no/such/dir/c.json"});
  EXPECT_EQ(out.exit_code, 1) << out.err;
  EXPECT_NE(out.err.find("no/such/dir"), std::string::npos) << out.err;
}

uint64_t questions(const ServerInfo& s) {
  std::string out = admin_sql(s, "SHOW GLOBAL STATUS LIKE 'Questions';");
  return std::stoull(out.substr(out.find('\t') + 1));
}

// Statements the server received while sluice discovered `filter_dbs` (the admin query that
// reads the counter counts once and is subtracted).
uint64_t discover_statements(const ServerInfo& s, const std::string& filter_dbs, Json& catalog) {
  std::string config = write_config(s, "\"filter_dbs\": \"" + filter_dbs + "\"");
  uint64_t before = questions(s);
  CommandResult r = run_sluice({"discover", "--config", config});
  uint64_t after = questions(s);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  catalog = Json::parse(r.out);
  return after - before - 1;
}

TEST_P(DiscoverTest, ThousandTablesInABoundedNumberOfQueries) {
  ServerInfo s = shared_server(GetParam());
  std::string sql = "DROP DATABASE IF EXISTS sluice_many; CREATE DATABASE sluice_many; USE sluice_many;";
  for (int i = 0; i < 1000; ++i) {
    sql += "CREATE TABLE t" + std::to_string(i) +
           " (id INT PRIMARY KEY, a VARCHAR(10), b DATETIME(6), c DECIMAL(10,2), d JSON);";
  }
  admin_sql(s, sql);
  admin_sql(s, "DROP DATABASE IF EXISTS sluice_few; CREATE DATABASE sluice_few; CREATE TABLE sluice_few.t (id INT);");
  Json few, many;
  uint64_t few_statements = discover_statements(s, "sluice_few", few);
  auto start = std::chrono::steady_clock::now();
  uint64_t many_statements = discover_statements(s, "sluice_many", many);
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_EQ(few["streams"].size(), 1u);
  ASSERT_EQ(many["streams"].size(), 1000u);
  EXPECT_EQ(many["streams"][999]["tap_stream_id"], "sluice_many-t999");  // byte order, like the tap
  EXPECT_EQ(many["streams"][0]["schema"]["properties"]["d"]["type"][1], "object");
  // The same statements for 1 table and for 1000: no query per table.
  EXPECT_EQ(many_statements, few_statements);
  EXPECT_LE(many_statements, 12u);
  // Speed is proven by the statement count above, not by a timed assertion (STYLE.md); the time is
  // printed for the record.
  std::printf("1000 tables: %.2f s, %llu statements\n", seconds, static_cast<unsigned long long>(many_statements));
  admin_sql(s, "DROP DATABASE sluice_many; DROP DATABASE sluice_few;");
}

INSTANTIATE_TEST_SUITE_P(Both, DiscoverTest, ::testing::ValuesIn(shared_server_names()));

}  // namespace
}  // namespace sluice::test
