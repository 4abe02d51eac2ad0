#pragma once
/// Reads the log in LSN order from a given LSN, across segments, and follows it while a writer
/// appends: next() returns null when no further complete record is there yet, and the caller
/// asks again later. The applier's input. Any number of readers, in this process or another,
/// next to one writer. docs/transaction-log.md. One thread at a time.

#include <cstdint>
#include <limits>
#include <memory>
#include <string>

#include "core/result.h"
#include "journal/log_dir.h"
#include "journal/record.h"

namespace sluice::journal {

class Reader {
 public:
  /// Opens the log in `dir` at `from_lsn` (1: from the start). kNotFound when the directory has
  /// no segment, or when retention deleted `from_lsn` already (the message says where it starts).
  static core::Result<std::unique_ptr<Reader>> open(const std::string& dir, uint64_t from_lsn = 1);

  /// The next record with an LSN at most `max_lsn` (a writer's durable_lsn() in the same
  /// process: only durable records are handed on), or null when there is none yet. The record
  /// and its views stay valid until the next call. kCorrupt naming the segment and offset for a
  /// damaged record.
  core::Result<const Record*> next(uint64_t max_lsn = std::numeric_limits<uint64_t>::max());

  /// The LSN next() looks for.
  uint64_t next_lsn() const { return next_lsn_; }

 private:
  Reader() = default;
  core::Status open_segment(const std::string& path);
  core::Result<bool> advance_segment();  // false: no newer segment yet
  core::Result<bool> read_record(const RecordHeader*& header, const uint8_t*& body);

  std::string dir_;
  SegmentInput in_;
  uint64_t offset_ = 0;
  uint64_t next_lsn_ = 1;
  uint64_t from_lsn_ = 1;
  Record record_;
  RecordHeader header_;
};

}  // namespace sluice::journal
