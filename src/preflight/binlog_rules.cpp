// Rules about the binary log: what LOG_BASED replication needs from the server.
#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>

#include "preflight/rules.h"

namespace sluice::preflight {
namespace {

using S = CheckStatus;

std::string upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

// Upper-cased value of a variable, "" when the server lacks it.
std::string value_of(const ServerFacts& f, const std::string& name) { return upper(f.variable(name).value_or("")); }

bool is_on(const std::string& v) { return v == "ON" || v == "1" || v == "TRUE"; }

std::optional<uint64_t> to_u64(const std::string& s) {
  uint64_t v = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || ptr != s.data() + s.size()) return std::nullopt;
  return v;
}

std::optional<double> to_double(const std::string& s) {
  double v = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || ptr != s.data() + s.size() || !std::isfinite(v) || v < 0) return std::nullopt;
  return v;
}

std::string retention_fix(const ServerFacts& f) {
  if (f.on_rds()) return "CALL mysql.rds_set_configuration('binlog retention hours', 168);";
  bool seconds_var = f.variable("binlog_expire_logs_seconds").has_value();
  if (seconds_var) return set_variable_fix(f, "binlog_expire_logs_seconds", "604800", true);
  return set_variable_fix(f, "expire_logs_days", "7", true);
}

}  // namespace

std::optional<Retention> effective_retention(const ServerFacts& f) {
  if (f.on_rds()) {
    if (!f.rds_configuration_read) return std::nullopt;
    if (!f.rds_binlog_retention_hours) return Retention{0, "binlog retention hours=NULL", true};
    uint64_t h = *f.rds_binlog_retention_hours;
    return Retention{h * 3600, "binlog retention hours=" + std::to_string(h), false};
  }
  auto secs_text = f.variable("binlog_expire_logs_seconds");
  auto days_text = f.variable("expire_logs_days");
  std::optional<uint64_t> secs = secs_text ? to_u64(*secs_text) : std::nullopt;
  std::optional<double> days = days_text ? to_double(*days_text) : std::nullopt;
  // binlog_expire_logs_seconds wins when set (MySQL 8; MariaDB keeps the two in step).
  if (secs && *secs > 0) return Retention{*secs, "binlog_expire_logs_seconds=" + *secs_text, false};
  if (days && *days > 0) {
    return Retention{static_cast<uint64_t>(std::llround(*days * 86400.0)), "expire_logs_days=" + *days_text, false};
  }
  if (secs || days) {
    return Retention{0, secs ? "binlog_expire_logs_seconds=0" : "expire_logs_days=0", false};
  }
  return std::nullopt;
}

CheckResult check_log_bin(const ServerFacts& f) {
  if (is_on(value_of(f, "log_bin"))) return {S::kOk, "log_bin", "binary logging is ON", ""};
  std::string fix;
  if (f.platform == Platform::kAurora) {
    fix = "set binlog_format=ROW in the DB cluster parameter group (Aurora turns the binlog on with it), "
          "then reboot the writer";
  } else if (f.platform == Platform::kRds) {
    fix = "enable automated backups (backup retention period 1 day or more): RDS turns the binlog on with them";
  } else {
    fix = "add log_bin=mysql-bin and server_id=<unique number> under [mysqld] in my.cnf, then restart the server";
  }
  return {S::kFailed, "log_bin", "binary logging is OFF: LOG_BASED has no binlog to read", fix};
}

CheckResult check_binlog_format(const ServerFacts& f) {
  std::string v = value_of(f, "binlog_format");
  if (v == "ROW") return {S::kOk, "binlog_format", "ROW", ""};
  std::string shown = v.empty() ? "unknown" : v;
  return {S::kFailed, "binlog_format",
          "binlog_format is " + shown + ": LOG_BASED needs ROW events (a " + shown +
              " binlog carries SQL text, not rows; sessions already open keep their format until they reconnect)",
          set_variable_fix(f, "binlog_format", "ROW", true)};
}

CheckResult check_binlog_row_image(const ServerFacts& f) {
  std::string v = value_of(f, "binlog_row_image");
  if (v == "FULL" || v.empty()) {
    return {S::kOk, "binlog_row_image", v.empty() ? "FULL (server default)" : "FULL", ""};
  }
  std::string what = v == "MINIMAL"
                         ? "updates and deletes log only the key and the changed columns"
                         : "BLOB/TEXT/JSON columns that did not change are left out of update images";
  return {S::kWarning, "binlog_row_image",
          "binlog_row_image is " + v + ": " + what +
              "; sluice reports the absent columns as absent (not NULL), so sinks get partial rows",
          set_variable_fix(f, "binlog_row_image", "FULL", true)};
}

CheckResult check_binlog_row_metadata(const ServerFacts& f) {
  auto v = f.variable("binlog_row_metadata");
  if (!v) {
    return {S::kInfo, "binlog_row_metadata",
            "not available on this server version: sluice follows table schemas through the DDL in the binlog",
            ""};
  }
  if (upper(*v) == "FULL") {
    return {S::kOk, "binlog_row_metadata", "FULL: each event carries column names and types", ""};
  }
  return {S::kWarning, "binlog_row_metadata",
          "binlog_row_metadata is " + upper(*v) +
              ": events carry no column names, so sluice relies on its schema history, which needs every DDL "
              "since the start position",
          set_variable_fix(f, "binlog_row_metadata", "FULL", true)};
}

CheckResult check_binlog_compression(const ServerFacts& f) {
  const std::string name = "binlog_compression";
  if (f.is_mariadb()) {
    auto v = f.variable("log_bin_compress");
    if (!v) return {S::kOk, name, "no binlog compression on this version", ""};
    return {S::kOk, name,
            is_on(upper(*v)) ? "log_bin_compress=ON: sluice decodes MariaDB's compressed events"
                             : "log_bin_compress=OFF (sluice also reads compressed events)",
            ""};
  }
  auto v = f.variable("binlog_transaction_compression");
  if (!v) return {S::kOk, name, "no binlog transaction compression on this version", ""};
  return {S::kOk, name,
          is_on(upper(*v)) ? "binlog_transaction_compression=ON: sluice decodes the zstd TRANSACTION_PAYLOAD events"
                           : "binlog_transaction_compression=OFF (sluice also reads compressed transactions)",
          ""};
}

CheckResult check_binlog_retention(const ServerFacts& f) {
  const std::string name = "binlog_retention";
  auto r = effective_retention(f);
  if (!r) {
    std::string why = f.on_rds() ? "mysql.rds_show_configuration failed: " + f.rds_configuration_error
                                 : "the server reports no expiry setting";
    return {S::kWarning, name, "cannot tell how long binlogs are kept (" + why + ")", retention_fix(f)};
  }
  if (r->rds_null) {
    return {S::kFailed, name,
            "binlog retention hours is NULL: RDS purges binlogs as soon as it can, so a job that runs later finds "
            "its position gone and must resync",
            retention_fix(f)};
  }
  if (r->seconds == 0) {
    return {S::kOk, name,
            r->source + ": binlogs never expire; watch the disk (PURGE BINARY LOGS BEFORE ...), sluice needs 3 to "
                        "7 days",
            ""};
  }
  std::string kept = "binlogs are kept " + human_duration(r->seconds) + " (" + r->source + ")";
  if (r->seconds < kMinRetentionSeconds) {
    return {S::kFailed, name,
            kept + ": too short; a job that does not run for that long loses its binlog position and must resync "
                   "every LOG_BASED table (3 to 7 days recommended)",
            retention_fix(f)};
  }
  return {S::kOk, name, kept + "; 3 to 7 days recommended", ""};
}

CheckResult check_gtid(const ServerFacts& f) {
  const std::string name = "gtid";
  if (f.is_mariadb()) {
    if (is_on(value_of(f, "gtid_strict_mode"))) return {S::kOk, name, "MariaDB GTIDs, gtid_strict_mode=ON", ""};
    return {S::kInfo, name,
            "MariaDB GTIDs with gtid_strict_mode=OFF: sluice bookmarks file/position and GTID; strict mode keeps "
            "sequence numbers monotonic for failover",
            set_variable_fix(f, "gtid_strict_mode", "ON", true)};
  }
  std::string mode = value_of(f, "gtid_mode");
  std::string enforce = value_of(f, "enforce_gtid_consistency");
  if (mode == "ON") return {S::kOk, name, "gtid_mode=ON, enforce_gtid_consistency=" + enforce, ""};
  if (mode.empty()) return {S::kInfo, name, "no GTIDs on this server: sluice bookmarks file/position", ""};
  if (mode == "OFF") {
    return {S::kInfo, name,
            "gtid_mode=OFF: sluice bookmarks file/position, which do not survive a failover to another server",
            f.on_rds() ? set_variable_fix(f, "gtid_mode", "ON", false)
                       : "to use GTIDs: enforce_gtid_consistency=ON, then gtid_mode=OFF_PERMISSIVE, ON_PERMISSIVE, ON"};
  }
  return {S::kWarning, name,
          "gtid_mode=" + mode + ": the binlog mixes anonymous and GTID transactions, so GTID bookmarks are not "
                                "usable; sluice falls back to file/position",
          "finish the migration: SET GLOBAL gtid_mode=ON (after enforce_gtid_consistency=ON)"};
}

CheckResult check_replica_updates(const ServerFacts& f) {
  const std::string name = "replica_updates";
  if (!f.replica_status_error.empty()) {
    return {S::kInfo, name,
            "cannot tell whether this server is a replica (" + f.replica_status_error +
                "); if it is, log_replica_updates must be ON",
            ""};
  }
  if (!f.is_replica) return {S::kOk, name, "this server is not a replica" + f.replica_status_note, ""};
  bool has_new = f.variable("log_replica_updates").has_value();
  std::string var = has_new ? "log_replica_updates" : "log_slave_updates";
  if (is_on(value_of(f, var))) {
    return {S::kOk, name, "this server is a replica and writes replicated changes to its binlog (" + var + "=ON)",
            ""};
  }
  std::string fix = f.on_rds() ? "enable automated backups on the read replica (RDS then sets " + var + "=ON)"
                               : set_variable_fix(f, var, "ON", false);
  return {S::kFailed, name,
          "this server is a replica with " + var + "=OFF: changes it receives from its source are not in its "
                                                   "binlog, so LOG_BASED would miss them",
          fix};
}

CheckResult check_server_id(const ServerFacts& f, const PreflightRequest& request) {
  const std::string name = "server_id";
  uint64_t own = to_u64(f.variable("server_id").value_or("0")).value_or(0);
  uint32_t proposal = propose_server_id(f.replica_server_ids, own, request.random_seed);
  std::string use = "set \"server_id\": " + std::to_string(proposal) + " in config.json (a free id)";
  if (!request.server_id) {
    return {S::kWarning, name,
            "no server_id configured; sluice reads the binlog as a replica and needs an id unique among the "
            "server and its replicas; proposed: " + std::to_string(proposal),
            use};
  }
  auto id = parse_server_id(*request.server_id);
  if (!id) {
    return {S::kFailed, name, "server_id '" + *request.server_id + "' is not a number in 1..4294967295", use};
  }
  std::string sid = std::to_string(*id);
  if (*id == own) {
    return {S::kFailed, name,
            "server_id " + sid + " is the server's own @@server_id; a replica must use a different one", use};
  }
  if (std::find(f.replica_server_ids.begin(), f.replica_server_ids.end(), *id) != f.replica_server_ids.end()) {
    return {S::kFailed, name,
            "server_id " + sid + " is already used by a replica of this server; the server disconnects one of two "
                                 "replicas with the same id",
            use};
  }
  if (!f.replicas_error.empty()) {
    // MariaDB 10.5+ wants REPLICATION MASTER ADMIN for SHOW SLAVE HOSTS, which a replication
    // account rarely has; a random high id is very unlikely to collide, so this is a note.
    std::string list = f.is_mariadb() ? "SHOW SLAVE HOSTS" : "SHOW REPLICAS";
    std::string priv = f.is_mariadb() ? "REPLICATION MASTER ADMIN" : "REPLICATION SLAVE";
    return {S::kInfo, name,
            "server_id " + sid + " differs from the server's own (" + std::to_string(own) +
                "); other replicas' ids not checked (" + list + ": " + f.replicas_error + ")",
            "make sure no other replica uses " + sid + " (" + list + " as an admin), or GRANT " + priv +
                " ON *.* TO " + grantee(f) + "; to let sluice check"};
  }
  return {S::kOk, name,
          "server_id " + sid + " (server's own: " + std::to_string(own) + "; " +
              std::to_string(f.replica_server_ids.size()) + " other replica(s) connected, none with this id)",
          ""};
}

}  // namespace sluice::preflight
