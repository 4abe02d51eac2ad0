#pragma once
/// A place in a server's binary log: a file name and a byte offset in it ("mysql-bin.000042:1234").
/// The one value type for positions (bookmarks, checkpoints, schema history, the server's end);
/// the decoder's hot path keeps its own views (change::Transaction) and makes one of these
/// only where a position is kept.
///
/// Order: files of one server are "<base>.<number>" and compare by that number, however it is
/// zero-padded (mysql-bin.000999 < mysql-bin.1000000); then by offset. A file name without a
/// numeric suffix, or two names of different bases, compare as plain strings (byte order).

#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.h"

namespace sluice::core {

struct BinlogPosition {
  std::string file;     ///< file name without directory, "" = no position
  uint64_t offset = 0;  ///< byte offset in `file` (events start at 4)

  bool empty() const { return file.empty(); }
  /// "file:offset".
  std::string str() const { return file + ":" + std::to_string(offset); }
  /// Parses "file:offset" (the last ':' splits); kInvalidArgument quoting the text otherwise.
  static Result<BinlogPosition> parse(std::string_view text);

  friend bool operator==(const BinlogPosition&, const BinlogPosition&) = default;
};

/// <0, 0, >0 as binlog file `a` comes before, is, or comes after `b` (see the order above).
int compare_binlog_files(std::string_view a, std::string_view b);

/// <0, 0, >0 as `a` is before, at or after `b`: by file (compare_binlog_files), then offset.
int compare_positions(const BinlogPosition& a, const BinlogPosition& b);

}  // namespace sluice::core
