#pragma once
/// The source part of a config file (job_config.h reads the file): the Singer MySQL tap's keys
/// (host, port, user, password, database, filter_dbs, server_id, ssl, ssl_ca, ssl_cert, ssl_key,
/// check_hostname, verify_mode, request_timeout) plus sluice's own connection keys (ssl_mode,
/// connect_timeout, read_timeout, session_sqls). See docs/configuration.md.
///
/// Validation reports every problem, one line each, naming the key and the fix. The password
/// never appears in an error, a warning or a description.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "core/result.h"
#include "mysql/connection.h"

namespace sluice::config {

/// A validated source config. Plain data; copy freely.
struct SourceConfig {
  mysql::ConnectOptions connection;       ///< host, port, credentials, TLS, timeouts, session_sqls
  std::vector<std::string> filter_dbs;    ///< databases to include; empty means all
  std::optional<uint32_t> server_id;      ///< replica server_id for binlog reads, when configured
};

/// The source keys of a config document (a JSON object). `origin` names the file in messages
/// (e.g. "config.json"). On failure the error (code kConfig) has one line per problem; remarks
/// (ignored combinations of TLS keys) are appended to `warnings`.
core::Result<SourceConfig> parse_source_config(const nlohmann::json& doc, std::string_view origin,
                                               std::vector<std::string>& warnings);

/// A multi-line, human-readable description of `config` for `--verbose` and logs; the password
/// is shown as "(set)" or "(empty)", never its value.
std::string describe(const SourceConfig& config);

}  // namespace sluice::config
