#include "binlog/stream_server.h"

#include <charconv>

#include "binlog/gtid_tracker.h"

namespace sluice::binlog {
namespace {

using core::ErrorCode;

bool mysql_84_or_later(const mysql::ServerIdentity& id) {
  return id.flavor == mysql::Flavor::kMySQL && (id.major > 8 || (id.major == 8 && id.minor >= 4));
}

core::Status check_gtid_flavor(const std::string& gtid, const mysql::ServerIdentity& id, const std::string& server) {
  bool mariadb_text = looks_like_mariadb_gtid_pos(gtid);
  if (id.flavor == mysql::Flavor::kMariaDB && !mariadb_text) {
    return core::fail(ErrorCode::kInvalidArgument,
                      "--gtid '" + gtid + "' is not a MariaDB GTID position, and " + server + " is MariaDB " +
                          id.version + ": give domain-server-sequence items, e.g. --gtid 0-1-42 (see SELECT @@gtid_binlog_pos)");
  }
  if (id.flavor == mysql::Flavor::kMySQL && mariadb_text) {
    return core::fail(ErrorCode::kInvalidArgument,
                      "--gtid '" + gtid + "' is a MariaDB GTID position, but " + server + " is MySQL " + id.version +
                          ": give a MySQL GTID set, e.g. --gtid 3E11FA47-71CA-11E1-9E33-C80AA9429562:1-5 "
                          "(see SELECT @@gtid_executed)");
  }
  return core::ok();
}

}  // namespace

core::Result<StreamServerInfo> query_stream_server(const mysql::ConnectOptions& connect, const StreamStart& start) {
  auto conn = mysql::Connection::connect(connect);
  if (!conn) return core::fail(conn.error());
  mysql::Connection& c = **conn;
  const mysql::ServerIdentity& id = c.server();
  StreamServerInfo info;
  info.flavor = id.flavor;
  info.server = connect.host + ":" + std::to_string(connect.port);
  info.start = start;
  const char* status_sql = mysql_84_or_later(id) ? "SHOW BINARY LOG STATUS" : "SHOW MASTER STATUS";
  auto rows = c.query(status_sql);
  if (!rows) return core::fail(rows.error().with_context("reading the binlog position of " + info.server));
  if (rows->empty() || rows->front().size() < 2 || !rows->front()[0] || !rows->front()[1]) {
    return core::fail(ErrorCode::kUnsupported, "binary logging is off on " + info.server + " (" + status_sql +
                                                   " is empty): enable log_bin (see `sluice check`)");
  }
  const auto& row = rows->front();
  info.end_file = *row[0];
  const std::string& pos_text = *row[1];
  std::from_chars(pos_text.data(), pos_text.data() + pos_text.size(), info.end_pos);
  if (start.kind == StreamStart::Kind::kGtid) {
    SLUICE_TRY(check_gtid_flavor(start.gtid, id, info.server));
    info.gtid_state = start.gtid;
    return info;
  }
  if (start.kind == StreamStart::Kind::kCurrent) {
    info.start.kind = StreamStart::Kind::kFilePos;
    info.start.file = info.end_file;
    info.start.position = info.end_pos;
    if (id.flavor == mysql::Flavor::kMySQL && row.size() > 4 && row[4]) info.gtid_state = *row[4];
  }
  if (!start.gtid_state.empty()) {
    info.gtid_state = start.gtid_state;
  } else if (id.flavor == mysql::Flavor::kMariaDB) {
    // The GTID position that corresponds to the start (needs no privilege beyond the client's).
    auto pos = c.query_value("SELECT BINLOG_GTID_POS(" + c.quote_string(info.start.file) + ", " +
                             std::to_string(info.start.position) + ")");
    if (pos && *pos) info.gtid_state = **pos;
  }
  return info;
}

std::string oldest_binlog(const mysql::ConnectOptions& connect) {
  auto conn = mysql::Connection::connect(connect);
  if (!conn) return "unknown: " + conn.error().message;
  auto rows = (*conn)->query("SHOW BINARY LOGS");
  if (!rows) return "unknown: " + rows.error().message;
  if (rows->empty() || rows->front().empty() || !rows->front()[0]) return "none (SHOW BINARY LOGS is empty)";
  return *rows->front()[0];
}

}  // namespace sluice::binlog
