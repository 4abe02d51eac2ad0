#pragma once
/// Reads a binlog file event by event: checks the v4 magic (fe 62 69 6e), then hands out
/// each event's bytes. Reads into 1 MiB blocks (ByteBlock) that a consumer may keep a
/// reference to instead of copying the event (head_block()); a block is refilled only once
/// nobody else holds it. At most 8 such blocks exist: when all are held, events come from a
/// private block and head_block() is null (the consumer copies). An event larger than a
/// block gets a block of its own size. So memory is bounded by 9 blocks plus at most one
/// event, never the file size. With set_piece_size(), larger events come in pieces instead
/// (EventPieces, for EventDecoder::feed), so memory is bounded whatever the event size.

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "binlog/byte_block.h"
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
  /// The block holding the event last returned whole by next(), which the caller may keep a
  /// reference to (BlockRef) past the next call; null when the caller must copy instead.
  ByteBlock* head_block() const override { return head_block_; }

  /// Continues reading at `pos` (>= 4), e.g. for --start-position.
  core::Status seek(uint64_t pos);

  /// The file name without directories (as binlog positions name it).
  const std::string& name() const { return name_; }
  const std::string& path() const { return path_; }

 private:
  BinlogFileReader() = default;
  core::Result<bool> fill(size_t need);  // false: end of file before `need` bytes
  void switch_block(size_t need);
  ByteBlock* pick_block(size_t need);

  int fd_ = -1;
  std::string path_, name_;
  size_t max_event_size_ = 0;
  std::vector<BlockRef> pool_;  // blocks events may be kept in (head_block())
  BlockRef spare_;              // used while every pooled block is held elsewhere
  BlockRef big_;                // an event larger than a block
  ByteBlock* cur_ = nullptr;    // the block being read: one of the above
  bool shared_ = false;         // cur_ may be handed out by head_block()
  ByteBlock* head_block_ = nullptr;
  size_t begin_ = 0, end_ = 0;  // unread bytes of cur_
  uint64_t file_pos_ = 0;  // file offset of buf_[begin_]
  size_t piece_size_ = 0;
  uint64_t piece_left_ = 0;  // bytes of the current event not handed out yet
};

}  // namespace sluice::binlog
