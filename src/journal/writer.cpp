#include "journal/writer.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <thread>

#include "journal/log_dir.h"

namespace sluice::journal {
namespace {

constexpr size_t kWriteAt = size_t{256} << 10;  // buffered records are written in ~256 KiB

core::Error io_error(const std::string& what, const std::string& path) {
  return core::Error{core::ErrorCode::kIo, what + " " + path + ": " + std::strerror(errno)};
}

int64_t now_micros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

core::Status write_all(int fd, const char* p, size_t n, const std::string& path) {
  while (n > 0) {
    const ssize_t w = ::write(fd, p, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      return core::fail(io_error("writing journal segment", path));
    }
    p += w;
    n -= static_cast<size_t>(w);
  }
  return core::ok();
}

}  // namespace

core::Result<std::unique_ptr<Writer>> Writer::open(const std::string& dir, const WriterOptions& options,
                                                   const ResumePoint& start) {
  if (options.segment_bytes < 4096 ||
      (options.max_bytes != 0 && options.max_bytes < 2 * options.segment_bytes)) {
    return core::fail(
        core::ErrorCode::kInvalidArgument,
        "journal limits: the segment size must be at least 4096 bytes and the size limit at least "
        "twice the segment size");
  }
  if (::mkdir(dir.c_str(), 0755) == 0) {
    // The new directory's entry in its parent must be durable too, before any record is.
    const size_t slash = dir.find_last_of('/');
    SLUICE_TRY(sync_path(slash == std::string::npos ? "." : slash == 0 ? "/" : dir.substr(0, slash)));
  } else if (errno != EEXIST) {
    return core::fail(io_error("creating journal directory", dir));
  }
  std::unique_ptr<Writer> w(new Writer);
  w->dir_ = dir;
  w->options_ = options;
  auto lock = core::FileLock::acquire(dir + "/lock", "journal " + dir);
  if (!lock) return core::fail(lock.error());
  w->lock_ = std::move(*lock);
  auto applied = read_applied_lsn(dir);
  if (!applied) return core::fail(applied.error());
  w->applied_lsn_ = *applied;
  SLUICE_TRY(w->recover(start));
  if (w->applied_lsn_ > w->last_lsn()) {
    return core::fail(core::ErrorCode::kCorrupt,
                      "journal " + dir + " ends at LSN " + std::to_string(w->last_lsn()) +
                          " but the applier applied LSN " + std::to_string(w->applied_lsn_) +
                          ": durable records were lost (disk damage?); start a new journal",
                      false, true);
  }
  return w;
}

Writer::~Writer() {
  if (fd_ >= 0) {
    (void)sync();
    ::close(fd_);
  }
}

core::Status Writer::recover(const ResumePoint& start) {
  ::unlink(segment_path(dir_, 0).append(".tmp").c_str());
  auto files = list_segments(dir_);
  if (!files) return core::fail(files.error());
  for (const SegmentFile& f : *files) {
    ::unlink((f.path + ".tmp").c_str());  // a segment whose creation did not finish
    SegmentInput in;
    SLUICE_TRY(in.open(f.path));
    size_t header_size = 0;
    auto h = read_segment_header(in, header_size);
    if (!h) return core::fail(h.error());
    segments_.push_back(Segment{f.path, h->first_lsn, f.size, h->created_micros});
    total_bytes_ += f.size;
  }
  if (segments_.empty()) {
    appended_ = start;
    appended_.lsn = 0;
    durable_ = appended_;
    return create_segment(1);
  }
  SLUICE_TRY(recover_last(segments_.back()));
  return open_for_append(segments_.back());
}

core::Status Writer::recover_last(Segment& last) {
  SegmentHeader header;
  ResumePoint complete;
  uint64_t cut_at = 0;
  bool header_read = false;
  change::Transaction txn;
  core::Status bad = core::ok();
  auto visit = [&](const RecordHeader& h, std::span<const uint8_t> body, uint64_t offset) {
    if (!header_read) {
      complete = resume_from_header(header.resume_file, header.resume_pos, header.gtid_set, header.first_lsn);
      header_read = true;
    }
    if (auto st = decode_transaction(body, txn); !st) {
      bad = core::fail(st.error().with_context(last.path + " at offset " + std::to_string(offset)));
      return false;
    }
    if ((h.flags & kRecordMore) == 0) {
      advance_resume(complete, txn, h.lsn);
      cut_at = offset + kRecordHeaderSize + h.length;
    }
    return true;
  };
  auto end = scan_segment(last.path, header, visit);
  if (!end) return core::fail(end.error());
  SLUICE_TRY(bad);
  if (!end->problem.empty()) return core::fail(core::ErrorCode::kCorrupt, end->problem, false, true);
  if (cut_at == 0) {  // no complete record: the state the header tells
    complete = resume_from_header(header.resume_file, header.resume_pos, header.gtid_set, header.first_lsn);
    SegmentInput in;
    SLUICE_TRY(in.open(last.path));
    size_t header_size = 0;
    SLUICE_TRY(read_segment_header(in, header_size));
    cut_at = header_size;
  }
  // Cut a torn tail and the fragments of a transaction that did not finish: the source read
  // resumes before them (resume()), so they come again.
  if (last.size > cut_at) {
    if (::truncate(last.path.c_str(), static_cast<off_t>(cut_at)) != 0)
      return core::fail(io_error("truncating", last.path));
    SLUICE_TRY(sync_path(last.path));
    recovered_cut_ = last.size - cut_at;
    total_bytes_ -= recovered_cut_;
    last.size = cut_at;
  }
  next_lsn_ = complete.lsn + 1;
  appended_ = complete;
  durable_ = complete;
  durable_lsn_ = complete.lsn;
  return core::ok();
}

core::Status Writer::open_for_append(const Segment& s) {
  if (fd_ >= 0) ::close(fd_);
  fd_ = ::open(s.path.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
  if (fd_ < 0) return core::fail(io_error("opening journal segment", s.path));
  return core::ok();
}

core::Status Writer::create_segment(uint64_t first_lsn) {
  SegmentHeader h;
  h.first_lsn = first_lsn;
  h.created_micros = now_micros();
  h.resume_file = appended_.position.file;
  h.resume_pos = appended_.position.offset;
  h.gtid_set = appended_.gtids.str();
  const std::string bytes = encode_segment_header(h);
  const std::string path = segment_path(dir_, first_lsn), tmp = path + ".tmp";
  // Written whole under a temporary name, then renamed: a segment file always has its header.
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return core::fail(io_error("creating journal segment", tmp));
  core::Status st = write_all(fd, bytes.data(), bytes.size(), tmp);
  if (st && ::fsync(fd) != 0) st = core::fail(io_error("fsync of", tmp));
  ::close(fd);
  SLUICE_TRY(st);
  if (::rename(tmp.c_str(), path.c_str()) != 0) return core::fail(io_error("renaming to", path));
  SLUICE_TRY(sync_path(dir_));
  segments_.push_back(Segment{path, first_lsn, bytes.size(), h.created_micros});
  total_bytes_ += bytes.size();
  return open_for_append(segments_.back());
}

bool Writer::has_room(size_t bytes) const {
  return options_.max_bytes == 0 || total_bytes() + bytes <= options_.max_bytes;
}

core::Result<uint64_t> Writer::append(const RecordBuilder& record, bool more) {
  const std::string_view head = record.transaction_part();
  if (record.size() > kMaxRecordBody) {
    return core::fail(core::ErrorCode::kInvalidArgument,
                      "journal record of " + std::to_string(record.size()) +
                          " bytes: cut the transaction into fragments (more=true)");
  }
  change::Transaction txn;
  SLUICE_TRY(decode_transaction(std::span(reinterpret_cast<const uint8_t*>(head.data()), head.size()), txn));
  const size_t need = kRecordHeaderSize + record.size();
  Segment& cur = segments_.back();
  if (!in_fragment_ && cur.first_lsn < next_lsn_ && cur.size + buffer_.size() >= options_.segment_bytes) {
    SLUICE_TRY(sync());
    SLUICE_TRY(create_segment(next_lsn_));
  }
  if (!has_room(need)) SLUICE_TRY(retain(need));
  if (!has_room(need)) {
    return core::fail(core::ErrorCode::kIo,
                      "journal " + dir_ + " is full (" + std::to_string(total_bytes()) + " bytes, limit " +
                          std::to_string(options_.max_bytes) +
                          ") and its oldest records are not applied yet (applied LSN " +
                          std::to_string(applied_lsn_) + "): waiting for the applier",
                      true);
  }
  const uint64_t lsn = next_lsn_++;
  append_record(buffer_, lsn, more ? kRecordMore : 0, head, record.entries_part());
  in_fragment_ = more;
  if (!more) advance_resume(appended_, txn, lsn);
  const auto now = std::chrono::steady_clock::now();
  if (unsynced_bytes_ == 0) oldest_unsynced_ = now;
  unsynced_bytes_ += need;
  if (unsynced_bytes_ >= options_.group_bytes || now - oldest_unsynced_ >= options_.group_time)
    SLUICE_TRY(sync());
  else if (buffer_.size() >= kWriteAt)
    SLUICE_TRY(write_buffer());
  return lsn;
}

core::Status Writer::write_buffer() {
  if (buffer_.empty()) return core::ok();
  Segment& cur = segments_.back();
  SLUICE_TRY(write_all(fd_, buffer_.data(), buffer_.size(), cur.path));
  cur.size += buffer_.size();
  total_bytes_ += buffer_.size();
  buffer_.clear();
  return core::ok();
}

core::Status Writer::sync() {
  if (unsynced_bytes_ == 0) return core::ok();
  SLUICE_TRY(write_buffer());
  if (::fdatasync(fd_) != 0) return core::fail(io_error("fsync of", segments_.back().path));
  unsynced_bytes_ = 0;
  durable_ = appended_;
  durable_lsn_ = next_lsn_ - 1;
  return core::ok();
}

core::Status Writer::maybe_sync() {
  if (unsynced_bytes_ == 0 || std::chrono::steady_clock::now() - oldest_unsynced_ < options_.group_time) {
    return core::ok();
  }
  return sync();
}

core::Status Writer::apply_retention() { return retain(0); }

core::Status Writer::retain(size_t wanted) {
  auto applied = read_applied_lsn(dir_);
  if (!applied) return core::fail(applied.error());
  applied_lsn_ = *applied;
  const int64_t now = now_micros();
  const int64_t max_age = std::chrono::duration_cast<std::chrono::microseconds>(options_.max_age).count();
  while (segments_.size() > 1) {
    const Segment& oldest = segments_[0];
    const Segment& next = segments_[1];
    if (next.first_lsn - 1 > applied_lsn_) break;  // it holds a record not applied
    const bool over = options_.max_bytes != 0 && total_bytes() + wanted > options_.max_bytes;
    const bool old = max_age > 0 && now - next.created_micros > max_age;  // closed when `next` was made
    if (!over && !old) break;
    if (::unlink(oldest.path.c_str()) != 0)
      return core::fail(io_error("deleting journal segment", oldest.path));
    total_bytes_ -= oldest.size;
    segments_.erase(segments_.begin());
  }
  return core::ok();
}

core::Status Writer::wait_for_room(size_t bytes, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    SLUICE_TRY(retain(bytes));
    if (has_room(bytes)) return core::ok();
    if (std::chrono::steady_clock::now() >= deadline) {
      return core::fail(core::ErrorCode::kTimeout,
                        "journal " + dir_ + " is full and the applier has not applied past LSN " +
                            std::to_string(applied_lsn_) + "; raise its size limit or start the applier",
                        true);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

}  // namespace sluice::journal
