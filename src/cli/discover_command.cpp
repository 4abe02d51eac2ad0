// `sluice discover`: the server's databases, tables, views and columns as a Singer catalog.
#include <CLI/CLI.hpp>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>

#include "cli/cli_context.h"
#include "config/job_config.h"
#include "mysql/connection.h"
#include "schema/discovery.h"
#include "schema/singer_catalog.h"

namespace sluice::cli {
namespace {

struct DiscoverArgs {
  std::string config_path;
  std::string output_path;
  bool select_all = false;
};

// Marks every stream selected (the breadcrumb-[] metadata "selected": true), as a user would by
// hand in the catalog; columns follow their selected-by-default / inclusion as usual.
void select_all_streams(nlohmann::ordered_json& catalog) {
  for (auto& stream : catalog["streams"]) {
    for (auto& entry : stream["metadata"]) {
      if (entry["breadcrumb"].empty()) entry["metadata"]["selected"] = true;
    }
  }
}

// Writes `text` to `path` through a temporary file and a rename: never a half-written catalog.
core::Status write_file_atomically(const std::string& path, const std::string& text) {
  std::string tmp = path + ".tmp";
  std::FILE* f = std::fopen(tmp.c_str(), "wb");
  if (!f) return core::fail(core::ErrorCode::kIo, "cannot write '" + tmp + "': " + std::strerror(errno));
  bool ok = std::fwrite(text.data(), 1, text.size(), f) == text.size();
  ok = (std::fflush(f) == 0) && ok;
  ok = (std::fclose(f) == 0) && ok;
  if (!ok || std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::string why = std::strerror(errno);
    std::remove(tmp.c_str());
    return core::fail(core::ErrorCode::kIo, "cannot write '" + path + "': " + why);
  }
  return core::ok();
}

int run_discover(const DiscoverArgs& args, bool verbose) {
  auto config = config::load_job_config(args.config_path);
  if (!config) return report_error(config.error());
  print_warnings(config->warnings);

  auto conn = mysql::Connection::connect(config->source.connection);
  if (!conn) return report_error(conn.error());
  schema::DiscoveryOptions options;
  options.databases = config->source.filter_dbs;
  schema::DiscoveryStats stats;
  auto tables = schema::discover(**conn, options, &stats);
  if (!tables) return report_error(tables.error());
  if (verbose) {
    std::fprintf(stderr, "sluice: discovered %zu tables and views with %zu queries\n", tables->size(),
                 stats.queries);
  }
  nlohmann::ordered_json catalog = schema::singer_catalog(*tables);
  if (args.select_all) select_all_streams(catalog);
  std::string text = schema::render_catalog(catalog);
  if (!args.output_path.empty()) {
    auto written = write_file_atomically(args.output_path, text);
    return written ? kExitOk : report_error(written.error());
  }
  if (std::fwrite(text.data(), 1, text.size(), stdout) != text.size() || std::fflush(stdout) != 0) {
    return report_error(core::Error{core::ErrorCode::kIo, std::string("cannot write the catalog to stdout: ") +
                                                              std::strerror(errno)});
  }
  return kExitOk;
}

}  // namespace

void register_discover(CLI::App& app, CliContext& ctx) {
  auto args = std::make_shared<DiscoverArgs>();
  auto* cmd = app.add_subcommand(
      "discover",
      "Prints a Singer catalog of the server's databases, tables, views and columns "
      "(the Singer MySQL tap's format; every column type mapped, see docs/types.md)");
  cmd->add_option("--config", args->config_path, "Singer-style config.json of the source (filter_dbs applies)")
      ->required();
  cmd->add_option("--output", args->output_path, "write the catalog to this file instead of stdout");
  cmd->add_flag("--select-all", args->select_all,
                "mark every table and view selected (each with its default replication method)");
  cmd->callback([&ctx, args] { ctx.exit_code = run_discover(*args, ctx.verbose); });
}

}  // namespace sluice::cli
