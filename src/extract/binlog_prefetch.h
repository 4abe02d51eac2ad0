#pragma once
/// The network half of the log-based catch-up, on its own thread: a fetch thread reads the
/// replication stream and packs each event (or, for an event longer than the stream's
/// piece_size, each of its pieces) into blocks of ~`block_bytes`; full blocks go through a FIFO
/// bounded in bytes (the back-pressure: the fetch thread waits while it is full) to the one
/// consumer thread, which decodes. The consumer sees the stream's bytes in the stream's order,
/// and a stream error only after every byte read before it. When the stream's events carry a
/// CRC32, the fetch thread verifies it (the decoder can then skip it): a mismatch is an error
/// in the stream's order, and the last piece of an event in pieces is handed over only after
/// its CRC32 matched.
///
///   auto stream = mysql::ReplicationStream::open(connect, ropts);   // ropts.piece_size = 1 MiB
///   BinlogPrefetcher fetch(std::move(*stream));
///   while (auto ev = fetch.next_event(); ev && !ev->empty()) decoder.feed(*ev, pos, fetch, handler);
///
/// Memory: at most `max_queued_bytes` queued, plus the block being filled and the block being
/// read (each one event piece at most when pieces are larger than a block).
/// Threads: the constructor starts the fetch thread; next_event()/next_piece() belong to one
/// consumer thread; the destructor cancels (a fetch blocked in a read is woken by shutting the
/// socket's read side) and joins.

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "binlog/event_decoder.h"
#include "core/result.h"
#include "mysql/replication_stream.h"

namespace sluice::extract {

struct PrefetchOptions {
  size_t block_bytes = size_t{256} << 10;       ///< bytes per block handed over at once
  size_t max_queued_bytes = size_t{4} << 20;  ///< bytes of blocks not yet taken by the consumer
};

class BinlogPrefetcher final : public binlog::EventPieces {
 public:
  /// Takes `stream` over and starts the fetch thread.
  explicit BinlogPrefetcher(std::unique_ptr<mysql::ReplicationStream> stream, PrefetchOptions options = {});
  ~BinlogPrefetcher() override;
  BinlogPrefetcher(const BinlogPrefetcher&) = delete;
  BinlogPrefetcher& operator=(const BinlogPrefetcher&) = delete;

  /// Consumer: the next event's bytes (its first piece when the stream hands it out in pieces),
  /// valid until the next call; empty at the end of the stream. Pieces of the previous event
  /// not read are skipped. Errors are the stream's (with their flags).
  core::Result<std::span<const uint8_t>> next_event();

  /// Consumer: the next piece of the event next_event() began; empty once it is complete.
  core::Result<std::span<const uint8_t>> next_piece() override;

 private:
  // The CRC32 of an event that arrives in pieces, computed as they pass.
  struct PieceCrc {
    uint64_t data_end;  // bytes covered by the checksum (the event minus its trailer)
    uint64_t offset = 0;
    uint32_t computed = 0;
    uint8_t trailer[4] = {};
    void take(std::span<const uint8_t> piece);
  };

  void fetch();
  bool push_block();
  core::Result<std::span<const uint8_t>> next_record();

  std::unique_ptr<mysql::ReplicationStream> stream_;
  PrefetchOptions options_;
  int fd_ = -1;
  bool checksums_ = false;  // events end in a CRC32 (verified here, on the fetch thread)

  std::mutex mu_;
  std::condition_variable not_full_, not_empty_;
  std::deque<std::string> queue_;
  std::vector<std::string> spare_;  // emptied blocks, reused by the fetch thread
  size_t queued_bytes_ = 0;
  bool fetch_done_ = false;            // the fetch thread pushed its last block
  std::optional<core::Error> error_;  // the stream's error, after the queued bytes
  bool cancelled_ = false;

  std::string filling_;  // fetch thread: the block being filled
  std::string reading_;  // consumer: the block being read
  size_t read_at_ = 0;
  uint64_t event_left_ = 0;  // consumer: bytes of the current event still to come in pieces
  std::thread thread_;
};

}  // namespace sluice::extract
