// Replays the recorded runs of the Singer MySQL tap (tests/data/tap_reference, copied from the
// tap's recorded output): the same schema and DML on a fresh MariaDB 10.11, in the recorded order,
// so the binlog positions of the tap's STATE files point at the same events here (checked). Then
// `sluice sync` runs from the tap's own catalog and from each STATE the tap wrote, as a user who
// switches from the tap mid-life does, and every stream's records are checked against SELECT,
// value by value: Full Table streams hold the table, the Key-based stream the rows at or after
// the tap's bookmark, and the log-based streams, replayed from the first run on (later record
// wins, `_sdc_deleted_at` removes, ACTIVATE_VERSION drops older versions), equal the table.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <set>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "support/test_servers.h"
#include "support/test_util.h"

namespace sluice::test {
namespace {

std::string reference(const std::string& name) { return source_dir() + "/tests/data/tap_reference/" + name; }

// How a cell is compared: exactly as text, strings by their bytes, floating point by value, JSON
// as parsed documents (key order and spacing aside).
enum class Kind { kExact, kText, kFloat, kDouble, kJson };

struct Column {
  std::string name;
  Kind kind = Kind::kExact;
  std::string expected_sql;  // the server's rendering of the column in sluice's Singer form
};

// The Singer JSON text sluice sends for a column, computed by the server (docs/types.md).
Column column_of(const std::string& name, const std::string& data_type, const std::string& column_type) {
  const std::string c = "`" + name + "`";
  auto quoted = [&](const std::string& expr) { return "IF(" + c + " IS NULL,'null',CONCAT('\"'," + expr + ",'\"'))"; };
  auto temporal = [&](const char* format) {
    return "IF(" + c + " IS NULL OR MONTH(" + c + ")=0 OR DAYOFMONTH(" + c + ")=0,'null',CONCAT('\"',DATE_FORMAT(" +
           c + ",'" + format + "'),'\"'))";
  };
  Column col{name, Kind::kExact, "IFNULL(" + c + ",'null')"};
  if (column_type == "tinyint(1)" || column_type == "bit(1)") {
    col.expected_sql = "IF(" + c + " IS NULL,'null',IF(" + c + "+0<>0,'true','false'))";
  } else if (data_type == "float" || data_type == "double") {
    col.kind = data_type == "float" ? Kind::kFloat : Kind::kDouble;
  } else if (data_type == "date") {
    col.expected_sql = temporal("%Y-%m-%dT00:00:00.000000Z");
  } else if (data_type == "datetime" || data_type == "timestamp") {
    col.expected_sql = temporal("%Y-%m-%dT%H:%i:%s.%fZ");
  } else if (data_type == "time" || data_type == "enum" || data_type == "set") {
    col.expected_sql = quoted(c);
  } else if (data_type == "year" || data_type == "bit") {
    col.expected_sql = "IFNULL(" + c + "+0,'null')";
  } else if (data_type == "binary" || data_type == "varbinary" || data_type.ends_with("blob")) {
    col.expected_sql = quoted("TO_BASE64(" + c + ")");
  } else if (data_type == "point" || data_type == "geometry") {
    col.expected_sql = quoted("REPLACE(ST_AsText(" + c + "),', ',',')");
  } else if (data_type == "json" || name == "c_json") {  // MariaDB's JSON is a checked LONGTEXT
    col.kind = Kind::kJson;
  } else if (data_type.ends_with("char") || data_type.ends_with("text")) {
    col.kind = Kind::kText;
    col.expected_sql = "IFNULL(HEX(" + c + "),'null')";
  }
  return col;
}

// The columns of `table` in the tap's catalog (a column added later is not in it, so not synced).
std::set<std::string> catalog_columns(const std::string& table) {
  auto catalog = nlohmann::json::parse(read_file(reference("catalog.selected.json")));
  std::set<std::string> out;
  for (const auto& s : catalog["streams"]) {
    if (s["table_name"] != table) continue;
    for (const auto& [name, type] : s["schema"]["properties"].items()) out.insert(name);
  }
  return out;
}

// The table's columns now, those of the catalog only.
std::vector<Column> columns_of(const ServerInfo& server, const std::string& table) {
  const std::set<std::string> selected = catalog_columns(table);
  std::vector<Column> out;
  std::string rows = admin_sql(server,
                               "SELECT COLUMN_NAME, DATA_TYPE, COLUMN_TYPE FROM information_schema.COLUMNS "
                               "WHERE TABLE_SCHEMA='sluice_t' AND TABLE_NAME='" +
                                   table + "' ORDER BY ORDINAL_POSITION");
  for (const std::string& line : split_lines(rows)) {
    size_t a = line.find('\t'), b = line.find('\t', a + 1);
    if (!selected.contains(line.substr(0, a))) continue;
    out.push_back(column_of(line.substr(0, a), line.substr(a + 1, b - a - 1), line.substr(b + 1)));
  }
  return out;
}

// One cell in a form that compares equal when the values are equal.
std::string canonical(const std::string& text, Kind kind, bool from_record) {
  if (text == "null") return text;
  switch (kind) {
    case Kind::kText:
      return from_record ? hex_upper(nlohmann::json::parse(text).get<std::string>()) : text;
    case Kind::kFloat:  // strtof/strtod, not stof/stod: those throw on subnormals such as 1e-320
    case Kind::kDouble: {
      char buf[40];
      if (kind == Kind::kFloat) {
        std::snprintf(buf, sizeof buf, "%.9g", static_cast<double>(std::strtof(text.c_str(), nullptr)));
      } else {
        std::snprintf(buf, sizeof buf, "%.17g", std::strtod(text.c_str(), nullptr));
      }
      return buf;
    }
    case Kind::kJson:
      return nlohmann::json::parse(text).dump();
    case Kind::kExact:
      break;
  }
  return text;
}

using Row = std::vector<std::string>;

// The raw JSON text of each member of the object that starts at text[pos] (exact DECIMAL digits).
std::map<std::string, std::string> raw_members(const std::string& text, size_t pos) {
  std::map<std::string, std::string> out;
  auto skip_string = [&](size_t i) {  // i at the opening quote; returns the index after the closing one
    for (++i; text[i] != '"'; ++i) i += text[i] == '\\' ? 1 : 0;
    return i + 1;
  };
  size_t i = pos + 1;
  while (text[i] != '}') {
    if (text[i] == ',') ++i;
    size_t key_end = skip_string(i);
    std::string key = nlohmann::json::parse(text.substr(i, key_end - i)).get<std::string>();
    size_t v = key_end + 1, j = v;
    int depth = 0;
    while (depth > 0 || (text[j] != ',' && text[j] != '}')) {
      if (text[j] == '"') {
        j = skip_string(j);
        continue;
      }
      depth += (text[j] == '{' || text[j] == '[') ? 1 : (text[j] == '}' || text[j] == ']') ? -1 : 0;
      ++j;
    }
    out[key] = text.substr(v, j - v);
    i = j;
  }
  return out;
}

// What one run sent for one stream: its records in order (raw members) and its ACTIVATE_VERSIONs.
struct Message {
  bool activate = false;
  int64_t version = 0;
  std::map<std::string, std::string> record;
};

std::vector<Message> messages_of(const std::string& out, const std::string& stream) {
  std::vector<Message> msgs;
  for (const std::string& line : split_lines(out)) {
    auto doc = nlohmann::json::parse(line);
    if (doc.value("stream", "") != stream) continue;
    if (doc["type"] == "ACTIVATE_VERSION") msgs.push_back({true, doc["version"].get<int64_t>(), {}});
    if (doc["type"] != "RECORD") continue;
    const std::string key = "\"record\":";
    msgs.push_back({false, doc.value("version", int64_t{0}), raw_members(line, line.find(key) + key.size())});
  }
  return msgs;
}

Row row_of_record(const std::map<std::string, std::string>& record, const std::vector<Column>& cols) {
  Row row;
  for (const Column& c : cols) {
    auto it = record.find(c.name);
    row.push_back(it == record.end() ? "ABSENT" : canonical(it->second, c.kind, true));
  }
  return row;
}

// The table's rows as sluice should send them (sorted), optionally filtered by `where`.
std::vector<Row> select_rows(const ServerInfo& server, const std::string& table, const std::vector<Column>& cols,
                             const std::string& where = "") {
  std::string sql = "SET SESSION time_zone = '+00:00'; SELECT ";
  for (size_t i = 0; i < cols.size(); ++i) sql += (i ? "," : "") + cols[i].expected_sql;
  sql += " FROM sluice_t." + table + (where.empty() ? "" : " WHERE " + where);
  std::vector<Row> rows;
  for (const std::string& line : split_lines(admin_sql(server, sql))) {
    Row row;
    size_t start = 0;
    for (const Column& c : cols) {
      size_t tab = line.find('\t', start);
      row.push_back(canonical(line.substr(start, tab - start), c.kind, false));
      start = tab == std::string::npos ? line.size() : tab + 1;
    }
    rows.push_back(row);
  }
  std::sort(rows.begin(), rows.end());
  return rows;
}

// A log-based stream's rows after replaying `messages` on `rows` (keyed by `keys`, column indices).
struct Replay {
  std::map<Row, std::pair<int64_t, Row>> rows;  // key -> (version, row)
  void apply(const std::vector<Message>& messages, const std::vector<Column>& cols, const std::vector<size_t>& keys) {
    for (const Message& m : messages) {
      if (m.activate) {
        std::erase_if(rows, [&](const auto& kv) { return kv.second.first < m.version; });
        continue;
      }
      Row row = row_of_record(m.record, cols);
      Row key;
      for (size_t k : keys) key.push_back(row[k]);
      auto deleted = m.record.find("_sdc_deleted_at");
      if (deleted != m.record.end() && deleted->second != "null") {
        rows.erase(key);
      } else {
        rows[key] = {m.version, row};
      }
    }
  }
  std::vector<Row> sorted() const {
    std::vector<Row> out;
    for (const auto& [key, value] : rows) out.push_back(value.second);
    std::sort(out.begin(), out.end());
    return out;
  }
};

std::string describe(const std::vector<Row>& rows) {
  std::string out;
  for (const Row& r : rows) {
    for (const std::string& cell : r) out += cell + " | ";
    out += "\n";
  }
  return out;
}

// The binlog events of the server's current file as (start, end) positions.
std::vector<std::pair<uint64_t, uint64_t>> binlog_events(const ServerInfo& server, const std::string& file) {
  std::vector<std::pair<uint64_t, uint64_t>> out;
  for (const std::string& line : split_lines(admin_sql(server, "SHOW BINLOG EVENTS IN '" + file + "'"))) {
    std::vector<std::string> cells;
    size_t start = 0;
    for (size_t tab; (tab = line.find('\t', start)) != std::string::npos; start = tab + 1) {
      cells.push_back(line.substr(start, tab - start));
    }
    out.emplace_back(std::stoull(cells[1]), std::stoull(cells[4]));
  }
  return out;
}

class TapReplayTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = std::make_unique<ScopedServer>("mariadb", "tapreplay");
    config_ = write_config(server_->info(), "\"filter_dbs\": \"sluice_t\", \"server_id\": 7710");
  }

  const ServerInfo& server() const { return server_->info(); }

  // The tap's STATE after run `n` (state<n>.json).
  nlohmann::json tap_state(int n) const { return nlohmann::json::parse(read_file(reference("state" + std::to_string(n) + ".json"))); }

  // Loads schema.sql (run 1) or dml<run>.sql, then checks that the tap's bookmark positions of that
  // stage point at the same events in this binlog: after the schema, the binlog's end (where the
  // tap's initial snapshot started); after DML, the start of the last event (the tap bookmarks the
  // COMMIT event of the last transaction it read).
  void load_stage(int run) {
    std::string file = run == 1 ? "schema.sql" : "dml" + std::to_string(run) + ".sql";
    admin_sql(server(), read_file(reference(file)));
    const nlohmann::json state = tap_state(run);
    const nlohmann::json& bookmark = state["bookmarks"]["sluice_t-types_log"];
    std::string log_file = bookmark["log_file"].get<std::string>();
    auto events = binlog_events(server(), log_file);
    ASSERT_FALSE(events.empty());
    uint64_t want = run == 1 ? events.back().second : events.back().first;
    ASSERT_EQ(bookmark["log_pos"].get<uint64_t>(), want)
        << "the recorded state" << run << " does not point at the same event of " << log_file << " here";
    EXPECT_EQ(state["bookmarks"]["sluice_t-compk"]["log_pos"], bookmark["log_pos"]);
  }

  // `sluice sync` from the tap's catalog and, after run 1, the tap's STATE of the run before.
  CommandResult try_sync(int run, const std::string& state = "") {
    std::vector<std::string> args = {"sync", "--config", config_, "--catalog", reference("catalog.selected.json")};
    if (run > 1) {
      args.insert(args.end(), {"--state", state.empty() ? reference("state" + std::to_string(run - 1) + ".json") : state});
    }
    return run_sluice(args);
  }
  std::string run_sync(int run, const std::string& state = "") {
    CommandResult r = try_sync(run, state);
    EXPECT_EQ(r.exit_code, 0) << "run " << run << ": " << r.err;
    return r.out;
  }

  // Every stream of run `run` against SELECT.
  void check_run(int run, const std::string& out) {
    for (const std::string table : {"types_full", "nopk", "v_types"}) {
      auto cols = columns_of(server(), table);
      std::vector<Row> got;
      for (const Message& m : messages_of(out, table)) {
        if (!m.activate) got.push_back(row_of_record(m.record, cols));
      }
      std::sort(got.begin(), got.end());
      EXPECT_EQ(got, select_rows(server(), table, cols)) << "run " << run << " FULL_TABLE " << table;
    }
    auto incr = columns_of(server(), "types_incr");
    std::string where;
    if (run > 1) {
      std::string since = tap_state(run - 1)["bookmarks"]["sluice_t-types_incr"]["replication_key_value"];
      where = "updated_at >= '" + since.substr(0, 10) + " " + since.substr(11, 15) + "'";
    }
    std::vector<Row> got;
    for (const Message& m : messages_of(out, "types_incr")) {
      if (!m.activate) got.push_back(row_of_record(m.record, incr));
    }
    std::sort(got.begin(), got.end());
    EXPECT_EQ(got, select_rows(server(), "types_incr", incr, where)) << "run " << run << " INCREMENTAL since " << where;
    for (const auto& [table, keys] : std::vector<std::pair<std::string, std::vector<size_t>>>{
             {"types_log", {0}}, {"compk", {0, 1}}}) {
      auto cols = columns_of(server(), table);
      log_based_[table].apply(messages_of(out, table), cols, keys);
      std::vector<Row> want = select_rows(server(), table, cols);
      EXPECT_EQ(log_based_[table].sorted(), want)
          << "run " << run << " LOG_BASED " << table << ": the replayed records\n"
          << describe(log_based_[table].sorted()) << "the table\n"
          << describe(want);
    }
  }

  void replay_runs(int last) {
    for (int run = 1; run <= last; ++run) {
      SCOPED_TRACE("run " + std::to_string(run));
      load_stage(run);
      if (HasFatalFailure()) return;
      check_run(run, run_sync(run));
    }
  }

  std::unique_ptr<ScopedServer> server_;
  std::string config_;
  std::map<std::string, Replay> log_based_;
};

// ---- What changes for a target on the first sluice job (docs/migrating-from-tap-mysql.md) ----

std::map<std::string, std::vector<nlohmann::json>> records_by_stream(const std::string& text) {
  std::map<std::string, std::vector<nlohmann::json>> out;
  for (const std::string& line : split_lines(text)) {
    auto doc = nlohmann::json::parse(line);
    if (doc["type"] == "RECORD") out[doc["stream"]].push_back(doc["record"]);
  }
  return out;
}

std::map<std::string, nlohmann::json> schemas_by_stream(const std::string& text) {
  std::map<std::string, nlohmann::json> out;
  for (const std::string& line : split_lines(text)) {
    auto doc = nlohmann::json::parse(line);
    if (doc["type"] == "SCHEMA") out[doc["stream"]] = doc;
  }
  return out;
}

// Microseconds of "[-]H:MM:SS[.ffffff]" (sluice's TIME) or of "YYYY-MM-DDTHH:MM:SS.ffffffZ" after
// 1970-01-01 (the tap's TIME: a date-time on the epoch's day).
int64_t micros_of_time(const std::string& t) {
  bool negative = t[0] == '-';
  int h = 0, m = 0, sec = 0, frac = 0;
  char fbuf[8] = "";
  std::sscanf(t.c_str() + (negative ? 1 : 0), "%d:%d:%d.%6[0-9]", &h, &m, &sec, fbuf);
  std::string f = fbuf;
  f.resize(6, '0');
  frac = std::stoi(f);
  int64_t v = ((int64_t{h} * 60 + m) * 60 + sec) * 1000000 + frac;
  return negative ? -v : v;
}
int64_t micros_of_epoch_datetime(const std::string& t) {
  std::tm tm{};
  int micros = 0;
  std::sscanf(t.c_str(), "%d-%d-%dT%d:%d:%d.%dZ", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour, &tm.tm_min,
              &tm.tm_sec, &micros);
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  return int64_t{timegm(&tm)} * 1000000 + micros;
}

// A string with each 4-byte UTF-8 sequence replaced by '?' (what the tap's SELECT path sends).
std::string four_byte_as_question_marks(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xF8) == 0xF0 && i + 3 < s.size()) {
      out.push_back('?');
      i += 3;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

enum class Path { kSelect, kBinlog };

// Columns the tap does not send at all; sluice sends them (their values are checked against SELECT
// by the replay test).
const std::vector<std::string> kDroppedByTheTap = {"c_year", "c_set", "c_binary", "c_varbinary", "c_blob", "c_point"};

// One cell: equal to the tap's, or different exactly as docs/migrating-from-tap-mysql.md says.
void expect_cell_as_documented(const std::string& column, const nlohmann::json* tap, const nlohmann::json* ours,
                               Path path, const std::string& where) {
  SCOPED_TRACE(where + " column " + column);
  ASSERT_NE(ours, nullptr) << "sluice did not send it";
  if (std::find(kDroppedByTheTap.begin(), kDroppedByTheTap.end(), column) != kDroppedByTheTap.end()) {
    EXPECT_EQ(tap, nullptr) << "the tap sent it";
    return;
  }
  if (column == "_sdc_deleted_at" && tap == nullptr) {  // the tap adds it to binlog rows only
    EXPECT_TRUE(ours->is_null());
    return;
  }
  ASSERT_NE(tap, nullptr) << "the tap did not send it";
  if (tap->is_null() || ours->is_null()) {
    EXPECT_EQ(*tap, *ours);
  } else if (column == "c_json") {  // the tap: the document's text; sluice: the document
    EXPECT_EQ(nlohmann::json::parse(tap->get<std::string>()), *ours);
  } else if (column == "c_time" || column == "c_time6") {  // the tap: a date-time on 1970-01-01
    int64_t want = micros_of_time(ours->get<std::string>());
    // The tap's binlog path gets negative TIME values wrong (its known defect).
    if (path == Path::kSelect || want >= 0) {
      EXPECT_EQ(micros_of_epoch_datetime(tap->get<std::string>()), want);
    }
  } else if (column == "c_bit8") {  // the tap: a boolean for BIT(n > 1); sluice: the number
    EXPECT_EQ(tap->get<bool>(), ours->get<uint64_t>() != 0);
  } else if (column == "c_float" && path == Path::kBinlog) {  // the tap: the float widened to double
    EXPECT_EQ(tap->get<double>(), static_cast<double>(std::strtof(ours->dump().c_str(), nullptr)));
  } else if (tap->is_string() && path == Path::kSelect) {  // the tap: 4-byte UTF-8 as '?'
    EXPECT_EQ(tap->get<std::string>(), four_byte_as_question_marks(ours->get<std::string>()));
  } else {
    EXPECT_EQ(*tap, *ours);
  }
}

void expect_records_as_documented(const std::vector<nlohmann::json>& tap, const std::vector<nlohmann::json>& ours,
                                  Path path, const std::string& stream) {
  ASSERT_EQ(tap.size(), ours.size()) << stream;
  for (size_t r = 0; r < tap.size(); ++r) {
    std::set<std::string> columns;
    for (const auto& [k, v] : tap[r].items()) columns.insert(k);
    for (const auto& [k, v] : ours[r].items()) columns.insert(k);
    for (const std::string& c : columns) {
      const nlohmann::json* t = tap[r].contains(c) ? &tap[r][c] : nullptr;
      const nlohmann::json* o = ours[r].contains(c) ? &ours[r][c] : nullptr;
      expect_cell_as_documented(c, t, o, path, stream + " record " + std::to_string(r + 1));
    }
  }
}

TEST_F(TapReplayTest, FirstJobsDifferFromTheTapOnlyWhereTheGuideSays) {
  load_stage(1);
  ASSERT_FALSE(HasFatalFailure());
  std::string ours = run_sync(1);
  std::string tap = read_file(reference("run1.singer.jsonl"));
  // SELECT path: every stream of run 1.
  auto tap_records = records_by_stream(tap), our_records = records_by_stream(ours);
  EXPECT_EQ(tap_records.size(), our_records.size());
  for (const auto& [stream, records] : tap_records) {
    expect_records_as_documented(records, our_records[stream], Path::kSelect, "run 1 " + stream);
  }
  // The SCHEMA messages: the same, but for the columns above, `_sdc_deleted_at` in log-based
  // streams from the first message on, and a view's key columns marked automatic.
  auto tap_schemas = schemas_by_stream(tap), our_schemas = schemas_by_stream(ours);
  for (const auto& [stream, tap_schema] : tap_schemas) {
    const nlohmann::json& our_schema = our_schemas[stream];
    EXPECT_EQ(tap_schema["key_properties"], our_schema["key_properties"]) << stream;
    for (const auto& [column, tap_type] : tap_schema["schema"]["properties"].items()) {
      const nlohmann::json& our_type = our_schema["schema"]["properties"][column];
      bool documented = column == "c_json" || column == "c_time" || column == "c_time6" || column == "c_bit8" ||
                        (stream == "v_types" && column == "id");
      if (!documented) {
        EXPECT_EQ(tap_type, our_type) << stream << " column " << column;
      }
    }
    for (const std::string& column : kDroppedByTheTap) {
      if (our_schema["schema"]["properties"].contains(column)) {
        EXPECT_FALSE(tap_schema["schema"]["properties"].contains(column)) << stream << " " << column;
      }
    }
  }
  // Binlog path: the rows 101..105 of run 2 are exact copies of types_full's rows 1..5.
  load_stage(2);
  ASSERT_FALSE(HasFatalFailure());
  auto copies = [](const std::vector<nlohmann::json>& records) {
    std::vector<nlohmann::json> out;
    for (const auto& r : records) {
      if (r["id"].get<int>() > 100) out.push_back(r);
    }
    return out;
  };
  expect_records_as_documented(copies(records_by_stream(read_file(reference("run2.singer.jsonl")))["types_log"]),
                               copies(records_by_stream(run_sync(2))["types_log"]), Path::kBinlog, "run 2 types_log");
}

// Runs 1-3 continue from the tap's STATEs. Run 4 adds and drops a column of the log-based table
// inside the tap's bookmark range: a tap bookmark holds no column list, the ADD can be undone but
// the DROP cannot (the binlog does not say the dropped column's type and place) and the tap's
// MariaDB writes no column names, so the job stops naming the DROP and its fix, and after
// `sluice reset` of that table only, the table is snapshotted again and the others continue
// (docs/migrating-from-tap-mysql.md, section 3).
TEST_F(TapReplayTest, ContinuesFromEachStateTheTapWrote) {
  replay_runs(3);
  ASSERT_FALSE(HasFatalFailure());
  load_stage(4);
  ASSERT_FALSE(HasFatalFailure());
  CommandResult stopped = try_sync(4);
  EXPECT_EQ(stopped.exit_code, 1);
  EXPECT_NE(stopped.err.find("the schema of sluice_t.types_log at its bookmark mysql-bin.000001:"),
            std::string::npos)
      << stopped.err;
  EXPECT_NE(stopped.err.find("DROP COLUMN c_mediumint` at mysql-bin.000001:"), std::string::npos)
      << stopped.err;
  EXPECT_NE(stopped.err.find("cannot be undone"), std::string::npos) << stopped.err;
  EXPECT_NE(stopped.err.find("sluice reset --config " + config_), std::string::npos) << stopped.err;
  std::string state = make_temp_dir("tapstate") + "/state3.json";
  write_file(state, read_file(reference("state3.json")));
  CommandResult reset = run_sluice({"reset", "--config", config_, "--state", state, "sluice_t.types_log"});
  ASSERT_EQ(reset.exit_code, 0) << reset.err;
  check_run(4, run_sync(4, state));
}

}  // namespace
}  // namespace sluice::test
