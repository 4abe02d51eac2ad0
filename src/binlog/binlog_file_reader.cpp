#include "binlog/binlog_file_reader.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "binlog/events/event_type.h"

namespace sluice::binlog {
namespace {

constexpr size_t kChunk = size_t{1} << 20;  // bytes per block
constexpr size_t kPoolBlocks = 8;
constexpr uint8_t kMagic[4] = {0xfe, 0x62, 0x69, 0x6e};

core::Error io_error(const std::string& path, const char* what) {
  return core::Error{core::ErrorCode::kIo, path + ": " + what + ": " + std::strerror(errno)};
}

}  // namespace

core::Result<std::unique_ptr<BinlogFileReader>> BinlogFileReader::open(const std::string& path,
                                                                       size_t max_event_size) {
  std::unique_ptr<BinlogFileReader> r(new BinlogFileReader());
  r->path_ = path;
  size_t slash = path.rfind('/');
  r->name_ = slash == std::string::npos ? path : path.substr(slash + 1);
  r->max_event_size_ = max_event_size;
  r->fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (r->fd_ < 0) {
    auto e = io_error(path, "cannot open binlog file");
    if (errno == ENOENT) e.code = core::ErrorCode::kNotFound;
    return core::fail(e);
  }
  r->pool_.reserve(kPoolBlocks);
  auto ok = r->fill(4);
  if (!ok) return core::fail(ok.error());
  if (!*ok || std::memcmp(r->cur_->data() + r->begin_, kMagic, 4) != 0) {
    return core::fail(core::ErrorCode::kCorrupt, path + ": not a binlog file (no fe 62 69 6e magic at offset 0)");
  }
  r->begin_ += 4;
  r->file_pos_ = 4;
  return r;
}

BinlogFileReader::~BinlogFileReader() {
  if (fd_ >= 0) ::close(fd_);
}

// The block the next bytes go to: a pooled one nobody else holds, a new one while the pool
// is not full, else the private spare (whose events are never handed out for keeping).
ByteBlock* BinlogFileReader::pick_block(size_t need) {
  if (need > kChunk) {  // one event larger than a block: a block of its own
    BlockRef big = BlockRef::create(need);
    big_ = std::move(big);  // (the old one, if any, is no longer read from)
    shared_ = true;
    return big_.get();
  }
  shared_ = true;
  for (const BlockRef& b : pool_) {
    if (b.get() != cur_ && b->sole()) return b.get();
  }
  if (cur_ != nullptr && cur_ != spare_.get() && cur_ != big_.get() && cur_->sole()) return cur_;
  if (pool_.size() < kPoolBlocks) return pool_.emplace_back(BlockRef::create(kChunk)).get();
  shared_ = false;
  if (!spare_) spare_ = BlockRef::create(kChunk);
  return spare_.get();
}

// Moves the unread bytes to the head of a block with room for `need` bytes.
void BinlogFileReader::switch_block(size_t need) {
  const size_t keep = end_ - begin_;
  BlockRef old_big = big_;  // keeps an oversized block alive while its tail is copied out
  ByteBlock* next = pick_block(need);
  if (next == cur_) {
    std::memmove(next->data(), next->data() + begin_, keep);
  } else if (keep > 0) {
    std::memcpy(next->data(), cur_->data() + begin_, keep);
  }
  if (next != big_.get()) big_ = BlockRef();
  cur_ = next;
  begin_ = 0;
  end_ = keep;
}

core::Result<bool> BinlogFileReader::fill(size_t need) {
  if (end_ - begin_ >= need) return true;
  if (cur_ == nullptr || cur_->capacity() - begin_ < need || (cur_ == big_.get() && need <= kChunk)) {
    switch_block(need);
  }
  while (end_ - begin_ < need) {
    ssize_t n = ::read(fd_, cur_->data() + end_, cur_->capacity() - end_);
    if (n < 0) {
      if (errno == EINTR) continue;
      return core::fail(io_error(path_, "read failed"));
    }
    if (n == 0) return false;
    end_ += static_cast<size_t>(n);
  }
  return true;
}

core::Result<std::span<const uint8_t>> BinlogFileReader::next_piece() {
  if (piece_left_ == 0) return std::span<const uint8_t>();
  size_t n = static_cast<size_t>(std::min<uint64_t>(piece_left_, std::min(piece_size_, kChunk)));
  auto have = fill(n);
  if (!have) return core::fail(have.error());
  if (!*have) {
    return core::fail(core::ErrorCode::kCorrupt,
                      name_ + ":" + std::to_string(file_pos_) + ": truncated event (the file ends inside it)");
  }
  std::span<const uint8_t> piece(cur_->data() + begin_, n);
  begin_ += n;
  file_pos_ += n;
  piece_left_ -= n;
  return piece;
}

core::Result<std::span<const uint8_t>> BinlogFileReader::next(uint64_t& pos) {
  head_block_ = nullptr;
  while (piece_left_ > 0) {  // the rest of an event handed out in pieces
    auto skipped = next_piece();
    if (!skipped) return core::fail(skipped.error());
  }
  pos = file_pos_;
  auto have = fill(kEventHeaderSize);
  if (!have) return core::fail(have.error());
  if (!*have) {
    if (end_ == begin_) return std::span<const uint8_t>();
    return core::fail(core::ErrorCode::kCorrupt, name_ + ":" + std::to_string(pos) +
                                                     ": truncated event header at the end of the file");
  }
  const uint8_t* h = cur_->data() + begin_;
  uint32_t size = static_cast<uint32_t>(h[9]) | static_cast<uint32_t>(h[10]) << 8 |
                  static_cast<uint32_t>(h[11]) << 16 | static_cast<uint32_t>(h[12]) << 24;
  if (size < kEventHeaderSize || size > max_event_size_) {
    return core::fail(core::ErrorCode::kCorrupt,
                      name_ + ":" + std::to_string(pos) + ": impossible event length " + std::to_string(size));
  }
  if (piece_size_ != 0 && size > piece_size_) {
    piece_left_ = size;
    return next_piece();
  }
  have = fill(size);
  if (!have) return core::fail(have.error());
  if (!*have) {
    return core::fail(core::ErrorCode::kCorrupt, name_ + ":" + std::to_string(pos) + ": truncated event (" +
                                                     std::to_string(size) + " bytes announced, file ends first)");
  }
  std::span<const uint8_t> ev(cur_->data() + begin_, size);
  if (shared_) head_block_ = cur_;
  begin_ += size;
  file_pos_ += size;
  return ev;
}

core::Status BinlogFileReader::seek(uint64_t pos) {
  if (pos < 4) pos = 4;
  if (::lseek(fd_, static_cast<off_t>(pos), SEEK_SET) < 0) return core::fail(io_error(path_, "seek failed"));
  begin_ = end_ = cur_->capacity();  // the block may be held elsewhere: the next fill switches
  file_pos_ = pos;
  head_block_ = nullptr;
  piece_left_ = 0;
  return core::ok();
}

}  // namespace sluice::binlog
