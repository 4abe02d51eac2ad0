#pragma once
/// Follows the GTID state of a binlog stream, transaction by transaction (a core::GtidSet: MySQL
/// GTID set or MariaDB GTID position), so that a checkpoint can name the full state and not only
/// the last GTID. Fed the GTID strings of change::Transaction ("uuid:n", "uuid:tag:n",
/// "domain-server-seq"); notes when one could not be followed. Not thread-safe.

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "core/gtid_set.h"
#include "core/result.h"

namespace sluice::source {

class GtidTracker {
 public:
  /// Starts from `text` (a set of `flavor`; "" = empty; kNone = nothing followed). On an error
  /// (kInvalidArgument naming the item that does not parse) the tracker follows nothing.
  core::Status reset(core::GtidFlavor flavor, std::string_view text);

  /// Adds one transaction's GTID. A GTID of the other flavor or an unparsable one is ignored
  /// (anonymous transactions have none) and makes `complete()` false.
  void add(std::string_view gtid) {
    if (!gtid.empty() && set_.flavor() != core::GtidFlavor::kNone && !set_.add(gtid)) complete_ = false;
  }

  /// The current state, canonical (core::GtidSet::str).
  std::string text() const { return set_.str(); }
  core::GtidFlavor flavor() const { return set_.flavor(); }
  /// False once a GTID could not be tracked: text() then misses transactions.
  bool complete() const { return complete_; }

 private:
  core::GtidSet set_;
  bool complete_ = true;
};

/// The text ("uuid:1-5:7,uuid:tag:1-3") of a MySQL GTID set in its binary form, as a
/// PREVIOUS_GTIDS event holds it (Gtid_set::encode: an 8-byte count whose top byte is the
/// format, 0 plain or 1 tagged; per source the UUID, in the tagged format its tag, then the
/// intervals [start, end) as 8-byte pairs). kCorrupt when the bytes do not add up.
core::Result<std::string> mysql_gtid_set_text(std::span<const uint8_t> encoded);

}  // namespace sluice::source
