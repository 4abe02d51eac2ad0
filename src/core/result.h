#pragma once
/// Errors as values: every expected failure (bad input, server error, lost connection)
/// travels as a `Result<T>`; exceptions never cross a module boundary.

#include <cstdint>
#include <expected>
#include <string>
#include <utility>

namespace sluice::core {

/// What kind of failure; policy code (retry, stop, report) reads this, not message text.
enum class ErrorCode : uint8_t {
  kInvalidArgument = 1,  ///< bad CLI argument or config value
  kConfig = 2,           ///< config/catalog/state file unreadable or malformed
  kConnect = 3,          ///< host unreachable, port closed, DNS failure
  kAuth = 4,             ///< wrong user/password, missing privilege to log in
  kTls = 5,              ///< TLS required but refused, certificate does not verify
  kServer = 6,           ///< the server answered with an error
  kIo = 7,               ///< local file or socket I/O failed
  kCorrupt = 8,          ///< bytes that cannot be what they claim (checksum, impossible length)
  kUnsupported = 9,      ///< a valid input sluice does not handle
  kNotFound = 10,        ///< table, file, position does not exist
  kBinlogPurged = 11,    ///< the requested binlog position is gone from the server
  kTimeout = 12,         ///< an operation exceeded its deadline
  kPrivilege = 13,       ///< the user lacks a needed grant
  kSchemaMismatch = 14,  ///< row metadata and schema history disagree
  kCancelled = 15,       ///< shutdown requested
  kInternal = 16,        ///< a bug in sluice
};

/// An error with context. `message` is one line a user can act on: what failed and the fix.
struct Error {
  ErrorCode code = ErrorCode::kInternal;
  std::string message;
  bool retryable = false;  ///< the same call may succeed later (network blip, server restart)
  bool data_loss = false;  ///< continuing would lose or corrupt data

  /// Returns a copy whose message is prefixed with `context + ": "`.
  [[nodiscard]] Error with_context(const std::string& context) const {
    Error e = *this;
    e.message = context + ": " + message;
    return e;
  }
};

template <typename T>
using Result = std::expected<T, Error>;
using Status = std::expected<void, Error>;

/// Builds the unexpected side of a Result: `return fail(ErrorCode::kConfig, "...")`.
inline std::unexpected<Error> fail(ErrorCode code, std::string message, bool retryable = false,
                                   bool data_loss = false) {
  return std::unexpected<Error>(Error{code, std::move(message), retryable, data_loss});
}
inline std::unexpected<Error> fail(Error e) { return std::unexpected<Error>(std::move(e)); }

/// A successful Status.
inline Status ok() { return {}; }

}  // namespace sluice::core

/// Propagates the error of a Result/Status expression, else yields nothing.
#define SLUICE_TRY(expr)                                          \
  do {                                                            \
    auto&& sluice_try_r_ = (expr);                                \
    if (!sluice_try_r_) return ::sluice::core::fail(std::move(sluice_try_r_).error()); \
  } while (0)
