#pragma once
// Each log-based stream's table as of the catch-up's start (job-internal; binlog_sync.cpp).

#include <string>
#include <vector>

#include "core/binlog_position.h"
#include "extract/binlog_catchup.h"
#include "mysql/connection.h"

namespace sluice::job {

/// Takes each stream's table back to the catch-up's start, the earliest bookmark, where the schema
/// history is seeded. `known_at[i]` is where streams[i].table is known to be right: its bookmark
/// when the previous job saved the columns there, the server's end when the table comes from
/// discovery now (a Singer tap's bookmark). The DDL the binlog holds between is undone
/// (schema/history_rewind.h); the binlog is read for it only when some stream needs it. A
/// statement that cannot be undone leaves the stream's seed unknown (CatchupStream::seed_unknown),
/// with a message naming it and `reset_command` for the table.
core::Status rewind_to_start(mysql::Connection& conn, std::vector<extract::CatchupStream>& streams,
                             const std::vector<core::BinlogPosition>& known_at,
                             const std::string& reset_command);

}  // namespace sluice::job
