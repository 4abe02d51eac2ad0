#pragma once
/// Everything preflight learns from a server, collected once (fact_collector.h) and then
/// judged by pure rules (rules.h). Tests build these structs by hand.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "mysql/connection.h"
#include "preflight/check_result.h"

namespace sluice::preflight {

/// Where the server runs; decides which fix is offered (my.cnf or an RDS parameter group).
enum class Platform : uint8_t { kSelfManaged = 0, kRds = 1, kAurora = 2 };

/// A table of the selected databases that is not on InnoDB.
struct TableEngine {
  std::string schema;
  std::string table;
  std::string engine;
};

/// Facts about the server and the account, as read through one connection.
struct ServerFacts {
  mysql::Flavor flavor = mysql::Flavor::kMySQL;
  std::string version;  ///< full version string, e.g. "10.11.6-MariaDB-0+deb12u1"
  uint32_t major = 0, minor = 0, patch = 0;
  Platform platform = Platform::kSelfManaged;
  bool tls = false;         ///< this connection is encrypted
  std::string tls_version;  ///< e.g. "TLSv1.3"

  /// Global variables by lower-case name (only the ones preflight reads); absent = the
  /// server does not have the variable.
  std::map<std::string, std::string> variables;

  std::string current_user;         ///< CURRENT_USER(), e.g. "sluice@%"
  std::vector<std::string> grants;  ///< SHOW GRANTS lines, including those of active roles
  std::string grants_error;         ///< why SHOW GRANTS failed (empty when it worked)

  /// Server ids of the replicas connected to this server (SHOW REPLICAS / SHOW SLAVE HOSTS).
  std::vector<uint64_t> replica_server_ids;
  std::string replicas_error;  ///< why the list could not be read (then the list is unknown)

  /// This server replicates from another one (SHOW REPLICA STATUS returned a row).
  bool is_replica = false;
  std::string replica_status_error;  ///< why replica status could not be read
  std::string replica_status_note;   ///< how is_replica was learnt when not from replica status

  /// RDS/Aurora `binlog retention hours` from mysql.rds_show_configuration: nullopt = NULL.
  std::optional<uint64_t> rds_binlog_retention_hours;
  bool rds_configuration_read = false;  ///< rds_show_configuration answered
  std::string rds_configuration_error;

  std::vector<std::string> databases;        ///< the databases sluice will read (existing ones)
  std::vector<std::string> missing_databases;  ///< asked for in filter_dbs but not visible
  std::vector<TableEngine> non_innodb_tables;  ///< base tables of `databases` not on InnoDB
  std::string tables_error;

  /// The value of global variable `name`, or nullopt.
  std::optional<std::string> variable(const std::string& name) const;
  /// True when the server runs at least version major.minor.patch.
  bool at_least(uint32_t ma, uint32_t mi, uint32_t pa = 0) const;
  bool is_mariadb() const { return flavor == mysql::Flavor::kMariaDB; }
  bool on_rds() const { return platform != Platform::kSelfManaged; }
};

/// What the user asked for: from config.json and the command line.
struct PreflightRequest {
  MethodSet methods;                      ///< default: all three
  std::optional<std::string> server_id;   ///< as written in the config (validated by the rules)
  mysql::SslMode ssl_mode = mysql::SslMode::kPreferred;
  std::vector<std::string> filter_dbs;    ///< empty = every non-system database
  uint64_t random_seed = 0;               ///< 0 = seed from the clock (tests fix it)
};

}  // namespace sluice::preflight
