// `sluice verify`: compares source tables with their destination chunk by chunk and reports the
// differing key ranges and rows; `--repair` re-syncs exactly those rows (docs/verify.md).
#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "cli/cli_context.h"
#include "cli/verify_target.h"
#include "config/catalog.h"
#include "config/destination.h"
#include "config/job_config.h"
#include "config/state.h"
#include "job/selection.h"
#include "job/sink_factory.h"
#include "mysql/connection.h"
#include "mysql/server_status.h"
#include "schema/discovery.h"
#include "sinks/postgres/pg_table_reader.h"
#include "sinks/sqlite/sqlite_sink.h"
#include "sinks/sqlite/sqlite_table_reader.h"
#include "verify/repair.h"
#include "verify/server_verify.h"
#include "verify/table_verify.h"

namespace sluice::cli {
namespace {

/// Exit codes of verify (docs/verify.md): 0 equal (with --repair: every difference repaired),
/// 1 differences, 2 usage or configuration, 4 only pending differences, 5 a server failed.
constexpr int kVerifyDifferences = 1;
constexpr int kVerifyPending = 4;
constexpr int kVerifyFailed = 5;

struct VerifyArgs {
  std::string config_path;
  std::string catalog_path;
  std::string state_path;
  std::string destination;
  std::string tables;
  bool repair = false;
  double rate_limit = 0;
  size_t chunk_rows = 10000;
  double wait_seconds = 30;  ///< a replication target: how long to wait for it to catch up
};

struct Stream {
  job::SelectedStream selected;
  sinks::StreamInfo info;
  std::vector<size_t> key;
  bool lagging = false;  ///< the destination's bookmark is behind the source's binlog end
  verify::TableResult result;
};

int verify_error(const core::Error& e) {
  int code = report_error(e);
  return code == kExitUsage ? code : kVerifyFailed;
}

std::set<std::string> split_tables(const std::string& text) {
  std::set<std::string> out;
  std::stringstream in(text);
  for (std::string t; std::getline(in, t, ',');) {
    if (!t.empty()) out.insert(t);
  }
  return out;
}

bool wanted(const std::set<std::string>& tables, const schema::TableSchema& t) {
  return tables.empty() || tables.contains(t.database + "." + t.name) || tables.contains(t.stream_id());
}

core::Result<std::vector<schema::TableSchema>> discover(mysql::Connection& conn,
                                                        const config::Catalog* catalog,
                                                        const std::set<std::string>& tables) {
  schema::DiscoveryOptions opts;
  std::set<std::string> dbs, names;
  if (catalog != nullptr) {
    for (const auto& s : catalog->streams) {
      if (!s.selected) continue;
      dbs.insert(s.database);
      names.insert(s.table_name);
    }
  }
  for (const std::string& t : tables) {
    size_t sep = t.find_first_of(".-");
    if (sep == std::string::npos) continue;
    dbs.insert(t.substr(0, sep));
    names.insert(t.substr(sep + 1));
  }
  if (names.empty()) return std::vector<schema::TableSchema>{};
  opts.databases.assign(dbs.begin(), dbs.end());
  opts.tables.assign(names.begin(), names.end());
  return schema::discover(conn, opts);
}

/// A table without a catalog: every column, its primary key, the stream id `db-table`.
job::SelectedStream whole_table(const schema::TableSchema& t) {
  job::SelectedStream s;
  s.table = t;
  s.stream_id = t.stream_id();
  s.stream = t.name;
  for (size_t i = 0; i < t.columns.size(); ++i) s.columns.push_back(i);
  s.key_properties = t.primary_key;
  return s;
}

/// The key kinds verify reads back by range from every destination.
bool key_supported(const schema::ColumnSchema& c) {
  using K = schema::ColumnKind;
  switch (c.kind) {
    case K::kTinyInt:
    case K::kSmallInt:
    case K::kMediumInt:
    case K::kInt:
    case K::kBigInt:
    case K::kChar:
    case K::kVarchar:
    case K::kYear:
      return !c.is_boolean;
    default:
      return false;
  }
}

core::Status add_stream(job::SelectedStream s, std::vector<Stream>& out) {
  Stream st;
  for (const std::string& k : s.key_properties) {
    std::optional<size_t> i;
    for (size_t c = 0; c < s.table.columns.size(); ++c) {
      if (s.table.columns[c].name == k) i = c;
    }
    if (!i || !key_supported(s.table.columns[*i])) {
      return core::fail(core::ErrorCode::kInvalidArgument,
                        s.stream_id +
                            ": verify compares tables by a primary key of integer or "
                            "CHAR/VARCHAR columns; '" +
                            k + "' is not one (leave the table out of --tables)");
    }
    st.key.push_back(*i);
  }
  if (st.key.empty()) {
    return core::fail(
        core::ErrorCode::kInvalidArgument,
        s.stream_id + " has no primary key: verify compares rows by key (leave it out of --tables)");
  }
  st.info = job::stream_info(s);
  st.selected = std::move(s);
  out.push_back(std::move(st));
  return core::ok();
}

core::Result<std::vector<Stream>> select(mysql::Connection& conn, const VerifyArgs& args) {
  std::set<std::string> tables = split_tables(args.tables);
  std::optional<config::Catalog> catalog;
  if (!args.catalog_path.empty()) {
    auto c = config::load_catalog(args.catalog_path);
    if (!c) return core::fail(c.error());
    catalog = std::move(*c);
  } else if (tables.empty()) {
    return core::fail(core::ErrorCode::kInvalidArgument,
                      "verify needs --catalog FILE (the job's catalog) or --tables db.table,...");
  }
  auto live = discover(conn, catalog ? &*catalog : nullptr, tables);
  if (!live) return core::fail(live.error());
  std::vector<Stream> out;
  if (catalog) {
    auto sel = job::select_streams(*catalog, *live, job::SelectionDefaults{});
    if (!sel) return core::fail(sel.error());
    for (auto& s : sel->streams) {
      if (wanted(tables, s.table) && !s.table.is_view) SLUICE_TRY(add_stream(std::move(s), out));
    }
  } else {
    for (const auto& t : *live) {
      if (wanted(tables, t)) SLUICE_TRY(add_stream(whole_table(t), out));
    }
  }
  if (out.empty()) {
    return core::fail(
        core::ErrorCode::kInvalidArgument,
        "no table to verify: none of --tables is selected in the catalog or exists on the source");
  }
  return out;
}

core::Result<config::DestinationConfig> destination(const VerifyArgs& args, const config::JobConfig& config) {
  std::optional<config::DestinationConfig> d = config.destination;
  if (!args.destination.empty()) {
    auto parsed = config::parse_destination_arg(args.destination);
    if (!parsed) return core::fail(parsed.error());
    d = std::move(*parsed);
  }
  if (!d || (d->type != config::DestinationType::kSqlite && d->type != config::DestinationType::kPostgres)) {
    return core::fail(
        core::ErrorCode::kInvalidArgument,
        "verify compares a SQLite or PostgreSQL destination: give --destination sqlite:FILE or a "
        "'destination' section of type sqlite or postgres in the config");
  }
  std::error_code ec;
  if (d->type == config::DestinationType::kSqlite && !std::filesystem::exists(d->path, ec)) {
    return core::fail(core::ErrorCode::kInvalidArgument,
                      "SQLite destination " + d->path + " does not exist (run 'sluice sync' into it first)");
  }
  d->report = false;
  return std::move(*d);
}

core::Result<std::unique_ptr<sinks::TableReader>> open_reader(const config::DestinationConfig& d,
                                                              const sinks::StreamInfo& info) {
  if (d.type == config::DestinationType::kSqlite) {
    auto r = sinks::SqliteTableReader::open(d.path, info);
    if (!r) return core::fail(r.error());
    return std::unique_ptr<sinks::TableReader>(std::move(*r));
  }
  auto r = sinks::PgTableReader::open(job::postgres_sink_options(d.postgres), info);
  if (!r) return core::fail(r.error());
  return std::unique_ptr<sinks::TableReader>(std::move(*r));
}

/// The state the destination committed with its data (--state FILE instead): for the bookmarks.
core::Result<std::optional<config::State>> saved_state(const VerifyArgs& args,
                                                       const config::DestinationConfig& d) {
  if (!args.state_path.empty()) {
    auto st = config::load_state(args.state_path);
    if (!st) return core::fail(st.error());
    return std::optional<config::State>(std::move(*st));
  }
  auto text = d.type == config::DestinationType::kSqlite
                  ? sinks::load_sqlite_state(d.path)
                  : sinks::load_postgres_state(job::postgres_sink_options(d.postgres));
  if (!text) return core::fail(text.error());
  if (!*text) return std::optional<config::State>();
  auto doc = nlohmann::ordered_json::parse(**text, nullptr, false);
  auto st = config::parse_state(doc, "the destination's _sluice_state");
  if (!st) return core::fail(st.error());
  return std::optional<config::State>(std::move(*st));
}

/// Marks the log-based streams whose bookmark is behind the source's current binlog end: their
/// differences may be changes the next job delivers (pending).
void mark_lagging(mysql::Connection& conn, const std::optional<config::State>& state,
                  std::vector<Stream>& streams) {
  if (!state) return;
  auto end = mysql::read_binlog_status(conn);
  if (!end) return;
  for (Stream& s : streams) {
    const auto* b = state->find_bookmark(s.info.stream_id);
    if (b == nullptr || !b->contains("log_file") || !b->contains("log_pos")) continue;
    core::BinlogPosition at{b->value("log_file", std::string()), b->value("log_pos", uint64_t{0})};
    s.lagging = core::compare_positions(at, end->position) < 0;
  }
}

std::string key_text(const nlohmann::ordered_json& key) {
  return key.is_null() ? std::string("(open)")
                       : key.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

constexpr const char* kSyncPendingHint =
    "the destination's bookmark is behind the source's binlog; run 'sluice sync', then verify again";

/// Prints a table's result; returns its count of wrong and of pending differences.
std::pair<size_t, size_t> print_result(Stream& s, const char* pending_hint = kSyncPendingHint) {
  verify::TableResult& r = s.result;
  size_t pending = 0;
  for (auto& d : r.rows) {
    d.pending = s.lagging;
    pending += d.pending ? 1 : 0;
  }
  std::printf("%s: %s (%llu source rows, %llu destination rows, %llu chunks, %zu differing)\n",
              s.info.stream_id.c_str(), r.rows.empty() ? "equal" : "DIFFERENT",
              static_cast<unsigned long long>(r.source_rows), static_cast<unsigned long long>(r.dest_rows),
              static_cast<unsigned long long>(r.chunks), r.ranges.size());
  for (const auto& range : r.ranges) {
    std::printf("  range after %s up to %s: checksums differ (%zu source rows, %zu destination rows)\n",
                key_text(range.after).c_str(), key_text(range.upto).c_str(), range.source_rows,
                range.dest_rows);
  }
  for (const auto& d : r.rows) {
    std::string cols;
    for (const auto& c : d.columns) cols += (cols.empty() ? " columns: " : ", ") + c;
    std::printf("  %s%s %s%s\n", d.pending ? "pending " : "", std::string(verify::kind_name(d.kind)).c_str(),
                key_text(d.key).c_str(), cols.c_str());
  }
  if (r.settled > 0)
    std::printf("  %zu rows differed during the pass and agree now (in flight)\n", r.settled);
  if (pending > 0) std::printf("  pending: %s\n", pending_hint);
  std::fflush(stdout);
  return {r.rows.size() - pending, pending};
}

/// --repair: the differing rows of every stream through the destination's sink, committed with
/// the saved state unchanged.
core::Status repair(mysql::Connection& conn, const config::DestinationConfig& d,
                    std::vector<Stream>& streams) {
  auto made = job::make_sink(d, job::SinkEnvironment{});
  if (!made) return core::fail(made.error());
  std::optional<config::State> state;
  if (made->saved_state) {
    auto st = config::parse_state(nlohmann::ordered_json::parse(*made->saved_state, nullptr, false),
                                  made->state_location);
    if (st) state = std::move(*st);
  }
  verify::RepairCounts total;
  core::Status status = core::ok();
  for (Stream& s : streams) {
    if (s.result.rows.empty() || !status) continue;
    const auto* b = state ? state->find_bookmark(s.info.stream_id) : nullptr;
    s.info.version = b != nullptr ? b->value("version", int64_t{0}) : 0;
    verify::TableJob job{&s.selected.table, s.selected.columns, s.key, nullptr, false};
    auto counts = verify::repair_table(conn, job, s.info, s.result.rows, *made->sink);
    if (!counts) {
      status = core::fail(counts.error());
      break;
    }
    total.written += counts->written;
    total.deleted += counts->deleted;
  }
  if (status) status = made->sink->checkpoint(made->saved_state.value_or("{}"));
  auto fin = made->sink->finish();
  SLUICE_TRY(status);
  SLUICE_TRY(fin);
  std::printf("repaired: %zu rows written from the source, %zu extra rows deleted\n", total.written,
              total.deleted);
  std::fflush(stdout);
  return core::ok();
}

int verify_exit(size_t wrong, size_t pending) {
  if (wrong > 0) return kVerifyDifferences;
  return pending > 0 ? kVerifyPending : kExitOk;
}

/// The followed tables of a `sluice replicate` pipeline, each with every column; a table verify
/// cannot compare (no usable primary key) is skipped with a line unless --tables names it.
core::Result<std::vector<Stream>> replica_streams(mysql::Connection& source, ReplicaTarget& target,
                                                  const VerifyArgs& args) {
  auto tables = target.followed_tables(source, split_tables(args.tables));
  if (!tables) return core::fail(tables.error());
  std::vector<Stream> out;
  for (const auto& t : *tables) {
    if (auto st = add_stream(whole_table(t), out); !st) {
      if (!args.tables.empty()) return core::fail(st.error());
      std::printf("skipped: %s\n", st.error().message.c_str());
    }
  }
  if (out.empty()) {
    return core::fail(core::ErrorCode::kInvalidArgument,
                      "no table to verify: the pipeline follows no table with a primary key (of --tables)");
  }
  return out;
}

/// verify against the target of `sluice replicate` (the config's `target` and `replicate` parts):
/// both sides checksummed by their servers, the target waited for up to --wait-seconds before the
/// differing rows are read again, --repair in the target's own transaction.
int run_verify_replica(const VerifyArgs& args, const config::JobConfig& config, mysql::Connection& source) {
  if (!args.catalog_path.empty() || !args.state_path.empty()) {
    return verify_error(
        core::Error{core::ErrorCode::kInvalidArgument,
                    "--catalog and --state are for a sync destination: against the target of "
                    "'sluice replicate' verify compares the tables the pipeline follows (narrow "
                    "them with --tables)"});
  }
  auto target = ReplicaTarget::connect(*config.target, *config.replicate);
  if (!target) return verify_error(target.error());
  auto streams = replica_streams(source, *target, args);
  if (!streams) return verify_error(streams.error());
  const auto wait = std::chrono::milliseconds(static_cast<int64_t>(args.wait_seconds * 1000));
  verify::VerifyOptions options{args.chunk_rows, args.rate_limit, [&]() -> core::Status {
                                  auto caught_up = target->caught_up(source, wait);
                                  return caught_up ? core::ok() : core::fail(caught_up.error());
                                }};
  size_t wrong = 0, pending = 0;
  for (Stream& s : *streams) {
    const schema::TableSchema& t = s.selected.table;
    verify::MysqlTableReader src(source, t, s.selected.columns, s.key);
    verify::MysqlTableReader dst(target->conn(), target->table_for(t), s.selected.columns, s.key);
    auto result = verify::verify_table_on_servers(src, dst, options);
    if (!result) return verify_error(result.error().with_context("verifying " + s.info.stream_id));
    s.result = std::move(*result);
    if (!s.result.rows.empty()) {
      auto caught_up = target->caught_up(source, std::chrono::milliseconds(0));
      if (!caught_up) return verify_error(caught_up.error());
      s.lagging = !*caught_up;
    }
    auto [w, p] = print_result(
        s,
        "the target has not applied the source's latest changes yet (is 'sluice replicate' running?); "
        "verify again");
    wrong += w;
    pending += p;
  }
  if (!args.repair || wrong + pending == 0) return verify_exit(wrong, pending);
  verify::RepairCounts total;
  for (Stream& s : *streams) {
    if (s.result.rows.empty()) continue;
    verify::TableJob job{&s.selected.table, s.selected.columns, s.key, nullptr, true};
    auto counts = target->repair(source, job, s.result.rows);
    if (!counts) return verify_error(counts.error());
    total.written += counts->written;
    total.deleted += counts->deleted;
  }
  std::printf("repaired: %zu rows written from the source, %zu extra rows deleted\n", total.written,
              total.deleted);
  std::fflush(stdout);
  return kExitOk;
}

int run_verify_command(const VerifyArgs& args) {
  auto config = config::load_job_config(args.config_path);
  if (!config) return verify_error(config.error());
  print_warnings(config->warnings);
  if (args.destination.empty() && config->target && config->replicate) {
    auto source = mysql::Connection::connect(config->source.connection);
    if (!source) return verify_error(source.error());
    return run_verify_replica(args, *config, **source);
  }
  auto d = destination(args, *config);
  if (!d) return verify_error(d.error());
  auto conn = mysql::Connection::connect(config->source.connection);
  if (!conn) return verify_error(conn.error());
  auto streams = select(**conn, args);
  if (!streams) return verify_error(streams.error());
  auto state = saved_state(args, *d);
  if (!state) return verify_error(state.error());
  mark_lagging(**conn, *state, *streams);
  verify::VerifyOptions options{args.chunk_rows, args.rate_limit, nullptr};
  size_t wrong = 0, pending = 0;
  for (Stream& s : *streams) {
    auto reader = open_reader(*d, s.info);
    if (!reader) return verify_error(reader.error());
    verify::TableJob job{&s.selected.table, s.selected.columns, s.key, reader->get(), false};
    auto result = verify::verify_table(**conn, job, options);
    if (!result) return verify_error(result.error().with_context("verifying " + s.info.stream_id));
    s.result = std::move(*result);
    auto [w, p] = print_result(s);
    wrong += w;
    pending += p;
  }
  if (args.repair && wrong + pending > 0) {
    if (auto st = repair(**conn, *d, *streams); !st) return verify_error(st.error());
    return kExitOk;
  }
  return verify_exit(wrong, pending);
}

}  // namespace

void register_verify(CLI::App& app, CliContext& ctx) {
  auto args = std::make_shared<VerifyArgs>();
  auto* cmd = app.add_subcommand(
      "verify",
      "Compares source tables with their SQLite or PostgreSQL destination, or the MySQL/MariaDB target of "
      "'sluice replicate', chunk by chunk on the primary key and prints the differing key ranges and rows "
      "(missing, extra, changed); --repair re-syncs exactly those rows. "
      "Exit 0 equal, 1 differences, 2 configuration error, 4 only pending differences, 5 a server failed.");
  cmd->add_option("--config", args->config_path,
                  "the job's config.json (source, and its 'destination' section or the 'target' and "
                  "'replicate' parts of a replication pipeline)")
      ->required();
  cmd->add_option("--catalog", args->catalog_path, "the job's catalog: its selected streams and columns");
  cmd->add_option("--destination", args->destination,
                  "the destination instead of the config's (sqlite:FILE)");
  cmd->add_option("--state", args->state_path, "bookmarks from this state file instead of the destination's");
  cmd->add_option("--tables", args->tables,
                  "only these tables: db.table,db.table (without --catalog: all columns)");
  cmd->add_flag("--repair", args->repair, "re-sync the differing rows into the destination");
  cmd->add_option("--rate-limit", args->rate_limit, "read at most this many source rows per second")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--chunk-rows", args->chunk_rows, "rows per chunk (default 10000)")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--wait-seconds", args->wait_seconds,
                  "a replication target: wait this long for it to apply the source's changes before "
                  "differing rows are read again (default 30)")
      ->check(CLI::NonNegativeNumber);
  cmd->callback([args, &ctx] { ctx.exit_code = run_verify_command(*args); });
}

}  // namespace sluice::cli
