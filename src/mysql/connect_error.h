#pragma once
/// Internal to the mysql module: turning Connector/C error numbers and texts into one-line
/// core::Errors that name the problem and the fix. Never includes the password.

#include <string>
#include <string_view>

#include "core/result.h"
#include "mysql/connection.h"

namespace sluice::mysql::detail {

/// What the client library reported for a failed call.
struct ClientError {
  unsigned number = 0;     ///< mysql_errno()
  std::string text;        ///< mysql_error()
  double elapsed_s = 0;    ///< how long the failed attempt took (tells refused from timed out)
  unsigned read_timeout_s = 0;  ///< the connection's read timeout (0: unknown), for stall messages
  uint32_t heartbeat_ms = 0;    ///< heartbeats asked of the server (a binlog dump), 0: none
};

/// The error for a failed mysql_real_connect() with `options`.
core::Error connect_error(const ConnectOptions& options, const ClientError& err);

/// The error for a failed statement; `context` says what was being done ("query ..."). A read
/// that timed out (the server stopped answering) is kTimeout naming read_timeout and the fix.
core::Error statement_error(std::string_view context, const ClientError& err);

/// `host:port` as shown in messages.
std::string endpoint(const ConnectOptions& options);

}  // namespace sluice::mysql::detail
