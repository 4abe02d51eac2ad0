#include "cli/run_loop.h"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

#include "cli/cli_context.h"
#include "cli/job_runner.h"
#include "cli/last_start.h"
#include "cli/stop_signal.h"
#include "config/catalog.h"
#include "job/report/extraction_log.h"
#include "schedule/schedule.h"

namespace sluice::cli {
namespace {

using Clock = std::chrono::system_clock;
using schedule::Instant;

// The longest the loop sleeps without looking at the stop flag (a signal handler cannot wake it).
constexpr auto kPoll = std::chrono::milliseconds(200);

Instant now_instant() { return std::chrono::floor<std::chrono::seconds>(Clock::now()); }

// One integration's place in the loop. Guarded by Loop::mu_, except `thread`, which only the
// loop's own thread touches.
struct Slot {
  const Integration* integration = nullptr;
  Instant next;
  Instant first_attempt_start;  // the scheduled start the current attempts belong to
  int failed_attempts = 0;
  bool running = false;
  std::optional<core::Status> outcome;  // set by the job's thread when it ends
  Clock::time_point job_began;
  std::string log_path;  // the running or last job's extraction log (written by its thread)
  std::thread thread;

  [[nodiscard]] const config::ScheduleConfig& schedule() const { return *integration->config.schedule; }
};

// One job of an integration, on its own thread: a structure sync first (new columns of selected
// tables selected unless the config says `"select_new_columns": false`, new tables named, the
// catalog in use saved with the extraction log), then the job as `sync` runs it.
core::Status run_integration_job(const Integration& in, const std::atomic<bool>& stop, int attempt,
                                 std::string* log_path) {
  auto catalog = config::load_catalog(in.config.schedule->catalog);
  if (!catalog) return core::fail(catalog.error().with_context(in.path + ": schedule: 'catalog'"));
  JobRequest request;
  request.config = &in.config;
  request.catalog = &*catalog;
  request.destination = *in.config.destination;
  request.reset_command = "sluice reset --config " + in.path;
  request.options = job::SyncOptions{in.config.sync};
  request.options.select_new_columns = in.config.sync.select_new_columns.value_or(true);
  request.options.structure_sync = true;
  request.options.progress = false;
  request.options.stop = &stop;
  request.options.reset_command = request.reset_command;
  request.summary = false;
  request.attempt = attempt;
  request.log_path = log_path;
  return run_job(request);
}

class Loop {
 public:
  Loop(const std::vector<Integration>& integrations, const RunOptions& options, const std::atomic<bool>& stop)
      : options_(options), stop_(stop), slots_(integrations.size()) {
    Instant now = now_instant();
    for (size_t i = 0; i < integrations.size(); ++i) {
      slots_[i].integration = &integrations[i];
      // The last start saved by an earlier process: a start missed while it was down runs once.
      std::optional<Instant> last =
          read_last_start(run_dir(integrations[i].config), slots_[i].schedule().name);
      slots_[i].next = schedule::next_start(slots_[i].schedule().when, last, now);
      say(slots_[i], "next start " + when(slots_[i], slots_[i].next));
    }
  }

  int run() {
    std::unique_lock lock(mu_);
    while (!stop_.load()) {
      collect(lock);
      launch_due();
      Clock::time_point wake = Clock::now() + kPoll;
      for (const Slot& s : slots_) {
        if (!s.running) wake = std::min(wake, Clock::time_point(s.next));
      }
      changed_.wait_until(lock, wake);
    }
    // Stopping: every running job stops at its next checkpoint; wait for them.
    while (std::any_of(slots_.begin(), slots_.end(), [](const Slot& s) { return s.running; })) {
      changed_.wait_for(lock, kPoll);
      collect(lock);
    }
    std::fprintf(stderr, "sluice run: stopped by %s\n", stop_signal_name());
    return kExitOk;
  }

 private:
  static std::string when(const Slot& s, Instant t) {
    return s.schedule().when.zone.format(t) + " (" + schedule::format_utc(t) + ")";
  }
  static void say(const Slot& s, const std::string& line) {
    std::fprintf(stderr, "sluice run: %s: %s\n", s.schedule().name.c_str(), line.c_str());
  }

  void launch_due() {
    size_t running = static_cast<size_t>(
        std::count_if(slots_.begin(), slots_.end(), [](const Slot& s) { return s.running; }));
    Instant now = now_instant();
    // The most overdue first, so that a busy limit does not starve an integration.
    std::vector<Slot*> due;
    for (Slot& s : slots_) {
      if (!s.running && s.next <= now) due.push_back(&s);
    }
    std::sort(due.begin(), due.end(), [](const Slot* a, const Slot* b) { return a->next < b->next; });
    for (Slot* s : due) {
      if (running == options_.max_parallel) break;
      if (s->failed_attempts == 0) {
        s->first_attempt_start = now;
        write_last_start(run_dir(s->integration->config), s->schedule().name, now);
      }
      s->running = true;
      s->outcome.reset();
      s->job_began = Clock::now();
      ++running;
      say(*s, "job started" + (s->failed_attempts > 0
                                   ? " (attempt " + std::to_string(s->failed_attempts + 1) + ")"
                                   : std::string()));
      int attempt = s->failed_attempts + 1;
      s->thread = std::thread([this, s, attempt] {
        std::string log_path;
        core::Status st = run_integration_job(*s->integration, stop_, attempt, &log_path);
        std::lock_guard guard(mu_);
        s->log_path = std::move(log_path);
        s->outcome = std::move(st);
        changed_.notify_all();
      });
    }
  }

  // Joins the jobs that ended and plans each one's next start.
  void collect(std::unique_lock<std::mutex>& lock) {
    for (Slot& s : slots_) {
      if (!s.running || !s.outcome) continue;
      lock.unlock();
      s.thread.join();  // its thread has set the outcome and is ending
      lock.lock();
      s.running = false;
      finished(s, *s.outcome);
    }
  }

  void finished(Slot& s, const core::Status& st) {
    Instant now = now_instant();
    auto took = std::chrono::duration<double>(Clock::now() - s.job_began).count();
    Instant regular = schedule::next_start(s.schedule().when, s.first_attempt_start, now);
    char secs[32];
    std::snprintf(secs, sizeof secs, "%.1f s", took);
    if (st) {
      s.failed_attempts = 0;
      s.next = regular;
      say(s, std::string("job ok in ") + secs + "; next start " + when(s, s.next));
      return;
    }
    if (st.error().code == core::ErrorCode::kCancelled) {
      say(s, "job interrupted by " + std::string(stop_signal_name()) +
                 ": the bookmark of what was delivered is committed; the next job continues from it");
      return;
    }
    ++s.failed_attempts;
    std::optional<Instant> retry =
        st.error().retryable ? schedule::retry_at(s.schedule().retry, s.failed_attempts, now, regular)
                             : std::nullopt;
    std::string plan = retry ? "retry at " + when(s, *retry) : "next start " + when(s, regular);
    if (!s.log_path.empty()) job::append_to_log(s.log_path, "sluice run: " + plan);
    s.failed_attempts = retry ? s.failed_attempts : 0;
    s.next = retry ? *retry : regular;
    say(s, "job failed: " + st.error().message + "; " + plan);
  }

  const RunOptions& options_;
  const std::atomic<bool>& stop_;
  std::mutex mu_;
  std::condition_variable changed_;
  std::vector<Slot> slots_;
};

}  // namespace

int run_scheduled(const std::vector<Integration>& integrations, const RunOptions& options) {
  // Restarted calls: no client read is cut short; each job notices the stop at its next checkpoint.
  const std::atomic<bool>& stop = install_stop_handlers(true);
  return Loop(integrations, options, stop).run();
}

}  // namespace sluice::cli
