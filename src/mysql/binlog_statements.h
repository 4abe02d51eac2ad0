#pragma once
/// The statements of the QUERY events in a range of the server's binlog, read with SHOW BINLOG
/// EVENTS (REPLICATION SLAVE on MySQL, BINLOG MONITOR or REPLICATION CLIENT on MariaDB): DDL,
/// BEGIN, statement-based DML. Streamed, so memory stays bounded however long the range; the
/// server still reads every event of it. Used to work out a table's schema at an old bookmark
/// (schema/history_rewind.h) and, by `sluice verify`, whether the source's binlog after a
/// replication target's position holds anything the pipeline follows (read_binlog_events).

#include <functional>
#include <string_view>

#include "core/binlog_position.h"
#include "core/result.h"
#include "mysql/connection.h"

namespace sluice::mysql {

/// Receives one QUERY event: its position, the session's default database ("" when none) and its
/// statement.
using StatementVisitor = std::function<core::Status(const core::BinlogPosition& at,
                                                    std::string_view default_db, std::string_view sql)>;

/// Receives one event: its position, its Event_type ("Query", "Table_map"...) and its Info text
/// ("table_id: 92 (db.t)" for a Table_map).
using EventVisitor =
    std::function<core::Status(const core::BinlogPosition& at, std::string_view type, std::string_view info)>;

/// Calls `visit` for every event at or after `from` and before `to`, in binlog order; an error
/// from `visit` ends the reading with it.
core::Status read_binlog_events(Connection& conn, const core::BinlogPosition& from,
                                const core::BinlogPosition& to, const EventVisitor& visit);

/// Calls `visit` for every QUERY event at or after `from` and before `to`, in binlog order.
core::Status read_binlog_statements(Connection& conn, const core::BinlogPosition& from,
                                    const core::BinlogPosition& to, const StatementVisitor& visit);

/// Splits SHOW BINLOG EVENTS' Info of a QUERY event ("use `db`; statement") into the default
/// database and the statement.
std::pair<std::string, std::string_view> split_query_info(std::string_view info);

}  // namespace sluice::mysql
