#include "mysql/binlog_status.h"

#include <algorithm>

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

// "0-1-42,1-2-7" -> domain -> sequence number; false when it is not such a text.
bool mariadb_domains(std::string_view text, std::vector<std::pair<uint64_t, uint64_t>>& out) {
  out.clear();
  while (!text.empty()) {
    size_t comma = text.find(',');
    std::string_view item = text.substr(0, comma);
    text = comma == std::string_view::npos ? std::string_view() : text.substr(comma + 1);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    size_t d1 = item.find('-'), d2 = item.rfind('-');
    if (d1 == std::string_view::npos || d1 == d2) return false;
    uint64_t domain = 0, seq = 0;
    for (char ch : item.substr(0, d1)) {
      if (ch < '0' || ch > '9') return false;
      domain = domain * 10 + static_cast<uint64_t>(ch - '0');
    }
    for (char ch : item.substr(d2 + 1)) {
      if (ch < '0' || ch > '9') return false;
      seq = seq * 10 + static_cast<uint64_t>(ch - '0');
    }
    out.emplace_back(domain, seq);
  }
  return true;
}

}  // namespace

core::Result<bool> has_executed_gtids(Connection& conn, const std::string& gtid) {
  if (conn.server().flavor == Flavor::kMySQL) {
    auto v = conn.query_value("SELECT GTID_SUBSET(" + conn.quote_string(gtid) + ", @@GLOBAL.gtid_executed)");
    if (!v) return core::fail(v.error().with_context("comparing a GTID set with the server's"));
    return *v && **v == "1";
  }
  auto st = read_binlog_status(conn);
  if (!st) return core::fail(st.error());
  std::vector<std::pair<uint64_t, uint64_t>> want, have;
  if (!mariadb_domains(gtid, want) || !mariadb_domains(st->gtid, have) || want.empty()) return false;
  for (const auto& [domain, seq] : want) {
    auto it = std::find_if(have.begin(), have.end(), [&](const auto& h) { return h.first == domain; });
    if (it == have.end() || it->second < seq) return false;
  }
  return true;
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
  std::vector<std::pair<uint64_t, uint64_t>> da, db;
  if (!mariadb_domains(a, da) || !mariadb_domains(b, db)) {
    return core::fail(core::ErrorCode::kInvalidArgument,
                      "'" + a + "' or '" + b + "' is not a MariaDB GTID position");
  }
  std::string out;
  for (const auto& [domain, seq] : da) {
    auto it = std::find_if(db.begin(), db.end(), [&](const auto& x) { return x.first == domain; });
    if (it == db.end()) continue;
    // Keep a's item (domain-server-seq) when it is the smaller, else b's.
    auto item = [](std::string_view text, uint64_t d) {
      for (size_t at = 0; at < text.size();) {
        size_t comma = text.find(',', at);
        std::string_view one = text.substr(at, comma == std::string_view::npos ? comma : comma - at);
        while (!one.empty() && one.front() == ' ') one.remove_prefix(1);
        if (one.substr(0, one.find('-')) == std::to_string(d)) return std::string(one);
        if (comma == std::string_view::npos) break;
        at = comma + 1;
      }
      return std::string();
    };
    out += (out.empty() ? "" : ",") + (seq <= it->second ? item(a, domain) : item(b, domain));
  }
  return out;
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
