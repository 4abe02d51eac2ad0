#pragma once
/// The checkpoint file of `sluice binlog stream --checkpoint FILE`: where the last complete
/// transaction whose output was flushed ends. Written atomically (temporary file, fsync,
/// rename, fsync of the directory), so a crash leaves the old or the new checkpoint, never a
/// torn one. Format (JSON, one object; docs/binlog-stream.md):
///
///   {"version":1,"flavor":"mysql","server":"127.0.0.1:3306","server_identity":"uuid:3e11fa47-...",
///    "file":"binlog.000003","position":1234,"gtid":"uuid:17","gtid_set":"uuid:1-17",
///    "updated":"2024-05-01T12:00:00Z"}
///
/// `gtid` is the last transaction's GTID (may be empty); `gtid_set` the MySQL GTID set or
/// MariaDB GTID position up to and including it when known (else empty). While a two-phase XA
/// transaction is prepared and not committed, "resume_file"/"resume_position" name its start:
/// a restart reads from there and skips what begins before `file`:`position`.

#include <cstdint>
#include <optional>
#include <string>

#include "core/binlog_position.h"
#include "core/result.h"

namespace sluice::source {

/// A resume point: the end of a complete transaction.
struct StreamCheckpoint {
  std::string flavor;             ///< "mysql" or "mariadb"
  std::string server;             ///< host:port it was read from (informative)
  core::BinlogPosition position;  ///< after the transaction's last event (JSON "file", "position")
  std::string gtid;               ///< its GTID, "" when none
  std::string gtid_set;           ///< full GTID set / position when known
  /// A held XA transaction's start ("resume_file", "resume_position"); empty = resume at `position`.
  core::BinlogPosition resume;
  /// Who that server is (mysql::read_source_identity: "uuid:..." or "server_id:N,domain:D");
  /// "" in checkpoints of older versions. A start on another server is refused unless it has
  /// executed `gtid_set` (a failover: the stream continues by GTID).
  std::string server_identity;
};

/// Reads the checkpoint at `path`: nullopt when the file does not exist; kConfig naming the
/// path when it exists but is not a valid checkpoint.
core::Result<std::optional<StreamCheckpoint>> load_checkpoint(const std::string& path);

/// Writes `cp` to `path` atomically (path + ".tmp", fsync, rename, fsync of the directory).
/// kIo naming the path and the OS reason on failure.
core::Status save_checkpoint(const std::string& path, const StreamCheckpoint& cp);

}  // namespace sluice::source
