#pragma once
// A `sluice` child process whose stdout is read incrementally, line by line, with deadlines
// (never fixed sleeps): for continuous `binlog stream` runs.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

namespace sluice::test {

class StreamProcess {
 public:
  explicit StreamProcess(const std::vector<std::string>& args) {
    int out[2], err[2];
    if (pipe2(out, O_CLOEXEC) != 0 || pipe2(err, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
    pid_ = fork();
    if (pid_ < 0) throw std::runtime_error("fork failed");
    if (pid_ == 0) {
      dup2(out[1], 1);
      dup2(err[1], 2);
      std::vector<char*> argv;
      std::string bin = SLUICE_BINARY;
      argv.push_back(bin.data());
      std::vector<std::string> copy = args;
      for (auto& a : copy) argv.push_back(a.data());
      argv.push_back(nullptr);
      execv(bin.c_str(), argv.data());
      _exit(127);
    }
    close(out[1]);
    close(err[1]);
    out_ = out[0];
    err_ = err[0];
  }
  ~StreamProcess() {
    if (pid_ > 0 && exit_code_ < 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
    close(out_);
    close(err_);
  }
  StreamProcess(const StreamProcess&) = delete;
  StreamProcess& operator=(const StreamProcess&) = delete;

  /// Reads until `done(lines)` is true or `seconds` pass; returns whether it became true.
  bool read_until(const std::function<bool(const std::vector<std::string>&)>& done, int seconds) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
    while (!done(lines_)) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return false;
      if (!pump(static_cast<int>(left.count()))) return done(lines_);
    }
    return true;
  }
  /// Sends SIGTERM and waits (at most `seconds`) for the exit; reads the rest of the output.
  int stop(int seconds = 30) {
    kill(pid_, SIGTERM);
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
    while (std::chrono::steady_clock::now() < deadline) {
      if (!pump(200)) break;
    }
    int status = 0;
    pid_t got = 0;
    while ((got = waitpid(pid_, &status, WNOHANG)) == 0 && std::chrono::steady_clock::now() < deadline) {
      poll(nullptr, 0, 20);
    }
    if (got == 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, &status, 0);
      exit_code_ = 128 + SIGKILL;
      return exit_code_;
    }
    exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return exit_code_;
  }
  const std::vector<std::string>& lines() const { return lines_; }
  const std::string& err() const { return err_text_; }

 private:
  // Waits up to `ms` for output; false once stdout is closed.
  bool pump(int ms) {
    pollfd p[2] = {{out_, POLLIN, 0}, {err_, POLLIN, 0}};
    if (poll(p, 2, ms) <= 0) return true;
    char buf[65536];
    if (p[1].revents) {
      ssize_t n = read(err_, buf, sizeof buf);
      if (n > 0) err_text_.append(buf, static_cast<size_t>(n));
    }
    if (p[0].revents) {
      ssize_t n = read(out_, buf, sizeof buf);
      if (n <= 0) return false;
      partial_.append(buf, static_cast<size_t>(n));
      size_t nl;
      while ((nl = partial_.find('\n')) != std::string::npos) {
        lines_.push_back(partial_.substr(0, nl));
        partial_.erase(0, nl + 1);
      }
    }
    return true;
  }
  pid_t pid_ = -1;
  int out_ = -1, err_ = -1;
  int exit_code_ = -1;
  std::string partial_, err_text_;
  std::vector<std::string> lines_;
};

}  // namespace sluice::test
