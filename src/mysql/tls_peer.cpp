#include "mysql/tls_peer.h"

// See wire_reader.cpp: the TLS member of a connection is declared only with HAVE_TLS, and
// ma_tls.h uses `uchar` before ma_pvio.h defines it.
#define HAVE_TLS 1
typedef unsigned char uchar;
#include <ma_pvio.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <cstdio>
#include <memory>

#include "mysql/connect_error.h"

namespace sluice::mysql::detail {
namespace {

std::string name_text(X509_NAME* name) {
  if (name == nullptr) return "";
  char buf[512];
  X509_NAME_oneline(name, buf, sizeof buf);
  return buf;
}

// "subject '...', issuer '...'" of the PEM certificate in `path`, "" when unreadable.
std::string certificate_names(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "r");
  if (f == nullptr) return "";
  X509* cert = PEM_read_X509(f, nullptr, nullptr, nullptr);
  std::fclose(f);
  if (cert == nullptr) return "";
  std::string out = "subject '" + name_text(X509_get_subject_name(cert)) + "', issuer '" +
                    name_text(X509_get_issuer_name(cert)) + "'";
  X509_free(cert);
  return out;
}

}  // namespace

core::Status check_peer_name(MYSQL* m, const ConnectOptions& o) {
  SSL* ssl = nullptr;
  if (m->net.pvio != nullptr && m->net.pvio->ctls != nullptr) ssl = static_cast<SSL*>(m->net.pvio->ctls->ssl);
  X509* cert = ssl != nullptr ? SSL_get1_peer_certificate(ssl) : nullptr;
  if (cert == nullptr) {
    return core::fail(core::ErrorCode::kTls, "the server at " + endpoint(o) +
                                                 " presented no TLS certificate to check against host '" +
                                                 o.host +
                                                 "' (ssl_mode verify_identity through the SSH tunnel)");
  }
  bool match = X509_check_host(cert, o.host.data(), o.host.size(), 0, nullptr) == 1 ||
               X509_check_ip_asc(cert, o.host.c_str(), 0) == 1;
  X509_free(cert);
  if (match) return core::ok();
  return core::fail(core::ErrorCode::kTls,
                    "the TLS certificate of " + endpoint(o) +
                        " (reached through the SSH tunnel) does not name host '" + o.host +
                        "': set 'host' to a name the certificate lists, or set ssl_mode to verify_ca");
}

core::Error explain_certificate_requirement(const ConnectOptions& o, core::Error original) {
  std::string head = original.message.substr(0, original.message.find(": the password is wrong"));
  if (o.ssl_cert.empty()) {
    original.message =
        head +
        ": the password is wrong, the account may not log in from this host, or it requires a client "
        "certificate (REQUIRE X509, SUBJECT or ISSUER) and no ssl_cert is set; check 'password' and the "
        "account's grants, or set ssl_cert and ssl_key to the certificate the account requires";
    return original;
  }
  std::string names = certificate_names(o.ssl_cert);
  original.message =
      head +
      ": the password is wrong, the account may not log in from this host, or its REQUIRE SUBJECT / "
      "ISSUER does not match the client certificate ssl_cert " +
      o.ssl_cert + (names.empty() ? "" : " (" + names + ")") +
      "; check 'password' and the account's grants and requirement (SHOW CREATE USER), or use the "
      "certificate it names";
  return original;
}

}  // namespace sluice::mysql::detail
