// `sluice sync --destination avro:DIR` from both servers: the all-types table, log-based, over two
// jobs with DML and ALTER TABLE ADD COLUMN between them, read back by python3-avro (logical types
// decoded: decimal.Decimal, datetime, date) and avro-c's avrocat, compared with SELECT.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

#include "support/sink_fixture.h"
#include "support/test_servers.h"
#include "support/test_util.h"

namespace sluice::test {
namespace {

using nlohmann::json;

// Reads every file of the directory in name (= write) order and prints {"files": [{name,
// fields}], "t": the last record of each id of t (with _deleted), "k": k's rows of its newest
// table version}, values in the canonical text forms of sink_fixture.h.
constexpr const char* kReader = R"PY(
import sys, os, json, decimal, datetime, warnings
warnings.simplefilter("ignore")
import avro.datafile, avro.io
EPOCH = datetime.datetime(1970, 1, 1)
STAMP = "%Y-%m-%d %H:%M:%S.%f"
def logical(t):
    if isinstance(t, list): t = [x for x in t if x != "null"][0]
    return t.get("logicalType") if isinstance(t, dict) else None
def conv(v, t):
    if v is None: return None
    if isinstance(v, bool): return "1" if v else "0"
    if isinstance(v, decimal.Decimal): return format(v, "f")
    if isinstance(v, datetime.datetime):
        if v.tzinfo: v = v.astimezone(datetime.timezone.utc).replace(tzinfo=None)
        return v.strftime(STAMP)
    if logical(t) == "local-timestamp-micros": return (EPOCH + datetime.timedelta(microseconds=v)).strftime(STAMP)
    if isinstance(v, datetime.date): return v.isoformat()
    if isinstance(v, bytes): return v.hex().upper()
    if isinstance(v, float): return repr(v)
    return str(v)
d, stem = sys.argv[1], sys.argv[2]
out = {"files": [], "t": {}, "k": []}
k_rows = []
for name in sorted(os.listdir(d)):
    if not name.endswith(".avro"): continue
    with avro.datafile.DataFileReader(open(os.path.join(d, name), "rb"), avro.io.DatumReader()) as r:
        schema = json.loads(r.get_meta("avro.schema").decode())
        types = {f["name"]: f["type"] for f in schema["fields"]}
        out["files"].append({"name": name, "fields": schema["fields"]})
        for rec in r:
            row = {k: conv(v, types[k]) for k, v in rec.items()}
            if name.startswith(stem + "-t."): out["t"][row["id"]] = row
            elif name.startswith(stem + "-k."): k_rows.append(row)
if k_rows:
    newest = max(int(r["_sdc_table_version"]) for r in k_rows)
    out["k"] = sorted(r["a"] + "|" + r["b"] for r in k_rows if int(r["_sdc_table_version"]) == newest)
print(json.dumps(out))
)PY";

json read_avro_dir(const std::string& dir, const std::string& db) {
  CommandResult r = run_command({"/usr/bin/python3", "-c", kReader, dir, db});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return json::parse(r.out, nullptr, false);
}

TextRow text_row(const json& record) {
  TextRow row;
  for (auto it = record.begin(); it != record.end(); ++it) {
    if (it.key().starts_with("_sdc_")) continue;
    row[it.key()] = it->is_null() ? std::nullopt : std::optional<std::string>(it->get<std::string>());
  }
  return row;
}

/// Every source row of t has a live record equal to it; `deleted` ids have a delete record.
void expect_equal_to_source(const json& doc, const std::vector<TextRow>& source, const std::vector<int>& deleted) {
  size_t live = 0;
  for (const auto& [id, rec] : doc["t"].items()) live += rec["_sdc_deleted_at"].is_null() ? 1 : 0;
  EXPECT_EQ(live, source.size()) << doc["t"].dump();
  for (const TextRow& want : source) {
    const std::string id = *want.at("id");
    ASSERT_TRUE(doc["t"].contains(id)) << "no record for id " << id;
    const json& rec = doc["t"][id];
    EXPECT_TRUE(rec["_sdc_deleted_at"].is_null()) << "id " << id;
    for (const std::string& d : diff_rows(want, text_row(rec))) ADD_FAILURE() << "id " << id << ": " << d;
  }
  for (int id : deleted) {
    const json& rec = doc["t"][std::to_string(id)];
    EXPECT_TRUE(rec.is_object() && rec["_sdc_deleted_at"].is_string()) << "id " << id << " not deleted: " << rec;
  }
}

const json* field(const json& fields, const std::string& name) {
  for (const json& f : fields) {
    if (f["name"] == name) return &f;
  }
  return nullptr;
}

/// The schema carries the logical types the docs promise.
void expect_logical_types(const json& fields) {
  const json* de = field(fields, "de");
  ASSERT_TRUE(de);
  EXPECT_EQ(de->at("type"), json::parse(R"(["null",{"type":"bytes","logicalType":"decimal","precision":20,"scale":6}])"));
  EXPECT_EQ(field(fields, "id")->at("type"), "int");  // NOT NULL: no union
  EXPECT_EQ(field(fields, "ti")->at("type"), json::parse(R"(["null","int"])"));
  EXPECT_EQ(field(fields, "ub")->at("type")[1]["logicalType"], "decimal");
  EXPECT_EQ(field(fields, "d")->at("type")[1]["logicalType"], "date");
  EXPECT_EQ(field(fields, "ts")->at("type")[1]["logicalType"], "timestamp-micros");
  EXPECT_EQ(field(fields, "dt")->at("type")[1]["logicalType"], "local-timestamp-micros");
  EXPECT_EQ(field(fields, "js")->at("type")[1]["sqlType"], "json");
  EXPECT_EQ(field(fields, "bl")->at("type")[1], "bytes");
}

std::vector<std::string> t_files(const json& doc, const std::string& db) {
  std::vector<std::string> out;
  for (const json& f : doc["files"]) {
    if (f["name"].get<std::string>().starts_with(db + "-t.")) out.push_back(f["name"]);
  }
  return out;
}

TEST(AvroSync, EveryTypeFromBothServersTwoJobsWithAlterTable) {
  for (const std::string& name : shared_server_names()) {
    SCOPED_TRACE(name);
    ServerInfo server = shared_server(name);
    std::string db = "sink_avro_" + name;
    admin_sql(server, "DROP DATABASE IF EXISTS " + db + "; CREATE DATABASE " + db);
    admin_sql(server, kAllTypesCreate, db);
    std::string config = write_config(server, "\"filter_dbs\": \"" + db + "\"");
    std::string dir = make_temp_dir("avro-sync") + "/out";
    auto sync = [&](const std::string& catalog) {
      CommandResult r = run_sluice({"sync", "--config", config, "--catalog", catalog, "--destination", "avro:" + dir});
      EXPECT_EQ(r.exit_code, 0) << r.err;
    };

    sync(make_sink_catalog(config, db));
    json doc = read_avro_dir(dir, db);
    ASSERT_TRUE(doc.is_object());
    expect_equal_to_source(doc, all_types_source_rows(server, db), {});
    EXPECT_EQ(doc["k"], json::parse(R"(["1|one","2|two"])"));
    ASSERT_EQ(t_files(doc, db).size(), 1u);
    for (const json& f : doc["files"]) {
      if (f["name"] == t_files(doc, db)[0]) {
        ASSERT_NO_FATAL_FAILURE(expect_logical_types(f["fields"]));
      }
    }

    // DML, then a new column and rows using it; the second job reads them from the binlog.
    admin_sql(server, kAllTypesChanges, db);
    admin_sql(server,
              "ALTER TABLE t ADD COLUMN nc DECIMAL(10,2) NULL; UPDATE t SET nc = 3.25 WHERE id = 3;"
              "INSERT INTO t (id, nc, vc, ub) VALUES (5, -0.01, 'after alter', 18446744073709551615)",
              db);
    sync(make_sink_catalog(config, db));
    doc = read_avro_dir(dir, db);
    ASSERT_TRUE(doc.is_object());
    expect_equal_to_source(doc, all_types_source_rows(server, db, {"nc"}), {2});
    EXPECT_EQ(doc["k"], json::parse(R"(["1|one","2|two","3|three"])"));

    // The schema change started a new file whose schema has the new column; earlier ones do not.
    std::vector<std::string> files = t_files(doc, db);
    ASSERT_GE(files.size(), 3u);
    for (const json& f : doc["files"]) {
      bool has_nc = field(f["fields"], "nc") != nullptr;
      EXPECT_EQ(has_nc, f["name"] == files.back()) << f["name"];
    }
    const json* nc = field(doc["files"].back()["fields"], "nc");
    ASSERT_TRUE(nc);
    EXPECT_EQ(nc->at("type")[1]["precision"], 10);

    // avro-c's reader reads the new file too (logical types shown as their base types).
    CommandResult cat = run_command({"avrocat", dir + "/" + files.back()});
    ASSERT_EQ(cat.exit_code, 0) << cat.err;
    EXPECT_NE(cat.out.find("after alter"), std::string::npos) << cat.out;
    admin_sql(server, "DROP DATABASE " + db);
  }
}

}  // namespace
}  // namespace sluice::test
