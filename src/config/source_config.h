#pragma once
/// The source config file: the Singer MySQL tap's config.json (host, port, user, password,
/// database, filter_dbs, server_id, ssl, ssl_ca, ssl_cert, ssl_key, check_hostname,
/// verify_mode, request_timeout) plus sluice's own keys (ssl_mode, connect_timeout,
/// read_timeout, session_sqls, zero_dates). See docs/configuration.md.
///
/// Validation reports every problem, one line each, naming the key and the fix. Unknown keys
/// are ignored (Singer configs carry extra keys); a likely misspelling of a known key gives a
/// warning. The password never appears in an error, a warning or a description.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "core/result.h"
#include "mysql/connection.h"

namespace sluice::config {

/// How zero dates ('0000-00-00', '2020-00-10') reach the output.
enum class ZeroDates : uint8_t {
  kNull = 0,    ///< as null (default)
  kString = 1,  ///< as the server's text, e.g. "0000-00-00 00:00:00"
};

/// A validated source config. Plain data; copy freely.
struct SourceConfig {
  mysql::ConnectOptions connection;       ///< host, port, credentials, TLS, timeouts, session_sqls
  std::vector<std::string> filter_dbs;    ///< databases to include; empty means all
  std::optional<uint32_t> server_id;      ///< replica server_id for binlog reads, when configured
  ZeroDates zero_dates = ZeroDates::kNull;
  std::vector<std::string> warnings;      ///< one line each (misspelled keys, ignored combinations)
};

/// Parses and validates a config already read as JSON. `origin` names the file in messages
/// (e.g. "config.json"). On failure the error (code kConfig) has one line per problem.
core::Result<SourceConfig> parse_source_config(const nlohmann::json& doc, std::string_view origin);

/// Parses and validates config text (JSON). Syntax errors name line and column.
core::Result<SourceConfig> parse_source_config_text(std::string_view text, std::string_view origin);

/// Reads, parses and validates the config file at `path`; `path` names the file in messages.
core::Result<SourceConfig> load_source_config(const std::string& path);

/// A multi-line, human-readable description of `config` for `--verbose` and logs; the password
/// is shown as "(set)" or "(empty)", never its value.
std::string describe(const SourceConfig& config);

}  // namespace sluice::config
