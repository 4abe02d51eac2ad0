// Randomised differential test on both test servers: a seeded random workload over many column
// types (edge values, NULLs, 4-byte UTF-8, zero dates, JSON), in variants of binlog_row_image
// (FULL/MINIMAL/NOBLOB), binlog_row_metadata (MINIMAL/FULL), MySQL transaction compression and
// an ALTER TABLE ADD COLUMN between DML. What sluice decodes must equal, value by value, what
// the server's own decoder prints (mariadb-binlog / mysqlbinlog -v), and replaying sluice's
// changes must give what SELECT returns at the end.
#include <gtest/gtest.h>

#include <csignal>
#include <cstdio>
#include <map>
#include <nlohmann/json.hpp>

#include "integration/binlog_differential/differential_values.h"
#include "support/binlog_rows.h"
#include "support/test_servers.h"
#include "support/test_util.h"

namespace sluice::test::differential {
namespace {

struct Variant {
  std::string name;
  std::string row_image;  // FULL / MINIMAL / NOBLOB
  bool full_metadata;
  bool compression;  // MySQL only
};

std::vector<Variant> variants() {
  return {{"full_image_full_meta", "FULL", true, false},
          {"minimal_image_full_meta", "MINIMAL", true, false},
          {"noblob_minimal_meta", "NOBLOB", false, false},
          {"full_image_minimal_meta_compressed", "FULL", false, true}};
}

// The workload: inserts, updates and deletes in transactions, an ADD COLUMN in the middle.
std::string workload_sql(uint32_t seed, const Variant& v, bool mysql, std::vector<Column>& cols) {
  Workload w(seed);
  cols = base_columns();
  std::string sql = "SET NAMES utf8mb4; SET SESSION time_zone = '+00:00'; SET SESSION sql_mode = '';\n";
  sql += "SET SESSION binlog_row_image = " + v.row_image + ";\n";
  if (mysql) sql += std::string("SET SESSION binlog_transaction_compression = ") + (v.compression ? "ON" : "OFF") + ";\n";
  sql += "USE bdiff;\n";
  int next_id = 1;
  for (int phase = 0; phase < 2; ++phase) {
    for (int txn = 0; txn < 12; ++txn) {
      sql += "BEGIN;\n";
      for (int k = 0; k < 40; ++k) sql += w.insert(next_id++, cols);
      for (int k = 0; k < 6; ++k) {
        int lo = static_cast<int>(w.range(1, next_id - 1));
        sql += w.update(lo, lo + w.pick(8), cols);
      }
      int victim = static_cast<int>(w.range(1, next_id - 1));
      sql += "DELETE FROM t WHERE id BETWEEN " + std::to_string(victim) + " AND " + std::to_string(victim + 2) + ";\n";
      sql += "COMMIT;\n";
      sql += w.update(static_cast<int>(w.range(1, next_id - 1)), next_id, cols);  // autocommit
    }
    if (phase == 0) {
      cols.push_back({"added", Kind::kText, "VARCHAR(60) CHARACTER SET utf8mb4"});
      sql += "ALTER TABLE t ADD COLUMN added VARCHAR(60) CHARACTER SET utf8mb4;\n";
    }
  }
  return sql;
}

std::string copy_workload_binlog(const ServerInfo& s, const std::string& dir) {
  admin_sql(s, "FLUSH BINARY LOGS");
  auto lines = split_lines(admin_sql(s, "SHOW BINARY LOGS"));
  std::string name = lines.at(lines.size() - 2).substr(0, lines.at(lines.size() - 2).find('\t'));
  std::string dst = dir + "/" + name;
  write_file(dst, read_file(s.dir + "/data/" + name));
  return dst;
}

std::vector<nlohmann::json> sluice_changes(const std::string& file) {
  std::vector<nlohmann::json> rows;
  for (const auto& l : split_lines(binlog_json_lines(file, {"bdiff"}))) rows.push_back(parse_exact(l));
  return rows;
}

std::string server_decoder_output(const ServerInfo& s, const std::string& file) {
  CommandResult r;
  if (s.is_mysql()) {
    std::string root = s.dir.substr(0, s.dir.find("/srv/"));
    std::string inside = "/tmp/bdiff-" + file.substr(file.rfind('/') + 1);
    write_file(root + inside, read_file(file));
    r = run_command({"chroot", root, "/usr/bin/mysqlbinlog", "-v", "--base64-output=DECODE-ROWS", inside});
    std::remove((root + inside).c_str());
  } else {
    r = run_command({"mariadb-binlog", "--verbose", "--base64-output=DECODE-ROWS", file});
  }
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return r.out;
}

// Column index (0-based) of a sluice key: "@N" or a name.
size_t index_of(const std::string& key, const std::vector<Column>& cols) {
  if (key.starts_with("@")) return std::stoul(key.substr(1)) - 1;
  for (size_t i = 0; i < cols.size(); ++i) {
    if (cols[i].name == key) return i;
  }
  ADD_FAILURE() << "unknown key " << key;
  return 0;
}

ImageValues sluice_image(const nlohmann::json& img, const std::vector<Column>& cols, bool full_meta) {
  ImageValues out;
  for (const auto& [key, value] : img.items()) {
    size_t i = index_of(key, cols);
    out[i] = canonical_sluice(cols.at(i).kind, value, full_meta);
  }
  return out;
}

void compare_with_server_decoder(const std::vector<nlohmann::json>& rows, const std::vector<ServerChange>& ref,
                                 const std::vector<Column>& cols, bool full_meta) {
  ASSERT_EQ(rows.size(), ref.size());
  size_t mismatches = 0;
  for (size_t r = 0; r < rows.size() && mismatches < 10; ++r) {
    const auto& row = rows[r];
    ASSERT_EQ(row["op"].get<std::string>(), ref[r].op) << "change " << r;
    for (const char* side : {"before", "after"}) {
      ImageValues want = std::string(side) == "before" ? ref[r].before : ref[r].after;
      ImageValues got;
      if (row.contains(side)) got = sluice_image(row[side], cols, full_meta);
      for (auto& [i, v] : want) v = canonical_server(cols.at(i).kind, v, full_meta);
      if (got != want) {
        ++mismatches;
        ADD_FAILURE() << "change " << r << " (" << ref[r].op << ") " << side << ": sluice " << describe(got, cols)
                      << "\nserver " << describe(want, cols);
      }
    }
  }
}

// Replays sluice's changes by id and compares with SELECT, value by value.
void compare_with_select(const ServerInfo& s, const std::vector<nlohmann::json>& rows, const std::vector<Column>& cols,
                         bool full_meta) {
  std::map<std::string, ImageValues> state;
  for (const auto& row : rows) {
    const auto& op = row["op"];
    if (op == "delete") {
      state.erase(sluice_image(row["before"], cols, full_meta).at(0));
      continue;
    }
    ImageValues after = sluice_image(row["after"], cols, full_meta);
    std::string old_id = op == "update" ? sluice_image(row["before"], cols, full_meta).at(0) : after.at(0);
    ImageValues merged = state[old_id];
    state.erase(old_id);
    for (auto& [i, v] : after) merged[i] = v;
    state[merged.at(0)] = merged;
  }
  std::string names;
  for (const auto& c : cols) names += (names.empty() ? "" : ", ") + c.name;
  auto lines = split_lines(admin_sql(s, "SET time_zone = '+00:00'; SELECT " + names + " FROM bdiff.t ORDER BY id"));
  ASSERT_EQ(lines.size(), state.size());
  size_t mismatches = 0;
  for (const auto& line : lines) {
    ImageValues want = select_row(line, cols, full_meta);
    auto it = state.find(want.at(0));
    ASSERT_NE(it, state.end()) << "id " << want.at(0) << " missing from the replayed changes";
    for (size_t i = 0; i < cols.size(); ++i) it->second.try_emplace(i, "NULL");  // added later: NULL
    if (it->second != want && ++mismatches < 10) {
      ADD_FAILURE() << "id " << want.at(0) << ": replayed " << describe(it->second, cols) << "\nSELECT "
                    << describe(want, cols);
    }
  }
}

class BinlogDifferential : public ::testing::TestWithParam<std::string> {};

TEST_P(BinlogDifferential, RandomWorkloadMatchesServerDecoderAndSelect) {
  std::signal(SIGPIPE, SIG_IGN);  // a client that stops reading its SQL is an error, not a kill
  ServerInfo s = shared_server(GetParam());
  std::string dir = make_temp_dir("binlog_differential");
  std::string saved_meta = split_lines(admin_sql(s, "SELECT @@GLOBAL.binlog_row_metadata")).at(0);
  uint32_t seed = 20240;
  for (const Variant& v : variants()) {
    if (v.compression && !s.is_mysql()) continue;
    SCOPED_TRACE(v.name + " seed " + std::to_string(seed));
    std::vector<Column> cols;
    std::string table;
    for (const auto& c : base_columns()) table += (table.empty() ? "" : ", ") + c.name + " " + c.sql_type;
    admin_sql(s, "DROP DATABASE IF EXISTS bdiff; CREATE DATABASE bdiff; CREATE TABLE bdiff.t (" + table + ")");
    admin_sql(s, std::string("SET GLOBAL binlog_row_metadata = ") + (v.full_metadata ? "FULL" : "MINIMAL"));
    admin_sql(s, "FLUSH BINARY LOGS");
    std::string sql = workload_sql(seed++, v, s.is_mysql(), cols);
    admin_sql(s, sql);
    admin_sql(s, "SET GLOBAL binlog_row_metadata = " + saved_meta);
    std::string file = copy_workload_binlog(s, dir);
    auto rows = sluice_changes(file);
    auto ref = parse_server_decoder(server_decoder_output(s, file), "bdiff");
    ASSERT_GT(rows.size(), 900u);
    compare_with_server_decoder(rows, ref, cols, v.full_metadata);
    compare_with_select(s, rows, cols, v.full_metadata);
  }
}

INSTANTIATE_TEST_SUITE_P(Both, BinlogDifferential, ::testing::ValuesIn(shared_server_names()));

}  // namespace
}  // namespace sluice::test::differential
