// Rules about the target's account and role: reachable, its privileges (and no more than
// needed), writable, not replicating the same tables itself. See docs/preflight.md.
#include "preflight/target_rules.h"

#include <algorithm>

#include "preflight/grant_set.h"
#include "preflight/rules.h"

namespace sluice::preflight {
namespace {

using S = CheckStatus;

CheckResult target_grants_unreadable(const TargetFacts& t, std::string name) {
  return {S::kWarning, std::move(name),
          "cannot read the target account's grants (SHOW GRANTS: " + t.server.grants_error + ")",
          "check the grants by hand with SHOW GRANTS as " + grantee(t.server) + " on the target"};
}

// The privileges of `wanted` that the account lacks on `database`, in `wanted`'s order.
std::vector<std::string> missing_on(const GrantSet& grants, const std::vector<std::string>& wanted,
                                    const std::string& database) {
  std::vector<std::string> out;
  for (const std::string& p : wanted) {
    if (!grants.has_on_database(p, database)) out.push_back(p);
  }
  return out;
}

// One check over `databases`: ok, or failed with one GRANT per database naming what is missing.
CheckResult database_privileges(const TargetFacts& t, std::string name,
                                const std::vector<std::string>& databases,
                                const std::vector<std::string>& wanted, const std::string& purpose) {
  if (!t.server.grants_error.empty()) return target_grants_unreadable(t, std::move(name));
  GrantSet grants = GrantSet::parse(t.server.grants);
  std::string detail, fix;
  for (const std::string& db : databases) {
    std::vector<std::string> missing = missing_on(grants, wanted, db);
    if (missing.empty()) continue;
    detail += (detail.empty() ? "" : "; ") + quote_identifier(db) + " lacks " + join_items(missing, ", ");
    fix += (fix.empty() ? "" : " ") + std::string("GRANT ") + join_items(missing, ", ") + " ON " +
           quote_identifier(db) + ".* TO " + grantee(t.server) + ";";
  }
  if (fix.empty()) {
    return {S::kOk, std::move(name),
            join_items(wanted, ", ") + " on " + join_items(databases, ", ", 10) + " (" + purpose + ")", ""};
  }
  return {S::kFailed, std::move(name), detail + " (" + purpose + ")", fix};
}

// The channel replicates (some tables of) `db`: no do-filter at all, or one naming `db`.
bool channel_covers(const TargetChannel& c, const std::string& db) {
  if (std::find(c.ignore_dbs.begin(), c.ignore_dbs.end(), db) != c.ignore_dbs.end()) return false;
  if (c.do_dbs.empty() && c.do_tables.empty() && c.wild_do_tables.empty()) return true;
  if (std::find(c.do_dbs.begin(), c.do_dbs.end(), db) != c.do_dbs.end()) return true;
  auto in_db = [&](const std::string& table) { return table.rfind(db + ".", 0) == 0; };
  if (std::any_of(c.do_tables.begin(), c.do_tables.end(), in_db)) return true;
  return std::any_of(c.wild_do_tables.begin(), c.wild_do_tables.end(), [&](const std::string& pattern) {
    return grant_pattern_matches(pattern.substr(0, pattern.find('.')), db);
  });
}

std::string stop_channel_fix(const TargetFacts& t, const TargetChannel& c) {
  const ServerFacts& f = t.server;
  if (f.on_rds())
    return "CALL mysql.rds_stop_replication; CALL mysql.rds_reset_external_master; (or replicate other "
           "databases)";
  std::string quoted = "'" + c.name + "'";
  if (f.is_mariadb()) {
    return "STOP SLAVE " + quoted + "; RESET SLAVE " + quoted +
           " ALL; on the target (or replicate other databases)";
  }
  std::string channel = c.name.empty() ? "" : " FOR CHANNEL " + quoted;
  return "STOP REPLICA" + channel + "; RESET REPLICA ALL" + channel +
         "; on the target (or replicate other databases)";
}

}  // namespace

std::vector<std::string> target_data_privileges(const TargetRequest& request) {
  std::vector<std::string> p = {"SELECT", "INSERT", "UPDATE",     "DELETE",      "CREATE",   "DROP",
                                "ALTER",  "INDEX",  "REFERENCES", "CREATE VIEW", "SHOW VIEW"};
  if (request.routines) {
    p.emplace_back("CREATE ROUTINE");
    p.emplace_back("ALTER ROUTINE");
  }
  return p;
}

std::vector<std::string> target_position_privileges() {
  return {"SELECT", "INSERT", "UPDATE", "DELETE", "CREATE"};
}

std::string target_database(const TargetRequest& request, const std::string& source_db) {
  auto it = request.rename.find(source_db);
  return it == request.rename.end() ? source_db : it->second;
}

CheckResult check_target_server(const TargetFacts& target) {
  const ServerFacts& f = target.server;
  std::string detail = describe_server(f) + ", version " + f.version + ", connected as " +
                       (f.current_user.empty() ? "?" : f.current_user);
  if (f.variable("innodb_read_only").value_or("OFF") == "ON") {
    return {S::kFailed, "target_server",
            detail + "; innodb_read_only=ON: an Aurora reader or read-only instance",
            "point the target at the writer (the cluster endpoint of Aurora, the primary of RDS)"};
  }
  bool old = f.is_mariadb() ? !f.at_least(10, 3) : !f.at_least(5, 7);
  if (old) {
    return {S::kWarning, "target_server", detail + "; older than sluice supports (MySQL 5.7+, MariaDB 10.3+)",
            "upgrade the target, or expect untested behaviour"};
  }
  return {S::kOk, "target_server", detail, ""};
}

CheckResult check_target_privileges(const TargetFacts& target, const TargetRequest& request) {
  if (request.databases.empty()) {
    return {S::kInfo, "target_privileges", "no replicated database on the source yet (filter_dbs)", ""};
  }
  std::vector<std::string> dbs;
  for (const std::string& db : request.databases) dbs.push_back(target_database(request, db));
  return database_privileges(target, "target_privileges", dbs, target_data_privileges(request),
                             "rows and DDL of the replicated databases");
}

CheckResult check_target_position_privileges(const TargetFacts& target, const TargetRequest& request) {
  return database_privileges(target, "target_position_privileges", {request.position_schema},
                             target_position_privileges(),
                             "the applied-position table, written with the rows");
}

CheckResult check_target_no_admin(const TargetFacts& target) {
  const std::string name = "target_no_admin";
  if (!target.server.grants_error.empty()) return target_grants_unreadable(target, name);
  GrantSet grants = GrantSet::parse(target.server.grants);
  std::vector<std::string> global;
  for (const GrantLine& g : grants.lines()) {
    if (g.revoke || g.database != "*") continue;
    for (const std::string& p : g.privileges) {
      if (p != "USAGE" && std::find(global.begin(), global.end(), p) == global.end()) global.push_back(p);
    }
  }
  if (global.empty()) {
    return {S::kOk, name, "no privilege on *.*: the applier needs no SUPER and no admin privilege", ""};
  }
  std::string list = join_items(global, ", ");
  return {S::kInfo, name,
          "the account holds " + list + " on *.*, more than sluice needs (no SUPER, no admin)",
          "after the database GRANTs of target_privileges: REVOKE " + list + " ON *.* FROM " +
              grantee(target.server) + ";"};
}

CheckResult check_target_writable(const TargetFacts& target) {
  const ServerFacts& f = target.server;
  for (const char* var : {"super_read_only", "read_only"}) {
    if (f.variable(var).value_or("OFF") != "ON") continue;
    return {S::kFailed, "target_writable",
            std::string(var) +
                "=ON: the target refuses writes from an account without SUPER (a replica or "
                "standby?)",
            set_variable_fix(f, "read_only", "OFF", true)};
  }
  return {S::kOk, "target_writable", "read_only=OFF", ""};
}

CheckResult check_target_replication(const TargetFacts& target, const TargetRequest& request) {
  const std::string name = "target_replication";
  if (!target.channels_error.empty()) {
    return {
        S::kInfo, name,
        "cannot tell whether the target replicates the same tables itself (" + target.channels_error + ")",
        "check SHOW REPLICA STATUS (MariaDB: SHOW ALL SLAVES STATUS) on the target as an admin"};
  }
  if (target.channels.empty()) return {S::kOk, name, "the target replicates from no other server", ""};
  for (const TargetChannel& c : target.channels) {
    for (const std::string& source_db : request.databases) {
      std::string db = target_database(request, source_db);
      if (!channel_covers(c, db)) continue;
      std::string channel = c.name.empty() ? "its replication" : "replication channel '" + c.name + "'";
      return {S::kFailed, name,
              "the target replicates " + quote_identifier(db) + " itself (" + channel + " from " +
                  (c.source_host.empty() ? "?" : c.source_host) + (c.running ? ", running" : ", stopped") +
                  "): two writers on the same tables diverge",
              stop_channel_fix(target, c)};
    }
  }
  return {S::kOk, name, "the target replicates only other databases than these", ""};
}

void evaluate_target(const TargetFacts& target, const ServerFacts& source, const SourceShape& shape,
                     const TargetRequest& request, PreflightReport& report) {
  auto& c = report.checks;
  c.push_back(check_target_server(target));
  c.push_back(check_target_privileges(target, request));
  c.push_back(check_target_position_privileges(target, request));
  c.push_back(check_target_no_admin(target));
  c.push_back(check_target_writable(target));
  c.push_back(check_target_replication(target, request));
  c.push_back(check_target_function_creators(target, shape, request));
  c.push_back(check_target_lower_case(target, source, shape));
  c.push_back(check_target_collations(target, shape));
  c.push_back(check_target_packet(target, source, shape));
  c.push_back(check_target_sql_mode(target, source));
  c.push_back(check_target_time_zone(target, source, shape));
  c.push_back(check_target_types(target, source, shape));
}

}  // namespace sluice::preflight
