#include "replicate/status.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <sstream>

namespace sluice::replicate {
namespace {

int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

constexpr const char* kStateNames[] = {"starting", "online", "catching_up", "stopped", "failed"};

}  // namespace

std::string host_name() {
  char name[256] = {};
  if (gethostname(name, sizeof(name) - 1) != 0) return {};
  return name;
}

const char* state_name(State s) { return kStateNames[static_cast<size_t>(s)]; }

std::string status_json(const PipelineStatus& s) {
  nlohmann::ordered_json j;
  j["role"] = s.role;
  j["state"] = state_name(s.state);
  j["source_position"] = s.source_position;
  j["gtid_set"] = s.gtid_set;
  j["lsn_written"] = s.lsn_written;
  j["lsn_durable"] = s.lsn_durable;
  j["lsn_applied"] = s.lsn_applied;
  j["transactions"] = s.transactions;
  j["rows"] = s.rows;
  j["conflicts"] = s.conflicts;
  j["last_commit_seconds"] = s.last_commit_seconds;
  j["updated_seconds"] = s.updated_seconds;
  j["last_error"] = s.last_error;
  j["pid"] = s.pid;
  j["host"] = s.host;
  j["rows_per_second"] = s.rows_per_second;
  j["pending_commit_seconds"] = s.pending_commit_seconds;
  j["lag_seconds"] = s.lag_seconds;
  return j.dump();
}

StatusBoard::StatusBoard(std::string role, std::string path) : path_(std::move(path)) {
  status_.role = std::move(role);
  status_.pid = static_cast<int64_t>(getpid());
  status_.host = host_name();
  sampled_at_ms_ = now_ms();
}

void StatusBoard::set_state(State s, std::string error) {
  update(
      [&](PipelineStatus& st) {
        st.state = s;
        if (!error.empty()) st.last_error = std::move(error);
      },
      true);
}

PipelineStatus StatusBoard::snapshot() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return status_;
}

void StatusBoard::save_locked(bool force) {
  const int64_t now = now_ms();
  status_.updated_seconds = now / 1000;
  const bool ended = status_.state == State::kStopped || status_.state == State::kFailed;
  if (ended || now - sampled_at_ms_ >= 1000) {
    const uint64_t rows = status_.rows - std::min(status_.rows, sampled_rows_);
    status_.rows_per_second =
        ended ? 0.0 : static_cast<double>(rows) * 1000.0 / static_cast<double>(now - sampled_at_ms_);
    sampled_at_ms_ = now;
    sampled_rows_ = status_.rows;
  }
  status_.lag_seconds = status_.pending_commit_seconds == 0
                            ? 0
                            : std::max<int64_t>(0, now / 1000 - status_.pending_commit_seconds);
  if (path_.empty() || (!force && now - saved_at_ms_ < 1000)) return;
  saved_at_ms_ = now;
  // Best effort: the status is advisory, never a reason to stop replicating.
  const std::string tmp = path_ + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << status_json(status_) << '\n';
    if (!out) return;
  }
  std::rename(tmp.c_str(), path_.c_str());
}

core::Result<PipelineStatus> read_status_file(const std::string& path) {
  std::ifstream in(path);
  if (!in)
    return core::fail(core::ErrorCode::kNotFound, path + " does not exist: the pipeline role has not run");
  std::stringstream ss;
  ss << in.rdbuf();
  auto j = nlohmann::json::parse(ss.str(), nullptr, false);
  if (j.is_discarded() || !j.is_object())
    return core::fail(core::ErrorCode::kCorrupt, path + " is not a status file");
  PipelineStatus s;
  s.role = j.value("role", "");
  const std::string state = j.value("state", "");
  for (size_t i = 0; i < std::size(kStateNames); ++i) {
    if (state == kStateNames[i]) s.state = static_cast<State>(i);
  }
  s.source_position = j.value("source_position", "");
  s.gtid_set = j.value("gtid_set", "");
  s.lsn_written = j.value("lsn_written", uint64_t{0});
  s.lsn_durable = j.value("lsn_durable", uint64_t{0});
  s.lsn_applied = j.value("lsn_applied", uint64_t{0});
  s.transactions = j.value("transactions", uint64_t{0});
  s.rows = j.value("rows", uint64_t{0});
  s.conflicts = j.value("conflicts", uint64_t{0});
  s.last_commit_seconds = j.value("last_commit_seconds", int64_t{0});
  s.updated_seconds = j.value("updated_seconds", int64_t{0});
  s.last_error = j.value("last_error", "");
  s.pid = j.value("pid", int64_t{0});
  s.host = j.value("host", "");
  s.rows_per_second = j.value("rows_per_second", 0.0);
  s.pending_commit_seconds = j.value("pending_commit_seconds", int64_t{0});
  s.lag_seconds = j.value("lag_seconds", int64_t{0});
  return s;
}

}  // namespace sluice::replicate
