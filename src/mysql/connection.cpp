#include "mysql/connection.h"

#include <mysql.h>

#include <charconv>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <mutex>

#include "mysql/connect_error.h"
#include "mysql/ssh_tunnel.h"
#include "mysql/tls_peer.h"

namespace sluice::mysql {
namespace {

using core::ErrorCode;

// mysql_library_init is not thread-safe; mysql_init calls it on first use.
void init_library_once() {
  static std::once_flag once;
  std::call_once(once, [] { mysql_library_init(0, nullptr, nullptr); });
}

detail::ClientError client_error(MYSQL* conn) {
  return detail::ClientError{mysql_errno(conn), mysql_error(conn)};
}

uint32_t parse_component(std::string_view& s) {
  uint32_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc()) return 0;
  s.remove_prefix(static_cast<size_t>(end - s.data()));
  if (!s.empty() && s.front() == '.') s.remove_prefix(1);
  return v;
}

ServerIdentity identify(MYSQL* conn) {
  ServerIdentity id;
  const char* info = mysql_get_server_info(conn);
  id.version = info != nullptr ? info : "";
  std::string_view v = id.version;
  // MariaDB 10+ may announce itself as "5.5.5-10.11.6-MariaDB" for old clients.
  if (v.starts_with("5.5.5-") && v.find("MariaDB") != std::string_view::npos) v.remove_prefix(6);
  id.flavor = id.version.find("MariaDB") != std::string::npos ? Flavor::kMariaDB : Flavor::kMySQL;
  id.major = parse_component(v);
  id.minor = parse_component(v);
  id.patch = parse_component(v);
  const char* cipher = mysql_get_ssl_cipher(conn);
  id.tls = cipher != nullptr;
  if (id.tls) {
    const char* tls_version = nullptr;
    if (mariadb_get_infov(conn, MARIADB_CONNECTION_TLS_VERSION, &tls_version) == 0 && tls_version != nullptr) {
      id.tls_version = tls_version;
    }
  }
  return id;
}

// Sets every option before mysql_real_connect. Returns false when the library refused one.
// Through a tunnel the library connects to 127.0.0.1, so it cannot check the certificate's name
// itself: verify_identity then verifies the chain here and the name after the handshake
// (check_tunnelled_identity).
bool apply_options(MYSQL* conn, const ConnectOptions& o) {
  bool ok = true;
  unsigned connect_timeout = o.connect_timeout_s, read_timeout = o.read_timeout_s, write_timeout = o.write_timeout_s;
  ok &= mysql_optionsv(conn, MYSQL_OPT_CONNECT_TIMEOUT, &connect_timeout) == 0;
  ok &= mysql_optionsv(conn, MYSQL_OPT_READ_TIMEOUT, &read_timeout) == 0;
  ok &= mysql_optionsv(conn, MYSQL_OPT_WRITE_TIMEOUT, &write_timeout) == 0;
  ok &= mysql_optionsv(conn, MYSQL_SET_CHARSET_NAME, "utf8mb4") == 0;
  // TCP always, also for "localhost" (which would otherwise mean the default Unix socket).
  unsigned protocol = MYSQL_PROTOCOL_TCP;
  ok &= mysql_optionsv(conn, MYSQL_OPT_PROTOCOL, &protocol) == 0;
  my_bool enforce = o.ssl_mode == SslMode::kDisabled ? 0 : 1;
  ok &= mysql_optionsv(conn, MYSQL_OPT_SSL_ENFORCE, &enforce) == 0;
  if (o.ssl_mode == SslMode::kDisabled) return ok;
  // Connector/C 3.3 checks the chain whenever a CA (file or path) is set, and the host name
  // only with MYSQL_OPT_SSL_VERIFY_SERVER_CERT. preferred/required set no CA: no verification.
  if (!o.ssl_cert.empty()) ok &= mysql_optionsv(conn, MYSQL_OPT_SSL_CERT, o.ssl_cert.c_str()) == 0;
  if (!o.ssl_key.empty()) ok &= mysql_optionsv(conn, MYSQL_OPT_SSL_KEY, o.ssl_key.c_str()) == 0;
  bool verify = o.ssl_mode == SslMode::kVerifyCa || o.ssl_mode == SslMode::kVerifyIdentity;
  if (verify) {
    if (!o.ssl_ca.empty()) {
      ok &= mysql_optionsv(conn, MYSQL_OPT_SSL_CA, o.ssl_ca.c_str()) == 0;
    } else {
      ok &= mysql_optionsv(conn, MYSQL_OPT_SSL_CAPATH, "/etc/ssl/certs") == 0;
    }
  }
  my_bool verify_host = o.ssl_mode == SslMode::kVerifyIdentity && !o.ssh_tunnel ? 1 : 0;
  ok &= mysql_optionsv(conn, MYSQL_OPT_SSL_VERIFY_SERVER_CERT, &verify_host) == 0;
  return ok;
}

// One attempt at mysql_real_connect to `o` (through `tunnel` when set); the handle is closed on
// failure.
core::Result<MYSQL*> open_handle(const ConnectOptions& o, const detail::SshTunnel* tunnel = nullptr) {
  init_library_once();
  MYSQL* conn = mysql_init(nullptr);
  if (conn == nullptr) return core::fail(ErrorCode::kInternal, "mysql_init failed: out of memory");
  if (!apply_options(conn, o)) {
    mysql_close(conn);
    return core::fail(ErrorCode::kInternal, "the MariaDB client library refused a connection option");
  }
  const char* db = o.database.empty() ? nullptr : o.database.c_str();
  auto start = std::chrono::steady_clock::now();
  const char* host = tunnel != nullptr ? "127.0.0.1" : o.host.c_str();
  unsigned port = tunnel != nullptr ? tunnel->local_port() : o.port;
  if (mysql_real_connect(conn, host, o.user.c_str(), o.password.c_str(), db, port, nullptr,
                         CLIENT_MULTI_RESULTS) == nullptr) {
    detail::ClientError err = client_error(conn);
    if (tunnel != nullptr && !tunnel->last_error().empty()) {
      mysql_close(conn);
      return core::fail(ErrorCode::kConnect, tunnel->last_error(), true);
    }
    err.elapsed_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    core::Error e = detail::connect_error(o, err);
    mysql_close(conn);
    return core::fail(std::move(e));
  }
  return conn;
}

// Access denied without TLS may mean the account REQUIREs SSL: a second attempt over TLS tells.
core::Error explain_access_denied(const ConnectOptions& o, const detail::SshTunnel* tunnel,
                                  core::Error original) {
  if (o.ssl_mode != SslMode::kDisabled)
    return detail::explain_certificate_requirement(o, std::move(original));
  ConnectOptions probe = o;
  probe.ssl_mode = SslMode::kRequired;
  auto retry = open_handle(probe, tunnel);
  if (!retry) return original;
  mysql_close(*retry);
  original.message = "the account '" + o.user + "' at " + detail::endpoint(o) +
                     " requires TLS (REQUIRE SSL), but ssl_mode is disabled: set ssl_mode to required or verify_ca";
  original.code = ErrorCode::kTls;
  return original;
}

// A server that rejects the client certificate under TLS 1.3 says so only after the handshake:
// the client sees the connection reset while it sends its login. The same login without the
// certificate tells whether the certificate was the cause.
core::Error explain_lost_handshake(const ConnectOptions& o, const detail::SshTunnel* tunnel,
                                   core::Error original) {
  if (o.ssl_mode == SslMode::kDisabled || o.ssl_cert.empty() ||
      original.message.find("closed the connection during the handshake") == std::string::npos) {
    return original;
  }
  ConnectOptions probe = o;
  probe.ssl_cert.clear();
  probe.ssl_key.clear();
  auto retry = open_handle(probe, tunnel);
  if (retry) mysql_close(*retry);
  if (!retry && retry.error().code == ErrorCode::kConnect) return original;
  return core::Error{ErrorCode::kTls,
                     "the server at " + detail::endpoint(o) +
                         " did not accept the client certificate (ssl_cert " + o.ssl_cert +
                         "): it closed the connection after the TLS handshake and accepts the same "
                         "login without it; use a certificate signed by a CA the server trusts (its ssl_ca)",
                     false};
}

}  // namespace

std::string_view ssl_mode_name(SslMode mode) {
  switch (mode) {
    case SslMode::kDisabled: return "disabled";
    case SslMode::kPreferred: return "preferred";
    case SslMode::kRequired: return "required";
    case SslMode::kVerifyCa: return "verify_ca";
    case SslMode::kVerifyIdentity: return "verify_identity";
  }
  return "unknown";
}

std::string describe(const ConnectOptions& o) {
  std::string out = "server: " + detail::endpoint(o) + "\nuser: " + o.user +
                    "\npassword: " + (o.password.empty() ? "(empty)" : "(set)") +
                    "\ndatabase: " + (o.database.empty() ? "(none)" : o.database) +
                    "\nssl_mode: " + std::string(ssl_mode_name(o.ssl_mode));
  if (!o.ssl_ca.empty()) out += "\nssl_ca: " + o.ssl_ca;
  if (!o.ssl_cert.empty()) out += "\nssl_cert: " + o.ssl_cert + "\nssl_key: " + o.ssl_key;
  out += "\nconnect_timeout: " + std::to_string(o.connect_timeout_s) +
         " s\nread_timeout: " + std::to_string(o.read_timeout_s) + " s";
  out += "\nsession_sqls: " + std::to_string(o.session_sqls.size()) + " statement(s)";
  if (const auto& t = o.ssh_tunnel) {
    out += "\nssh_tunnel: " + t->user + "@" + t->host + ":" + std::to_string(t->port) + " with " +
           (t->use_agent ? "the ssh agent" : t->private_key_file) +
           (t->passphrase.empty() ? "" : " (passphrase set)") + ", known_hosts " + t->known_hosts_file +
           (t->host_key_check == SshTunnelOptions::HostKeyCheck::kStrict ? " (strict)" : " (accept_new)");
  }
  return out;
}

Connection::Connection(st_mysql* conn, ConnectOptions options) : conn_(conn), options_(std::move(options)) {}

Connection::~Connection() {
  if (conn_ != nullptr) mysql_close(conn_);
}

core::Result<std::unique_ptr<Connection>> Connection::connect(const ConnectOptions& options) {
  std::shared_ptr<detail::SshTunnel> tunnel;
  if (options.ssh_tunnel) {
    auto t =
        detail::SshTunnel::shared(*options.ssh_tunnel, options.host, options.port, options.connect_timeout_s);
    if (!t) return core::fail(t.error());
    tunnel = std::move(*t);
  }
  auto handle = open_handle(options, tunnel.get());
  if (!handle) {
    if (handle.error().code == ErrorCode::kAuth && handle.error().message.starts_with("access denied")) {
      return core::fail(explain_access_denied(options, tunnel.get(), handle.error()));
    }
    if (handle.error().code == ErrorCode::kConnect) {
      return core::fail(explain_lost_handshake(options, tunnel.get(), handle.error()));
    }
    return core::fail(handle.error());
  }
  std::unique_ptr<Connection> c(new Connection(*handle, options));
  c->tunnel_ = std::move(tunnel);
  c->server_ = identify(c->conn_);
  if (c->tunnel_ && options.ssl_mode == SslMode::kVerifyIdentity && c->server_.tls) {
    if (auto st = detail::check_peer_name(c->conn_, options); !st) return core::fail(st.error());
  }
  bool must_encrypt = options.ssl_mode >= SslMode::kRequired;
  if (must_encrypt && !c->server_.tls) {
    // Connector/C 3.3 falls back to plain text when the server offers no TLS unless the host
    // name is verified; sluice's required/verify_ca modes refuse that.
    return core::fail(ErrorCode::kTls, "the server at " + detail::endpoint(options) +
                                           " does not offer TLS, but ssl_mode is " +
                                           std::string(ssl_mode_name(options.ssl_mode)) +
                                           ": enable TLS on the server or set ssl_mode to preferred");
  }
  std::string timeouts = "SET SESSION net_read_timeout=" + std::to_string(options.read_timeout_s) +
                         ", SESSION net_write_timeout=" + std::to_string(options.read_timeout_s);
  for (std::string_view sql : {std::string_view("SET time_zone='+00:00'"), std::string_view("SET NAMES utf8mb4"),
                               std::string_view(timeouts)}) {
    if (auto st = c->execute(sql); !st) return core::fail(st.error().with_context("session setup"));
  }
  for (const auto& sql : options.session_sqls) {
    if (auto st = c->execute(sql); !st) {
      return core::fail(st.error().with_context("session_sqls (fix or remove the statement in the config)"));
    }
  }
  return c;
}

unsigned Connection::last_errno() { return mysql_errno(conn_); }

core::Error Connection::last_error(std::string_view context) {
  detail::ClientError err = client_error(conn_);
  err.read_timeout_s = options_.read_timeout_s;
  return detail::statement_error(context, err);
}

namespace {
std::string shorten(std::string_view sql) {
  constexpr size_t kMax = 200;
  if (sql.size() <= kMax) return std::string(sql);
  return std::string(sql.substr(0, kMax)) + "...";
}
}  // namespace

core::Status Connection::execute(std::string_view sql) {
  if (observer_) observer_(sql);
  affected_rows_ = matched_rows_ = 0;
  matched_each_.clear();
  if (mysql_real_query(conn_, sql.data(), static_cast<unsigned long>(sql.size())) != 0) {
    return core::fail(last_error("running `" + shorten(sql) + "`"));
  }
  // Drain every result (statements and multi-results alike). The client resets its count of
  // affected rows at the next result: it is read before.
  do {
    MYSQL_RES* res = mysql_store_result(conn_);
    if (res != nullptr) {
      mysql_free_result(res);
    } else if (mysql_field_count(conn_) != 0) {
      return core::fail(last_error("reading the result of `" + shorten(sql) + "`"));
    } else {
      affected_rows_ += mysql_affected_rows(conn_);
      // An UPDATE's info says "Rows matched: N  Changed: M  Warnings: W".
      const char* info = mysql_info(conn_);
      const char* m = info != nullptr ? std::strstr(info, "Rows matched: ") : nullptr;
      matched_each_.push_back(m != nullptr ? std::strtoull(m + 14, nullptr, 10) : mysql_affected_rows(conn_));
      matched_rows_ += matched_each_.back();
    }
    int next = mysql_next_result(conn_);
    if (next > 0) return core::fail(last_error("running `" + shorten(sql) + "`"));
    if (next < 0) break;
  } while (true);
  return core::ok();
}

core::Status Connection::enable_multi_statements() {
  if (mysql_set_server_option(conn_, MYSQL_OPTION_MULTI_STATEMENTS_ON) != 0) {
    return core::fail(last_error("enabling multi-statement packets"));
  }
  return core::ok();
}

core::Result<std::vector<OwnedRow>> Connection::query(std::string_view sql) {
  std::vector<std::string> columns;
  return query(sql, columns);
}

core::Result<std::vector<OwnedRow>> Connection::query(std::string_view sql, std::vector<std::string>& columns) {
  auto stream = query_stream(sql);
  if (!stream) return core::fail(stream.error());
  columns = stream->columns();
  std::vector<OwnedRow> rows;
  Row row;
  while (true) {
    auto more = stream->next(row);
    if (!more) return core::fail(more.error());
    if (!*more) break;
    OwnedRow owned;
    owned.reserve(row.size());
    for (const auto& cell : row) owned.push_back(cell ? std::optional<std::string>(std::string(*cell)) : std::nullopt);
    rows.push_back(std::move(owned));
  }
  return rows;
}

core::Result<StreamingResult> Connection::query_stream(std::string_view sql) {
  if (observer_) observer_(sql);
  if (mysql_real_query(conn_, sql.data(), static_cast<unsigned long>(sql.size())) != 0) {
    return core::fail(last_error("running `" + shorten(sql) + "`"));
  }
  MYSQL_RES* res = mysql_use_result(conn_);
  if (res == nullptr) {
    if (mysql_field_count(conn_) != 0) return core::fail(last_error("reading the result of `" + shorten(sql) + "`"));
    return core::fail(ErrorCode::kInvalidArgument, "`" + shorten(sql) + "` returns no rows; use execute()");
  }
  return StreamingResult(conn_, res);
}

core::Result<std::optional<std::string>> Connection::query_value(std::string_view sql) {
  auto rows = query(sql);
  if (!rows) return core::fail(rows.error());
  if (rows->empty() || rows->front().empty()) return std::optional<std::string>();
  return rows->front().front();
}

std::string Connection::quote_identifier(std::string_view name) {
  std::string out = "`";
  for (char c : name) {
    if (c == '`') out += '`';
    out += c;
  }
  return out + "`";
}

std::string Connection::quote_string(std::string_view value) {
  std::string out(value.size() * 2 + 1, '\0');
  unsigned long n = mysql_real_escape_string(conn_, out.data(), value.data(), static_cast<unsigned long>(value.size()));
  out.resize(n);
  return "'" + out + "'";
}

StreamingResult::StreamingResult(st_mysql* conn, st_mysql_res* res) : conn_(conn), res_(res) {
  unsigned n = mysql_num_fields(res_);
  MYSQL_FIELD* fields = mysql_fetch_fields(res_);
  columns_.reserve(n);
  for (unsigned i = 0; i < n; ++i) columns_.emplace_back(fields[i].name, fields[i].name_length);
}

StreamingResult::StreamingResult(StreamingResult&& other) noexcept
    : conn_(other.conn_), res_(other.res_), columns_(std::move(other.columns_)) {
  other.res_ = nullptr;
}

StreamingResult::~StreamingResult() {
  // For a use_result set, mysql_free_result reads and discards the rows not fetched.
  if (res_ != nullptr) mysql_free_result(res_);
}

core::Result<bool> StreamingResult::next(Row& row) {
  if (res_ == nullptr) return false;
  MYSQL_ROW r = mysql_fetch_row(res_);
  if (r == nullptr) {
    if (mysql_errno(conn_) != 0) return core::fail(detail::statement_error("reading rows", client_error(conn_)));
    return false;
  }
  unsigned long* lengths = mysql_fetch_lengths(res_);
  size_t n = columns_.size();
  row.resize(n);
  for (size_t i = 0; i < n; ++i) {
    row[i] = r[i] == nullptr ? std::nullopt : std::optional<std::string_view>(std::string_view(r[i], lengths[i]));
  }
  return true;
}

}  // namespace sluice::mysql
