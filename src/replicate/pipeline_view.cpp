#include "replicate/pipeline_view.h"

#include <signal.h>

#include <cerrno>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "journal/log_dir.h"

namespace sluice::replicate {
namespace {

constexpr const char* kProcessNames[] = {"not_started", "running", "gone", "ended", "unreadable"};

bool runs(State s) { return s == State::kStarting || s == State::kOnline || s == State::kCatchingUp; }

// A pid of this machine that no longer exists (a pid of another host cannot be asked).
bool pid_gone(const PipelineStatus& s) {
  if (s.pid <= 0 || s.host.empty() || s.host != host_name()) return false;
  return kill(static_cast<pid_t>(s.pid), 0) != 0 && errno == ESRCH;
}

RoleView read_role(const std::string& dir, const std::string& role, int64_t now) {
  RoleView v;
  v.role = role;
  const std::string path = dir + "/" + role + ".status.json";
  auto s = read_status_file(path);
  if (!s) {
    if (s.error().code == core::ErrorCode::kNotFound) return v;
    v.process = Process::kUnreadable;
    v.problem = s.error().message;
    return v;
  }
  v.age_seconds = std::max<int64_t>(0, now - s->updated_seconds);
  if (!runs(s->state)) {
    v.process = Process::kEnded;
  } else {
    v.process = v.age_seconds > kStaleSeconds || pid_gone(*s) ? Process::kGone : Process::kRunning;
  }
  v.status = std::move(*s);
  return v;
}

std::string human_bytes(uint64_t n) {
  char buf[32];
  if (n < 1024) return std::to_string(n) + " B";
  const double mib = static_cast<double>(n) / (1024.0 * 1024.0);
  if (mib < 1)
    std::snprintf(buf, sizeof(buf), "%.1f KiB", static_cast<double>(n) / 1024.0);
  else
    std::snprintf(buf, sizeof(buf), "%.1f MiB", mib);
  return buf;
}

std::string fixed1(double d) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.1f", d);
  return buf;
}

// "online, process 1234 alive (updated 0 s ago)" and the like.
std::string state_line(const RoleView& r) {
  switch (r.process) {
    case Process::kNotStarted:
      return "not started (no " + r.role + ".status.json in the log directory)";
    case Process::kUnreadable:
      return "unknown: " + r.problem;
    default:
      break;
  }
  const PipelineStatus& s = *r.status;
  const std::string pid = "process " + std::to_string(s.pid) + (s.host.empty() ? "" : " on " + s.host);
  const std::string age = std::to_string(r.age_seconds) + " s ago";
  switch (r.process) {
    case Process::kRunning:
      return std::string(state_name(s.state)) + ", " + pid + " alive (status updated " + age + ")";
    case Process::kGone:
      return std::string(state_name(s.state)) + " when last updated " + age + ", but its " + pid +
             " is gone (killed or crashed): start `sluice replicate` again";
    default:
      return std::string(state_name(s.state)) + " (" + pid + " ended, " + age + ")";
  }
}

void add_line(std::string& out, const char* label, const std::string& value) {
  char buf[40];
  std::snprintf(buf, sizeof(buf), "  %-24s", label);
  out += buf + value + "\n";
}

void role_text(std::string& out, const RoleView& r, const PipelineView& v) {
  out += r.role + ": " + state_line(r) + "\n";
  if (!r.status) return;
  const PipelineStatus& s = *r.status;
  const bool extract = r.role == "extract";
  add_line(out, extract ? "source position read" : "source position applied",
           s.source_position.empty() ? "-" : s.source_position);
  if (!s.gtid_set.empty()) add_line(out, extract ? "GTID set" : "last GTID applied", s.gtid_set);
  if (extract) {
    add_line(out, "LSN written / durable",
             std::to_string(s.lsn_written) + " / " + std::to_string(s.lsn_durable));
  } else {
    add_line(out, "LSN applied",
             std::to_string(s.lsn_applied) + " (" + std::to_string(v.records_behind) +
                 " records behind the log's durable " + std::to_string(v.lsn_durable) + ")");
    add_line(out, "apply lag",
             std::to_string(r.process == Process::kRunning ? s.lag_seconds : 0) +
                 " s behind the source commit" + (s.pending_commit_seconds ? "" : " (nothing pending)"));
  }
  add_line(out, "transactions, rows",
           std::to_string(s.transactions) + ", " + std::to_string(s.rows) + " since the process started" +
               (r.process == Process::kRunning ? ", " + fixed1(s.rows_per_second) + " rows/s" : ""));
  if (!s.last_error.empty()) add_line(out, "last error", s.last_error);
}

nlohmann::ordered_json role_json(const RoleView& r) {
  nlohmann::ordered_json j = nlohmann::ordered_json::object();
  if (r.status) j = nlohmann::ordered_json::parse(status_json(*r.status));
  j["role"] = r.role;
  if (!r.status) j["state"] = nullptr;
  j["process"] = kProcessNames[static_cast<size_t>(r.process)];
  j["alive"] = r.process == Process::kRunning;
  j["status_age_seconds"] = r.age_seconds;
  if (!r.problem.empty()) j["problem"] = r.problem;
  // A role that no longer runs is neither behind nor moving.
  if (r.status && r.process != Process::kRunning) {
    j["lag_seconds"] = 0;
    j["rows_per_second"] = 0.0;
  }
  return j;
}

}  // namespace

const char* process_name(Process p) { return kProcessNames[static_cast<size_t>(p)]; }

LogSize log_size(const std::string& journal_dir) {
  LogSize out;
  auto segments = journal::list_segments(journal_dir);
  if (!segments) return out;
  for (const journal::SegmentFile& f : *segments) out.bytes += f.size;
  out.segments = segments->size();
  return out;
}

PipelineView read_pipeline(const config::ReplicateSettings& settings, int64_t now_seconds) {
  PipelineView v;
  v.name = settings.name;
  v.journal_dir = settings.journal_dir;
  v.log = log_size(settings.journal_dir);
  v.extract = read_role(settings.journal_dir, "extract", now_seconds);
  v.apply = read_role(settings.journal_dir, "apply", now_seconds);
  if (v.extract.status) v.lsn_durable = v.extract.status->lsn_durable;
  if (v.apply.status) v.lsn_applied = v.apply.status->lsn_applied;
  if (auto applied = journal::read_applied_lsn(settings.journal_dir); applied && *applied > v.lsn_applied) {
    v.lsn_applied = *applied;
  }
  v.records_behind = v.lsn_durable > v.lsn_applied ? v.lsn_durable - v.lsn_applied : 0;
  return v;
}

std::string pipeline_text(const PipelineView& v) {
  std::string out = "pipeline " + v.name + ", transaction log " + v.journal_dir + ": " +
                    std::to_string(v.log.segments) + " segment" + (v.log.segments == 1 ? "" : "s") + ", " +
                    std::to_string(v.log.bytes) + " bytes (" + human_bytes(v.log.bytes) + ")\n";
  role_text(out, v.extract, v);
  role_text(out, v.apply, v);
  return out;
}

std::string pipeline_json(const PipelineView& v) {
  nlohmann::ordered_json j;
  j["pipeline"] = v.name;
  j["journal_dir"] = v.journal_dir;
  j["log_segments"] = v.log.segments;
  j["log_bytes"] = v.log.bytes;
  j["lsn_durable"] = v.lsn_durable;
  j["lsn_applied"] = v.lsn_applied;
  j["records_behind"] = v.records_behind;
  j["extract"] = role_json(v.extract);
  j["apply"] = role_json(v.apply);
  return j.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
}

}  // namespace sluice::replicate
