// The PostgreSQL sink against a real PostgreSQL 15 (support/pg_test_server.h), checked with psql,
// value by value.
#include "sinks/postgres/postgres_sink.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <nlohmann/json.hpp>
#include <string>

#include "support/pg_test_server.h"
#include "support/sink_options.h"
#include "support/test_util.h"
#include "unit/sinks/avro_postgres_rows.h"

namespace sluice::sinks {
namespace {

using nlohmann::json;

using test::make_postgres_sink;
using test::psql;

json options(const std::string& schema, json extra = json::object()) {
  json o = {{"type", "postgres"}, {"host", "127.0.0.1"}, {"port", test::pg_port()}, {"user", "postgres"},
            {"password", "pgpw"}, {"dbname", "sluice"}, {"schema", schema}};
  o.update(extra);
  return o;
}

std::unique_ptr<Sink> open_sink(json o) {
  auto sink = make_postgres_sink(o);
  if (!sink) ADD_FAILURE() << sink.error().message;
  return sink ? std::move(*sink) : nullptr;
}

void write(Sink& sink, StreamHandle h, int which, int id, test::RowStore& store,
           change::Op op = change::Op::kSnapshot) {
  auto values = test::every_kind_row(which, id, store);
  change::RowChange row;
  row.op = op;
  (op == change::Op::kDelete ? row.before : row.after) = values;
  row.extracted = core::EpochTime{1700000000, 0};
  row.commit_time = core::EpochTime{1709300000, 0};
  ASSERT_TRUE(sink.write_row(h, row));
}

constexpr const char* kSelectAll =
    "SELECT id, tiny, flag, small_u, int_u, big, big_u, dec, f, d, b1, b10, y, dt, tm, dtm, "
    "ts AT TIME ZONE 'UTC', encode(bin, 'hex'), e, s, j::text, g, \"1st col\", \"a-b\", \"a b\", \"a_b\", "
    "_sdc_deleted_at AT TIME ZONE 'UTC' FROM ";

TEST(PostgresSink, EveryKindValueByValueUpsertsAndSoftDeletes) {
  psql("DROP SCHEMA IF EXISTS stitch_mysql_rds CASCADE");
  auto o = options("");
  o.erase("schema");
  o["integration_name"] = "Stitch MySQL RDS";
  auto sink = open_sink(o);
  ASSERT_TRUE(sink);
  auto h = sink->open_stream(test::every_kind_stream());
  ASSERT_TRUE(h) << h.error().message;
  test::RowStore store;
  for (int i = 1; i <= 3; ++i) write(*sink, *h, i, i, store);
  ASSERT_TRUE(sink->checkpoint(R"({"bookmarks":{"shop-every kind":{"log_pos":4}}})"));
  auto rows = test::split_lines(psql(std::string(kSelectAll) + "stitch_mysql_rds.\"every kind\" ORDER BY id"));
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0],
            "1|7|f|1|2|1234567890123|42|12345678901234.123456|1.1|2.5|t|5|2024|2024-02-29|25:00:00.5|"
            "2024-03-01 13:14:15.123456|2024-03-01 13:14:15.654321|6162|b||{\"a\": 1.5, \"b\": [true]}|POINT(1 2)|"
            "23|24|25|26|");
  EXPECT_EQ(rows[1],
            "2|-128|t|65535|4294967295|-9223372036854775808|18446744073709551615|"
            "-999999999999999999999999.999999|1.1|1e+300|t|1023|0||-838:59:59|||00ff01||x,z|"
            "[1, {\"k\": \"v\"}, null, 18446744073709551615]|POINT(1 -2.5)|-23|-24|-25|-26|");
  EXPECT_EQ(rows[2], "3||||||||||||||||||||||||||");
  EXPECT_EQ(psql("SELECT name = E'tab\\there\\nnew \\\\ \"q\" 😀' FROM stitch_mysql_rds.\"every kind\" WHERE id = 2"),
            "t\n");
  EXPECT_EQ(psql("SELECT name FROM stitch_mysql_rds.\"every kind\" WHERE id = 1"), "héllo\n");
  EXPECT_EQ(psql("SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = "
                 "'stitch_mysql_rds.\"every kind\"'::regclass AND attname IN ('dec', 'big_u', 'j', 'ts', 'dtm', 'tm') "
                 "ORDER BY attnum"),
            "numeric(20,0)\nnumeric(30,6)\ninterval\ntimestamp without time zone\ntimestamp with time zone\njsonb\n");
  EXPECT_EQ(psql("SELECT state FROM stitch_mysql_rds._sluice_state"),
            "{\"bookmarks\":{\"shop-every kind\":{\"log_pos\":4}}}\n");

  // An update (after image) and a delete (before image) in one batch with a re-insert of 3.
  write(*sink, *h, 2, 1, store, change::Op::kUpdate);  // id 1 gets row 2's values
  write(*sink, *h, 1, 2, store, change::Op::kDelete);
  write(*sink, *h, 1, 3, store, change::Op::kInsert);
  write(*sink, *h, 3, 3, store, change::Op::kUpdate);  // last change of key 3 wins
  ASSERT_TRUE(sink->checkpoint("{}"));
  ASSERT_TRUE(sink->finish());
  rows = test::split_lines(psql("SELECT id, tiny, big_u, _sdc_deleted_at AT TIME ZONE 'UTC' FROM "
                                "stitch_mysql_rds.\"every kind\" ORDER BY id"));
  EXPECT_EQ(rows, (std::vector<std::string>{"1|-128|18446744073709551615|", "2|7|42|2024-03-01 13:33:20",
                                            "3|||"}));
}

TEST(PostgresSink, NewColumnsAreAddedAndHardDeletesRemoveRows) {
  psql("DROP SCHEMA IF EXISTS sl_alter CASCADE");
  auto sink = open_sink(options("sl_alter", {{"hard_delete", true}}));
  ASSERT_TRUE(sink);
  auto info = test::every_kind_stream("shop", "t");
  auto h = sink->open_stream(info);
  ASSERT_TRUE(h) << h.error().message;
  test::RowStore store;
  write(*sink, *h, 1, 1, store);
  write(*sink, *h, 1, 2, store);
  info.columns.push_back(test::col("added col", schema::ColumnKind::kDecimal, "decimal(5,2)"));
  info.columns.back().precision = 5;
  info.columns.back().scale = 2;
  ASSERT_TRUE(sink->update_stream(*h, info));
  auto values = test::every_kind_row(1, 3, store);
  values.push_back(core::Value::with_text(core::ValueKind::kDecimal, "-1.25"));
  change::RowChange row;
  row.after = values;
  ASSERT_TRUE(sink->write_row(*h, row));
  values = test::every_kind_row(1, 1, store);
  values.push_back(core::Value::null());
  row.op = change::Op::kDelete;
  row.before = values;
  ASSERT_TRUE(sink->write_row(*h, row));
  ASSERT_TRUE(sink->checkpoint("{}"));
  EXPECT_EQ(psql("SELECT id, \"added col\" FROM sl_alter.t ORDER BY id"), "2|\n3|-1.25\n");
}

TEST(PostgresSink, FullTableLoadIsSwappedInAtActivateVersion) {
  psql("DROP SCHEMA IF EXISTS sl_full CASCADE");
  auto info = test::every_kind_stream("shop", "full");
  info.method = change::Method::kFullTable;
  info.deleted_at_column = false;
  test::RowStore store;
  {
    info.version = 1000;
    auto sink = open_sink(options("sl_full"));
    auto h = sink->open_stream(info);
    ASSERT_TRUE(h) << h.error().message;
    ASSERT_TRUE(sink->activate_version(*h, 1000));  // first load: visible at once
    for (int i = 1; i <= 3; ++i) write(*sink, *h, 1, i, store);
    ASSERT_TRUE(sink->activate_version(*h, 1000));
    ASSERT_TRUE(sink->checkpoint("{}"));
    ASSERT_TRUE(sink->finish());
  }
  EXPECT_EQ(psql("SELECT count(*) FROM sl_full.full"), "3\n");
  {
    info.version = 2000;  // the next job: a new version of the table with rows 1 and 2 only
    auto sink = open_sink(options("sl_full"));
    auto h = sink->open_stream(info);
    ASSERT_TRUE(h) << h.error().message;
    write(*sink, *h, 1, 1, store);
    ASSERT_TRUE(sink->checkpoint("{\"mid\":1}"));  // committed into the load table
    EXPECT_EQ(psql("SELECT count(*) FROM sl_full.full"), "3\n");  // readers still see version 1000
    write(*sink, *h, 1, 2, store);
    ASSERT_TRUE(sink->activate_version(*h, 2000));
    ASSERT_TRUE(sink->checkpoint("{}"));
    ASSERT_TRUE(sink->finish());
  }
  EXPECT_EQ(psql("SELECT string_agg(id::text, ',' ORDER BY id) FROM sl_full.full"), "1,2\n");
  EXPECT_EQ(psql("SELECT obj_description('sl_full.full'::regclass, 'pg_class')"), "sluice version 2000\n");
  EXPECT_EQ(psql("SELECT count(*) FROM pg_tables WHERE schemaname = 'sl_full'"), "2\n");  // full + _sluice_state
}

TEST(PostgresSink, KillBeforeCheckpointThenResumeIsExactlyOnce) {
  psql("DROP SCHEMA IF EXISTS sl_kill CASCADE");
  auto keyed = test::every_kind_stream("shop", "keyed");
  auto keyless = test::every_kind_stream("shop", "keyless");
  keyless.key_properties.clear();
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    auto sink = make_postgres_sink(options("sl_kill", {{"batch_bytes", 2000}}));
    if (!sink) _exit(3);
    auto h1 = (*sink)->open_stream(keyed);
    auto h2 = (*sink)->open_stream(keyless);
    if (!h1 || !h2) _exit(4);
    test::RowStore store;
    for (int i = 1; i <= 150; ++i) {
      write(**sink, *h1, 1, i, store);
      write(**sink, *h2, 1, i, store);
      if (i == 100 && !(*sink)->checkpoint(R"({"last":100})")) _exit(5);
    }
    raise(SIGKILL);  // rows 101..150 were copied and merged, not committed
    _exit(6);
  }
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << status;
  EXPECT_EQ(psql("SELECT count(*), count(DISTINCT id), max(id) FROM sl_kill.keyless"), "100|100|100\n");
  auto o = options("sl_kill");
  auto sink = PostgresSink::open(*test::postgres_options(o));
  ASSERT_TRUE(sink);
  ASSERT_TRUE((*sink)->committed_state());
  EXPECT_EQ(*(*sink)->committed_state(), R"({"last":100})");
  auto h1 = (*sink)->open_stream(keyed);
  auto h2 = (*sink)->open_stream(keyless);
  ASSERT_TRUE(h1 && h2);
  test::RowStore store;
  for (int i = 101; i <= 150; ++i) {
    write(**sink, *h1, 1, i, store);
    write(**sink, *h2, 1, i, store);
  }
  ASSERT_TRUE((*sink)->checkpoint(R"({"last":150})"));
  EXPECT_EQ(psql("SELECT count(*), count(DISTINCT id), max(id) FROM sl_kill.keyless"), "150|150|150\n");
  EXPECT_EQ(psql("SELECT count(*), count(DISTINCT id), max(id) FROM sl_kill.keyed"), "150|150|150\n");
}

TEST(PostgresSink, BadDestinationGivesOneClearErrorAndKeepsTheBookmark) {
  // Nothing listens on this port.
  auto probe = test::run_command({"/usr/bin/python3", "-c",
                                  "import socket; s=socket.socket(); s.bind(('127.0.0.1',0)); "
                                  "print(s.getsockname()[1])"});
  std::string closed = test::split_lines(probe.out).at(0);
  auto down = make_postgres_sink(options("x", {{"port", closed}}));
  ASSERT_FALSE(down);
  EXPECT_EQ(down.error().code, core::ErrorCode::kConnect);
  EXPECT_TRUE(down.error().retryable);
  EXPECT_NE(down.error().message.find("cannot connect to PostgreSQL at 127.0.0.1:" + closed + "/sluice"),
            std::string::npos)
      << down.error().message;
  auto auth = make_postgres_sink(options("x", {{"password", "wrong"}}));
  ASSERT_FALSE(auth);
  EXPECT_EQ(auth.error().code, core::ErrorCode::kAuth);
  EXPECT_NE(auth.error().message.find("password authentication failed"), std::string::npos)
      << auth.error().message;

  // The server drops the connection in the middle of a job: checkpoint fails, nothing moves.
  psql("DROP SCHEMA IF EXISTS sl_drop CASCADE");
  auto sink = open_sink(options("sl_drop", {{"batch_bytes", 100}}));
  auto h = sink->open_stream(test::every_kind_stream("shop", "t"));
  ASSERT_TRUE(h) << h.error().message;
  test::RowStore store;
  write(*sink, *h, 1, 1, store);
  ASSERT_TRUE(sink->checkpoint(R"({"n":1})"));
  write(*sink, *h, 1, 2, store);
  psql(
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name LIKE 'sluice %' "
      "AND pid <> pg_backend_pid()");
  auto st = sink->checkpoint(R"({"n":2})");
  ASSERT_FALSE(st);
  EXPECT_NE(st.error().message.find("postgres destination"), std::string::npos) << st.error().message;
  EXPECT_EQ(psql("SELECT state FROM sl_drop._sluice_state"), "{\"n\":1}\n");
  EXPECT_EQ(psql("SELECT count(*) FROM sl_drop.t"), "1\n");
}

}  // namespace
}  // namespace sluice::sinks
