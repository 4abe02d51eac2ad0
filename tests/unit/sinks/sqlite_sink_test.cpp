// The SQLite sink driven directly with core::Value rows; every result is read back with the
// sqlite3 command-line tool, not with sluice's own code.

#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include <filesystem>

#include <gtest/gtest.h>

#include "sinks/sqlite/sqlite_sink.h"
#include "sqlite_sink_fixture.h"

namespace sluice::test {
namespace {

using sinks::SqliteSink;
using sinks::SqliteSinkOptions;

std::unique_ptr<SqliteSink> open_sink(const std::string& path, bool hard = false) {
  SqliteSinkOptions o;
  o.path = path;
  o.hard_deletes = hard;
  auto s = SqliteSink::open(o);
  EXPECT_TRUE(s.has_value()) << (s ? "" : s.error().message);
  return s ? std::move(*s) : nullptr;
}

sinks::StreamInfo simple_stream(bool keyed) {
  sinks::StreamInfo info;
  info.stream_id = "shop-items";
  info.stream = "items";
  info.database = "shop";
  info.table = "items";
  info.columns = {column("id", schema::ColumnKind::kInt), column("name", schema::ColumnKind::kVarchar)};
  if (keyed) info.key_properties = {"id"};
  return info;
}

std::vector<core::Value> item(int64_t id, std::string_view name) {
  return {core::Value::from_int(id), core::Value::with_text(core::ValueKind::kString, name)};
}

TEST(SqliteSink, EveryKindLandsAsDocumented) {
  std::string db = make_temp_dir("sqlite-kinds") + "/out.db";
  auto sink = open_sink(db);
  ASSERT_TRUE(sink);
  auto h = sink->open_stream(every_kind_stream());
  ASSERT_TRUE(h) << h.error().message;
  EveryRow r1 = every_kind_row(1);
  EveryRow r2 = every_kind_row(2, true);
  ASSERT_TRUE(sink->write_row(*h, make_row(r1.values)));
  ASSERT_TRUE(sink->write_row(*h, make_row(r2.values)));
  ASSERT_TRUE(sink->checkpoint(R"({"bookmarks":{}})"));
  ASSERT_TRUE(sink->finish());
  sink.reset();

  std::string cols;
  for (const auto& c : every_kind_stream().columns) {
    cols += (cols.empty() ? "" : "||' '||") + std::string("typeof(\"") + c.name + "\")||':'||replace(quote(\"" + c.name + "\"), char(10), '\\n')";
  }
  auto rows = sqlite3_rows(db, "SELECT " + cols + " FROM every ORDER BY id");
  ASSERT_EQ(rows.size(), 2u) << (rows.empty() ? "" : rows[0]);
  EXPECT_EQ(rows[0],
            "integer:1 integer:-128 text:'18446744073709551615' text:'12345678901234.123456' real:1.1 real:1.0e+300 "
            "integer:5 integer:2024 text:'2024-02-29' text:'-838:59:59' text:'2024-01-02 03:04:05.123456' "
            "text:'2023-11-14 22:13:20.123' text:'h\xc3\xa9llo \xf0\x9f\x98\x80 \"q\"\\n' blob:X'0001FF' "
            "text:'{\"a\":[1,2.5,\"x\"]}' text:'medium' text:'a,c' text:'POINT(1 2)' text:'[1.5,-2]' null:NULL");
  // The second row: BIGINT UNSIGNED that fits is an INTEGER; zero date verbatim; enum index.
  EXPECT_NE(rows[1].find("integer:2 integer:127 integer:42 text:'-0.000001' real:1.1 real:0.1 "), std::string::npos)
      << rows[1];
  EXPECT_NE(rows[1].find("text:'0000-00-00' text:'25:00:00.500000'"), std::string::npos) << rows[1];
  EXPECT_NE(rows[1].find("text:'3' text:'a,c'"), std::string::npos) << rows[1];
  // FLOAT 1.1 is stored as the double 1.1 (not 1.100000023841858): equal to the literal.
  EXPECT_EQ(sqlite3_rows(db, "SELECT count(*) FROM every WHERE flt = 1.1"), std::vector<std::string>{"2"});
  // Metadata columns.
  EXPECT_EQ(sqlite3_rows(db, "SELECT _sdc_extracted_at, quote(_sdc_deleted_at) FROM every WHERE id = 1"),
            std::vector<std::string>{"2023-11-14 22:15:00.000000|NULL"});
  EXPECT_EQ(sqlite3_rows(db, "SELECT table_name FROM _sluice_streams WHERE stream_id = 'shop-every'"),
            std::vector<std::string>{"every"});
}

TEST(SqliteSink, UpsertsByKeySoftDeletesAndCounts) {
  std::string db = make_temp_dir("sqlite-upsert") + "/out.db";
  auto sink = open_sink(db);
  auto h = sink->open_stream(simple_stream(true));
  ASSERT_TRUE(h);
  ASSERT_TRUE(sink->write_row(*h, make_row(item(1, "a"))));
  ASSERT_TRUE(sink->write_row(*h, make_row(item(2, "b"))));
  ASSERT_TRUE(sink->checkpoint("{\"n\":1}"));
  ASSERT_TRUE(sink->write_row(*h, make_row(item(1, "a2"), change::Op::kUpdate)));
  ASSERT_TRUE(sink->write_row(*h, make_row(item(2, "b"), change::Op::kDelete, 1700000200)));
  ASSERT_TRUE(sink->write_row(*h, make_row(item(3, "c"), change::Op::kInsert)));
  ASSERT_TRUE(sink->checkpoint("{\"n\":2}"));
  sinks::LoadCounts c = sink->load_counts(*h);
  EXPECT_EQ(c.inserted, 3u);
  EXPECT_EQ(c.updated, 1u);
  EXPECT_EQ(c.deleted, 1u);
  ASSERT_TRUE(sink->finish());
  EXPECT_EQ(sqlite3_rows(db, "SELECT id, name, coalesce(_sdc_deleted_at, '-') FROM items ORDER BY id"),
            (std::vector<std::string>{"1|a2|-", "2|b|2023-11-14 22:16:40.000000", "3|c|-"}));
  EXPECT_EQ(sqlite3_rows(db, "SELECT state FROM _sluice_state"), std::vector<std::string>{"{\"n\":2}"});
}

TEST(SqliteSink, HardDeletesRemoveRowsWithAndWithoutKey) {
  std::string dir = make_temp_dir("sqlite-hard");
  for (bool keyed : {true, false}) {
    std::string db = dir + (keyed ? "/keyed.db" : "/keyless.db");
    auto sink = open_sink(db, true);
    auto h = sink->open_stream(simple_stream(keyed));
    ASSERT_TRUE(h);
    ASSERT_TRUE(sink->write_row(*h, make_row(item(1, "a"))));
    ASSERT_TRUE(sink->write_row(*h, make_row(item(2, "b"))));
    ASSERT_TRUE(sink->write_row(*h, make_row(item(2, "b"))));  // keyless: a duplicate row
    ASSERT_TRUE(sink->write_row(*h, make_row(item(2, "b"), change::Op::kDelete, 1700000200)));
    ASSERT_TRUE(sink->checkpoint("{}"));
    ASSERT_TRUE(sink->finish());
    std::vector<std::string> expected = keyed ? std::vector<std::string>{"1|a"} : std::vector<std::string>{"1|a", "2|b"};
    EXPECT_EQ(sqlite3_rows(db, "SELECT id, name FROM items ORDER BY id"), expected) << "keyed=" << keyed;
  }
}

TEST(SqliteSink, KeylessStreamsAppend) {
  std::string db = make_temp_dir("sqlite-append") + "/out.db";
  auto sink = open_sink(db);
  auto h = sink->open_stream(simple_stream(false));
  ASSERT_TRUE(sink->write_row(*h, make_row(item(1, "a"))));
  ASSERT_TRUE(sink->write_row(*h, make_row(item(1, "a"))));
  ASSERT_TRUE(sink->checkpoint("{}"));
  ASSERT_TRUE(sink->finish());
  EXPECT_EQ(sqlite3_rows(db, "SELECT count(*) FROM items"), std::vector<std::string>{"2"});
}

TEST(SqliteSink, AddsColumnsAndKeepsAbsentValues) {
  std::string db = make_temp_dir("sqlite-alter") + "/out.db";
  auto sink = open_sink(db);
  sinks::StreamInfo info = simple_stream(true);
  auto h = sink->open_stream(info);
  ASSERT_TRUE(sink->write_row(*h, make_row(item(1, "a"))));
  info.columns.push_back(column("price", schema::ColumnKind::kDecimal));
  ASSERT_TRUE(sink->update_stream(*h, info));
  core::Value price = core::Value::with_text(core::ValueKind::kDecimal, "9.50");
  std::vector<core::Value> row2 = {core::Value::from_int(2), core::Value::with_text(core::ValueKind::kString, "b"), price};
  ASSERT_TRUE(sink->write_row(*h, make_row(row2)));
  // A MINIMAL-image update of row 2 without `name`: the stored name stays.
  std::vector<core::Value> row2u = {core::Value::from_int(2), core::Value::absent(),
                                    core::Value::with_text(core::ValueKind::kDecimal, "10.00")};
  ASSERT_TRUE(sink->write_row(*h, make_row(row2u, change::Op::kUpdate)));
  ASSERT_TRUE(sink->checkpoint("{}"));
  ASSERT_TRUE(sink->finish());
  EXPECT_EQ(sqlite3_rows(db, "SELECT id, name, quote(price) FROM items ORDER BY id"),
            (std::vector<std::string>{"1|a|NULL", "2|b|'10.00'"}));
}

TEST(SqliteSink, ActivateVersionRemovesOlderLoads) {
  std::string db = make_temp_dir("sqlite-version") + "/out.db";
  for (int64_t version : {100, 200}) {
    auto sink = open_sink(db);
    for (bool keyed : {true, false}) {
      sinks::StreamInfo info = simple_stream(keyed);
      if (!keyed) {
        info.stream_id = "shop-log";
        info.table = info.stream = "log";
      }
      info.method = change::Method::kFullTable;
      info.version = version;
      auto h = sink->open_stream(info);
      ASSERT_TRUE(h);
      // The first load has rows 1..3, the second only 1 and 2.
      for (int64_t id = 1; id <= (version == 100 ? 3 : 2); ++id) {
        ASSERT_TRUE(sink->write_row(*h, make_row(item(id, version == 100 ? "old" : "new"))));
      }
      ASSERT_TRUE(sink->activate_version(*h, version));
    }
    ASSERT_TRUE(sink->checkpoint("{}"));
    ASSERT_TRUE(sink->finish());
  }
  for (const char* table : {"items", "log"}) {
    EXPECT_EQ(sqlite3_rows(db, std::string("SELECT id, name, _sdc_table_version FROM ") + table + " ORDER BY id"),
              (std::vector<std::string>{"1|new|200", "2|new|200"}))
        << table;
  }
}

// Two loads by one sink into a table it created: the first activation has nothing older to
// remove (no scan), the second still removes the first load's rows.
TEST(SqliteSink, ActivateVersionInOneSinkAfterAFreshTable) {
  std::string db = make_temp_dir("sqlite-version-one") + "/out.db";
  auto sink = open_sink(db);
  sinks::StreamInfo info = simple_stream(false);
  info.method = change::Method::kFullTable;
  sinks::StreamHandle h = 0;
  for (int64_t version : {100, 200}) {
    info.version = version;
    auto opened = sink->open_stream(info);
    ASSERT_TRUE(opened);
    h = *opened;
    for (int64_t id = 1; id <= (version == 100 ? 3 : 2); ++id) {
      ASSERT_TRUE(sink->write_row(h, make_row(item(id, version == 100 ? "old" : "new"))));
    }
    ASSERT_TRUE(sink->activate_version(h, version));
  }
  ASSERT_TRUE(sink->checkpoint("{}"));
  EXPECT_EQ(sqlite3_rows(db, "SELECT id, name, _sdc_table_version FROM items ORDER BY id"),
            (std::vector<std::string>{"1|new|200", "2|new|200"}));
  ASSERT_TRUE(sink->activate_version(h, 300));  // a later activation with no rows of its own
  ASSERT_TRUE(sink->checkpoint("{}"));
  ASSERT_TRUE(sink->finish());
  EXPECT_EQ(sqlite3_rows(db, "SELECT COUNT(*) FROM items"), (std::vector<std::string>{"0"}));
}

TEST(SqliteSink, RowsWithoutCheckpointAreRolledBackAndStateLoads) {
  std::string db = make_temp_dir("sqlite-rollback") + "/out.db";
  auto none = sinks::load_sqlite_state(db);
  ASSERT_TRUE(none);
  EXPECT_FALSE(none->has_value());
  auto sink = open_sink(db);
  auto h = sink->open_stream(simple_stream(true));
  ASSERT_TRUE(sink->write_row(*h, make_row(item(1, "a"))));
  ASSERT_TRUE(sink->checkpoint("{\"at\":1}"));
  ASSERT_TRUE(sink->write_row(*h, make_row(item(2, "b"))));
  ASSERT_TRUE(sink->finish());
  sink.reset();
  EXPECT_EQ(sqlite3_rows(db, "SELECT id FROM items"), std::vector<std::string>{"1"});
  auto st = sinks::load_sqlite_state(db);
  ASSERT_TRUE(st);
  EXPECT_EQ(st->value_or("none"), "{\"at\":1}");
}

TEST(SqliteSink, TableNamesAreQuotedAndCollisionsGetTheDatabase) {
  std::string db = make_temp_dir("sqlite-names") + "/out.db";
  auto sink = open_sink(db);
  sinks::StreamInfo a = simple_stream(true);
  a.stream_id = "shop-odd \"name\"";
  a.table = a.stream = "odd \"name\"";
  sinks::StreamInfo b = a;
  b.stream_id = "crm-odd \"name\"";
  b.database = "crm";
  a.columns[1].name = "we\"ird col";
  b.columns[1].name = "we\"ird col";
  auto ha = sink->open_stream(a);
  auto hb = sink->open_stream(b);
  ASSERT_TRUE(ha && hb);
  ASSERT_TRUE(sink->write_row(*ha, make_row(item(1, "shop"))));
  ASSERT_TRUE(sink->write_row(*hb, make_row(item(1, "crm"))));
  ASSERT_TRUE(sink->checkpoint("{}"));
  ASSERT_TRUE(sink->finish());
  EXPECT_EQ(sqlite3_rows(db, "SELECT stream_id, table_name FROM _sluice_streams ORDER BY table_name"),
            (std::vector<std::string>{"crm-odd \"name\"|crm__odd \"name\"", "shop-odd \"name\"|odd \"name\""}));
  EXPECT_EQ(sqlite3_rows(db, "SELECT \"we\"\"ird col\" FROM \"crm__odd \"\"name\"\"\""), std::vector<std::string>{"crm"});
}

// kill -9 while rows are being written between checkpoints; the rerun resumes from the state
// the database holds and ends with every source row exactly once (keyed and keyless).
TEST(SqliteSink, KillNineThenResumeLosesNothingAndDuplicatesNothing) {
  std::string db = make_temp_dir("sqlite-kill") + "/out.db";
  constexpr int64_t kRows = 20000;
  auto run_job = [&](int64_t kill_after) {
    auto sink = open_sink(db);
    if (!sink) return 2;
    auto state = sink->load_state();
    int64_t start = state && state->has_value() ? std::stoll(**state) : 0;
    auto hk = sink->open_stream(simple_stream(true));
    sinks::StreamInfo log = simple_stream(false);
    log.stream_id = "shop-log";
    log.table = log.stream = "log";
    auto hl = sink->open_stream(log);
    for (int64_t id = start + 1; id <= kRows; ++id) {
      if (!sink->write_row(*hk, make_row(item(id, "k"))) || !sink->write_row(*hl, make_row(item(id, "l")))) return 3;
      if (id == kill_after) raise(SIGKILL);  // rows written past the last checkpoint
      if (id % 1000 == 0 && !sink->checkpoint(std::to_string(id))) return 4;
    }
    if (!sink->checkpoint(std::to_string(kRows)) || !sink->finish()) return 5;
    return 0;
  };
  EXPECT_EQ(in_child([&] { return run_job(12345); }), 128 + SIGKILL);
  EXPECT_EQ(sqlite3_rows(db, "SELECT state FROM _sluice_state"), std::vector<std::string>{"12000"});
  EXPECT_EQ(sqlite3_rows(db, "SELECT count(*), max(id) FROM log"), std::vector<std::string>{"12000|12000"});
  EXPECT_EQ(in_child([&] { return run_job(0); }), 0);
  for (const char* table : {"items", "log"}) {
    EXPECT_EQ(sqlite3_rows(db, std::string("SELECT count(*), count(DISTINCT id), min(id), max(id) FROM ") + table),
              std::vector<std::string>{"20000|20000|1|20000"})
        << table;
  }
}

TEST(SqliteSink, MissingDirectoryIsOneClearError) {
  SqliteSinkOptions o;
  o.path = make_temp_dir("sqlite-missing") + "/no/such/dir/out.db";
  auto s = SqliteSink::open(o);
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().message.find("does not exist"), std::string::npos) << s.error().message;
  EXPECT_NE(s.error().message.find(o.path), std::string::npos) << s.error().message;
}

TEST(SqliteSink, ReadOnlyFileIsOneClearErrorAndStateStays) {
  std::string dir = make_temp_dir("sqlite-ro");
  std::string db = dir + "/out.db";
  {
    auto sink = open_sink(db);
    ASSERT_TRUE(sink->checkpoint("{\"v\":1}"));
    ASSERT_TRUE(sink->finish());
  }
  ASSERT_EQ(::chmod(db.c_str(), 0444), 0);
  ASSERT_EQ(::chmod(dir.c_str(), 0777), 0);
  std::string msg_file = dir + "/msg";
  // root may write anything: the writer runs as `nobody`, for whom the file is read-only.
  int rc = in_child([&] {
    if (setgid(65534) != 0 || setuid(65534) != 0) return 10;
    SqliteSinkOptions o;
    o.path = db;
    auto s = SqliteSink::open(o);
    std::string msg;
    if (!s) {
      msg = s.error().message;
    } else {
      auto h = (*s)->open_stream(simple_stream(true));
      auto st = h ? (*s)->checkpoint("{\"v\":2}") : core::Status(core::fail(h.error()));
      msg = st ? "no error" : st.error().message;
    }
    write_file(msg_file, msg);
    return 0;
  });
  ASSERT_EQ(rc, 0);
  std::string msg = read_file(msg_file);
  EXPECT_NE(msg.find("read-only"), std::string::npos) << msg;
  EXPECT_NE(msg.find(db), std::string::npos) << msg;
  EXPECT_EQ(sqlite3_rows(db, "SELECT state FROM _sluice_state"), std::vector<std::string>{"{\"v\":1}"});
}

// A full disk, simulated honestly by a file size limit (RLIMIT_FSIZE) in a child process: the
// write fails with EFBIG, the checkpoint fails with one clear error and the state stays.
TEST(SqliteSink, FullDiskFailsTheCheckpointAndKeepsTheState) {
  std::string dir = make_temp_dir("sqlite-full");
  std::string db = dir + "/out.db";
  {
    auto sink = open_sink(db);
    auto h = sink->open_stream(simple_stream(true));
    ASSERT_TRUE(sink->write_row(*h, make_row(item(1, "a"))));
    ASSERT_TRUE(sink->checkpoint("{\"v\":1}"));
    ASSERT_TRUE(sink->finish());
  }
  std::string msg_file = dir + "/msg";
  int rc = in_child([&] {
    signal(SIGXFSZ, SIG_IGN);
    rlimit lim{1 << 20, 1 << 20};
    setrlimit(RLIMIT_FSIZE, &lim);
    auto sink = open_sink(db);
    auto h = sink->open_stream(simple_stream(true));
    std::string big(1000, 'x');
    core::Status st = core::ok();
    for (int64_t id = 2; id < 5000 && st; ++id) st = sink->write_row(*h, make_row(item(id, big)));
    if (st) st = sink->checkpoint("{\"v\":2}");
    write_file(msg_file + ".tmp", st ? "no error" : st.error().message);
    rlimit unlimited{RLIM_INFINITY, RLIM_INFINITY};
    setrlimit(RLIMIT_FSIZE, &unlimited);
    std::rename((msg_file + ".tmp").c_str(), msg_file.c_str());
    (void)sink->finish();
    return 0;
  });
  ASSERT_EQ(rc, 0);
  std::string msg = read_file(msg_file);
  EXPECT_NE(msg.find("SQLite destination " + db), std::string::npos) << msg;
  EXPECT_NE(msg.find("bookmark was not advanced"), std::string::npos) << msg;
  EXPECT_EQ(sqlite3_rows(db, "SELECT state FROM _sluice_state"), std::vector<std::string>{"{\"v\":1}"});
  EXPECT_EQ(sqlite3_rows(db, "SELECT count(*) FROM items"), std::vector<std::string>{"1"});
}

}  // namespace
}  // namespace sluice::test
