#pragma once
/// Before the log-based catch-up reads the binlog from the streams' bookmarks, each bookmark is
/// checked against the server it is about to be read on (docs/replication-methods.md):
///
/// - written on another server (the bookmark's `sluice_server_identity` differs from
///   mysql::read_source_identity): refused, unless this server has executed the bookmark's GTID
///   state (a failover to a replica, an Aurora writer change): then every stream continues by
///   GTID from the GTID state all of them have reached (`start_gtid`), with one info line each;
/// - a binlog file newer than the server's current one, a position past the end of its file, a
///   file name the server's binlogs do not have: refused, naming the stream and the bookmark;
/// - purged (older than the oldest binlog the server has): one kBinlogPurged error naming every
///   such stream, the oldest binlog and the `sluice reset` command that re-snapshots only them.
///
/// A bookmark without the identity key (written by the Singer tap or an older sluice) is
/// checked by position only. Errors leave the bookmarks unchanged (nothing is read or written).

#include <string>
#include <vector>

#include "core/result.h"
#include "extract/binlog_catchup.h"
#include "mysql/connection.h"

namespace sluice::extract {

struct BookmarkVerdict {
  /// Non-empty: read the binlog from this GTID state (every stream's `from` is then cleared:
  /// all that follows is delivered, at least once for streams that were further).
  std::string start_gtid;
  std::vector<std::string> notes;  ///< info lines for stderr
  std::string identity;            ///< this server's, to record in the bookmarks
  /// With `keep_purged`: indexes into the streams of those whose binlog is purged (instead of the
  /// kBinlogPurged error); the caller re-snapshots them and reads the others.
  std::vector<size_t> purged;
};

/// `reset_command` is the command line prefix that re-snapshots streams, e.g.
/// "sluice reset --config config.json --destination sqlite:shop.db" (the stream ids follow).
/// `keep_purged` (config `resnapshot_on_purged`): purged bookmarks are listed in the verdict.
core::Result<BookmarkVerdict> check_bookmarks(mysql::Connection& conn, std::vector<CatchupStream>& streams,
                                              const std::string& reset_command, bool keep_purged = false);

}  // namespace sluice::extract
