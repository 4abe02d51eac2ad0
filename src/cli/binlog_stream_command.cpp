// `sluice binlog stream --config FILE [--from FILE:POS | --gtid SET] [--until-now] ...`:
// the live binlog as JSON lines (docs/binlog-stream.md, docs/json-lines.md).
#include "cli/binlog_stream_command.h"

#include <pthread.h>
#include <signal.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>
#include <sstream>
#include <thread>

#include "binlog/change_printer.h"
#include "binlog/parallel_printer.h"
#include "cli/cli_context.h"
#include "cli/stop_signal.h"
#include "config/job_config.h"
#include "schema/history_resolver.h"
#include "schema/history_setup.h"
#include "schema/history_tracker.h"
#include "source/binlog_streamer.h"
#include "source/stream_checkpoint.h"

namespace sluice::cli {
namespace {

struct StreamArgs {
  std::string config_path;
  std::string from, gtid, checkpoint, schema_history;
  std::string databases, tables;
  bool until_now = false;
  bool verbose = false;
};

std::vector<std::string> split_list(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream in(s);
  std::string item;
  while (std::getline(in, item, ',')) {
    while (!item.empty() && item.front() == ' ') item.erase(item.begin());
    while (!item.empty() && item.back() == ' ') item.pop_back();
    if (!item.empty()) out.push_back(item);
  }
  return out;
}

core::Status usage(std::string message) { return core::fail(core::ErrorCode::kInvalidArgument, std::move(message)); }

core::Status parse_from(const std::string& text, source::StreamStart& start) {
  auto pos = core::BinlogPosition::parse(text);
  if (!pos || pos->offset < 4 || pos->offset > (uint64_t{1} << 40)) {
    return usage("--from '" + text + "' is not FILE:POS (e.g. --from mysql-bin.000042:4; positions start at 4)");
  }
  start.kind = source::StreamStart::Kind::kFilePos;
  start.position = std::move(*pos);
  return core::ok();
}

// --from / --gtid / the checkpoint / the server's current position, in that order.
core::Status choose_start(const StreamArgs& a, source::StreamStart& start) {
  if (!a.from.empty() && !a.gtid.empty()) return usage("give --from FILE:POS or --gtid SET, not both");
  if (!a.from.empty()) return parse_from(a.from, start);
  if (!a.gtid.empty()) {
    start.kind = source::StreamStart::Kind::kGtid;
    start.gtid = a.gtid;
    return core::ok();
  }
  if (a.checkpoint.empty()) return core::ok();
  auto cp = source::load_checkpoint(a.checkpoint);
  if (!cp) return core::fail(cp.error());
  if (!*cp) return core::ok();
  start.server_identity = (*cp)->server_identity;
  start.origin = "checkpoint " + a.checkpoint;
  if (!(*cp)->resume.empty()) {  // an XA transaction was held: read it again, skip the rest
    start.kind = source::StreamStart::Kind::kFilePos;
    start.position = (*cp)->resume;
    start.delivered = (*cp)->position;
    start.gtid_state = (*cp)->gtid_set;
  } else if (!(*cp)->position.empty()) {
    start.kind = source::StreamStart::Kind::kFilePos;
    start.position = (*cp)->position;
    start.gtid_state = (*cp)->gtid_set;
  } else {
    start.kind = source::StreamStart::Kind::kGtid;
    start.gtid = (*cp)->gtid_set;
  }
  return core::ok();
}

void log_line(std::string_view line) {
  std::fprintf(stderr, "sluice: %.*s\n", static_cast<int>(line.size()), line.data());
}

// --schema-history: the stream's schema history, kept in step with the statements it prints
// (docs/schema-changes.md) and saved after each one, so a checkpoint written later never
// names a position past a statement the saved history lacks; saved again at the end.
class HistoryKeeper : public binlog::ChangeHandler {
 public:
  HistoryKeeper(schema::SchemaHistory& history, std::string path, binlog::ChangeHandler& next)
      : history_(history), path_(std::move(path)), tracker_(history, next) {}

  core::Status on_row(const change::RowChange& change, const binlog::TableLayoutPtr& layout) override {
    return tracker_.on_row(change, layout);
  }
  core::Status on_statement(const binlog::StatementChange& s) override {
    SLUICE_TRY(tracker_.on_statement(s));
    return save();
  }
  core::Status on_commit(const change::Transaction& txn) override { return tracker_.on_commit(txn); }
  core::Status save() const { return history_.save(path_); }

 private:
  schema::SchemaHistory& history_;
  std::string path_;
  schema::HistoryTracker tracker_;
};

// Loads the history file, or seeds it by discovery on the config's server at the resolved
// start (discovery runs now: right when the stream starts at the server's current position).
core::Status open_stream_history(const StreamArgs& a, const source::StreamerOptions& o,
                                 const source::StreamStart& start, schema::SchemaHistory& out) {
  std::function<void(std::string_view)> debug;
  if (o.verbose) debug = [](std::string_view line) { log_line(std::string("debug: ").append(line)); };
  if (start.kind != source::StreamStart::Kind::kFilePos) {  // a GTID start: no position to check or seed at
    std::error_code ec;
    if (!std::filesystem::exists(a.schema_history, ec)) {
      return usage("--schema-history " + a.schema_history +
                   " does not exist yet and a GTID start has no binlog position to seed it at; start once "
                   "with --from FILE:POS or at the current position (no --gtid) to create it");
    }
    schema::HistoryOptions options;
    options.debug = debug;
    auto loaded = schema::SchemaHistory::load(a.schema_history, std::move(options));
    if (!loaded) return core::fail(loaded.error().with_context("--schema-history " + a.schema_history));
    out = std::move(*loaded);
    return core::ok();
  }
  schema::HistorySetup setup;
  setup.seed_server = o.connect;
  setup.history_path = a.schema_history;
  setup.databases = o.databases;
  for (const std::string& t : o.tables) {
    std::string db = t.substr(0, t.find('.'));
    if (std::find(setup.databases.begin(), setup.databases.end(), db) == setup.databases.end()) {
      setup.databases.push_back(db);
    }
  }
  setup.debug = debug;
  setup.warn = [](std::string_view line) { log_line(std::string("warning: ").append(line)); };
  auto opened = schema::open_history(setup, start.position);
  if (!opened) return core::fail(opened.error().with_context("--schema-history " + a.schema_history));
  out = std::move(*opened);
  return core::ok();
}

int run_stream(const StreamArgs& a, bool global_verbose) {
  auto job_config = config::load_job_config(a.config_path);
  if (!job_config) return report_error(job_config.error());
  print_warnings(job_config->warnings);
  const config::SourceConfig& source = job_config->source;
  if (!source.server_id) {
    return report_error(core::Error{
        core::ErrorCode::kConfig,
        a.config_path + " has no \"server_id\": sluice reads the binlog as a replica and needs a server_id that "
                        "neither the server nor any other replica uses; run `sluice check --config " +
            a.config_path + "`, which proposes a free one, and add \"server_id\": <that number> to the config"});
  }
  source::StreamerOptions o;
  o.connect = source.connection;
  o.server_id = *source.server_id;
  o.until_now = a.until_now;
  o.databases = split_list(a.databases);
  if (o.databases.empty()) o.databases = source.filter_dbs;
  o.tables = split_list(a.tables);
  for (const auto& t : o.tables) {
    if (t.find('.') == std::string::npos) return report_error(usage("--tables item '" + t + "' is not db.table").error());
  }
  o.checkpoint_path = a.checkpoint;
  o.verbose = a.verbose || global_verbose;
  o.log = log_line;
  if (auto s = choose_start(a, o.start); !s) return report_error(s.error());
  binlog::PrinterOptions popts;
  popts.types = a.verbose;
  // On 2+ cores rows are decoded and printed by worker threads while this one reads the
  // network and assembles transactions (the same lines, in the same order).
  std::optional<binlog::ChangePrinter> serial;
  std::optional<binlog::ParallelPrinter> parallel;
  if (size_t workers = binlog_print_workers(); workers > 0) {
    // The workers inherit this mask: SIGINT/SIGTERM then reach this thread, whose wait on the
    // server they interrupt at once (not at the next heartbeat).
    sigset_t stop_signals, old_mask;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGINT);
    sigaddset(&stop_signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop_signals, &old_mask);
    parallel.emplace(stdout, popts, binlog::ParallelOptions{.workers = workers});
    pthread_sigmask(SIG_SETMASK, &old_mask, nullptr);
    o.rows_sink = &*parallel;
    o.hand_over = [&parallel] { return parallel->hand_over(); };
  } else {
    serial.emplace(stdout, popts);
  }
  binlog::ChangeHandler& printer = parallel ? static_cast<binlog::ChangeHandler&>(*parallel) : *serial;
  binlog::ChangeHandler* out = &printer;
  schema::SchemaHistory history;  // with --schema-history: opened once the start is known
  schema::HistoryResolver resolver(history);
  std::optional<HistoryKeeper> keeper;
  if (!a.schema_history.empty()) {
    keeper.emplace(history, a.schema_history, printer);
    out = &*keeper;
    o.resolver = &resolver;
    o.on_start = [&a, &o, &history](const source::StreamStart& start) {
      return open_stream_history(a, o, start, history);
    };
  }
  // SIGINT/SIGTERM end the stream cleanly (output flushed, checkpoint written). No SA_RESTART:
  // a blocking read returns early instead of waiting for the next heartbeat.
  o.stop = &install_stop_handlers(false);
  source::BinlogStreamer streamer(o, *out, [&] { return parallel ? parallel->flush() : serial->flush(); });
  core::Status s = streamer.run();
  core::Status f = parallel ? parallel->finish() : core::ok();
  // The workers' error (a row, the output) comes first in stream order.
  if (!f) return report_error(f.error());
  if (keeper && !history.seeded_at().empty()) {
    if (auto saved = keeper->save(); !saved) return report_error(saved.error());
  }
  if (!s) return report_error(s.error());
  return kExitOk;
}

}  // namespace

size_t binlog_print_workers() {
  unsigned cores = std::thread::hardware_concurrency();
  return cores >= 2 ? 2 : 0;
}

void add_binlog_stream(CLI::App& binlog_cmd, CliContext& ctx) {
  auto args = std::make_shared<StreamArgs>();
  auto* cmd = binlog_cmd.add_subcommand(
      "stream", "Read the live binlog as a replica and print its row changes as JSON lines (docs/binlog-stream.md)");
  cmd->add_option("--config", args->config_path, "Singer-style config.json (host, port, user, password, server_id)")
      ->required();
  cmd->add_option("--from", args->from, "start at FILE:POS (e.g. mysql-bin.000042:4)");
  cmd->add_option("--gtid", args->gtid,
                  "start after this MySQL GTID set (uuid:1-5,...) or MariaDB GTID position (0-1-42,...)");
  cmd->add_flag("--until-now", args->until_now, "stop at the server's binlog position at start (exit 0)");
  cmd->add_option("--databases", args->databases, "only these databases (comma-separated; default: config filter_dbs)");
  cmd->add_option("--tables", args->tables, "only these tables, as db.table (comma-separated)");
  cmd->add_flag("--verbose", args->verbose, "add \"types\" to each line; debug lines on stderr");
  cmd->add_option(
      "--schema-history", args->schema_history,
      "FILE: decode with the tables' schema as of each event (names without binlog_row_metadata=FULL); "
      "seeded by discovery at the start when FILE does not exist, saved as the stream goes");
  cmd->add_option("--checkpoint", args->checkpoint,
                  "file keeping the end of the last complete transaction printed; resumes from it when it exists");
  cmd->callback([&ctx, args] { ctx.exit_code = run_stream(*args, ctx.verbose); });
}

}  // namespace sluice::cli
