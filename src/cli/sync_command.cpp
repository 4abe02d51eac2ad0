// `sluice sync`: one replication job, Singer messages on stdout (a drop-in for tap-mysql).
#include <CLI/CLI.hpp>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>

#include "cli/cli_context.h"
#include "cli/job_runner.h"
#include "cli/saved_state.h"
#include "cli/stop_signal.h"
#include "config/catalog.h"
#include "config/destination.h"
#include "config/job_config.h"
#include "job/sync_job.h"
#include "mysql/connection.h"
#include "schema/discovery.h"
#include "schema/singer_catalog.h"

namespace sluice::cli {
namespace {

struct SyncArgs {
  std::string config_path;
  std::string catalog_path;
  std::string properties_path;
  std::string state_path;
  std::string destination;
  bool discover = false;
  bool quiet = false;
  size_t chunk_rows = 0;
  size_t threads = 0;
};

int run_discover_mode(const config::SourceConfig& config) {
  auto conn = mysql::Connection::connect(config.connection);
  if (!conn) return report_error(conn.error());
  schema::DiscoveryOptions options;
  options.databases = config.filter_dbs;
  auto tables = schema::discover(**conn, options);
  if (!tables) return report_error(tables.error());
  std::string text = schema::render_catalog(schema::singer_catalog(*tables));
  if (std::fwrite(text.data(), 1, text.size(), stdout) != text.size() || std::fflush(stdout) != 0) {
    return report_error(core::Error{core::ErrorCode::kIo, "cannot write the catalog to stdout"});
  }
  return kExitOk;
}

// SIGTERM/SIGINT stopped the job after a checkpoint (run_job made it durable and reported the job
// as interrupted): one line, exit 3.
int report_interrupted() {
  std::fprintf(stderr,
               "sluice: interrupted by %s: the bookmark of what was delivered is committed; the next job "
               "continues from it\n",
               stop_signal_name());
  return kExitInterrupted;
}

int run_sync_command(const SyncArgs& args) {
  auto config = config::load_job_config(args.config_path);
  if (!config) return report_error(config.error());
  print_warnings(config->warnings);
  if (args.discover) return run_discover_mode(config->source);

  std::string catalog_path = args.catalog_path.empty() ? args.properties_path : args.catalog_path;
  if (catalog_path.empty()) {
    return report_error(core::Error{core::ErrorCode::kInvalidArgument,
                                    "sync needs --catalog FILE (or --properties FILE); write one with 'sluice discover'"});
  }
  job::SyncOptions options{config->sync};
  if (args.chunk_rows > 0) options.chunk_rows = args.chunk_rows;
  if (args.threads > 0) options.snapshot_threads = args.threads;
  options.progress = !args.quiet;
  options.reset_command = "sluice reset --config " + args.config_path +
                          (!args.state_path.empty()    ? " --state " + args.state_path
                           : !args.destination.empty() ? " --destination " + args.destination
                                                       : std::string());

  auto catalog = config::load_catalog(catalog_path);
  if (!catalog) return report_error(catalog.error());
  // The destination: --destination, else the config's `destination` section, else Singer on stdout.
  std::optional<config::DestinationConfig> destination = config->destination;
  if (!args.destination.empty()) {
    auto parsed = config::parse_destination_arg(args.destination);
    if (!parsed) return report_error(parsed.error());
    destination = std::move(*parsed);
    print_warnings(destination->warnings);
  }
  if (!destination) destination = config::DestinationConfig{};
  if (!options.key_change_deletes && destination->type != config::DestinationType::kSinger) {
    // A table that keeps the old key of a moved row would hold a row the source no longer has.
    std::fprintf(
        stderr,
        "sluice: warning: 'key_change_deletes': false applies to Singer output only; the %s destination "
        "still deletes the old key of an UPDATE that changes the primary key\n",
        std::string(config::destination_type_name(destination->type)).c_str());
    options.key_change_deletes = true;
  }

  JobRequest request{&*config,
                     &*catalog,
                     std::move(*destination),
                     args.state_path,
                     reset_command_line(args.config_path, args.destination),
                     std::move(options),
                     !args.quiet};
  request.options.stop = &install_stop_handlers(true);  // restarted calls: no client read is cut short
  auto st = run_job(request);
  if (!st && st.error().code == core::ErrorCode::kCancelled) return report_interrupted();
  if (!st) return report_error(st.error());
  return kExitOk;
}

}  // namespace

void register_sync(CLI::App& app, CliContext& ctx) {
  auto args = std::make_shared<SyncArgs>();
  auto* cmd = app.add_subcommand(
      "sync",
      "Runs one replication job: the catalog's selected tables with their methods (FULL_TABLE, INCREMENTAL, "
      "LOG_BASED), Singer SCHEMA/RECORD/STATE/ACTIVATE_VERSION messages on stdout (a drop-in for tap-mysql)");
  cmd->add_option("--config", args->config_path, "Singer-style config.json of the source")->required();
  cmd->add_option("--catalog", args->catalog_path, "Singer catalog with the selected streams (sluice discover)");
  cmd->add_option("--properties", args->properties_path, "the older name of --catalog");
  cmd->add_option("--state", args->state_path,
                  "Singer state of the previous job (its last STATE value; a captured stdout also works)");
  cmd->add_option("--destination", args->destination,
                  "where to deliver instead of Singer on stdout: JSON ({\"type\":\"sqlite\",\"path\":\"x.db\"}), "
                  "a JSON file, or TYPE:PATH (sqlite:shop.db, jsonl:out/, avro:out/); default: the config's "
                  "`destination` section, else Singer stdout. See docs/destinations.md");
  cmd->add_flag("--discover", args->discover, "print the catalog instead of syncing (tap-mysql --discover)");
  cmd->add_option("--chunk-rows", args->chunk_rows,
                  "rows per snapshot chunk (default 50000, config chunk_rows)")
      ->check(CLI::Range(size_t{1}, size_t{100000000}));
  cmd->add_option("--threads", args->threads,
                  "connections reading key ranges of a table in parallel (Full Table and log-based snapshots; "
                  "default 1, config snapshot_threads)")
      ->check(CLI::Range(1, 64));
  cmd->add_flag("--quiet", args->quiet, "no progress lines or job summary on stderr");
  cmd->callback([&ctx, args] { ctx.exit_code = run_sync_command(*args); });
}

}  // namespace sluice::cli
