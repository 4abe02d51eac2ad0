#include "mysql/server_status.h"

#include <algorithm>

#include "core/gtid_set.h"

namespace sluice::mysql {
namespace {

core::Result<uint64_t> parse_count(const std::optional<std::string>& s, std::string_view what) {
  if (!s || s->empty())
    return core::fail(core::ErrorCode::kServer, "the server reported no " + std::string(what));
  uint64_t v = 0;
  for (char c : *s) {
    if (c < '0' || c > '9') {
      return core::fail(core::ErrorCode::kServer, "unexpected " + std::string(what) + " '" + *s + "'");
    }
    v = v * 10 + static_cast<uint64_t>(c - '0');
  }
  return v;
}

bool mysql_84_or_later(const ServerIdentity& id) {
  return id.flavor == Flavor::kMySQL && (id.major > 8 || (id.major == 8 && id.minor >= 4));
}

core::Error binlog_off(std::string_view statement) {
  return core::Error{
      core::ErrorCode::kUnsupported,
      "binary logging is off on the server (" + std::string(statement) +
          " is empty): log-based reading needs log_bin=ON and binlog_format=ROW (see `sluice check`)"};
}

std::string lower(std::string s) {
  for (char& c : s) c = c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c;
  return s;
}

}  // namespace

core::Result<std::map<std::string, std::string>> read_global_variables(
    Connection& conn, const std::vector<std::string>& names) {
  std::map<std::string, std::string> out;
  if (names.empty()) return out;
  std::string sql = "SHOW GLOBAL VARIABLES WHERE Variable_name IN (";
  for (size_t i = 0; i < names.size(); ++i) sql += (i == 0 ? "" : ", ") + conn.quote_string(names[i]);
  sql += ")";
  auto rows = conn.query(sql);
  if (!rows) return core::fail(rows.error().with_context("reading the server's variables"));
  for (const OwnedRow& row : *rows) {
    if (row.size() < 2 || !row[0]) continue;
    out[lower(*row[0])] = row[1].value_or("");
  }
  return out;
}

core::Result<bool> writes_row_binlog(Connection& conn) {
  auto vars = read_global_variables(conn, {"log_bin", "binlog_format"});
  if (!vars) return core::fail(vars.error());
  const std::string log_bin = (*vars)["log_bin"];
  return (log_bin == "ON" || log_bin == "1") && (*vars)["binlog_format"] == "ROW";
}

core::Result<bool> mysql_gtid_mode_on(Connection& conn) {
  if (conn.server().flavor != Flavor::kMySQL) return false;
  auto vars = read_global_variables(conn, {"gtid_mode"});
  if (!vars) return core::fail(vars.error());
  return (*vars)["gtid_mode"] == "ON";
}

core::Result<std::optional<std::string>> mariadb_gtid_pos_at(Connection& conn,
                                                             const core::BinlogPosition& at) {
  auto pos = conn.query_value("SELECT BINLOG_GTID_POS(" + conn.quote_string(at.file) + ", " +
                              std::to_string(at.offset) + ")");
  if (!pos) return core::fail(pos.error().with_context("reading the GTID position at " + at.str()));
  return *pos;
}

core::Result<bool> has_executed_gtids(Connection& conn, const std::string& gtid) {
  if (conn.server().flavor == Flavor::kMySQL) {
    auto v = conn.query_value("SELECT GTID_SUBSET(" + conn.quote_string(gtid) + ", @@GLOBAL.gtid_executed)");
    if (!v) return core::fail(v.error().with_context("comparing a GTID set with the server's"));
    return *v && **v == "1";
  }
  auto st = read_binlog_status(conn);
  if (!st) return core::fail(st.error());
  auto want = core::GtidSet::parse(core::GtidFlavor::kMariaDb, gtid);
  auto have = core::GtidSet::parse(core::GtidFlavor::kMariaDb, st->gtid);
  return want && have && !want->empty() && have->contains(*want);
}

core::Result<std::string> gtid_meet(Connection& conn, const std::string& a, const std::string& b) {
  if (conn.server().flavor == Flavor::kMySQL) {
    const std::string qa = conn.quote_string(a), qb = conn.quote_string(b);
    auto v = conn.query_value("SELECT GTID_SUBTRACT(" + qa + ", GTID_SUBTRACT(" + qa + ", " + qb + "))");
    if (!v) return core::fail(v.error().with_context("intersecting GTID sets"));
    std::string out = v->value_or("");
    std::erase(out, '\n');
    return out;
  }
  auto sa = core::GtidSet::parse(core::GtidFlavor::kMariaDb, a);
  auto sb = core::GtidSet::parse(core::GtidFlavor::kMariaDb, b);
  if (!sa || !sb) {
    return core::fail(core::ErrorCode::kInvalidArgument,
                      "'" + a + "' or '" + b + "' is not a MariaDB GTID position");
  }
  return core::GtidSet::mariadb_meet(*sa, *sb).str();
}

core::Result<BinlogStatus> read_binlog_status(Connection& conn) {
  const char* sql = mysql_84_or_later(conn.server()) ? "SHOW BINARY LOG STATUS" : "SHOW MASTER STATUS";
  std::vector<std::string> cols;
  auto rows = conn.query(sql, cols);
  if (!rows) {
    return core::fail(rows.error().with_context(
        "reading the binlog position (needs REPLICATION CLIENT, or BINLOG MONITOR on MariaDB)"));
  }
  if (rows->empty() || (*rows)[0].size() < 2 || !(*rows)[0][0]) return core::fail(binlog_off(sql));
  const OwnedRow& row = (*rows)[0];
  BinlogStatus st;
  st.position.file = *row[0];
  auto pos = parse_count(row[1], "binlog position");
  if (!pos) return core::fail(pos.error());
  st.position.offset = *pos;
  for (size_t i = 0; i < cols.size() && i < row.size(); ++i) {
    if (cols[i] == "Executed_Gtid_Set" && row[i]) st.gtid = *row[i];
  }
  std::erase(st.gtid, '\n');  // MySQL prints long GTID sets over several lines
  if (conn.server().flavor == Flavor::kMariaDB) {
    auto g = conn.query_value("SELECT @@GLOBAL.gtid_binlog_pos");
    if (g && *g) st.gtid = **g;
  }
  return st;
}

core::Result<std::vector<BinlogFile>> read_binlog_files(Connection& conn) {
  auto rows = conn.query("SHOW BINARY LOGS");
  if (!rows) {
    return core::fail(
        rows.error().with_context("listing the binlog files (SHOW BINARY LOGS needs REPLICATION CLIENT, or "
                                  "BINLOG MONITOR on MariaDB)"));
  }
  std::vector<BinlogFile> files;
  for (const OwnedRow& r : *rows) {
    if (r.size() < 2 || !r[0]) continue;
    auto size = parse_count(r[1], "binlog file size");
    if (!size) return core::fail(size.error());
    files.push_back(BinlogFile{*r[0], *size});
  }
  if (files.empty()) return core::fail(binlog_off("SHOW BINARY LOGS"));
  return files;
}

core::Result<std::string> read_source_identity(Connection& conn) {
  if (conn.server().flavor == Flavor::kMySQL) {
    auto uuid = conn.query_value("SELECT @@GLOBAL.server_uuid");
    if (!uuid) return core::fail(uuid.error().with_context("reading the server's server_uuid"));
    if (!*uuid || (*uuid)->empty())
      return core::fail(core::ErrorCode::kServer, "the server reported no server_uuid");
    return "uuid:" + **uuid;
  }
  auto rows = conn.query("SELECT @@GLOBAL.server_id, @@GLOBAL.gtid_domain_id");
  if (!rows)
    return core::fail(rows.error().with_context("reading the server's server_id and gtid_domain_id"));
  if (rows->empty() || (*rows)[0].size() < 2 || !(*rows)[0][0] || !(*rows)[0][1]) {
    return core::fail(core::ErrorCode::kServer, "the server reported no server_id");
  }
  return "server_id:" + *(*rows)[0][0] + ",domain:" + *(*rows)[0][1];
}

}  // namespace sluice::mysql
