// `sluice reset` (issue 12, item 7): after two jobs, one of two log-based tables is reset; the next
// job reads it again from scratch under a new version, while the other continues from its
// bookmark (its rows are not sent again), and the destination equals the source value by value.
// SQLite, PostgreSQL, JSON-lines and Avro destinations, and a Singer state file. A reset is
// refused while a job holds the destination, and an unknown table is named with the bookmarked
// streams.
#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>

#include "core/file_lock.h"
#include "integration/destination_state/state_support.h"
#include "support/pg_test_server.h"
#include "support/test_util.h"

namespace sluice::test::state {
namespace {

constexpr int kRows = 50;
const std::string kDb = "rs";

// Changes on both tables; each changes a key of `a` and of `b` that the others do not touch.
void first_changes(const ServerInfo& server) {
  admin_sql(
      server,
      "UPDATE a SET v = 'a one' WHERE id = 1; DELETE FROM a WHERE id = 2; INSERT INTO a VALUES (51, 'a new');"
      "UPDATE b SET v = 'b one' WHERE id = 1; DELETE FROM b WHERE id = 2; INSERT INTO b VALUES (51, 'b "
      "new');",
      kDb);
}
// After the reset: `a` loses a key (a keyed destination must not keep it live), `b` gets two
// changed rows, which are all the next job may send for it.
void second_changes(const ServerInfo& server) {
  admin_sql(server,
            "DELETE FROM a WHERE id = 5; UPDATE a SET v = 'a three' WHERE id = 3;"
            "UPDATE b SET v = 'b four' WHERE id = 4; INSERT INTO b VALUES (52, 'b newer');",
            kDb);
}

/// A SQLite or PostgreSQL destination of the reset tests.
struct Dest {
  bool pg = false;
  std::string path;  ///< SQLite file, or the PostgreSQL schema
  std::string config;
  std::vector<std::string> dest_args;  ///< --destination for SQLite; PostgreSQL: the config's section

  std::string value(const std::string& sql) const {
    if (pg) return split_lines(psql(sql)).at(0);
    CommandResult r = run_command({"sqlite3", "-batch", "-noheader", path, sql});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return split_lines(r.out).at(0);
  }
  std::string table(const std::string& t) const { return pg ? path + "." + t : t; }
  std::vector<std::string> rows(const std::string& t) const {
    return pg ? pg_rows_of(path, t) : sqlite_rows(path, t);
  }
  std::vector<std::string> with_args(std::vector<std::string> a) const {
    a.insert(a.end(), dest_args.begin(), dest_args.end());
    return a;
  }
};

Dest sqlite_dest(const ServerInfo& server) {
  Dest d;
  d.path = make_temp_dir("reset-sqlite") + "/dest.db";
  d.config = write_config(server, "\"filter_dbs\": \"rs\"");
  d.dest_args = {"--destination", "sqlite:" + d.path};
  return d;
}

Dest pg_dest(const ServerInfo& server) {
  Dest d;
  d.pg = true;
  d.path = "sluice_reset";
  psql("DROP SCHEMA IF EXISTS sluice_reset CASCADE");
  d.config = write_config(server, "\"filter_dbs\": \"rs\", " + pg_destination(d.path));
  return d;
}

void reset_one_of_two_tables(const ServerInfo& server, const Dest& d) {
  make_tables(server, kDb, {"a", "b"}, kRows);
  std::string catalog = make_catalog(d.config, kDb, {{"a", "LOG_BASED"}, {"b", "LOG_BASED"}});
  std::vector<std::string> sync =
      d.with_args({"sync", "--config", d.config, "--catalog", catalog, "--quiet"});
  CommandResult first = run_sluice(sync);
  ASSERT_EQ(first.exit_code, 0) << first.err;
  first_changes(server);
  CommandResult second = run_sluice(sync);
  ASSERT_EQ(second.exit_code, 0) << second.err;

  CommandResult reset = run_sluice(d.with_args({"reset", "--config", d.config, "rs.a"}));
  ASSERT_EQ(reset.exit_code, 0) << reset.err;
  EXPECT_NE(reset.out.find("reset rs-a "), std::string::npos) << reset.out;
  EXPECT_EQ(reset.out.find("rs-b"), std::string::npos) << reset.out;
  std::string a_before = d.value("SELECT max(_sdc_extracted_at) FROM " + d.table("a"));
  std::string b_before = d.value("SELECT max(_sdc_extracted_at) FROM " + d.table("b"));

  second_changes(server);
  CommandResult third = run_sluice(sync);
  ASSERT_EQ(third.exit_code, 0) << third.err;
  EXPECT_EQ(d.rows("a"), source_rows(server, kDb, "a"));
  EXPECT_EQ(d.rows("b"), source_rows(server, kDb, "b"));
  // `a` was read again whole: every row it holds is new (rows of the old version are gone).
  EXPECT_EQ(
      d.value("SELECT count(*) FROM " + d.table("a") + " WHERE _sdc_extracted_at <= '" + a_before + "'"),
      "0");
  // `b` continued from its bookmark: only its two changed rows were sent.
  EXPECT_EQ(d.value("SELECT count(*) FROM " + d.table("b") + " WHERE _sdc_extracted_at > '" + b_before + "'"),
            "2");
}

TEST(Reset, SqliteOneOfTwoLogBasedTablesIsReadAgain) {
  for (const std::string& name : shared_server_names()) {
    SCOPED_TRACE(name);
    ServerInfo server = shared_server(name);
    reset_one_of_two_tables(server, sqlite_dest(server));
  }
}

TEST(Reset, PostgresOneOfTwoLogBasedTablesIsReadAgain) {
  ServerInfo server = shared_server("mariadb");
  reset_one_of_two_tables(server, pg_dest(server));
  psql("DROP SCHEMA IF EXISTS sluice_reset CASCADE");
}

// JSON lines and Avro: files are appended to, and the reset table's new version makes the
// rows of its older one obsolete (`_sdc_table_version`).
TEST(Reset, JsonlAndAvroOneOfTwoLogBasedTablesIsReadAgain) {
  ServerInfo server = shared_server("mariadb");
  for (const std::string type : {"jsonl", "avro"}) {
    SCOPED_TRACE(type);
    make_tables(server, kDb, {"a", "b"}, kRows);
    std::string config = write_config(server, "\"filter_dbs\": \"rs\"");
    std::string catalog = make_catalog(config, kDb, {{"a", "LOG_BASED"}, {"b", "LOG_BASED"}});
    std::string dir = make_temp_dir("reset-" + type) + "/out";
    auto rows = [&](const std::string& stream, size_t* records) {
      return type == "jsonl" ? jsonl_rows(dir, stream, records) : avro_rows(dir, stream, records);
    };
    std::vector<std::string> sync = {"sync",  "--config", config,          "--catalog",
                                     catalog, "--quiet",  "--destination", type + ":" + dir};
    ASSERT_EQ(run_sluice(sync).exit_code, 0);
    first_changes(server);
    ASSERT_EQ(run_sluice(sync).exit_code, 0);
    CommandResult reset =
        run_sluice({"reset", "--config", config, "--destination", type + ":" + dir, "rs-a"});
    ASSERT_EQ(reset.exit_code, 0) << reset.err;
    size_t b_before = 0;
    rows("rs-b", &b_before);

    second_changes(server);
    CommandResult third = run_sluice(sync);
    ASSERT_EQ(third.exit_code, 0) << third.err;
    size_t b_after = 0;
    EXPECT_EQ(rows("rs-a", nullptr), source_rows(server, kDb, "a"));
    EXPECT_EQ(rows("rs-b", &b_after), source_rows(server, kDb, "b"));
    EXPECT_EQ(b_after - b_before, 2u);  // b continued: only its two changes
  }
}

/// The rows a Singer output (several runs' stdout, in order) leaves for `stream` in a keyed
/// target: "id|v" by id, deletes applied, and nothing of versions before the last ACTIVATE_VERSION.
std::vector<std::string> singer_rows(const std::vector<std::string>& outputs, const std::string& stream) {
  std::map<int64_t, std::pair<std::string, int64_t>> rows;  // id -> (v, version)
  for (const std::string& out : outputs) {
    for (const std::string& line : split_lines(out)) {
      nlohmann::json m = nlohmann::json::parse(line);
      if (m.value("stream", "") != stream) continue;
      int64_t version = m.value("version", int64_t{0});
      if (m["type"] == "ACTIVATE_VERSION") {
        std::erase_if(rows, [version](const auto& row) { return row.second.second < version; });
        continue;
      }
      if (m["type"] != "RECORD") continue;
      const nlohmann::json& r = m["record"];
      if (r.contains("_sdc_deleted_at") && !r["_sdc_deleted_at"].is_null()) {
        rows.erase(r["id"].get<int64_t>());
      } else {
        rows[r["id"].get<int64_t>()] = {r["v"].get<std::string>(), version};
      }
    }
  }
  std::vector<std::string> out;
  for (const auto& [id, row] : rows) out.push_back(std::to_string(id) + "|" + row.first);
  return out;
}

size_t records_of(const std::string& out, const std::string& stream) {
  size_t n = 0;
  for (const std::string& line : split_lines(out)) {
    nlohmann::json m = nlohmann::json::parse(line);
    n += m["type"] == "RECORD" && m.value("stream", "") == stream;
  }
  return n;
}

TEST(Reset, SingerStateFileOneOfTwoLogBasedTablesIsReadAgain) {
  ServerInfo server = shared_server("mariadb");
  make_tables(server, kDb, {"a", "b"}, kRows);
  std::string config = write_config(server, "\"filter_dbs\": \"rs\"");
  std::string catalog = make_catalog(config, kDb, {{"a", "LOG_BASED"}, {"b", "LOG_BASED"}});
  std::string dir = make_temp_dir("reset-singer");
  CommandResult first = run_sluice({"sync", "--config", config, "--catalog", catalog, "--quiet"});
  ASSERT_EQ(first.exit_code, 0) << first.err;
  write_file(dir + "/run1.jsonl", first.out);
  first_changes(server);
  CommandResult second = run_sluice(
      {"sync", "--config", config, "--catalog", catalog, "--quiet", "--state", dir + "/run1.jsonl"});
  ASSERT_EQ(second.exit_code, 0) << second.err;
  // The captured stdout of the second job is the state file: reset rewrites it as a state object.
  std::string state = dir + "/state.json";
  write_file(state, second.out);
  CommandResult reset = run_sluice({"reset", "--config", config, "--state", state, "rs-a"});
  ASSERT_EQ(reset.exit_code, 0) << reset.err;
  nlohmann::json written = nlohmann::json::parse(read_file(state));
  EXPECT_FALSE(written["bookmarks"].contains("rs-a")) << written;
  EXPECT_TRUE(written["bookmarks"]["rs-b"].contains("log_pos")) << written;

  second_changes(server);
  CommandResult third =
      run_sluice({"sync", "--config", config, "--catalog", catalog, "--quiet", "--state", state});
  ASSERT_EQ(third.exit_code, 0) << third.err;
  EXPECT_EQ(records_of(third.out, "b"), 2u);
  EXPECT_EQ(records_of(third.out, "a"), source_rows(server, kDb, "a").size());
  EXPECT_EQ(singer_rows({first.out, second.out, third.out}, "a"), source_rows(server, kDb, "a"));
  EXPECT_EQ(singer_rows({first.out, second.out, third.out}, "b"), source_rows(server, kDb, "b"));
}

TEST(Reset, RefusedWhileAJobHoldsTheDestinationAndUnknownTablesAreNamed) {
  ServerInfo server = shared_server("mariadb");
  make_tables(server, kDb, {"a", "b"}, kRows);
  Dest d = sqlite_dest(server);
  std::string catalog = make_catalog(d.config, kDb, {{"a", "LOG_BASED"}, {"b", "LOG_BASED"}});
  std::vector<std::string> sync =
      d.with_args({"sync", "--config", d.config, "--catalog", catalog, "--quiet"});
  CommandResult first = run_sluice(sync);
  ASSERT_EQ(first.exit_code, 0) << first.err;

  CommandResult unknown = run_sluice(d.with_args({"reset", "--config", d.config, "rs.nope"}));
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_NE(unknown.err.find("unknown table 'rs.nope'"), std::string::npos) << unknown.err;
  EXPECT_NE(unknown.err.find("bookmarked streams: rs-a, rs-b"), std::string::npos) << unknown.err;

  // A job waiting on the source holds the destination: the reset is refused and changes nothing.
  first_changes(server);
  std::string dir = make_temp_dir("reset-locked");
  SourceBlock block(server, kDb, {"a", "b"});
  pid_t job = spawn_sluice(sync, dir + "/job.out", dir + "/job.err");
  ASSERT_TRUE(wait_until([&] {
    auto holder = core::read_lock_holder(d.path + ".lock");
    return holder && holder->pid == job;
  }));
  CommandResult refused = run_sluice(d.with_args({"reset", "--config", d.config, "rs.a"}));
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_NE(refused.err.find("in use by another sluice job (pid " + std::to_string(job) + " "),
            std::string::npos)
      << refused.err;
  block.release();
  EXPECT_EQ(wait_exit(job), 0) << read_file(dir + "/job.err");
  EXPECT_EQ(d.rows("a"), source_rows(server, kDb, "a"));
  EXPECT_EQ(d.rows("b"), source_rows(server, kDb, "b"));
}

}  // namespace
}  // namespace sluice::test::state
