#pragma once
/// Reads a binlog file event by event: checks the v4 magic (fe 62 69 6e), then hands out
/// each event's bytes. Streams through a reused buffer (1 MiB, grown only while a larger
/// single event is read, then shrunk back), so memory is one chunk plus at most one
/// event, never the file size.

#include <cstdint>
#include <memory>
#include <span>
#include <string>

#include "core/result.h"

namespace sluice::binlog {

class BinlogFileReader {
 public:
  /// Opens `path` and checks the magic; errors name the file.
  static core::Result<std::unique_ptr<BinlogFileReader>> open(const std::string& path,
                                                              size_t max_event_size = size_t{1} << 30);
  ~BinlogFileReader();
  BinlogFileReader(const BinlogFileReader&) = delete;
  BinlogFileReader& operator=(const BinlogFileReader&) = delete;

  /// The next event's bytes (valid until the next call) and its position in `pos`;
  /// an empty span at the end of the file. A truncated last event is an error.
  core::Result<std::span<const uint8_t>> next(uint64_t& pos);

  /// Continues reading at `pos` (>= 4), e.g. for --start-position.
  core::Status seek(uint64_t pos);

  /// The file name without directories (as binlog positions name it).
  const std::string& name() const { return name_; }
  const std::string& path() const { return path_; }

 private:
  BinlogFileReader() = default;
  core::Result<bool> fill(size_t need);  // false: end of file before `need` bytes

  int fd_ = -1;
  std::string path_, name_;
  size_t max_event_size_ = 0;
  std::unique_ptr<uint8_t[]> buf_;
  size_t cap_ = 0, begin_ = 0, end_ = 0;
  uint64_t file_pos_ = 0;  // file offset of buf_[begin_]
};

}  // namespace sluice::binlog
