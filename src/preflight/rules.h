#pragma once
/// The preflight rules: pure functions from collected facts (server_facts.h) and the user's
/// request to check results with a one-line fix. No I/O here: unit tests feed facts by hand.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "preflight/check_result.h"
#include "preflight/server_facts.h"

namespace sluice::preflight {

/// Runs every rule that applies to `request.methods`, in report order.
PreflightReport evaluate(const ServerFacts& facts, const PreflightRequest& request);

/// "MariaDB 10.11.6 (self-managed)", "MySQL 8.0.35 on Amazon RDS".
std::string describe_server(const ServerFacts& facts);

// Access: reachable server, TLS, privileges, tables (access_rules.cpp).
CheckResult check_server(const ServerFacts& facts);
CheckResult check_tls(const ServerFacts& facts, const PreflightRequest& request);
CheckResult check_select_privilege(const ServerFacts& facts, const PreflightRequest& request);
CheckResult check_replication_slave(const ServerFacts& facts);
CheckResult check_replication_client(const ServerFacts& facts);
CheckResult check_snapshot_handoff(const ServerFacts& facts);
CheckResult check_table_engines(const ServerFacts& facts);

// Binary log settings (binlog_rules.cpp); all only matter to LOG_BASED.
CheckResult check_log_bin(const ServerFacts& facts);
CheckResult check_binlog_format(const ServerFacts& facts);
CheckResult check_binlog_row_image(const ServerFacts& facts);
CheckResult check_binlog_row_metadata(const ServerFacts& facts);
CheckResult check_binlog_compression(const ServerFacts& facts);
CheckResult check_binlog_retention(const ServerFacts& facts);
CheckResult check_gtid(const ServerFacts& facts);
CheckResult check_replica_updates(const ServerFacts& facts);
CheckResult check_server_id(const ServerFacts& facts, const PreflightRequest& request);

/// Recommended binlog retention: at least this many seconds (3 days), ideally 7 days.
inline constexpr uint64_t kMinRetentionSeconds = 3 * 86400;
inline constexpr uint64_t kRecommendedRetentionSeconds = 7 * 86400;

/// A server_id for sluice: random in [2^31, 2^32-1], never `own_id` nor one of `in_use`.
uint32_t propose_server_id(const std::vector<uint64_t>& in_use, uint64_t own_id, uint64_t seed);

/// Parses a server_id as written in config.json ("123", 123): nullopt unless in 1..4294967295.
std::optional<uint32_t> parse_server_id(std::string_view text);

/// The effective binlog retention in seconds (0 = never purged) and the setting it comes
/// from; nullopt when the server reports none that sluice knows.
struct Retention {
  uint64_t seconds = 0;
  std::string source;  ///< e.g. "binlog_expire_logs_seconds=3600", "binlog retention hours=NULL"
  bool rds_null = false;  ///< RDS with `binlog retention hours` NULL: purged as soon as possible
};
std::optional<Retention> effective_retention(const ServerFacts& facts);

/// How to set a global variable on this server, as one line: `SET PERSIST ...` on MySQL 8+,
/// `SET GLOBAL ...` plus my.cnf elsewhere, the (cluster) parameter group on RDS/Aurora.
std::string set_variable_fix(const ServerFacts& facts, std::string_view name, std::string_view value,
                             bool dynamic);

/// 'user'@'host' for GRANT statements, from CURRENT_USER() ("user@host").
std::string grantee(const ServerFacts& facts);

/// `items` joined by `sep`, at most `limit` of them, then "... (N more)".
std::string join_items(const std::vector<std::string>& items, std::string_view sep, size_t limit = 100);

/// `name` as a backquoted identifier (backquotes doubled).
std::string quote_identifier(const std::string& name);

/// "1 day", "3 hours", "7 days" (rounded down).
std::string human_duration(uint64_t seconds);

}  // namespace sluice::preflight
