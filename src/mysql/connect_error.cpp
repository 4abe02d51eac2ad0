#include "mysql/connect_error.h"

#include <cstdint>

namespace sluice::mysql::detail {
namespace {

using core::Error;
using core::ErrorCode;

// Client (CR_*) and server (ER_*) error numbers, from errmsg.h / mysqld_error.h and MySQL's
// server error reference (3159 and 3118 exist only in MySQL).
enum : unsigned {
  kCrConnectionError = 2002,
  kCrConnHostError = 2003,
  kCrUnknownHost = 2005,
  kCrServerGone = 2006,
  kCrServerLost = 2013,
  kCrSslConnectionError = 2026,
  kCrAuthPluginCannotLoad = 2059,
  kErConCount = 1040,
  kErDbAccessDenied = 1044,
  kErAccessDenied = 1045,
  kErBadDb = 1049,
  kErHostIsBlocked = 1129,
  kErHostNotPrivileged = 1130,
  kErTooManyUserConnections = 1203,
  kErMustChangePassword = 1862,
  kErAccountLocked = 3118,
  kErSecureTransportRequired = 3159,
  kErLockWaitTimeout = 1205,
  kErServerShutdown = 1053,
  kErQueryInterrupted = 1317,
  kErTableAccessDenied = 1142,
  kErSpecificAccessDenied = 1227,
  kErNoSuchTable = 1146,
};

bool contains(std::string_view haystack, std::string_view needle) {
  return haystack.find(needle) != std::string_view::npos;
}

// The 'user'@'host' part of the server's access-denied text, or 'user' from the options.
std::string account_of(const ConnectOptions& o, std::string_view text) {
  auto start = text.find("user '");
  if (start != std::string_view::npos) {
    auto end = text.find(" (using", start);
    if (end == std::string_view::npos) end = text.size();
    return std::string(text.substr(start + 5, end - start - 5));
  }
  return "'" + o.user + "'";
}

Error tls_error(const ConnectOptions& o, const ClientError& err) {
  std::string ep = endpoint(o);
  const std::string& t = err.text;
  if (contains(t, "does not support") || contains(t, "not support SSL")) {
    return Error{ErrorCode::kTls,
                 "the server at " + ep + " does not offer TLS, but ssl_mode is " +
                     std::string(ssl_mode_name(o.ssl_mode)) +
                     ": enable TLS on the server or set ssl_mode to preferred",
                 false};
  }
  if (contains(t, "expired")) {
    return Error{ErrorCode::kTls,
                 "the TLS certificate of " + ep +
                     " has expired: renew the server's certificate (ssl_cert on the server) (" + t + ")",
                 false};
  }
  if (contains(t, "alert unknown ca") || contains(t, "alert bad certificate") ||
      contains(t, "alert certificate unknown") || contains(t, "alert decrypt error") ||
      contains(t, "alert certificate required")) {
    std::string cert = o.ssl_cert.empty() ? "no client certificate was sent" : "ssl_cert " + o.ssl_cert;
    return Error{ErrorCode::kTls,
                 "the server at " + ep + " did not accept the client certificate (" + cert +
                     "): use a certificate signed by a CA the server trusts (its ssl_ca) (" + t + ")",
                 false};
  }
  if (contains(t, "Validation of SSL server certificate failed") || contains(t, "hostname") ||
      contains(t, "host name")) {
    return Error{ErrorCode::kTls,
                 "the TLS certificate of " + ep + " does not name host '" + o.host +
                     "': connect using a name the certificate lists, or set ssl_mode to verify_ca (" + t + ")",
                 false};
  }
  if (contains(t, "certificate") || contains(t, "verify")) {
    std::string ca = o.ssl_ca.empty() ? "the system CA store" : "ssl_ca " + o.ssl_ca;
    return Error{ErrorCode::kTls,
                 "the TLS certificate of " + ep + " does not verify against " + ca +
                     ": set ssl_ca to the CA that signed the server's certificate (" + t + ")",
                 false};
  }
  return Error{ErrorCode::kTls,
               "TLS handshake with " + ep + " failed: " + t +
                   "; check ssl_ca/ssl_cert/ssl_key, or try ssl_mode preferred",
               false};
}

Error network_error(const ConnectOptions& o, const ClientError& err) {
  std::string ep = endpoint(o);
  const std::string& t = err.text;
  if (err.number == kCrUnknownHost) {
    return Error{ErrorCode::kConnect,
                 "cannot resolve host '" + o.host + "' (DNS): check 'host' in the config", true};
  }
  // Connector/C 3.3 reports a refused non-blocking connect as "(115)" (EINPROGRESS), so the
  // time the attempt took tells a refusal (immediate) from a silent host (the whole timeout).
  bool timed_out = contains(t, "(110") || contains(t, "error: 110") || contains(t, "imed out") ||
                   err.elapsed_s >= 0.9 * static_cast<double>(o.connect_timeout_s);
  if (timed_out) {
    return Error{ErrorCode::kConnect,
                 "no answer from " + ep + " within connect_timeout (" + std::to_string(o.connect_timeout_s) +
                     " s): check that the host is reachable (firewall, security group) and is a MySQL server",
                 true};
  }
  if (err.number == kCrConnHostError || err.number == kCrConnectionError) {
    return Error{ErrorCode::kConnect,
                 "connection refused by " + ep +
                     ": no server listens there; check 'host' and 'port' and that the server is running",
                 true};
  }
  if (err.number == kCrServerLost || err.number == kCrServerGone) {
    return Error{ErrorCode::kConnect,
                 "the server at " + ep + " closed the connection during the handshake (" + t +
                     "): check that 'port' is a MySQL/MariaDB server, and its error log",
                 true};
  }
  return Error{ErrorCode::kConnect, "cannot connect to " + ep + ": " + t + "; check 'host' and 'port'", true};
}

}  // namespace

std::string endpoint(const ConnectOptions& options) {
  bool v6 = options.host.find(':') != std::string::npos;
  return (v6 ? "[" + options.host + "]" : options.host) + ":" + std::to_string(options.port);
}

Error connect_error(const ConnectOptions& o, const ClientError& err) {
  std::string ep = endpoint(o);
  switch (err.number) {
    case kErAccessDenied:
      return Error{ErrorCode::kAuth,
                   "access denied for " + account_of(o, err.text) + " at " + ep +
                       ": the password is wrong or the account may not log in from this host; check 'user' and "
                       "'password' in the config and the account's grants",
                   false};
    case kErHostNotPrivileged:
    case kErHostIsBlocked:
      return Error{ErrorCode::kAuth, "the server at " + ep + " refuses this client host (" + err.text +
                                         "): grant the user access from this host",
                   false};
    case kErDbAccessDenied:
      return Error{ErrorCode::kPrivilege, "user '" + o.user + "' may not use database '" + o.database + "' on " + ep +
                                              ": grant access to it or change 'database' in the config",
                   false};
    case kErBadDb:
      return Error{ErrorCode::kNotFound, "database '" + o.database + "' does not exist on " + ep +
                                             ": fix 'database' in the config (or leave it out)",
                   false};
    case kErAccountLocked:
    case kErMustChangePassword:
      return Error{ErrorCode::kAuth, "the account '" + o.user + "' on " + ep + " cannot log in: " + err.text, false};
    case kErSecureTransportRequired:
      return Error{ErrorCode::kTls, "the server at " + ep + " accepts only TLS connections, but ssl_mode is " +
                                        std::string(ssl_mode_name(o.ssl_mode)) + ": set ssl_mode to required",
                   false};
    case kCrAuthPluginCannotLoad:
      return Error{ErrorCode::kAuth, "cannot authenticate to " + ep + ": " + err.text +
                                         " (the account's authentication plugin is not supported by this client)",
                   false};
    case kErConCount:
    case kErTooManyUserConnections:
      return Error{ErrorCode::kConnect, "the server at " + ep + " has too many connections: " + err.text, true};
    case kCrSslConnectionError:
      return tls_error(o, err);
    default:
      return network_error(o, err);
  }
}

// A read that waited read_timeout for the server: Connector/C says "TLS/SSL error: Connection
// timed out" (TLS) or "Lost connection ... (timeout)"; the replication stream's own reader
// says "no data from the server within the read timeout".
bool read_timed_out(const ClientError& err) {
  const std::string& t = err.text;
  bool lost = err.number == kCrServerLost || err.number == kCrServerGone ||
              err.number == kCrSslConnectionError || err.number == 2027 /* CR_MALFORMED_PACKET */ ||
              err.number == 5014 /* CR_ERR_NET_READ */;
  return lost && (contains(t, "timed out") || contains(t, "timeout") || contains(t, "(110)") ||
                  contains(t, "Resource temporarily unavailable"));
}

Error statement_error(std::string_view context, const ClientError& err) {
  if (read_timed_out(err)) {
    std::string limit = err.read_timeout_s > 0 ? " (" + std::to_string(err.read_timeout_s) + " s)" : "";
    // A binlog dump with heartbeats is never silent while the server works: waiting longer won't help.
    std::string fix = err.heartbeat_ms > 0
                          ? "although it was asked for a heartbeat every " +
                                std::to_string(err.heartbeat_ms) +
                                " ms; check that it is running and not stalled (its error log) "
                                "and the network to it"
                          : "check that the server is running and not stalled (its error log, "
                            "SHOW PROCESSLIST) and the network to it, or raise read_timeout in "
                            "the config if it is only slow";
    return Error{ErrorCode::kTimeout,
                 std::string(context) +
                     ": the server stopped answering: nothing arrived within read_timeout" + limit + " (" +
                     err.text + "); " + fix,
                 true};
  }
  std::string msg = std::string(context) + ": " + err.text + " (error " + std::to_string(err.number) + ")";
  switch (err.number) {
    case kCrServerGone:
    case kCrServerLost:
    case kCrConnectionError:
    case kCrConnHostError:
    case kCrSslConnectionError:  // on an open connection: the TLS stream ended (the server went away)
    case kErServerShutdown:
      return Error{ErrorCode::kConnect, msg + "; the connection to the server was lost", true};
    case kErLockWaitTimeout:
      return Error{ErrorCode::kTimeout, msg, true};
    case kErQueryInterrupted:
      return Error{ErrorCode::kServer, msg, true};
    case kErTableAccessDenied:
    case kErSpecificAccessDenied:
    case kErDbAccessDenied:
      return Error{ErrorCode::kPrivilege, msg + "; grant the privilege the server names", false};
    case kErNoSuchTable:
    case kErBadDb:
      return Error{ErrorCode::kNotFound, msg, false};
    default:
      return Error{ErrorCode::kServer, msg, false};
  }
}

}  // namespace sluice::mysql::detail
