#pragma once
/// Reads a binlog file event by event: checks the v4 magic (fe 62 69 6e), then hands out
/// each event's bytes. Streams through a reused buffer (1 MiB, grown only while a larger
/// single event is read, then shrunk back), so memory is one chunk plus at most one
/// event, never the file size. With set_piece_size(), larger events come in pieces instead
/// (EventPieces, for EventDecoder::feed), so memory is one chunk whatever the event size.

#include <cstdint>
#include <memory>
#include <span>
#include <string>

#include "binlog/event_decoder.h"
#include "core/result.h"

namespace sluice::binlog {

class BinlogFileReader : public EventPieces {
 public:
  /// Opens `path` and checks the magic; errors name the file.
  static core::Result<std::unique_ptr<BinlogFileReader>> open(const std::string& path,
                                                              size_t max_event_size = size_t{1} << 30);
  ~BinlogFileReader() override;
  BinlogFileReader(const BinlogFileReader&) = delete;
  BinlogFileReader& operator=(const BinlogFileReader&) = delete;

  /// The next event's bytes (valid until the next call) and its position in `pos`;
  /// an empty span at the end of the file. A truncated last event is an error.
  core::Result<std::span<const uint8_t>> next(uint64_t& pos);

  /// Events longer than `bytes` (0: none, the default) are handed out in pieces of at most
  /// `bytes` and 1 MiB: next() returns the first (shorter than the header's event_size),
  /// next_piece() the others; a next() before the event's end skips what is left of it.
  void set_piece_size(size_t bytes) { piece_size_ = bytes; }
  core::Result<std::span<const uint8_t>> next_piece() override;

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
  size_t piece_size_ = 0;
  uint64_t piece_left_ = 0;  // bytes of the current event not handed out yet
};

}  // namespace sluice::binlog
