// UNSIGNED integers and binary strings that the TABLE_MAP does not describe. MariaDB's default
// binlog_row_metadata=NO_LOG carries no signedness and no charsets (MINIMAL carries both, on
// MariaDB and MySQL): the schema history says them (schema::HistoryResolver), so
// `sluice binlog stream --schema-history` and the log-based catch-up of `sluice sync` decode the
// same values, equal to SELECT: every unsigned width at its maximum, BINARY(n) with its trailing
// zero bytes, bytes that are not UTF-8 in BINARY, VARBINARY and BLOB.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <ostream>
#include <string>
#include <vector>

#include "integration/binlog_stream/stream_support.h"
#include "integration/sync/sync_support.h"
#include "support/test_servers.h"
#include "support/test_util.h"

namespace sluice::test {
namespace {

struct MetadataCase {
  std::string server;
  std::string metadata;  ///< binlog_row_metadata while the rows are written
};

void PrintTo(const MetadataCase& c, std::ostream* os) { *os << c.server << " " << c.metadata; }

const std::vector<std::string> kColumns = {"id", "ti", "si", "mi", "i", "bi", "b", "vb", "bl"};

constexpr const char* kCreate =
    "CREATE TABLE minmeta.t (id INT PRIMARY KEY, ti TINYINT UNSIGNED, si SMALLINT UNSIGNED, "
    "mi MEDIUMINT UNSIGNED, i INT UNSIGNED, bi BIGINT UNSIGNED, b BINARY(4), vb VARBINARY(8), bl BLOB)";

constexpr const char* kWrites =
    "INSERT INTO t VALUES (1, 255, 65535, 16777215, 4294967295, 18446744073709551615, X'FF00', X'80FF00', "
    "X'C3FF00FE');"
    "INSERT INTO t VALUES (2, 0, 0, 0, 0, 0, X'00000000', X'', X'');"
    "INSERT INTO t VALUES (3, 128, 32768, 8388608, 2147483648, 9223372036854775808, X'61', X'00', "
    "REPEAT(X'FE', 300));"
    "UPDATE t SET ti = 254, bi = 18446744073709551614, b = X'FFFFFFFF' WHERE id = 2;";

// The table as SELECT shows it, one tab-separated line per row: numbers, then binary as base64.
constexpr const char* kSelect =
    "SELECT id, ti, si, mi, i, bi, REPLACE(TO_BASE64(b), '\\n', ''), REPLACE(TO_BASE64(vb), '\\n', ''), "
    "REPLACE(TO_BASE64(bl), '\\n', '') FROM minmeta.t ORDER BY id";

// One row image in SELECT's form: numbers as written, strings (base64) unquoted.
std::string as_select_line(const nlohmann::json& row) {
  std::string out;
  for (const std::string& c : kColumns) {
    if (!out.empty()) out += '\t';
    const nlohmann::json& v = row.at(c);
    out += v.is_string() ? v.get<std::string>() : v.dump();
  }
  return out;
}

// The after image of each row change of `sluice binlog stream`, in order.
std::vector<std::string> stream_rows(const std::string& out) {
  std::vector<std::string> rows;
  for (const std::string& l : split_lines(out)) {
    auto j = nlohmann::json::parse(l);
    if (j.value("table", "") == "t" && j.contains("after")) rows.push_back(as_select_line(j["after"]));
  }
  return rows;
}

// The rows the JSON-lines destination holds, in write order (one file per part, sorted by name).
std::vector<std::string> jsonl_rows(const std::string& dir) {
  std::vector<std::string> files;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    if (e.path().extension() == ".jsonl") files.push_back(e.path().string());
  }
  std::sort(files.begin(), files.end());
  std::vector<std::string> rows;
  for (const std::string& f : files) {
    for (const std::string& l : split_lines(read_file(f)))
      rows.push_back(as_select_line(nlohmann::json::parse(l)));
  }
  return rows;
}

// The last image of each id, in id order: what the table holds after the changes.
std::vector<std::string> final_rows(const std::vector<std::string>& changes) {
  std::map<long, std::string> by_id;
  for (const std::string& r : changes) by_id[std::stol(r.substr(0, r.find('\t')))] = r;
  std::vector<std::string> out;
  for (auto& [id, r] : by_id) out.push_back(r);
  return out;
}

class MinimalMetadata : public ::testing::TestWithParam<MetadataCase> {};

TEST_P(MinimalMetadata, StreamWithHistoryAndSyncCatchupDecodeLikeSelect) {
  ServerInfo s = shared_server(GetParam().server);
  std::string old = split_lines(admin_sql(s, "SELECT @@GLOBAL.binlog_row_metadata")).at(0);
  admin_sql(s, "SET GLOBAL binlog_row_metadata = " + GetParam().metadata);
  struct Restore {
    ServerInfo s;
    std::string value;
    ~Restore() { admin_sql(s, "SET GLOBAL binlog_row_metadata = " + value); }
  } restore{s, old};
  admin_sql(s, std::string("DROP DATABASE IF EXISTS minmeta; CREATE DATABASE minmeta; ") + kCreate);
  std::string cfg = config_for(s, 4311, "\"filter_dbs\": \"minmeta\"");
  std::string catalog = sync::make_catalog(cfg, "minmeta", {{"t", "LOG_BASED"}});
  std::string dir = make_temp_dir("minmeta");
  std::string dest = "jsonl:" + dir + "/jsonl", history = dir + "/history.json";

  // The first job snapshots the empty table and bookmarks the binlog's end; the stream's history is
  // seeded by discovery at the same place.
  sync::SyncRun first = sync::run_sync(cfg, catalog, "", {"--destination", dest});
  ASSERT_EQ(first.exit_code, 0) << first.err;
  std::string from = from_arg(current_pos(s));
  CommandResult seed = run_sluice({"binlog", "stream", "--config", cfg, "--from", from, "--until-now",
                                   "--databases", "minmeta", "--schema-history", history});
  ASSERT_EQ(seed.exit_code, 0) << seed.err;

  admin_sql(s, kWrites, "minmeta");
  sync::SyncRun second = sync::run_sync(cfg, catalog, "", {"--destination", dest});
  ASSERT_EQ(second.exit_code, 0) << second.err;
  CommandResult streamed = run_sluice({"binlog", "stream", "--config", cfg, "--from", from, "--until-now",
                                       "--databases", "minmeta", "--schema-history", history});
  ASSERT_EQ(streamed.exit_code, 0) << streamed.err;

  std::vector<std::string> from_stream = stream_rows(streamed.out);
  std::vector<std::string> from_sync = jsonl_rows(dir + "/jsonl");
  ASSERT_EQ(from_stream.size(), 4u) << streamed.out;
  EXPECT_EQ(from_stream, from_sync) << "binlog stream --schema-history and sync's catch-up";
  EXPECT_EQ(final_rows(from_stream), split_lines(admin_sql(s, kSelect))) << "binlog stream and SELECT";
  EXPECT_EQ(final_rows(from_sync), split_lines(admin_sql(s, kSelect))) << "sync and SELECT";
}

INSTANTIATE_TEST_SUITE_P(Servers, MinimalMetadata,
                         ::testing::Values(MetadataCase{"mariadb", "NO_LOG"},
                                           MetadataCase{"mariadb", "MINIMAL"},
                                           MetadataCase{"mysql", "MINIMAL"}),
                         [](const auto& p) { return p.param.server + "_" + p.param.metadata; });

}  // namespace
}  // namespace sluice::test
