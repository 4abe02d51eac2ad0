#pragma once
/// Internal to the mysql module: what sluice checks of TLS certificates itself, beyond what
/// Connector/C does: the server certificate's name when the connection goes through an SSH
/// tunnel (the library only saw 127.0.0.1), and what a refused login says about the client
/// certificate an account requires.

#include <mysql.h>

#include "core/result.h"
#include "mysql/connection.h"

namespace sluice::mysql::detail {

/// Checks that the certificate the server presented on `m`'s TLS session names `o.host` (DNS
/// name or IP address, as verify_identity does without a tunnel); kTls naming the host otherwise.
core::Status check_peer_name(MYSQL* m, const ConnectOptions& o);

/// An access-denied error over TLS, with the client-certificate requirement (REQUIRE X509,
/// SUBJECT, ISSUER) it may come from named: no ssl_cert given, or the subject and issuer of the
/// one given, so that the user can compare them with the account's.
core::Error explain_certificate_requirement(const ConnectOptions& o, core::Error original);

}  // namespace sluice::mysql::detail
