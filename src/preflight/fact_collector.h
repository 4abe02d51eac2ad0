#pragma once
/// Reads the ServerFacts that the rules judge, through one connection, with the statement
/// names of each server version (SHOW REPLICAS / SHOW SLAVE HOSTS, SHOW REPLICA STATUS /
/// SHOW SLAVE STATUS, roles of MySQL 8+). A statement the account may not run is recorded
/// as an error in the facts (the rules turn it into a warning), not returned as a failure.

#include "core/result.h"
#include "mysql/connection.h"
#include "preflight/server_facts.h"

namespace sluice::preflight {

/// Collects the facts for `request` (its filter_dbs choose the databases looked at).
/// Fails only when the server cannot be queried at all (lost connection, no variables).
core::Result<ServerFacts> collect_facts(mysql::Connection& conn, const PreflightRequest& request);

/// What any server says of itself and of the account: identity, the global variables `names`,
/// platform (RDS, Aurora) and grants. Fails only when the variables cannot be read.
core::Result<ServerFacts> collect_server_basics(mysql::Connection& conn,
                                                const std::vector<std::string>& names);

/// The global variables preflight reads (lower-case names).
const std::vector<std::string>& collected_variable_names();

}  // namespace sluice::preflight
