#pragma once
/// Binlog positions for the snapshot-to-binlog handoff (docs/replication-methods.md):
///
/// - MariaDB: START TRANSACTION WITH CONSISTENT SNAPSHOT, then SHOW STATUS LIKE
///   'binlog_snapshot_%' gives the exact binlog file/position of that snapshot (the server
///   blocks commits for the instant the snapshot is taken). The GTID position is read with it
///   (@@gtid_binlog_pos, informative: the file/position is what the catch-up uses).
/// - MySQL: the binary log status (SHOW BINARY LOG STATUS on 9.x, SHOW MASTER STATUS before)
///   is read *before* the consistent snapshot starts: a low watermark. The catch-up replays the
///   binlog from there; changes between the watermark and the snapshot are delivered again as
///   idempotent upserts/deletes (at-least-once, keyed destinations end equal to the source).
///
/// Grants: SELECT and REPLICATION CLIENT (MariaDB: BINLOG MONITOR); no RELOAD, no FLUSH TABLES
/// WITH READ LOCK, no BACKUP_ADMIN.

#include <cstdint>
#include <string>

#include "core/result.h"
#include "mysql/connection.h"
#include "mysql/server_status.h"

namespace sluice::extract {

/// Starts a consistent-snapshot transaction on `conn` (REPEATABLE READ) and returns the binlog
/// position from which the binlog catch-up loses nothing (see above), with the GTID state there
/// (MySQL Executed_Gtid_Set / MariaDB GTID position). The caller COMMITs.
core::Result<mysql::BinlogStatus> begin_consistent_snapshot(mysql::Connection& conn);

/// As begin_consistent_snapshot, but the position is exact on MySQL too: every transaction
/// before it is in the snapshot, none after it (`sluice replicate --initial-copy` hands off
/// to a stream that must apply each transaction once). MariaDB: the same as above. MySQL:
/// FLUSH TABLES WITH READ LOCK for the instant the snapshot opens and the binlog status is
/// read (commits wait; the lock waits for running statements, at most `lock_wait_seconds`),
/// then UNLOCK TABLES, as mysqldump --single-transaction --source-data does; needs RELOAD
/// (Amazon RDS/Aurora MySQL refuse FLUSH TABLES WITH READ LOCK: the error says so).
core::Result<mysql::BinlogStatus> begin_exact_snapshot(mysql::Connection& conn,
                                                       unsigned lock_wait_seconds = 60);

}  // namespace sluice::extract
