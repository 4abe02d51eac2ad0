#include "extract/binlog_position.h"

namespace sluice::extract {
namespace {

core::Result<uint64_t> parse_pos(const std::optional<std::string>& s) {
  if (!s || s->empty()) return core::fail(core::ErrorCode::kServer, "the server reported no binlog position");
  uint64_t v = 0;
  for (char c : *s) {
    if (c < '0' || c > '9') return core::fail(core::ErrorCode::kServer, "unexpected binlog position '" + *s + "'");
    v = v * 10 + static_cast<uint64_t>(c - '0');
  }
  return v;
}

}  // namespace

core::Result<mysql::BinlogStatus> begin_consistent_snapshot(mysql::Connection& conn) {
  bool mariadb = conn.server().flavor == mysql::Flavor::kMariaDB;
  mysql::BinlogStatus low;
  if (!mariadb) {
    auto p = mysql::read_binlog_status(conn);
    if (!p) return core::fail(p.error());
    low = *p;
  }
  SLUICE_TRY(conn.execute("SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ"));
  SLUICE_TRY(conn.execute("START TRANSACTION WITH CONSISTENT SNAPSHOT"));
  if (!mariadb) return low;
  auto rows = conn.query("SHOW STATUS LIKE 'binlog_snapshot_%'");
  if (!rows) return core::fail(rows.error().with_context("reading binlog_snapshot_file/position"));
  mysql::BinlogStatus p;
  for (const auto& r : *rows) {
    if (r.size() < 2 || !r[0] || !r[1]) continue;
    if (*r[0] == "Binlog_snapshot_file") p.position.file = *r[1];
    if (*r[0] == "Binlog_snapshot_position") {
      auto pos = parse_pos(r[1]);
      if (!pos) return core::fail(pos.error());
      p.position.offset = *pos;
    }
    if (*r[0] == "Binlog_snapshot_gtid_pos") p.gtid = *r[1];
  }
  if (p.position.file.empty()) {
    return core::fail(core::ErrorCode::kUnsupported,
                      "binary logging is off on the server: LOG_BASED needs log_bin=ON and binlog_format=ROW");
  }
  if (p.gtid.empty()) {
    // MariaDB 10.x has no Binlog_snapshot_gtid_pos: the server maps the position to its GTID
    // state itself (no privilege needed). Without it the bookmark simply has no gtid.
    auto g = mysql::mariadb_gtid_pos_at(conn, p.position);
    if (g && *g) p.gtid = **g;
  }
  return p;
}

core::Result<mysql::BinlogStatus> begin_exact_snapshot(mysql::Connection& conn, unsigned lock_wait_seconds) {
  if (conn.server().flavor == mysql::Flavor::kMariaDB) return begin_consistent_snapshot(conn);
  SLUICE_TRY(conn.execute("SET SESSION lock_wait_timeout = " + std::to_string(lock_wait_seconds)));
  if (auto s = conn.execute("FLUSH TABLES WITH READ LOCK"); !s) {
    return core::fail(s.error().with_context(
        "an exact snapshot position on MySQL takes FLUSH TABLES WITH READ LOCK for an instant (grant RELOAD; "
        "Amazon RDS and Aurora do not allow it)"));
  }
  SLUICE_TRY(conn.execute("SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ"));
  // Under the lock no transaction commits: the snapshot and the binlog end agree.
  core::Result<mysql::BinlogStatus> p = mysql::BinlogStatus{};
  if (core::Status opened = conn.execute("START TRANSACTION WITH CONSISTENT SNAPSHOT"); !opened) {
    p = core::fail(opened.error());
  } else {
    p = mysql::read_binlog_status(conn);
  }
  SLUICE_TRY(conn.execute("UNLOCK TABLES"));
  if (!p) return core::fail(p.error());
  if (p->position.file.empty()) {
    return core::fail(core::ErrorCode::kUnsupported,
                      "binary logging is off on the server: log_bin=ON is needed");
  }
  return p;
}

}  // namespace sluice::extract
