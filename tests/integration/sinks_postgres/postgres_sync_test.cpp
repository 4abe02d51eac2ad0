// `sluice sync` into the PostgreSQL destination (a `destination` section in config.json) from both
// servers: the all-types table over two jobs with DML and ALTER TABLE ADD COLUMN between them,
// read back with psql and compared with SELECT on the source; Full Table loads swapped in by
// version.
#include <gtest/gtest.h>

#include <string>

#include <nlohmann/json.hpp>

#include "support/pg_test_server.h"
#include "support/sink_fixture.h"
#include "support/test_servers.h"
#include "support/test_util.h"

namespace sluice::test {
namespace {

/// The live rows of `schema`.t in the canonical forms of sink_fixture.h.
std::vector<TextRow> pg_live_rows(const std::string& schema, const std::vector<std::string>& extra = {}) {
  std::vector<std::string> names = {"id", "ti", "ub", "de", "fl", "db", "bi", "yr", "d",
                                    "tm", "dt", "ts", "vc", "bl", "js", "en", "st"};
  std::string sql =
      "SELECT id, ti, ub::text, de::text, fl, db, bi, yr, d, (extract(epoch FROM tm) * 1000000)::bigint, "
      "to_char(dt, 'YYYY-MM-DD HH24:MI:SS.US'), to_char(ts AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US'), "
      "vc, upper(encode(bl, 'hex')), js::text, en, st";
  for (const std::string& c : extra) sql += ", " + c + "::text";
  sql += " FROM " + schema + ".t WHERE _sdc_deleted_at IS NULL ORDER BY id";
  names.insert(names.end(), extra.begin(), extra.end());
  std::vector<TextRow> out;
  for (const auto& fields : pg_rows(sql)) {
    EXPECT_EQ(fields.size(), names.size());
    TextRow row;
    for (size_t i = 0; i < names.size() && i < fields.size(); ++i) {
      row[names[i]] = fields[i] == kPgNull ? std::nullopt : std::optional<std::string>(fields[i]);
    }
    out.push_back(std::move(row));
  }
  return out;
}

void expect_equal_rows(const std::vector<TextRow>& source, const std::vector<TextRow>& dest) {
  ASSERT_EQ(source.size(), dest.size());
  for (size_t i = 0; i < source.size(); ++i) {
    for (const std::string& d : diff_rows(source[i], dest[i])) ADD_FAILURE() << "id " << *source[i].at("id") << ": " << d;
  }
}

std::string pg_destination(const std::string& integration) {
  return "\"destination\": {\"type\": \"postgres\", \"host\": \"127.0.0.1\", \"port\": " + pg_port() +
         ", \"user\": \"postgres\", \"password\": \"pgpw\", \"dbname\": \"sluice\", \"integration_name\": \"" +
         integration + "\", \"report_dir\": \"" + make_temp_dir("pg-reports") + "\"}";
}

TEST(PostgresSync, EveryTypeFromBothServersTwoJobsWithAlterAndFullTableSwap) {
  for (const std::string& name : shared_server_names()) {
    SCOPED_TRACE(name);
    ServerInfo server = shared_server(name);
    std::string db = "sink_pg_" + name;
    std::string schema = "sluice_e2e_" + name;  // from the integration name "Sluice E2E <name>"
    psql("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    admin_sql(server, "DROP DATABASE IF EXISTS " + db + "; CREATE DATABASE " + db);
    admin_sql(server, kAllTypesCreate, db);
    std::string config =
        write_config(server, "\"filter_dbs\": \"" + db + "\", " + pg_destination("Sluice E2E " + name));
    auto sync = [&] {
      CommandResult r = run_sluice({"sync", "--config", config, "--catalog", make_sink_catalog(config, db)});
      EXPECT_EQ(r.exit_code, 0) << r.err;
    };

    sync();
    ASSERT_NO_FATAL_FAILURE(expect_equal_rows(all_types_source_rows(server, db), pg_live_rows(schema)));
    EXPECT_EQ(psql("SELECT a, b FROM " + schema + ".k ORDER BY a"), "1|one\n2|two\n");
    std::string version1 = psql("SELECT obj_description('" + schema + ".k'::regclass, 'pg_class')");
    EXPECT_TRUE(version1.starts_with("sluice version ")) << version1;
    EXPECT_EQ(psql("SELECT attname || ' ' || format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = '" +
                   schema + ".t'::regclass AND attname IN ('ub', 'de', 'tm', 'dt', 'ts', 'bl', 'js') ORDER BY attnum"),
              "ub numeric(20,0)\nde numeric(20,6)\ntm interval\ndt timestamp without time zone\n"
              "ts timestamp with time zone\nbl bytea\njs jsonb\n");

    admin_sql(server, kAllTypesChanges, db);
    admin_sql(server,
              "ALTER TABLE t ADD COLUMN nc DECIMAL(10,2) NULL; UPDATE t SET nc = 3.25 WHERE id = 3;"
              "INSERT INTO t (id, nc, vc, ub) VALUES (5, -0.01, 'after alter', 18446744073709551615)",
              db);
    sync();
    ASSERT_NO_FATAL_FAILURE(expect_equal_rows(all_types_source_rows(server, db, {"nc"}), pg_live_rows(schema, {"nc"})));
    // Soft delete: the row stays with _sdc_deleted_at; the new column is typed like the source.
    EXPECT_EQ(psql("SELECT id FROM " + schema + ".t WHERE _sdc_deleted_at IS NOT NULL"), "2\n");
    EXPECT_EQ(psql("SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = '" + schema +
                   ".t'::regclass AND attname = 'nc'"),
              "numeric(10,2)\n");
    // The second Full Table load replaced the first: its rows, a newer version, no load table left.
    EXPECT_EQ(psql("SELECT a, b FROM " + schema + ".k ORDER BY a"), "1|one\n2|two\n3|three\n");
    std::string version2 = psql("SELECT obj_description('" + schema + ".k'::regclass, 'pg_class')");
    EXPECT_TRUE(version2.starts_with("sluice version ") && version2 != version1) << version1 << " " << version2;
    EXPECT_EQ(psql("SELECT string_agg(tablename, ',' ORDER BY tablename) FROM pg_tables WHERE schemaname = '" +
                   schema + "'"),
              "_sluice_state,k,t\n");
    EXPECT_NE(psql("SELECT state FROM " + schema + "._sluice_state").find("\"" + db + "-t\""), std::string::npos);
    admin_sql(server, "DROP DATABASE " + db);
  }
}

// 64-character MySQL names (PostgreSQL keeps 63 bytes): a table, and two columns equal in their
// first 63 characters, which PostgreSQL alone would merge into one name.
const std::string kLongTable = "w_" + std::string(61, 't') + "1";
const std::string kLongA = std::string(63, 'c') + "1";
const std::string kLongB = std::string(63, 'c') + "2";

TEST(PostgresSync, TypeWideningIncompatibleChangeAndLongNames) {
  for (const std::string& name : shared_server_names()) {
    SCOPED_TRACE(name);
    ServerInfo server = shared_server(name);
    std::string db = "sink_pg_alter_" + name;
    std::string schema = "sluice_alter_" + name;
    psql("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    admin_sql(server, "DROP DATABASE IF EXISTS " + db + "; CREATE DATABASE " + db);
    admin_sql(server, "CREATE TABLE t (id INT PRIMARY KEY, n INT, v VARCHAR(10), dm DECIMAL(6,2), s VARCHAR(10));"
                      "INSERT INTO t VALUES (1, 2147483647, 'short', 1234.56, '7');"
                      "CREATE TABLE " + kLongTable + " (id INT PRIMARY KEY, " + kLongA + " INT, " + kLongB + " INT);"
                      "INSERT INTO " + kLongTable + " VALUES (1, 10, 20)", db);
    std::string config =
        write_config(server, "\"filter_dbs\": \"" + db + "\", " + pg_destination("Sluice Alter " + name));
    auto sync = [&] { return run_sluice({"sync", "--config", config, "--catalog", make_sink_catalog(config, db, "LOG_BASED")}); };
    CommandResult r = sync();
    ASSERT_EQ(r.exit_code, 0) << r.err;

    // Long names: shortened deterministically and distinctly, the mapping kept in _sluice_names.
    auto names = pg_rows("SELECT table_name, column_name, source_name FROM " + schema +
                         "._sluice_names ORDER BY column_name");
    ASSERT_EQ(names.size(), 3u);
    std::string pg_table = names[0][0];
    EXPECT_EQ(names[0][1], "");
    EXPECT_EQ(names[0][2], kLongTable);
    EXPECT_LE(pg_table.size(), 63u);
    EXPECT_EQ(names[1][2], kLongA);
    EXPECT_EQ(names[2][2], kLongB);
    EXPECT_NE(names[1][1], names[2][1]);
    EXPECT_EQ(psql("SELECT \"" + names[1][1] + "\", \"" + names[2][1] + "\" FROM " + schema + ".\"" + pg_table + "\""),
              "10|20\n");

    // Widening changes in the source: INT -> BIGINT, VARCHAR(10) -> VARCHAR(100), DECIMAL(6,2) -> (12,4).
    admin_sql(server, "ALTER TABLE t MODIFY n BIGINT, MODIFY v VARCHAR(100), MODIFY dm DECIMAL(12,4);"
                      "INSERT INTO t VALUES (2, 9223372036854775807, REPEAT('v', 100), 12345678.1234, '8');"
                      "UPDATE " + kLongTable + " SET " + kLongB + " = 21", db);
    r = sync();
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(psql("SELECT attname || ' ' || format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = '" +
                   schema + ".t'::regclass AND attname IN ('n', 'v', 'dm') ORDER BY attnum"),
              "n bigint\nv text\ndm numeric(12,4)\n");
    EXPECT_EQ(psql("SELECT id, n, length(v), dm FROM " + schema + ".t ORDER BY id"),
              "1|2147483647|5|1234.5600\n2|9223372036854775807|100|12345678.1234\n");
    EXPECT_EQ(psql("SELECT \"" + names[2][1] + "\" FROM " + schema + ".\"" + pg_table + "\""), "21\n");

    // A change no PostgreSQL type takes without loss (text -> integer): one line naming the table,
    // the column and the fix; the bookmark stays, and after the fix the job goes on.
    std::string state_before = psql("SELECT state FROM " + schema + "._sluice_state");
    admin_sql(server, "ALTER TABLE t MODIFY s INT; INSERT INTO t (id, s) VALUES (3, 9)", db);
    r = sync();
    EXPECT_NE(r.exit_code, 0);
    std::vector<std::string> lines;
    for (const std::string& line : split_lines(r.err)) {
      if (line.starts_with("sluice: error:")) lines.push_back(line);
    }
    ASSERT_EQ(lines.size(), 1u) << r.err;
    EXPECT_NE(lines[0].find("table " + db + ".t, key id=3, column `s`: the source type is now int"), std::string::npos)
        << lines[0];
    EXPECT_NE(lines[0].find("ALTER COLUMN \"s\" TYPE integer"), std::string::npos) << lines[0];
    EXPECT_EQ(psql("SELECT state FROM " + schema + "._sluice_state"), state_before);
    psql("ALTER TABLE " + schema + ".t ALTER COLUMN s TYPE integer USING s::integer");
    r = sync();
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(psql("SELECT id, s FROM " + schema + ".t ORDER BY id"), "1|7\n2|8\n3|9\n");
    admin_sql(server, "DROP DATABASE " + db);
  }
}

}  // namespace
}  // namespace sluice::test
