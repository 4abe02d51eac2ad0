#include "support/test_util.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace sluice::test {

CommandResult run_command(const std::vector<std::string>& argv, std::string_view input) {
  int in_pipe[2], out_pipe[2], err_pipe[2];
  // Close-on-exec: a child spawned by another thread at the same moment must not inherit these
  // ends (it would hold this child's stdin open, and both would wait forever).
  if (pipe2(in_pipe, O_CLOEXEC) != 0 || pipe2(out_pipe, O_CLOEXEC) != 0 || pipe2(err_pipe, O_CLOEXEC) != 0)
    throw std::runtime_error("pipe failed");
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, in_pipe[0], 0);
  posix_spawn_file_actions_adddup2(&fa, out_pipe[1], 1);
  posix_spawn_file_actions_adddup2(&fa, err_pipe[1], 2);
  for (int fd : {in_pipe[0], in_pipe[1], out_pipe[0], out_pipe[1], err_pipe[0], err_pipe[1]}) {
    posix_spawn_file_actions_addclose(&fa, fd);
  }
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = 0;
  int rc = posix_spawnp(&pid, args[0], &fa, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  close(in_pipe[0]);
  close(out_pipe[1]);
  close(err_pipe[1]);
  CommandResult result;
  if (rc != 0) {
    close(in_pipe[1]);
    close(out_pipe[0]);
    close(err_pipe[0]);
    result.err = std::string("cannot run ") + argv[0] + ": " + std::strerror(rc);
    return result;
  }
  // Feed stdin and drain stdout/stderr together so neither side blocks on a full pipe.
  size_t written = 0;
  if (input.empty()) close(in_pipe[1]);
  bool in_open = !input.empty(), out_open = true, err_open = true;
  fcntl(in_pipe[1], F_SETFL, O_NONBLOCK);
  char buf[65536];
  while (out_open || err_open) {
    pollfd fds[3];
    int n = 0;
    int out_i = -1, err_i = -1, in_i = -1;
    if (out_open) { fds[n] = {out_pipe[0], POLLIN, 0}; out_i = n++; }
    if (err_open) { fds[n] = {err_pipe[0], POLLIN, 0}; err_i = n++; }
    if (in_open) { fds[n] = {in_pipe[1], POLLOUT, 0}; in_i = n++; }
    if (poll(fds, static_cast<nfds_t>(n), -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    auto drain = [&](int idx, int fd, std::string& to, bool& open) {
      if (idx < 0 || !(fds[idx].revents & (POLLIN | POLLHUP | POLLERR))) return;
      ssize_t r = read(fd, buf, sizeof buf);
      if (r > 0) {
        to.append(buf, static_cast<size_t>(r));
      } else {
        open = false;
      }
    };
    drain(out_i, out_pipe[0], result.out, out_open);
    drain(err_i, err_pipe[0], result.err, err_open);
    if (in_i >= 0 && (fds[in_i].revents & (POLLOUT | POLLERR | POLLHUP))) {
      ssize_t w = write(in_pipe[1], input.data() + written, input.size() - written);
      if (w > 0) written += static_cast<size_t>(w);
      if (w < 0 || written == input.size()) {
        close(in_pipe[1]);
        in_open = false;
      }
    }
  }
  if (in_open) close(in_pipe[1]);
  close(out_pipe[0]);
  close(err_pipe[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return result;
}

int start_process(const std::vector<std::string>& argv) {
  std::vector<std::string> copy = argv;
  std::vector<char*> args;
  for (std::string& a : copy) args.push_back(a.data());
  args.push_back(nullptr);
  pid_t pid = fork();
  if (pid == 0) {
    execv(args[0], args.data());
    _exit(127);
  }
  if (pid < 0) throw std::runtime_error("fork failed: " + std::string(std::strerror(errno)));
  return pid;
}

std::vector<std::string> stop_env(uint64_t checkpoint, uint64_t rows) {
  std::vector<std::string> env = {"SLUICE_TEST_STOP_AFTER_CHECKPOINT=" + std::to_string(checkpoint)};
  if (rows > 0) env.push_back("SLUICE_TEST_STOP_AFTER_ROWS=" + std::to_string(rows));
  return env;
}

int start_process(const std::vector<std::string>& argv, const std::vector<std::string>& env,
                  const std::string& out_path, const std::string& err_path) {
  std::vector<std::string> copy = argv, env_copy = env;
  std::vector<char*> args, envp;
  for (std::string& a : copy) args.push_back(a.data());
  args.push_back(nullptr);
  // Built before fork: the child of a threaded test may only make async-signal-safe calls.
  for (std::string& e : env_copy) envp.push_back(e.data());  // first: getenv() finds these
  for (char** e = environ; *e != nullptr; ++e) envp.push_back(*e);
  envp.push_back(nullptr);
  pid_t pid = fork();
  if (pid == 0) {
    auto redirect = [](const std::string& path, int fd) {
      if (path.empty()) return;
      int f = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      if (f < 0 || dup2(f, fd) < 0) _exit(126);
      close(f);
    };
    redirect(out_path, 1);
    redirect(err_path, 2);
    close_range(3, ~0u, 0);
    execve(args[0], args.data(), envp.data());
    _exit(127);
  }
  if (pid < 0) throw std::runtime_error("fork failed: " + std::string(std::strerror(errno)));
  return pid;
}

bool wait_until_stopped(int pid, int seconds, int* status) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  for (;;) {
    int st = 0;
    pid_t got = waitpid(pid, &st, WNOHANG | WUNTRACED);
    if (got == pid) {
      if (WIFSTOPPED(st)) return true;
      if (status != nullptr) *status = st;
      return false;
    }
    if (got < 0 || std::chrono::steady_clock::now() > deadline) return false;
    poll(nullptr, 0, 2);
  }
}

int kill9_and_reap(int pid) {
  kill(pid, SIGKILL);
  int status = 0;
  waitpid(pid, &status, 0);
  return status;
}

int wait_exit(int pid, int seconds) {
  for (int i = 0; i < seconds * 20; ++i) {
    int status = 0;
    if (waitpid(pid, &status, WNOHANG) == pid) return status;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  kill9_and_reap(pid);
  return -1;
}

CommandResult run_sluice(const std::vector<std::string>& args, std::string_view input) {
  std::vector<std::string> argv{SLUICE_BINARY};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_command(argv, input);
}

std::string make_temp_dir(std::string_view prefix) {
  const char* root = std::getenv("SLUICE_TEST_ROOT");
  std::string base = root ? root : "/tmp";
  std::filesystem::create_directories(base);
  std::string templ = base + "/" + std::string(prefix) + "-XXXXXX";
  if (mkdtemp(templ.data()) == nullptr) throw std::runtime_error("mkdtemp failed for " + templ);
  return templ;
}

void write_file(const std::string& path, std::string_view content) {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  f.write(content.data(), static_cast<std::streamsize>(content.size()));
  if (!f) throw std::runtime_error("cannot write " + path);
}

std::string read_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw std::runtime_error("cannot read " + path);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

std::vector<std::string> split_lines(std::string_view text) {
  std::vector<std::string> lines;
  size_t start = 0;
  while (start < text.size()) {
    size_t nl = text.find('\n', start);
    if (nl == std::string_view::npos) nl = text.size();
    lines.emplace_back(text.substr(start, nl - start));
    start = nl + 1;
  }
  return lines;
}

std::vector<std::string> split(std::string_view line, char sep) {
  std::vector<std::string> out;
  size_t start = 0;
  while (true) {
    size_t at = line.find(sep, start);
    out.emplace_back(line.substr(start, at == std::string::npos ? std::string::npos : at - start));
    if (at == std::string::npos) return out;
    start = at + 1;
  }
}

std::string hex_upper(std::string_view bytes) {
  static constexpr char k[] = "0123456789ABCDEF";
  std::string out;
  for (char c : bytes) {
    out.push_back(k[static_cast<unsigned char>(c) >> 4]);
    out.push_back(k[static_cast<unsigned char>(c) & 15]);
  }
  return out;
}

std::string source_dir() { return SLUICE_SOURCE_DIR; }

long peak_rss_kb(const std::string& command, int quarantine_mb) {
  std::string dir = make_temp_dir("peak_rss");
  CommandResult r = run_command(
      {"/bin/sh", "-c",
       "ASAN_OPTIONS=\"${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=" + std::to_string(quarantine_mb) +
           "\" /usr/bin/time -f %M -o " + dir + "/rss " + command + " >/dev/null"});
  if (r.exit_code != 0) throw std::runtime_error("cannot measure " + command + ": " + r.err);
  return std::stol(split_lines(read_file(dir + "/rss")).back());
}

}  // namespace sluice::test
