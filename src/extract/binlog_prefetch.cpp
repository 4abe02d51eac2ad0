#include "extract/binlog_prefetch.h"

#include <sys/socket.h>

#include <algorithm>
#include <cstdio>
#include <cstring>

#include "binlog/crc32.h"

namespace sluice::extract {
namespace {

// A block is a run of records: a 4-byte little-endian length, then that many bytes (one whole
// event, or one piece of an event the stream hands out in pieces).
void append_record(std::string& block, std::span<const uint8_t> bytes) {
  const auto n = static_cast<uint32_t>(bytes.size());
  const char len[4] = {static_cast<char>(n & 0xFF), static_cast<char>((n >> 8) & 0xFF),
                       static_cast<char>((n >> 16) & 0xFF), static_cast<char>(n >> 24)};
  block.append(len, 4);
  block.append(reinterpret_cast<const char*>(bytes.data()), bytes.size());
}

uint32_t le32(const uint8_t* p) {
  return uint32_t{p[0]} | uint32_t{p[1]} << 8 | uint32_t{p[2]} << 16 | uint32_t{p[3]} << 24;
}

constexpr size_t kSpareBlocks = 4;
constexpr size_t kHeaderSize = 19;
constexpr size_t kChecksumSize = 4;
constexpr uint8_t kFormatDescription = 15;
constexpr uint8_t kFlagBinlogInUse = 0x01;

std::string hex32(uint32_t v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%08x", v);
  return buf;
}

core::Error crc_mismatch(std::span<const uint8_t> head, uint32_t stored, uint32_t computed) {
  return core::Error{core::ErrorCode::kCorrupt,
                     "CRC32 mismatch in the binlog event ending at position " + std::to_string(le32(head.data() + 13)) +
                         " (stored " + hex32(stored) + ", computed " + hex32(computed) +
                         "): the event was corrupted on the source or on the way; read it again or repair the binlog"};
}

// CRC32 of a whole event minus its trailer. A FORMAT_DESCRIPTION whose "in use" flag is set was
// checksummed before the flag was set, so it is also tried with the flag clear.
std::optional<core::Error> check_whole(std::span<const uint8_t> ev) {
  if (ev.size() < kHeaderSize + kChecksumSize) return std::nullopt;  // the decoder reports it
  const size_t n = ev.size() - kChecksumSize;
  const uint32_t stored = le32(ev.data() + n);
  const uint32_t computed = binlog::crc32_ieee(0, ev.data(), n);
  if (computed == stored) return std::nullopt;
  if (ev[4] == kFormatDescription && (ev[17] & kFlagBinlogInUse) != 0) {
    uint8_t head[kHeaderSize];
    std::memcpy(head, ev.data(), kHeaderSize);
    head[17] = static_cast<uint8_t>(head[17] & ~kFlagBinlogInUse);
    uint32_t c = binlog::crc32_ieee(binlog::crc32_ieee(0, head, kHeaderSize), ev.data() + kHeaderSize, n - kHeaderSize);
    if (c == stored) return std::nullopt;
  }
  return crc_mismatch(ev, stored, computed);
}

}  // namespace

BinlogPrefetcher::BinlogPrefetcher(std::unique_ptr<mysql::ReplicationStream> stream, PrefetchOptions options)
    : stream_(std::move(stream)), options_(options) {
  fd_ = stream_->socket_fd();
  checksums_ = stream_->checksums();
  thread_ = std::thread([this] { fetch(); });
}

BinlogPrefetcher::~BinlogPrefetcher() {
  {
    std::lock_guard lock(mu_);
    cancelled_ = true;
    // A fetch waiting for the server wakes with an end of stream; writes stay possible, so
    // the connection still closes politely.
    if (!fetch_done_ && fd_ >= 0) ::shutdown(fd_, SHUT_RD);
    not_full_.notify_all();
  }
  thread_.join();
}

// Fetch thread: events (and their pieces) into blocks, blocks into the queue.
void BinlogPrefetcher::fetch() {
  auto finish = [this](std::optional<core::Error> error) {
    if (!filling_.empty()) push_block();
    std::lock_guard lock(mu_);
    error_ = std::move(error);
    fetch_done_ = true;
    not_empty_.notify_all();
  };
  auto add = [this](std::span<const uint8_t> bytes) {
    if (!filling_.empty() && filling_.size() + 4 + bytes.size() > options_.block_bytes && !push_block()) return false;
    append_record(filling_, bytes);
    return filling_.size() < options_.block_bytes || push_block();
  };
  while (true) {
    auto ev = stream_->next_event();
    if (!ev) return finish(ev.error());
    if (ev->empty()) return finish(std::nullopt);
    const uint64_t size = ev->size() >= kHeaderSize ? le32(ev->data() + 9) : 0;
    if (size <= ev->size()) {  // whole
      if (checksums_) {
        if (auto bad = check_whole(*ev)) return finish(std::move(bad));
      }
      if (!add(*ev)) return finish(std::nullopt);  // cancelled
      continue;
    }
    // In pieces: the CRC32 runs over them; the last piece (holding the trailer) is handed over
    // only once it matches, so a corrupt transaction's commit is never decoded.
    const std::vector<uint8_t> head(ev->begin(), ev->begin() + kHeaderSize);
    PieceCrc crc{size - (checksums_ ? kChecksumSize : 0)};
    crc.take(*ev);
    if (!add(*ev)) return finish(std::nullopt);
    while (true) {
      auto piece = stream_->next_piece();
      if (!piece) return finish(piece.error());
      if (piece->empty()) break;
      crc.take(*piece);
      if (checksums_ && crc.offset == size && crc.computed != le32(crc.trailer)) {
        return finish(crc_mismatch(head, le32(crc.trailer), crc.computed));
      }
      if (!add(*piece)) return finish(std::nullopt);
    }
  }
}

void BinlogPrefetcher::PieceCrc::take(std::span<const uint8_t> piece) {
  const size_t n_data = offset < data_end ? static_cast<size_t>(std::min<uint64_t>(piece.size(), data_end - offset)) : 0;
  computed = binlog::crc32_ieee(computed, piece.data(), n_data);
  for (size_t i = n_data; i < piece.size() && offset + i - data_end < kChecksumSize; ++i) {
    trailer[offset + i - data_end] = piece[i];
  }
  offset += piece.size();
}

// Fetch thread: hands `filling_` over (waiting while the queue is full) and takes a spare
// block to fill next. False when cancelled.
bool BinlogPrefetcher::push_block() {
  std::unique_lock lock(mu_);
  not_full_.wait(lock, [&] {
    return cancelled_ || queue_.empty() || queued_bytes_ + filling_.size() <= options_.max_queued_bytes;
  });
  if (cancelled_) return false;
  queued_bytes_ += filling_.size();
  queue_.push_back(std::move(filling_));
  not_empty_.notify_one();
  filling_.clear();
  if (!spare_.empty()) {
    filling_ = std::move(spare_.back());
    spare_.pop_back();
  }
  return true;
}

// Consumer: the next record's bytes; empty at the end of the stream.
core::Result<std::span<const uint8_t>> BinlogPrefetcher::next_record() {
  if (read_at_ >= reading_.size()) {
    std::unique_lock lock(mu_);
    reading_.clear();
    // A block grown past a block by one large piece is not worth keeping.
    if (spare_.size() < kSpareBlocks && reading_.capacity() <= 2 * options_.block_bytes) {
      spare_.push_back(std::move(reading_));
    }
    reading_ = std::string();
    read_at_ = 0;
    not_empty_.wait(lock, [&] { return !queue_.empty() || fetch_done_; });
    if (queue_.empty()) {
      if (error_) return core::fail(*error_);
      return std::span<const uint8_t>();
    }
    reading_ = std::move(queue_.front());
    queue_.pop_front();
    queued_bytes_ -= reading_.size();
    not_full_.notify_one();
  }
  const auto* p = reinterpret_cast<const uint8_t*>(reading_.data()) + read_at_;
  const uint32_t n = le32(p);
  read_at_ += 4 + size_t{n};
  return std::span<const uint8_t>(p + 4, n);
}

core::Result<std::span<const uint8_t>> BinlogPrefetcher::next_event() {
  while (event_left_ > 0) {  // the rest of an event the caller did not read
    auto skipped = next_piece();
    if (!skipped) return core::fail(skipped.error());
  }
  auto ev = next_record();
  if (!ev || ev->empty()) return ev;
  // Bytes 9..12 of the header: the event's size; a shorter record is its first piece.
  if (ev->size() >= 13) {
    const uint32_t size = le32(ev->data() + 9);
    if (size > ev->size()) event_left_ = size - ev->size();
  }
  return ev;
}

core::Result<std::span<const uint8_t>> BinlogPrefetcher::next_piece() {
  if (event_left_ == 0) return std::span<const uint8_t>();
  auto piece = next_record();
  if (!piece) return piece;
  if (piece->empty() || piece->size() > event_left_) {
    event_left_ = 0;
    return core::fail(core::ErrorCode::kCorrupt,
                      "the binlog stream ended inside an event (its pieces do not add up to its size)");
  }
  event_left_ -= piece->size();
  return piece;
}

}  // namespace sluice::extract
