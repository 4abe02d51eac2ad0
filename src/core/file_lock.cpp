#include "core/file_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <ctime>
#include <fstream>
#include <sstream>
#include <thread>

namespace sluice::core {

std::string LockHolder::describe() const {
  return "pid " + std::to_string(pid) + " on host " + (host.empty() ? "?" : host) + ", started " +
         (since.empty() ? "?" : since);
}

bool LockHolder::dead_here() const {
  if (pid <= 0 || host != host_name()) return false;
  return ::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH;
}

std::string host_name() {
  char buf[256] = {};
  if (::gethostname(buf, sizeof buf - 1) != 0 || buf[0] == '\0') return "unknown";
  return buf;
}

LockHolder this_process() {
  LockHolder h;
  h.pid = ::getpid();
  h.host = host_name();
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  ::gmtime_r(&now, &tm);
  char buf[40];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S UTC", &tm);
  h.since = buf;
  return h;
}

std::optional<LockHolder> read_lock_holder(const std::string& path) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  LockHolder h;
  std::string pid;
  if (!std::getline(in, pid) || !std::getline(in, h.host) || !std::getline(in, h.since)) return std::nullopt;
  char* end = nullptr;
  h.pid = std::strtoll(pid.c_str(), &end, 10);
  if (end == pid.c_str() || h.pid <= 0) return std::nullopt;
  return h;
}

FileLock& FileLock::operator=(FileLock&& other) noexcept {
  if (this != &other) {
    release();
    fd_ = other.fd_;
    other.fd_ = -1;
  }
  return *this;
}

FileLock::~FileLock() { release(); }

void FileLock::release() {
  if (fd_ < 0) return;
  // Emptied while still held: a refused process never names a holder that has gone.
  (void)::ftruncate(fd_, 0);
  ::close(fd_);
  fd_ = -1;
}

namespace {

Error lock_io_error(const std::string& what, const std::string& path, int err) {
  return Error{ErrorCode::kIo,
               what + " " + path + ": " + std::strerror(err) + " (check the directory's permissions)"};
}

bool write_holder(int fd) {
  LockHolder me = this_process();
  std::string text = std::to_string(me.pid) + "\n" + me.host + "\n" + me.since + "\n";
  if (::ftruncate(fd, 0) != 0) return false;
  return ::pwrite(fd, text.data(), text.size(), 0) == static_cast<ssize_t>(text.size());
}

}  // namespace

Result<FileLock> FileLock::acquire(const std::string& path, std::string_view what) {
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) {
    if (errno == ENOENT || errno == ENOTDIR) return FileLock();
    return fail(lock_io_error("cannot open the lock file", path, errno));
  }
  // A holder that has just taken the lock may not have written its name yet, and one that has
  // just died may still be named: look again for a moment before refusing.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(1);
  for (;;) {
    if (::flock(fd, LOCK_EX | LOCK_NB) == 0) {
      FileLock lock(fd);
      if (!write_holder(fd)) return fail(lock_io_error("cannot write the lock file", path, errno));
      return lock;
    }
    int err = errno;
    if (err != EWOULDBLOCK && err != EINTR) {
      ::close(fd);
      return fail(lock_io_error("cannot lock", path, err));
    }
    std::optional<LockHolder> holder = read_lock_holder(path);
    bool named = holder && !holder->dead_here();
    if (named || std::chrono::steady_clock::now() >= deadline) {
      ::close(fd);  // not held: its content is the holder's
      std::string who = named ? holder->describe() : std::string("a process that has not named itself");
      return fail(
          ErrorCode::kIo,
          std::string(what) + " is in use by another sluice job (" + who + "; lock file " + path +
              "): wait until that job ends and run this one again (a lock of a job that died is released "
              "by itself)",
          /*retryable=*/true);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

}  // namespace sluice::core
