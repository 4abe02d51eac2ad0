// `sluice replicate`: extract (live binlog -> transaction log) and apply (log -> a MySQL-family
// target), one role per process or both in one (docs/replication.md).
#include <pthread.h>

#include <CLI/CLI.hpp>
#include <condition_variable>
#include <csignal>
#include <cstdio>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "cli/cli_context.h"
#include "cli/stop_signal.h"
#include "config/job_config.h"
#include "replicate/applier.h"
#include "replicate/extractor.h"
#include "replicate/initial_copy.h"
#include "replicate/metrics_server.h"

namespace sluice::cli {
namespace {

struct ReplicateArgs {
  std::string config_path;
  std::string role;  // "", "extract", "apply"
  bool initial_copy = false;
  std::string metrics_listen;  // --metrics-listen: "" = the config's, "off" = none
};

void replicate_log(std::string_view line) {
  std::fprintf(stderr, "sluice: %.*s\n", static_cast<int>(line.size()), line.data());
}

core::Status check_config(const config::JobConfig& c, const std::string& role) {
  std::string problems;
  auto problem = [&](const std::string& p) {
    problems += (problems.empty() ? "" : "\n") + c.origin + ": " + p;
  };
  if (!c.replicate) problem("has no \"replicate\" section: add {\"journal_dir\": ...} (docs/replication.md)");
  if (role != "apply" && !c.source.server_id) {
    problem("has no \"server_id\": the extractor reads the binlog as a replica; run `sluice check --config " +
            c.origin + "` for a free one and add \"server_id\": <that number>");
  }
  if (role != "extract" && !c.target)
    problem("has no \"target\" section: the server to apply to (docs/replication.md)");
  if (c.replicate) {
    if (auto s = replicate::parse_start(c.replicate->start); !s) problem(s.error().message);
  }
  if (c.replicate && c.replicate->initial_copy && role == "extract" && !c.target) {
    problem("has no \"target\" section: the initial copy writes the target (docs/replication.md)");
  }
  if (problems.empty()) return core::ok();
  return core::fail(core::ErrorCode::kConfig, problems);
}

int finish(const core::Status& s) { return s ? kExitOk : report_error(s.error()); }

// What watches the roles from beside them: a heartbeat that refreshes their status files every
// second (a stale file tells `sluice status` the process is gone) and the metrics endpoint. Its
// threads start with SIGINT/SIGTERM blocked, so a signal still reaches (and interrupts) a role.
struct Monitoring {
  std::unique_ptr<replicate::MetricsServer> metrics;
  std::jthread heartbeat;
};

core::Result<std::unique_ptr<Monitoring>> start_monitoring(
    const config::ReplicateSettings& r, const std::vector<replicate::StatusBoard*>& boards) {
  sigset_t signals, old_mask;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, &old_mask);
  auto m = std::make_unique<Monitoring>();
  core::Status started = core::ok();
  if (r.metrics_listen) {
    auto server = replicate::MetricsServer::start(*r.metrics_listen, r.name, r.journal_dir,
                                                  {boards.begin(), boards.end()});
    if (server)
      m->metrics = std::move(*server);
    else
      started = core::fail(server.error());
  }
  if (started) {
    for (replicate::StatusBoard* b : boards) b->set_state(replicate::State::kStarting);
    m->heartbeat = std::jthread([boards](std::stop_token stop) {
      std::mutex mutex;
      std::condition_variable_any wake;
      std::unique_lock lock(mutex);
      while (!wake.wait_for(lock, stop, std::chrono::seconds(1), [&stop] { return stop.stop_requested(); })) {
        for (replicate::StatusBoard* b : boards) b->touch();
      }
    });
  }
  pthread_sigmask(SIG_SETMASK, &old_mask, nullptr);
  if (!started) return core::fail(started.error());
  return m;
}

int run_replicate(const ReplicateArgs& a) {
  if (!a.role.empty() && a.role != "extract" && a.role != "apply") {
    return report_error(core::Error{
        core::ErrorCode::kInvalidArgument,
        "--role must be extract or apply (or absent: both in one process), got '" + a.role + "'"});
  }
  auto c = config::load_job_config(a.config_path);
  if (!c) return report_error(c.error());
  print_warnings(c->warnings);
  if (a.initial_copy && a.role == "apply") {
    return report_error(core::Error{core::ErrorCode::kInvalidArgument,
                                    "--initial-copy runs in the process that extracts (no --role, or --role "
                                    "extract); the apply role waits for the log its hand-off creates"});
  }
  // The config key is ignored by an apply-only process (the same file serves both roles).
  if (c->replicate)
    c->replicate->initial_copy = (c->replicate->initial_copy || a.initial_copy) && a.role != "apply";
  if (auto s = check_config(*c, a.role); !s) return report_error(s.error());
  if (a.metrics_listen == "off") {
    c->replicate->metrics_listen.reset();
  } else if (!a.metrics_listen.empty()) {
    auto listen = config::parse_listen_address(a.metrics_listen, "--metrics-listen");
    if (!listen) return report_error(listen.error());
    c->replicate->metrics_listen = std::move(*listen);
  }
  const std::string& dir = c->replicate->journal_dir;
  const std::atomic<bool>& stop = install_stop_handlers(false);
  replicate::StatusBoard extract_board("extract", dir + "/extract.status.json");
  replicate::StatusBoard apply_board("apply", dir + "/apply.status.json");
  replicate::ExtractOptions eo{c->source, *c->replicate, &stop, replicate_log};
  replicate::ApplyOptions ao{c->target.value_or(config::TargetConfig{}), *c->replicate, &stop, replicate_log};
  std::vector<replicate::StatusBoard*> boards;
  if (a.role != "apply") boards.push_back(&extract_board);
  if (a.role != "extract") boards.push_back(&apply_board);
  auto monitoring = start_monitoring(*c->replicate, boards);
  if (!monitoring) return report_error(monitoring.error());
  if (c->replicate->initial_copy) {
    // The target provisioned first; the stream then starts at the copy's snapshot.
    auto start = replicate::run_initial_copy({c->source, ao.target, *c->replicate, &stop, replicate_log});
    if (!start && start.error().code == core::ErrorCode::kCancelled) {
      replicate_log("replicate --initial-copy: stopped; the next run continues after the last copied chunk");
      return kExitOk;
    }
    if (!start) return report_error(start.error());
    eo.settings.start = start->position.str();
    eo.start_gtid_state = start->gtid;
  }
  auto run_extract = [&] {
    core::Status s = replicate::run_extract(eo, extract_board);
    extract_board.set_state(s ? replicate::State::kStopped : replicate::State::kFailed,
                            s ? "" : s.error().message);
    return s;
  };
  auto run_apply = [&] {
    core::Status s = replicate::run_apply(ao, apply_board);
    if (!s) apply_board.set_state(replicate::State::kFailed, s.error().message);
    return s;
  };
  if (a.role == "extract") return finish(run_extract());
  if (a.role == "apply") return finish(run_apply());
  // Both: apply on a second thread (signals blocked there, so they reach this one, whose wait
  // on the source they interrupt); one side ending stops the other.
  ao.durable_lsn = &extract_board.durable_lsn;
  const pthread_t main_thread = pthread_self();
  sigset_t signals, old_mask;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, &old_mask);
  core::Status applied = core::ok();
  std::thread applier([&] {
    applied = run_apply();
    if (!stop.load()) pthread_kill(main_thread, SIGTERM);
  });
  pthread_sigmask(SIG_SETMASK, &old_mask, nullptr);
  core::Status extracted = run_extract();
  if (!stop.load()) pthread_kill(main_thread, SIGTERM);  // the applier stops after its batch
  applier.join();
  if (!extracted) return report_error(extracted.error());
  return finish(applied);
}

}  // namespace

void register_replicate(CLI::App& app, CliContext& ctx) {
  auto args = std::make_shared<ReplicateArgs>();
  auto* cmd = app.add_subcommand(
      "replicate",
      "Keep a MySQL-family target up to date from the source: extract to a transaction log, apply it "
      "exactly once (docs/replication.md)");
  cmd->add_option("--config", args->config_path, "config.json with the source, \"target\" and \"replicate\"")
      ->required();
  cmd->add_option("--role", args->role, "extract or apply: one side only (default: both, in one process)");
  cmd->add_flag("--initial-copy", args->initial_copy,
                "provision the empty target from a consistent snapshot of the source first, then stream from "
                "its position (resumable; replicate.initial_copy)");
  cmd->add_option(
      "--metrics-listen", args->metrics_listen,
      "HOST:PORT for the Prometheus metrics instead of replicate.metrics_listen (off: none); with "
      "--role, each process needs its own");
  cmd->callback([&ctx, args] { ctx.exit_code = run_replicate(*args); });
}

}  // namespace sluice::cli
