// The structure sync of a job (docs/operations.md, "Structure sync"): what discovery found,
// written to the extraction log; under `sluice run`, the tables the catalog does not list and the
// catalog in use, saved with the job's log.
#include <algorithm>
#include <nlohmann/json.hpp>
#include <set>

#include "config/catalog.h"
#include "job/job_context.h"
#include "job/report/extraction_log.h"
#include "schema/discovery.h"
#include "schema/singer_catalog.h"

namespace sluice::job {
namespace {

using Json = nlohmann::ordered_json;

std::string joined(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

// One Singer stream of the catalog in use: the live table, selected as the job syncs it.
Json stream_in_use(const SelectedStream& s) {
  Json stream = schema::singer_stream(s.table);
  std::set<std::string> synced;
  for (size_t i : s.columns) synced.insert(s.table.columns[i].name);
  for (Json& entry : stream["metadata"]) {
    Json& breadcrumb = entry["breadcrumb"];
    Json& m = entry["metadata"];
    if (breadcrumb.empty()) {
      m["selected"] = true;
      m["replication-method"] = std::string(change::method_name(s.method));
      if (s.replication_key) m["replication-key"] = *s.replication_key;
    } else if (breadcrumb.size() == 2) {
      m["selected"] = synced.count(breadcrumb[1].get<std::string>()) > 0;
    }
  }
  return stream;
}

// The databases a structure sync looks at: the config's filter_dbs, else the catalog's.
std::vector<std::string> databases_of(const JobContext& ctx, const config::Catalog& catalog) {
  std::vector<std::string> dbs = ctx.config.filter_dbs;
  if (!dbs.empty()) return dbs;
  std::set<std::string> seen;
  for (const config::CatalogStream& cs : catalog.streams) {
    if (!cs.database.empty()) seen.insert(cs.database);
  }
  return {seen.begin(), seen.end()};
}

// Columns the previous job of `sluice run` synced (its saved catalog) that the live table no
// longer has, beyond those the catalog file selects (already reported as `vanished`): columns
// the structure sync had selected when they were added, dropped since.
void report_dropped_since_last_job(const JobContext& ctx, const Selection& sel) {
  std::string previous = ctx.options.extraction_log->previous_catalog();
  if (previous.empty()) return;
  auto before = config::load_catalog(previous);
  if (!before) return;  // an unreadable saved catalog only loses this report
  for (const SelectedStream& s : sel.streams) {
    if (s.missing) continue;
    std::vector<std::string> dropped;
    for (const config::CatalogStream& cs : before->streams) {
      if (cs.tap_stream_id != s.stream_id) continue;
      for (const config::CatalogColumn& cc : cs.columns) {
        if (config::column_selected(cc) && s.table.find_column(cc.name) == nullptr &&
            std::find(s.vanished.begin(), s.vanished.end(), cc.name) == s.vanished.end()) {
          dropped.push_back(cc.name);
        }
      }
    }
    if (dropped.empty()) continue;
    ctx.warn("column(s) of " + s.stream_id +
             " synced by the last job no longer exist in the table: " + joined(dropped));
    ctx.note("structure: column(s) of " + s.stream_id + " dropped from the table: " + joined(dropped));
  }
}

}  // namespace

void log_selection(const JobContext& ctx, const Selection& sel) {
  if (ctx.options.extraction_log == nullptr) return;
  ctx.note("discovery: " + std::to_string(sel.streams.size()) + " selected stream(s) found on the source");
  for (const SelectedStream& s : sel.streams) {
    std::string line = "stream " + s.stream_id + ": " + std::string(change::method_name(s.method));
    if (s.replication_key) line += " on " + *s.replication_key;
    line += ", " + std::to_string(s.columns.size()) + " column(s)";
    ctx.note(line);
    if (!s.added.empty()) {
      ctx.note("structure: new column(s) of " + s.stream_id +
               " selected (select_new_columns): " + joined(s.added));
    }
    if (!s.vanished.empty()) {
      ctx.note("structure: column(s) of " + s.stream_id + " dropped from the table: " + joined(s.vanished));
    }
  }
}

core::Status structure_sync(JobContext& ctx, const config::Catalog& catalog, const Selection& sel) {
  schema::DiscoveryOptions opts;
  opts.databases = databases_of(ctx, catalog);
  auto live = schema::discover(*ctx.conn, opts);
  if (!live) return core::fail(live.error().with_context("structure sync: discovering the source's tables"));
  std::set<std::string> listed;
  for (const config::CatalogStream& cs : catalog.streams) listed.insert(cs.tap_stream_id);
  Json streams = Json::array();
  for (const SelectedStream& s : sel.streams) {
    if (!s.missing) streams.push_back(stream_in_use(s));
  }
  for (const schema::TableSchema& t : *live) {
    if (listed.count(t.stream_id()) > 0) continue;
    ctx.info("structure sync: new table " + t.stream_id() +
             " is not in the catalog: not selected (select it in the catalog to replicate it)");
    streams.push_back(schema::singer_stream(t));
  }
  if (ctx.options.extraction_log != nullptr) {
    report_dropped_since_last_job(ctx, sel);
    Json doc = Json::object();
    doc["streams"] = std::move(streams);
    ctx.options.extraction_log->save_catalog(doc.dump(2, ' ', false, Json::error_handler_t::replace));
  }
  return core::ok();
}

}  // namespace sluice::job
