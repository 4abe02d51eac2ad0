// `"value_forms": "tap"` (docs/singer-compatibility.md): Singer output in the Singer MySQL tap's
// forms where they lose nothing. The tap's recorded schema and rows (tests/data/tap_reference)
// are loaded on each shared server; `sluice sync` snapshots types_full (Full Table) and types_log
// (log-based), then reads exact copies of the rows from the binlog. Checked: the snapshot and the
// binlog give the same text for the same value, the records equal the tap's recorded SELECT forms
// wherever the tap lost nothing, JSON equals the server's own text of the document, and the
// SCHEMA equals the tap's (MariaDB; on MySQL the JSON and TIME columns).
#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "support/test_servers.h"
#include "support/test_util.h"

namespace sluice::test {
namespace {

constexpr const char* kDb = "sluice_tapforms";

std::string reference(const std::string& name) {
  return read_file(source_dir() + "/tests/data/tap_reference/" + name);
}

std::string replace_all(std::string s, const std::string& from, const std::string& to) {
  for (size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size()))
    s.replace(at, from.size(), to);
  return s;
}

// Values beyond the reference rows: TIME at its ends, doubles and a DECIMAL inside JSON.
constexpr const char* kExtraRow =
    "INSERT INTO types_full (id, c_time, c_time6, c_json, updated_at) VALUES (6, '838:59:59', "
    "'-00:00:00.000001', "
    "JSON_OBJECT('d', CAST(1.50 AS DECIMAL(5,2)), 'big', 1.5e20, 'small', 1e-10, 'tiny', 1e-16, 'i', 100.0, "
    "'arr', JSON_ARRAY(1e300, 0.1, -2.5, 'x, y: z'), 'null', NULL), '2024-01-06'),"
    " (7, NULL, NULL, 'null', '2024-01-07');";

// The tap's catalog of types_full (FULL_TABLE) and types_log (LOG_BASED), for this database.
std::string write_catalog() {
  auto catalog = nlohmann::json::parse(replace_all(reference("catalog.selected.json"), "sluice_t", kDb));
  nlohmann::json streams = nlohmann::json::array();
  for (auto& s : catalog["streams"]) {
    if (s["table_name"] == "types_full" || s["table_name"] == "types_log") streams.push_back(s);
  }
  catalog["streams"] = streams;
  std::string path = make_temp_dir("tapforms") + "/catalog.json";
  write_file(path, catalog.dump());
  return path;
}

// Raw JSON text of each member of a RECORD's "record" object, by id: stream -> id -> column -> text.
using Records = std::map<std::string, std::map<int64_t, std::map<std::string, std::string>>>;
// stream -> column -> schema
using Schemas = std::map<std::string, nlohmann::json>;

void read_messages(const std::string& out, Records& records, Schemas& schemas) {
  for (const std::string& line : split_lines(out)) {
    auto doc = nlohmann::json::parse(line);
    if (doc["type"] == "SCHEMA") schemas[doc["stream"]] = doc["schema"]["properties"];
    if (doc["type"] != "RECORD" || !doc["record"].contains("id")) continue;
    auto& row = records[doc["stream"]][doc["record"]["id"].get<int64_t>()];
    // Re-dumped compactly (keys sorted, strings as they are): the exact value text sluice sent.
    for (const auto& [k, v] : doc["record"].items()) row[k] = v.dump();
  }
}

class TapValueForms : public ::testing::TestWithParam<std::string> {};

TEST_P(TapValueForms, SnapshotAndBinlogGiveTheTapsFormsWhereTheyLoseNothing) {
  const ServerInfo server = shared_server(GetParam());
  std::string schema = replace_all(reference("schema.sql"), "sluice_t", kDb);
  admin_sql(server, schema + "\nUSE " + kDb + ";\nSET SESSION sql_mode='';\n" + kExtraRow +
                        "\nDELETE FROM types_log; INSERT INTO types_log SELECT * FROM types_full;");
  std::string config = write_config(
      server, std::string("\"filter_dbs\": \"") + kDb + "\", \"server_id\": 7731, \"value_forms\": \"tap\"");
  std::string catalog = write_catalog();
  CommandResult first = run_sluice({"sync", "--config", config, "--catalog", catalog});
  ASSERT_EQ(first.exit_code, 0) << first.err;
  std::string state = make_temp_dir("tapforms") + "/state.json";
  write_file(state, first.out);
  // The same rows again, as binlog events (ids + 100).
  admin_sql(
      server,
      "SET SESSION sql_mode=''; INSERT INTO types_log SELECT id + 100, c_tinyint, c_bool, c_usmallint, "
      "c_mediumint, c_int, c_ubigint, c_bigint, c_decimal, c_decimal0, c_float, c_double, c_date, "
      "c_datetime, "
      "c_datetime6, c_timestamp, c_time, c_time6, c_year, c_char, c_varchar, c_text, c_mediumtext, c_binary, "
      "c_varbinary, c_blob, c_enum, c_set, c_bit1, c_bit8, c_json, c_point, updated_at FROM types_full",
      kDb);
  CommandResult second = run_sluice({"sync", "--config", config, "--catalog", catalog, "--state", state});
  ASSERT_EQ(second.exit_code, 0) << second.err;

  // Every RECORD fits the SCHEMA sent before it (JSON Schema Draft 4, as Singer targets check).
  for (const std::string* out : {&first.out, &second.out}) {
    std::string path = make_temp_dir("tapforms") + "/out.jsonl";
    write_file(path, *out);
    CommandResult v =
        run_command({"/usr/bin/python3", source_dir() + "/tests/integration/sync/singer_validate.py", path});
    EXPECT_EQ(v.exit_code, 0) << v.out << v.err;
  }

  Records ours;
  Schemas schemas;
  read_messages(first.out, ours, schemas);
  read_messages(second.out, ours, schemas);
  const auto& full = ours["types_full"];
  const auto& log = ours["types_log"];
  ASSERT_EQ(full.size(), 7u);

  // The same value gives the same text on the snapshot (Full Table and log-based) and binlog paths.
  for (const auto& [id, row] : full) {
    ASSERT_TRUE(log.contains(id) && log.contains(id + 100)) << "id " << id;
    for (const auto& [col, text] : row) {
      if (col == "id") continue;
      EXPECT_EQ(log.at(id).at(col), text) << col << " of id " << id << " (log-based snapshot)";
      EXPECT_EQ(log.at(id + 100).at(col), text) << col << " of id " << id << " (binlog)";
    }
  }

  // JSON: a string of the server's own text of the document (as SELECT prints it); the document
  // null the string "null", SQL NULL null.
  auto json_text =
      split_lines(admin_sql(server, "SELECT IFNULL(c_json, 'SQL NULL') FROM types_full ORDER BY id", kDb));
  ASSERT_EQ(json_text.size(), 7u);
  for (int64_t id = 1; id <= 7; ++id) {
    std::string want = json_text[id - 1] == "SQL NULL" ? "null" : nlohmann::json(json_text[id - 1]).dump();
    EXPECT_EQ(full.at(id).at("c_json"), want) << "c_json of id " << id;
  }
  EXPECT_EQ(full.at(7).at("c_json"), "\"null\"");
  EXPECT_EQ(full.at(2).at("c_json"), "null");
  if (server.is_mysql()) {
    EXPECT_EQ(
        full.at(6).at("c_json"),
        R"("{\"d\": 1.50, \"i\": 100.0, \"arr\": [1e300, 0.1, -2.5, \"x, y: z\"], \"big\": 1.5e20, \"null\": null, )"
        R"(\"tiny\": 1e-16, \"small\": 0.0000000001}")");
  }
  // TIME beyond the tap's day: the date-time 1970-01-01T00:00:00Z plus the duration, as the tap's SELECT.
  EXPECT_EQ(full.at(6).at("c_time"), "\"1970-02-04T22:59:59.000000Z\"");
  EXPECT_EQ(full.at(6).at("c_time6"), "\"1969-12-31T23:59:59.999999Z\"");

  // The tap's recorded SELECT forms (run 1, ids 1..5) wherever it lost nothing.
  Records tap;
  Schemas tap_schemas;
  read_messages(reference("run1.singer.jsonl"), tap, tap_schemas);
  for (int64_t id = 1; id <= 5; ++id) {
    for (const auto& [col, text] : tap["types_full"].at(id)) {
      if (col == "c_bit8") continue;                       // BIT(8): the tap's boolean loses the bits
      if (col == "c_varchar" && id == 1) continue;         // the tap's '?' for the emoji
      if (col == "c_json" && server.is_mysql()) continue;  // MySQL's own text of it, checked above
      EXPECT_EQ(full.at(id).at(col), text) << col << " of id " << id;
    }
  }
  // SCHEMA: the tap's for each column it sent (BIT(8) aside); on MySQL, whose information_schema
  // differs in places from MariaDB's, for the types this option is about.
  const std::set<std::string> mysql_checked = {"c_decimal", "c_decimal0", "c_datetime6",
                                               "c_time",    "c_time6",    "c_bit1"};
  for (const auto& [col, want] : tap_schemas["types_full"].items()) {
    if (col == "c_bit8" || (server.is_mysql() && !mysql_checked.contains(col))) continue;
    EXPECT_EQ(schemas["types_full"][col], want) << col;
    EXPECT_EQ(schemas["types_log"][col], want) << col;
  }
  if (server.is_mysql()) {
    nlohmann::json want = {{"inclusion", "available"}, {"type", {"null", "string"}}};
    EXPECT_EQ(schemas["types_full"]["c_json"], want);
  }
  // BIT(8): the tap's boolean would keep one bit of eight; sluice's number is kept.
  EXPECT_EQ(schemas["types_full"]["c_bit8"]["type"], nlohmann::json({"null", "integer"}));
  EXPECT_EQ(full.at(1).at("c_bit8"), "170");
  EXPECT_EQ(full.at(3).at("c_bit8"), "0");
  admin_sql(server, std::string("DROP DATABASE ") + kDb);
}

INSTANTIATE_TEST_SUITE_P(Servers, TapValueForms, ::testing::ValuesIn(shared_server_names()),
                         [](const auto& p) { return p.param; });

}  // namespace
}  // namespace sluice::test
