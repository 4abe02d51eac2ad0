#pragma once
/// The log directory: its segment files ("seg-<first LSN, 20 digits>.sjl", so names sort by LSN),
/// the applier's applied LSN ("applied", written atomically), and the scan of one segment that
/// the writer's recovery, the reader and `sluice journal verify` share.

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "core/result.h"
#include "journal/format.h"

namespace sluice::journal {

struct SegmentFile {
  std::string path;
  uint64_t first_lsn = 0;  ///< from the name (the header says it too; verify compares them)
  uint64_t size = 0;
};

/// The segments of `dir`, oldest first. kNotFound when `dir` does not exist.
core::Result<std::vector<SegmentFile>> list_segments(const std::string& dir);
std::string segment_path(const std::string& dir, uint64_t first_lsn);

/// The applier's applied LSN (0: nothing applied yet, or no file). kCorrupt when the file
/// holds something else.
core::Result<uint64_t> read_applied_lsn(const std::string& dir);
/// Records `lsn` as applied: a temporary file written and fsynced, renamed over "applied", and
/// the directory fsynced. The applier calls it after its target committed through `lsn`.
core::Status write_applied_lsn(const std::string& dir, uint64_t lsn);

/// The identity of the source server whose binlog positions the log's records hold ("source":
/// one line, mysql::read_source_identity's text; "" when there is no file), written atomically
/// like "applied". The extractor resumes by GTID when it reads from another server (a failover).
core::Result<std::string> read_source_identity(const std::string& dir);
core::Status write_source_identity(const std::string& dir, const std::string& identity);

/// fsync of a file or directory by path; errors name it.
core::Status sync_path(const std::string& path);

/// A segment file read through a window of at least 1 MiB (records are read in place, no copy
/// per record). Not thread-safe.
class SegmentInput {
 public:
  SegmentInput() = default;
  ~SegmentInput();
  SegmentInput(const SegmentInput&) = delete;
  SegmentInput& operator=(const SegmentInput&) = delete;

  core::Status open(const std::string& path);
  void close();
  /// Points `p` at the `n` bytes at `offset`, valid until the next call: false when the file
  /// (as it is now: a growing file is re-read) ends before them.
  core::Result<bool> get(uint64_t offset, size_t n, const uint8_t*& p);
  const std::string& path() const { return path_; }
  /// Forgets the window: the next get() reads the file again.
  void invalidate() { buf_len_ = 0; }

 private:
  int fd_ = -1;
  std::string path_;
  std::vector<uint8_t> buf_;
  uint64_t buf_at_ = 0;  // file offset of buf_[0]
  size_t buf_len_ = 0;
};

/// Reads the header at the start of the segment `in` has open; `size` is set to its length.
/// kCorrupt naming the file when it is not a good header.
core::Result<SegmentHeader> read_segment_header(SegmentInput& in, size_t& size);

/// How a segment scan ended.
struct ScanEnd {
  uint64_t good_end = 0;  ///< offset after the last good record (or the header)
  uint64_t last_lsn = 0;  ///< LSN of the last good record (0: none)
  bool torn = false;      ///< bytes after good_end are a torn tail (incomplete or bad, nothing good after)
  std::string problem;    ///< a corrupt record with a good one after it: what and where (not torn)
};

/// Reads the segment at `path` record by record, checking each CRC and that LSNs go up by one
/// from the header's first LSN, and calls `on_record` (header, body) for each good one until it
/// returns false. kCorrupt (naming the file) when the header is bad; a bad record is reported in
/// ScanEnd, never thrown: the caller decides whether a torn tail is damage (middle segments,
/// verify) or recovery (the writer's last segment).
using RecordVisitor =
    std::function<bool(const RecordHeader&, std::span<const uint8_t> body, uint64_t offset)>;
core::Result<ScanEnd> scan_segment(const std::string& path, SegmentHeader& header,
                                   const RecordVisitor& on_record);

}  // namespace sluice::journal
