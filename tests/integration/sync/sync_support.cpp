#include "integration/sync/sync_support.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/types.h>
#include <sys/wait.h>

namespace sluice::test::sync {

std::string make_catalog(const std::string& config, const std::string& db,
                         const std::map<std::string, std::string>& methods,
                         const std::map<std::string, std::string>& replication_keys) {
  CommandResult r = run_sluice({"discover", "--config", config});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  auto catalog = nlohmann::json::parse(r.out);
  for (auto& s : catalog["streams"]) {
    std::string table = s["table_name"];
    for (auto& m : s["metadata"]) {
      if (!m["breadcrumb"].empty()) continue;
      if (m["metadata"].value("database-name", "") != db) continue;
      auto it = methods.find(table);
      if (it == methods.end()) continue;
      m["metadata"]["selected"] = true;
      m["metadata"]["replication-method"] = it->second;
      auto k = replication_keys.find(table);
      if (k != replication_keys.end()) m["metadata"]["replication-key"] = k->second;
    }
  }
  std::string path = make_temp_dir("catalog") + "/catalog.json";
  write_file(path, catalog.dump(1));
  return path;
}

std::vector<nlohmann::json> SyncRun::records(const std::string& stream) const {
  std::vector<nlohmann::json> out;
  for (const auto& m : messages) {
    if (m.value("type", "") == "RECORD" && m.value("stream", "") == stream) out.push_back(m["record"]);
  }
  return out;
}

std::vector<std::string> SyncRun::record_lines(const std::string& stream) const {
  std::vector<std::string> out;
  for (size_t i = 0; i < messages.size(); ++i) {
    if (messages[i].value("type", "") == "RECORD" && messages[i].value("stream", "") == stream) out.push_back(lines[i]);
  }
  return out;
}

nlohmann::json SyncRun::last_state() const {
  nlohmann::json last;
  for (const auto& m : messages) {
    if (m.value("type", "") == "STATE") last = m["value"];
  }
  return last;
}

namespace {

std::vector<std::string> sync_args(const std::string& config, const std::string& catalog,
                                   const std::string& state, const std::vector<std::string>& extra) {
  std::vector<std::string> args = {"sync", "--config", config, "--catalog", catalog, "--quiet"};
  if (!state.empty()) {
    args.push_back("--state");
    args.push_back(state);
  }
  args.insert(args.end(), extra.begin(), extra.end());
  return args;
}

// Parses the stdout of a finished run saved at `out_path`.
SyncRun parse_run(int exit_code, const std::string& err, const std::string& out_path) {
  SyncRun run;
  run.exit_code = exit_code;
  run.err = err;
  run.out_path = out_path;
  for (const std::string& line : split_lines(read_file(out_path))) {
    run.lines.push_back(line);
    run.messages.push_back(nlohmann::json::parse(line));
  }
  return run;
}

}  // namespace

SyncRun run_sync(const std::string& config, const std::string& catalog, const std::string& state,
                 const std::vector<std::string>& extra) {
  CommandResult r = run_sluice(sync_args(config, catalog, state, extra));
  std::string out_path = make_temp_dir("run") + "/out.jsonl";
  write_file(out_path, r.out);
  return parse_run(r.exit_code, r.err, out_path);
}

SyncRun run_sync_paused(const std::string& config, const std::string& catalog,
                        const std::vector<std::string>& extra, uint64_t checkpoint,
                        const std::function<void()>& while_stopped, uint64_t rows) {
  std::vector<std::string> argv = sync_args(config, catalog, "", extra);
  argv.insert(argv.begin(), SLUICE_BINARY);
  std::string dir = make_temp_dir("run");
  pid_t pid = start_process(argv, stop_env(checkpoint, rows), dir + "/out.jsonl", dir + "/err");
  EXPECT_TRUE(wait_until_stopped(pid))
      << "the job did not stop after " << checkpoint << " checkpoints: " << read_file(dir + "/err");
  while_stopped();
  kill(pid, SIGCONT);
  int status = 0;
  waitpid(pid, &status, 0);
  return parse_run(WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status), read_file(dir + "/err"),
                   dir + "/out.jsonl");
}

std::string sync_killed_after_states(const std::string& config, const std::string& catalog,
                                     const std::vector<std::string>& extra, size_t states) {
  std::string out = make_temp_dir("kill") + "/out.jsonl";
  std::vector<std::string> args = {SLUICE_BINARY, "sync", "--config", config, "--catalog", catalog, "--quiet"};
  args.insert(args.end(), extra.begin(), extra.end());
  // The stream's first checkpoint is taken at its start; each one after it ends a chunk.
  pid_t pid = start_process(args, stop_env(states + 1), out, out + ".err");
  EXPECT_TRUE(wait_until_stopped(pid))
      << "the job did not stop after " << states + 1 << " checkpoints: " << read_file(out + ".err");
  kill9_and_reap(pid);
  return read_file(out);
}

std::string validate(const std::string& path, bool& ok) {
  CommandResult r = run_command(
      {"/usr/bin/python3", source_dir() + "/tests/integration/sync/singer_validate.py", path});
  ok = r.exit_code == 0;
  return r.out + r.err;
}

std::string raw_value(const std::string& line, const std::string& key) {
  std::string pat = "\"" + key + "\":";
  size_t p = line.find(pat);
  if (p == std::string::npos) return "(absent)";
  p += pat.size();
  size_t depth = 0;
  bool in_str = false;
  size_t i = p;
  for (; i < line.size(); ++i) {
    char c = line[i];
    if (in_str) {
      if (c == '\\') ++i;
      else if (c == '"') in_str = false;
      continue;
    }
    if (c == '"') in_str = true;
    else if (c == '{' || c == '[') ++depth;
    else if (c == '}' || c == ']') {
      if (depth == 0) break;
      --depth;
    } else if (c == ',' && depth == 0) break;
  }
  return line.substr(p, i - p);
}

KilledOutput parse_killed_output(const std::string& text) {
  KilledOutput out;
  for (const std::string& line : split_lines(text)) {
    auto m = nlohmann::json::parse(line, nullptr, false);
    if (m.is_discarded()) continue;  // the line cut by the kill
    if (m["type"] == "RECORD") out.ids.insert(m["record"]["id"].get<int64_t>());
    if (m["type"] == "STATE") out.last_state = line;
  }
  return out;
}

}  // namespace sluice::test::sync
