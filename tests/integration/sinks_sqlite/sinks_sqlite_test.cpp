// Replication jobs from both servers into the SQLite and JSONL destinations, run in process
// (job::run_sync with the sink from job::make_sink), checked against SELECT on the source with
// independent readers: the sqlite3 command-line tool and /usr/bin/python3.

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "config/catalog.h"
#include "config/destination.h"
#include "config/job_config.h"
#include "config/state.h"
#include "job/sink_factory.h"
#include "job/sync_job.h"
#include "support/sink_fixture.h"
#include "support/test_servers.h"
#include "support/test_util.h"

namespace sluice::test {
namespace {

using nlohmann::json;

/// The same text on both sides: source SELECT (UTC session) and sqlite3 query.
constexpr const char* kSourceSelect =
    "SET time_zone = '+00:00'; SELECT id, ti, ub, CAST(de AS CHAR), fl, db = 0.1, db = 1e300, CAST(bi AS UNSIGNED), yr, d, tm, dt, ts, "
    "vc, HEX(bl), REPLACE(js, ' ', ''), en, st FROM t ORDER BY id";
constexpr const char* kSqliteSelect =
    "SELECT id, ti, ub, de, fl, db = 0.1, db = 1e300, bi, yr, d, tm, dt, ts, vc, hex(bl), replace(js, ' ', ''), en, st FROM t "
    "WHERE _sdc_deleted_at IS NULL ORDER BY id";

std::vector<std::string> source_rows(const ServerInfo& s, const std::string& db) {
  std::vector<std::string> rows;
  for (std::string line : split_lines(admin_sql(s, kSourceSelect, db))) {
    for (char& c : line) c = c == '\t' ? '|' : c;
    // The client prints SQL NULL as "NULL"; sqlite3 prints it as an empty field.
    std::string out;
    size_t start = 0;
    while (true) {
      size_t bar = line.find('|', start);
      std::string field = line.substr(start, bar == std::string::npos ? std::string::npos : bar - start);
      out += field == "NULL" ? "" : field;
      if (bar == std::string::npos) break;
      out += '|';
      start = bar + 1;
    }
    rows.push_back(out);
  }
  return rows;
}

std::vector<std::string> sqlite_rows(const std::string& path, const std::string& sql) {
  CommandResult r = run_command({"sqlite3", "-batch", "-noheader", "-list", "-separator", "|", path, sql});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return split_lines(r.out);
}

/// One job into `destination`, resuming from the state the destination holds.
void run_job(const std::string& config_path, const std::string& catalog_path, const std::string& destination) {
  auto config = config::load_job_config(config_path);
  ASSERT_TRUE(config) << config.error().message;
  auto catalog = config::load_catalog(catalog_path);
  ASSERT_TRUE(catalog) << catalog.error().message;
  auto dest = config::parse_destination_arg(destination);
  ASSERT_TRUE(dest) << dest.error().message;
  job::SinkEnvironment env;
  auto made = job::make_sink(*dest, env);
  ASSERT_TRUE(made) << made.error().message;
  config::State state;
  if (made->saved_state) {
    auto parsed = config::parse_state(nlohmann::ordered_json::parse(*made->saved_state), "destination");
    ASSERT_TRUE(parsed) << parsed.error().message;
    state = *parsed;
  }
  job::SyncOptions options;
  options.progress = false;
  auto st = job::run_sync(config->source, *catalog, std::move(state), options, *made->sink);
  ASSERT_TRUE(st) << st.error().message;
  auto fin = made->sink->finish();
  ASSERT_TRUE(fin) << fin.error().message;
}

/// Data lines of a JSONL directory re-serialized by python3 with exact number text.
std::vector<std::string> jsonl_values(const std::string& dir, const std::string& keys) {
  std::string script =
      "import json, os, sys\n"
      "d, keys = sys.argv[1], sys.argv[2].split(',')\n"
      "for name in sorted(os.listdir(d)):\n"
      "    if not name.startswith(sys.argv[3]) or not name.endswith('.jsonl'): continue\n"
      "    for line in open(os.path.join(d, name), encoding='utf-8'):\n"
      "        o = json.loads(line, parse_float=str, parse_int=str)\n"
      "        print('|'.join('' if o.get(k) is None else str(o.get(k)) for k in keys))\n";
  CommandResult r = run_command({"/usr/bin/python3", "-c", script, dir, keys, ""});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return split_lines(r.out);
}

TEST(SinksSqlite, EveryTypeFromBothServersIntoSqliteAndJsonl) {
  for (const std::string& name : shared_server_names()) {
    SCOPED_TRACE(name);
    ServerInfo server = shared_server(name);
    std::string db = "sink_sqlite_" + name;
    admin_sql(server, "DROP DATABASE IF EXISTS " + db + "; CREATE DATABASE " + db);
    admin_sql(server, kAllTypesCreate, db);
    std::string config = write_config(server, "\"filter_dbs\": \"" + db + "\"");
    std::string catalog = make_sink_catalog(config, db);
    std::string dir = make_temp_dir("sinks-sqlite");
    std::string sqlite_dest = "sqlite:" + dir + "/out.db";
    std::string jsonl_dest = "jsonl:" + dir + "/jsonl";

    ASSERT_NO_FATAL_FAILURE(run_job(config, catalog, sqlite_dest));
    ASSERT_NO_FATAL_FAILURE(run_job(config, catalog, jsonl_dest));
    EXPECT_EQ(sqlite_rows(dir + "/out.db", kSqliteSelect), source_rows(server, db));
    EXPECT_EQ(sqlite_rows(dir + "/out.db", "SELECT a, b FROM k ORDER BY a"),
              (std::vector<std::string>{"1|one", "2|two"}));

    admin_sql(server, kAllTypesChanges, db);
    ASSERT_NO_FATAL_FAILURE(run_job(config, catalog, sqlite_dest));
    ASSERT_NO_FATAL_FAILURE(run_job(config, catalog, jsonl_dest));
    // Values equal the source; the deleted row is kept with _sdc_deleted_at (soft delete).
    EXPECT_EQ(sqlite_rows(dir + "/out.db", kSqliteSelect), source_rows(server, db));
    EXPECT_EQ(sqlite_rows(dir + "/out.db", "SELECT id, _sdc_deleted_at IS NOT NULL FROM t ORDER BY id"),
              (std::vector<std::string>{"1|0", "2|1", "3|0", "4|0"}));
    // The keyless Full Table table holds exactly the newest load (older versions removed).
    EXPECT_EQ(sqlite_rows(dir + "/out.db", "SELECT a, b FROM k ORDER BY a"),
              (std::vector<std::string>{"1|one", "2|two", "3|three"}));

    // JSONL: every change in order, exact digits, the delete marked.
    std::vector<std::string> lines = jsonl_values(dir + "/jsonl", "id,ub,de,_sdc_deleted_at");
    std::vector<std::string> want_tail = {"1|18446744073709551615|1.500000|", "2|42|-0.000001|X",
                                          "3|9223372036854775808|99999999999999.999999|"};
    ASSERT_GE(lines.size(), 3u + 3u + 2u + 3u) << "lines: " << lines.size();
    std::vector<std::string> t_lines;
    for (const std::string& l : lines) {
      if (l.find('|') != 0) t_lines.push_back(l);
    }
    bool found_delete = false;
    for (const std::string& l : t_lines) found_delete = found_delete || l.starts_with("2|42|-0.000001|2");
    EXPECT_TRUE(found_delete) << "no delete line for id 2";
    bool found_update = false;
    for (const std::string& l : t_lines) found_update = found_update || l == want_tail[0];
    EXPECT_TRUE(found_update);
    bool found_insert = false;
    for (const std::string& l : t_lines) found_insert = found_insert || l == want_tail[2];
    EXPECT_TRUE(found_insert);
    admin_sql(server, "DROP DATABASE " + db);
  }
}

}  // namespace
}  // namespace sluice::test
