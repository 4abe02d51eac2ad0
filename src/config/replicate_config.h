#pragma once
/// The `target` and `replicate` parts of a config file (`sluice replicate`, docs/replication.md):
/// the MySQL-family server kept up to date (the same connection keys as the source, its
/// `ssh_tunnel` too), and the pipeline's own keys: the transaction log directory, which tables
/// are followed (include/exclude patterns with `*` and `?`), a database rename map, where a new
/// pipeline starts, and the target's position table. Problems one line each, as job_config.h.

#include <cstdint>
#include <map>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/source_config.h"
#include "core/result.h"

namespace sluice::config {

/// The `target` section: a server reached like the source (host, port, user, password, TLS keys,
/// ssh_tunnel, timeouts, session_sqls), and `position_schema`, the target database of the
/// applier's `apply_position` table (`sluice check` checks the account's privileges on it).
struct TargetConfig {
  mysql::ConnectOptions connection;
  std::string position_schema = "sluice";
};

/// A "HOST:PORT" to listen on ("127.0.0.1:9187", "[::1]:9187").
struct ListenAddress {
  std::string host;
  uint16_t port = 0;
  std::string str() const;  ///< as written
};
/// `text` as HOST:PORT (port 1-65535); the error is one line naming `what`.
core::Result<ListenAddress> parse_listen_address(std::string_view text, std::string_view what);

/// The `replicate` section.
struct ReplicateSettings {
  std::string journal_dir;                    ///< `journal_dir`: the transaction log (required)
  std::vector<std::string> include;           ///< `include`: "db.table" patterns followed (empty: all)
  std::vector<std::string> exclude;           ///< `exclude`: "db.table" patterns not followed
  std::map<std::string, std::string> rename;  ///< `rename`: source database -> target database
  /// `start` of a new log: "now" (default), "FILE:POS", or a GTID set / MariaDB GTID position.
  std::string start = "now";
  std::string name = "default";            ///< `name`: this pipeline's row in apply_position
  size_t batch_rows = 5000;        ///< `batch_rows`: rows per target transaction (several source ones)
  uint64_t journal_max_bytes = 0;  ///< `journal_max_bytes`: the log's size limit (0: none)
  uint64_t journal_max_age_s = 0;  ///< `journal_max_age_seconds`: applied segments kept this long
  bool initial_copy = false;       ///< `initial_copy`: provision the target first (--initial-copy)
  size_t initial_copy_chunk_rows = 10000;  ///< `initial_copy_chunk_rows`: rows per copied chunk
  /// `metrics_listen`: where `sluice replicate` serves Prometheus metrics (absent: nowhere).
  std::optional<ListenAddress> metrics_listen;
  /// `on_conflict`: a duplicate key on INSERT, a row missing for UPDATE or DELETE: "stop" (the
  /// pipeline stops naming them) or "overwrite" (replace / insert the after image / ignore, counted).
  enum class OnConflict : uint8_t { kStop = 0, kOverwrite = 1 };
  OnConflict on_conflict = OnConflict::kStop;
  /// `skip_transactions_writing`: databases whose `apply_position` table, written by a source
  /// transaction, marks it as applied by a sluice pipeline: the extractor drops it (loop safety).
  /// nullopt: the target's `position_schema` (parse_job_config fills it in); empty: none.
  std::optional<std::vector<std::string>> skip_transactions_writing;
};

/// The `target` section of `doc` (a whole config file) typed, nullopt when there is none; every
/// problem in one kConfig error, one line each, named `<origin> target: ...`. For a verb that
/// reads only the target part (`sluice check`); parse_job_config reads it with the rest.
core::Result<std::optional<TargetConfig>> parse_target_config(const nlohmann::json& doc, std::string_view origin,
                                                              std::vector<std::string>& warnings);
/// The `target` section of `doc`, nullopt when there is none. Problems go to `problems`.
std::optional<TargetConfig> target_from_config(const nlohmann::json& doc, std::string_view origin,
                                               std::vector<std::string>& problems,
                                               std::vector<std::string>& warnings);
/// The `replicate` section of `doc`, nullopt when there is none. Problems go to `problems`.
std::optional<ReplicateSettings> replicate_from_config(const nlohmann::json& doc, std::string_view origin,
                                                       std::vector<std::string>& problems);

}  // namespace sluice::config
