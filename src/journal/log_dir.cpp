#include "journal/log_dir.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace sluice::journal {
namespace {

constexpr size_t kWindow = size_t{1} << 20;

core::Error io_error(const std::string& what, const std::string& path) {
  return core::Error{core::ErrorCode::kIo, what + " " + path + ": " + std::strerror(errno)};
}

// "seg-00000000000000000001.sjl" -> 1; 0 when the name is not a segment's.
uint64_t segment_lsn(const std::string& name) {
  if (name.size() != 28 || name.compare(0, 4, "seg-") != 0 || name.compare(24, 4, ".sjl") != 0) return 0;
  uint64_t v = 0;
  for (size_t i = 4; i < 24; ++i) {
    if (name[i] < '0' || name[i] > '9') return 0;
    v = v * 10 + static_cast<uint64_t>(name[i] - '0');
  }
  return v;
}

}  // namespace

std::string segment_path(const std::string& dir, uint64_t first_lsn) {
  std::string digits = std::to_string(first_lsn);
  return dir + "/seg-" + std::string(20 - digits.size(), '0') + digits + ".sjl";
}

core::Result<std::vector<SegmentFile>> list_segments(const std::string& dir) {
  DIR* d = opendir(dir.c_str());
  if (d == nullptr) {
    if (errno == ENOENT)
      return core::fail(core::ErrorCode::kNotFound, "journal directory " + dir + " does not exist");
    return core::fail(io_error("reading journal directory", dir));
  }
  std::vector<SegmentFile> out;
  while (dirent* e = readdir(d)) {
    const uint64_t lsn = segment_lsn(e->d_name);
    if (lsn == 0) continue;
    SegmentFile f{dir + "/" + e->d_name, lsn, 0};
    struct stat st {};
    if (stat(f.path.c_str(), &st) == 0) f.size = static_cast<uint64_t>(st.st_size);
    out.push_back(std::move(f));
  }
  closedir(d);
  std::sort(out.begin(), out.end(),
            [](const SegmentFile& a, const SegmentFile& b) { return a.first_lsn < b.first_lsn; });
  return out;
}

core::Result<uint64_t> read_applied_lsn(const std::string& dir) {
  const std::string path = dir + "/applied";
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return uint64_t{0};
    return core::fail(io_error("reading", path));
  }
  char buf[32];
  const ssize_t n = ::read(fd, buf, sizeof buf);
  ::close(fd);
  uint64_t v = 0;
  ssize_t i = 0;
  for (; i < n && buf[i] >= '0' && buf[i] <= '9'; ++i) v = v * 10 + static_cast<uint64_t>(buf[i] - '0');
  if (n <= 0 || i == 0 || i >= n || buf[i] != '\n') {
    return core::fail(core::ErrorCode::kCorrupt, path + " does not hold an LSN (a number and a newline)");
  }
  return v;
}

core::Status sync_path(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return core::fail(io_error("opening", path));
  const int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) return core::fail(io_error("fsync of", path));
  return core::ok();
}

namespace {

// `text` as the file `name` in `dir`, replaced atomically: written to `name`.tmp, fsynced,
// renamed, the directory fsynced.
core::Status write_atomically(const std::string& dir, const std::string& name, const std::string& text) {
  const std::string tmp = dir + "/" + name + ".tmp", path = dir + "/" + name;
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return core::fail(io_error("writing", tmp));
  const bool good =
      ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) && ::fsync(fd) == 0;
  ::close(fd);
  if (!good) return core::fail(io_error("writing", tmp));
  if (::rename(tmp.c_str(), path.c_str()) != 0) return core::fail(io_error("renaming to", path));
  return sync_path(dir);
}

}  // namespace

core::Status write_applied_lsn(const std::string& dir, uint64_t lsn) {
  return write_atomically(dir, "applied", std::to_string(lsn) + "\n");
}

core::Result<std::string> read_source_identity(const std::string& dir) {
  const std::string path = dir + "/source";
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return std::string();
    return core::fail(io_error("reading", path));
  }
  char buf[512];
  const ssize_t n = ::read(fd, buf, sizeof buf);
  ::close(fd);
  if (n <= 1 || buf[n - 1] != '\n' || static_cast<size_t>(n) == sizeof buf) {
    return core::fail(core::ErrorCode::kCorrupt, path + " does not hold a server identity (one line)");
  }
  return std::string(buf, static_cast<size_t>(n - 1));
}

core::Status write_source_identity(const std::string& dir, const std::string& identity) {
  return write_atomically(dir, "source", identity + "\n");
}

SegmentInput::~SegmentInput() { close(); }

void SegmentInput::close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  buf_len_ = 0;
}

core::Status SegmentInput::open(const std::string& path) {
  close();
  path_ = path;
  fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd_ < 0) return core::fail(io_error("opening journal segment", path));
  buf_at_ = 0;
  buf_len_ = 0;
  return core::ok();
}

core::Result<bool> SegmentInput::get(uint64_t offset, size_t n, const uint8_t*& p) {
  if (offset >= buf_at_ && offset + n <= buf_at_ + buf_len_) {
    p = buf_.data() + (offset - buf_at_);
    return true;
  }
  // Refill from `offset`: at least the window, or the whole record when it is larger.
  if (buf_.size() < std::max(n, kWindow)) buf_.resize(std::max(n, kWindow));
  buf_at_ = offset;
  buf_len_ = 0;
  while (buf_len_ < buf_.size()) {
    const ssize_t got =
        ::pread(fd_, buf_.data() + buf_len_, buf_.size() - buf_len_, static_cast<off_t>(offset + buf_len_));
    if (got < 0) {
      if (errno == EINTR) continue;
      return core::fail(io_error("reading journal segment", path_));
    }
    if (got == 0) break;
    buf_len_ += static_cast<size_t>(got);
  }
  if (buf_len_ < n) {
    buf_len_ = 0;  // read again next time: a growing file gets more
    return false;
  }
  p = buf_.data();
  return true;
}

core::Result<SegmentHeader> read_segment_header(SegmentInput& in, size_t& size) {
  struct stat st {};
  if (::stat(in.path().c_str(), &st) != 0) return core::fail(io_error("reading journal segment", in.path()));
  // A header is a few hundred bytes (its GTID set may make it longer, at most 1 MiB).
  size_t avail = std::min<size_t>(static_cast<size_t>(st.st_size), kWindow);
  static const uint8_t kNothing = 0;
  const uint8_t* p = &kNothing;
  auto got = in.get(0, avail, p);
  if (!got) return core::fail(got.error());
  if (!*got) avail = 0;  // shrunk meanwhile
  auto h = decode_segment_header(avail == 0 ? &kNothing : p, avail, size);
  if (!h) return core::fail(h.error().with_context(in.path()));
  return h;
}

namespace {

// A complete record at `offset` whose CRC holds and whose LSN is `lsn`: what tells a damaged
// record in the middle (a good one follows) from a torn tail.
bool good_record_at(SegmentInput& in, uint64_t offset, uint64_t lsn) {
  const uint8_t* p = nullptr;
  auto got = in.get(offset, kRecordHeaderSize, p);
  if (!got || !*got) return false;
  const RecordHeader h = decode_record_header(p);
  if (h.length > kMaxRecordBody || h.lsn != lsn) return false;
  got = in.get(offset + kRecordHeaderSize, h.length, p);
  return got && *got && record_crc_ok(h, p);
}

}  // namespace

core::Result<ScanEnd> scan_segment(const std::string& path, SegmentHeader& header,
                                   const RecordVisitor& on_record) {
  SegmentInput in;
  SLUICE_TRY(in.open(path));
  size_t header_size = 0;
  auto h = read_segment_header(in, header_size);
  if (!h) return core::fail(h.error());
  header = std::move(*h);
  const uint8_t* p = nullptr;
  ScanEnd end;
  end.good_end = header_size;
  uint64_t offset = header_size, lsn = header.first_lsn;
  for (;; ++lsn) {
    auto got = in.get(offset, kRecordHeaderSize, p);
    if (!got) return core::fail(got.error());
    if (!*got) {
      const uint8_t* rest = nullptr;
      end.torn = in.get(offset, 1, rest).value_or(false);  // a few bytes of a header
      return end;
    }
    const RecordHeader rh = decode_record_header(p);
    bool good = rh.length <= kMaxRecordBody && rh.lsn == lsn;
    const uint8_t* body = nullptr;
    if (good) {
      got = in.get(offset + kRecordHeaderSize, rh.length, body);
      if (!got) return core::fail(got.error());
      good = *got && record_crc_ok(rh, body);
    }
    if (!good) {
      const bool followed =
          rh.length <= kMaxRecordBody && good_record_at(in, offset + kRecordHeaderSize + rh.length, lsn + 1);
      if (followed) {
        end.problem = path + " at offset " + std::to_string(offset) + ": record LSN " + std::to_string(lsn) +
                      " is corrupt (CRC or LSN mismatch) and good records follow it";
      } else {
        end.torn = true;
      }
      return end;
    }
    if (!on_record(rh, std::span<const uint8_t>(body, rh.length), offset)) return end;
    offset += kRecordHeaderSize + rh.length;
    end.good_end = offset;
    end.last_lsn = lsn;
  }
}

}  // namespace sluice::journal
