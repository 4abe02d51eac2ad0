#pragma once
/// The outcome of one preflight check and the report that gathers them.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "change/method.h"

namespace sluice::preflight {

/// How a check came out. Only kFailed makes `sluice check` exit non-zero.
enum class CheckStatus : uint8_t {
  kOk = 0,       ///< the requirement is met
  kInfo = 1,     ///< nothing to fix; a note worth reading
  kWarning = 2,  ///< sluice works, with a caveat the detail explains
  kFailed = 3,   ///< a configured replication method cannot work until this is fixed
};

/// "ok", "info", "warning", "failed".
std::string_view status_name(CheckStatus status);

/// A set of methods; which ones the user will run decides which checks apply.
struct MethodSet {
  uint8_t bits = 0b111;  ///< bit i = change::Method i; default: all three

  /// The empty set (add() methods to it).
  static MethodSet none() { return MethodSet{0}; }
  bool has(change::Method m) const { return (bits >> static_cast<unsigned>(m) & 1U) != 0; }
  void add(change::Method m) { bits = static_cast<uint8_t>(bits | (1U << static_cast<unsigned>(m))); }
  bool empty() const { return bits == 0; }
  /// Names of the members (change::method_option), in catalog order.
  std::vector<std::string> names() const;
};

/// One line of the report.
struct CheckResult {
  CheckStatus status = CheckStatus::kOk;
  std::string name;    ///< short, stable identifier (e.g. "binlog_format"), used in --json
  std::string detail;  ///< what was found, and what it means for sluice
  std::string fix;     ///< one line: what to change (empty when nothing to do)
};

/// All checks of one run, in the order they were made.
struct PreflightReport {
  MethodSet methods;
  std::string server;  ///< e.g. "MariaDB 10.11.6 (self-managed)"
  std::string target;  ///< the replication target, described the same way; empty without one
  std::vector<CheckResult> checks;

  /// True when at least one check failed.
  bool failed() const;
  /// Number of checks with `status`.
  size_t count(CheckStatus status) const;
  /// The check named `name`, or nullptr.
  const CheckResult* find(std::string_view name) const;
};

}  // namespace sluice::preflight
