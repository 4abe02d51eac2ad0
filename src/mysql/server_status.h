#pragma once
/// What sluice asks a server about itself: the one home for these queries (preflight's rules,
/// the log-based snapshot, the catch-up of `sync` and `binlog stream` all read them here).
///
/// - version and flavour: Connection::server() (from the handshake, no query);
/// - global variables (SHOW GLOBAL VARIABLES, no privilege needed), and what sluice decides from
///   them: a row-based binlog (log_bin, binlog_format), MySQL gtid_mode;
/// - binlog status: the current end, SHOW BINARY LOG STATUS on MySQL 8.4+/9.x, SHOW MASTER STATUS
///   on MariaDB and older MySQL (needs REPLICATION CLIENT; MariaDB: BINLOG MONITOR), with the
///   GTID state there (MySQL Executed_Gtid_Set, MariaDB @@gtid_binlog_pos);
/// - the GTID state at a position (MariaDB BINLOG_GTID_POS; MySQL reads it from the binlog,
///   source::mysql_gtid_set_at);
/// - files: SHOW BINARY LOGS, each file with its size;
/// - identity: who the server is, for bookmarks (MySQL @@server_uuid; MariaDB @@server_id and
///   @@gtid_domain_id), so that a bookmark is never read on another server's binlog;
/// - GTID comparisons against the server's state (MySQL GTID_SUBSET / GTID_SUBTRACT).

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/binlog_position.h"
#include "core/result.h"
#include "mysql/connection.h"

namespace sluice::mysql {

/// A binlog position with the GTID state there.
struct BinlogStatus {
  core::BinlogPosition position;
  std::string gtid;  ///< MySQL Executed_Gtid_Set / MariaDB gtid_binlog_pos; empty when none
};

struct BinlogFile {
  std::string name;
  uint64_t size = 0;
};

/// The global variables `names` (lower case) the server has, by lower-case name; those it does
/// not have are absent.
core::Result<std::map<std::string, std::string>> read_global_variables(Connection& conn,
                                                                       const std::vector<std::string>& names);

/// True when the server writes a row-based binlog (log_bin ON, binlog_format ROW), as log-based
/// reading needs.
core::Result<bool> writes_row_binlog(Connection& conn);

/// True when the server is MySQL with gtid_mode ON.
core::Result<bool> mysql_gtid_mode_on(Connection& conn);

/// The current end of the binlog. kUnsupported when binary logging is off.
core::Result<BinlogStatus> read_binlog_status(Connection& conn);

/// MariaDB: the GTID position at `at` (BINLOG_GTID_POS, no privilege needed); nullopt when the
/// server cannot tell, "" before any GTID.
core::Result<std::optional<std::string>> mariadb_gtid_pos_at(Connection& conn,
                                                             const core::BinlogPosition& at);

/// SHOW BINARY LOGS, oldest first. kUnsupported when binary logging is off.
core::Result<std::vector<BinlogFile>> read_binlog_files(Connection& conn);

/// The server's identity as bookmarks record it: "uuid:<server_uuid>" (MySQL) or
/// "server_id:<n>,domain:<d>" (MariaDB).
core::Result<std::string> read_source_identity(Connection& conn);

/// True when the server has executed every transaction of `gtid`: a MySQL GTID set
/// (GTID_SUBSET of @@gtid_executed) or a MariaDB GTID position (per domain, a sequence number
/// at most that of @@gtid_binlog_pos).
core::Result<bool> has_executed_gtids(Connection& conn, const std::string& gtid);

/// The transactions both `a` and `b` hold: a MySQL GTID set's intersection, a MariaDB GTID
/// position's smaller sequence number per domain (domains of one only are left out).
core::Result<std::string> gtid_meet(Connection& conn, const std::string& a, const std::string& b);

}  // namespace sluice::mysql
