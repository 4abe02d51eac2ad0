// `sluice reset`: clears the bookmarks of some tables, so that the next job replicates them again
// from scratch under a new table version, while the other tables continue from their bookmarks
// (docs/replication-methods.md, "Replicating a table again: sluice reset").
#include <fcntl.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cli/cli_context.h"
#include "cli/saved_state.h"
#include "config/destination.h"
#include "config/job_config.h"
#include "config/state.h"
#include "job/sink_factory.h"

namespace sluice::cli {
namespace {

struct ResetArgs {
  std::string config_path;
  std::string destination;
  std::string state_path;
  std::vector<std::string> tables;
  bool all = false;
};

/// The stream ids of the bookmarks, ", "-separated, for messages.
std::string bookmarked_streams(const config::State& state) {
  std::string out;
  auto bookmarks = state.json().find("bookmarks");
  if (bookmarks != state.json().end() && bookmarks->is_object()) {
    for (auto it = bookmarks->begin(); it != bookmarks->end(); ++it)
      out += (out.empty() ? "" : ", ") + it.key();
  }
  return out.empty() ? std::string("none") : out;
}

/// The stream id of `table` (`db.table` or `db-table`) among the state's bookmarks.
core::Result<std::string> find_stream(const config::State& state, const std::string& table,
                                      const std::string& where) {
  std::vector<std::string> candidates = {table};
  if (size_t dot = table.find('.'); dot != std::string::npos) {
    candidates.push_back(table.substr(0, dot) + "-" + table.substr(dot + 1));
  }
  for (const std::string& id : candidates) {
    if (state.find_bookmark(id) != nullptr) return id;
  }
  return core::fail(core::ErrorCode::kInvalidArgument,
                    "unknown table '" + table + "': " + where +
                        " has no bookmark for it (bookmarked streams: " + bookmarked_streams(state) +
                        "; name a table as db.table or as its stream id db-table)");
}

/// Clears the bookmarks of `args.tables` (every bookmark with --all) in `state`; `done` gets a line
/// per table reset, printed once the new state is written.
core::Result<config::State> reset_streams(config::State state, const ResetArgs& args,
                                          const std::string& where, std::vector<std::string>& done) {
  if (args.all) {
    done.push_back("reset every table of " + where + " (bookmarks: " + bookmarked_streams(state) +
                   "): the next job replicates each from scratch");
    return config::State();
  }
  std::vector<std::string> ids;
  for (const std::string& table : args.tables) {
    auto id = find_stream(state, table, where);
    if (!id) return core::fail(id.error());
    ids.push_back(*id);
  }
  nlohmann::ordered_json doc = state.json();
  for (const std::string& id : ids) {
    auto& bookmarks = doc["bookmarks"];
    if (!bookmarks.contains(id)) continue;  // named twice
    std::string was = bookmarks[id].dump();
    bookmarks.erase(id);
    if (doc.value("currently_syncing", nlohmann::ordered_json()) == id) doc["currently_syncing"] = nullptr;
    done.push_back("reset " + id + " (its bookmark was " + was +
                   "): the next job replicates it from scratch");
  }
  return config::parse_state(doc, where);
}

void print_lines(const std::vector<std::string>& lines) {
  for (const std::string& line : lines) std::printf("%s\n", line.c_str());
  std::fflush(stdout);
}

/// Replaces `path` with `text` atomically (temp file, fsync, rename).
core::Status replace_file(const std::string& path, const std::string& text) {
  std::string tmp = path + ".sluice-tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  auto io = [&](const char* what) {
    return core::fail(core::ErrorCode::kIo, std::string(what) + " " + tmp + ": " + std::strerror(errno) +
                                                " (check the directory's permissions and free space)");
  };
  if (fd < 0) return io("cannot create");
  bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) && ::fsync(fd) == 0;
  ::close(fd);
  if (!ok) return io("cannot write");
  if (::rename(tmp.c_str(), path.c_str()) != 0) return io("cannot rename into place");
  return core::ok();
}

/// --state FILE: the file's state (its last STATE value for a captured stdout) with the tables'
/// bookmarks cleared, written back as a plain state object.
int reset_state_file(const ResetArgs& args) {
  auto state = config::load_state(args.state_path);
  if (!state) return report_error(state.error());
  std::vector<std::string> done;
  auto reset = reset_streams(std::move(*state), args, args.state_path, done);
  if (!reset) return report_error(reset.error());
  if (auto st = replace_file(args.state_path, reset->dump() + "\n"); !st) return report_error(st.error());
  print_lines(done);
  return kExitOk;
}

/// The destination to reset: --destination, else the config's section; one that stores state.
core::Result<config::DestinationConfig> reset_destination(const ResetArgs& args) {
  std::optional<config::DestinationConfig> d;
  if (!args.destination.empty()) {
    auto parsed = config::parse_destination_arg(args.destination);
    if (!parsed) return core::fail(parsed.error());
    d = std::move(*parsed);
  } else {
    auto config = config::load_job_config(args.config_path);
    if (!config) return core::fail(config.error());
    print_warnings(config->warnings);
    d = std::move(config->destination);
  }
  if (!d || d->type == config::DestinationType::kSinger) {
    return core::fail(
        core::ErrorCode::kInvalidArgument,
        "reset needs the state to change: --destination (sqlite:FILE, jsonl:DIR, avro:DIR, PostgreSQL "
        "JSON), a 'destination' section in the config, or --state FILE for Singer output");
  }
  std::error_code ec;
  if (d->type != config::DestinationType::kPostgres && !std::filesystem::exists(d->path, ec)) {
    return core::fail(core::ErrorCode::kNotFound,
                      "destination " + d->path + " does not exist: no job has run into it, nothing to reset");
  }
  d->report = false;  // a reset is not a job: no loading report
  return std::move(*d);
}

int run_reset_command(const ResetArgs& args) {
  if (args.tables.empty() && !args.all) {
    return report_error(
        core::Error{core::ErrorCode::kInvalidArgument,
                    "name the tables to reset (db.table or db-table), or --all for every table"});
  }
  if (!args.state_path.empty()) return reset_state_file(args);
  auto d = reset_destination(args);
  if (!d) return report_error(d.error());
  // Under the destination's lock: refused while a job runs into it.
  auto made = job::make_sink(*d, job::SinkEnvironment{});
  if (!made) return report_error(made.error());
  if (!made->saved_state) {
    (void)made->sink->finish();
    return report_error(core::Error{
        core::ErrorCode::kNotFound,
        "nothing to reset: " + made->state_location + " does not exist (no job has committed a bookmark)"});
  }
  config::State state;
  if (!args.all) {
    auto parsed = read_saved_state(*made, reset_command_line(args.config_path, args.destination));
    if (!parsed) return report_error(parsed.error());
    state = std::move(*parsed);
  }
  std::vector<std::string> done;
  auto reset = reset_streams(std::move(state), args, made->state_location, done);
  if (!reset) {
    (void)made->sink->finish();
    return report_error(reset.error());
  }
  // Written as each destination writes state: a checkpoint without rows.
  auto st = made->sink->checkpoint(reset->dump());
  auto fin = made->sink->finish();
  if (!st) return report_error(st.error());
  if (!fin) return report_error(fin.error());
  print_lines(done);
  return kExitOk;
}

}  // namespace

void register_reset(CLI::App& app, CliContext& ctx) {
  auto args = std::make_shared<ResetArgs>();
  auto* cmd = app.add_subcommand(
      "reset",
      "Clears the bookmarks of the named tables in a destination's saved state (or a Singer state file), so "
      "that the next job replicates them again from scratch under a new table version; the other tables "
      "continue from their bookmarks. Refused while a job runs into the destination.");
  cmd->add_option("--config", args->config_path, "the job's config.json (its 'destination' section)")
      ->required();
  auto* dest = cmd->add_option(
      "--destination", args->destination,
      "the job's destination, as given to sync (sqlite:FILE, jsonl:DIR, avro:DIR, JSON); default: the "
      "config's 'destination' section");
  cmd->add_option(
         "--state", args->state_path,
         "a Singer state file (or a captured stdout: its last STATE) to rewrite instead of a destination")
      ->excludes(dest);
  cmd->add_flag("--all", args->all, "clear every bookmark (also when the saved state is damaged)");
  cmd->add_option("tables", args->tables, "tables to reset: db.table or the stream id db-table");
  cmd->callback([&ctx, args] { ctx.exit_code = run_reset_command(*args); });
}

}  // namespace sluice::cli
