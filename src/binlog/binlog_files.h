#pragma once
/// Feeds binlog files, in order, through one EventDecoder into an EventHandler: what
/// `sluice binlog read` does, reusable by tests and tools.

#include <cstdint>
#include <string>
#include <vector>

#include "binlog/event_decoder.h"

namespace sluice::binlog {

struct FileReadOptions {
  uint64_t start_position = 0;            ///< first file: events before it are skipped (its FORMAT_DESCRIPTION is read)
  uint64_t stop_position = ~uint64_t{0};  ///< last file: stop at the first event at or past it
};

/// Reads every event of `paths` into `decoder` -> `handler`. Errors name file and position.
core::Status read_binlog_files(const std::vector<std::string>& paths, const FileReadOptions& options,
                               EventDecoder& decoder, EventHandler& handler);

}  // namespace sluice::binlog
