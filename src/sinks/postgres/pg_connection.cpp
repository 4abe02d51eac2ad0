#include "sinks/postgres/pg_connection.h"

#include <libpq-fe.h>

#include <memory>

namespace sluice::sinks::pg {
namespace {

// libpq messages end with newlines and may span lines; keep one line.
std::string one_line(const char* msg) {
  std::string out;
  for (const char* p = msg; p && *p; ++p) {
    char c = *p;
    if (c == '\n' || c == '\r') {
      if (!out.empty() && out.back() != ' ') out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

struct ResultFree {
  void operator()(PGresult* r) const { PQclear(r); }
};
using ResultPtr = std::unique_ptr<PGresult, ResultFree>;

}  // namespace

core::Result<PgConnection> PgConnection::connect(const PgConnectOptions& o) {
  std::string timeout = std::to_string(o.connect_timeout_s);
  std::vector<const char*> keys;
  std::vector<const char*> values;
  auto add = [&](const char* k, const std::string& v) {
    if (v.empty()) return;
    keys.push_back(k);
    values.push_back(v.c_str());
  };
  if (!o.conninfo.empty()) {
    add("dbname", o.conninfo);  // expanded as a connection string below
  } else {
    add("host", o.host);
    add("port", o.port);
    add("user", o.user);
    add("password", o.password);
    add("dbname", o.dbname);
    add("sslmode", o.sslmode);
  }
  add("connect_timeout", timeout);
  const std::string encoding = "UTF8";
  const std::string application = "sluice";
  add("client_encoding", encoding);
  add("application_name", application);
  keys.push_back(nullptr);
  values.push_back(nullptr);
  PGconn* conn = PQconnectdbParams(keys.data(), values.data(), o.conninfo.empty() ? 0 : 1);
  std::string where = o.conninfo.empty() ? o.host + ":" + o.port + "/" + (o.dbname.empty() ? o.user : o.dbname)
                                         : std::string("the configured connection string");
  if (conn == nullptr) return core::fail(core::ErrorCode::kInternal, "libpq could not allocate a connection");
  if (PQstatus(conn) != CONNECTION_OK) {
    std::string msg = one_line(PQerrorMessage(conn));
    PQfinish(conn);
    bool auth = msg.find("password") != std::string::npos || msg.find("authentication") != std::string::npos ||
                msg.find("role") != std::string::npos || msg.find("pg_hba") != std::string::npos;
    if (auth) {
      return core::fail(core::ErrorCode::kAuth, "PostgreSQL at " + where + " refused the login: " + msg +
                                                    " (check the destination's user and password)");
    }
    return core::fail(core::ErrorCode::kConnect,
                      "cannot connect to PostgreSQL at " + where + ": " + msg + " (is the server running?)",
                      /*retryable=*/true);
  }
  // The server's NOTICEs ("relation ... already exists, skipping") are not for the user: libpq
  // would print each on stderr.
  PQsetNoticeProcessor(conn, [](void*, const char*) {}, nullptr);
  return PgConnection(conn, std::move(where));
}

PgConnection::~PgConnection() {
  if (conn_ != nullptr) PQfinish(conn_);
}

core::Error PgConnection::error(const std::string& what) const {
  bool lost = conn_ == nullptr || PQstatus(conn_) != CONNECTION_OK;
  std::string msg = conn_ ? one_line(PQerrorMessage(conn_)) : std::string("no connection");
  if (lost) {
    return core::Error{core::ErrorCode::kConnect, "lost the PostgreSQL connection to " + where_ + " during " +
                                                      what + ": " + msg, /*retryable=*/true, false};
  }
  return core::Error{core::ErrorCode::kServer, "PostgreSQL at " + where_ + " failed " + what + ": " + msg, false,
                     false};
}

core::Status PgConnection::exec(const std::string& sql) {
  ResultPtr r(PQexec(conn_, sql.c_str()));
  ExecStatusType st = r ? PQresultStatus(r.get()) : PGRES_FATAL_ERROR;
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
    std::string head = sql.substr(0, sql.find_first_of(" (\n", 20));
    return core::fail(error("'" + head + "...'"));
  }
  return core::ok();
}

core::Result<std::vector<std::optional<std::string>>> PgConnection::query(const std::string& sql,
                                                                          const std::vector<std::string>& params) {
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const auto& p : params) values.push_back(p.c_str());
  ResultPtr r(PQexecParams(conn_, sql.c_str(), static_cast<int>(params.size()), nullptr, values.data(), nullptr,
                           nullptr, 0));
  ExecStatusType st = r ? PQresultStatus(r.get()) : PGRES_FATAL_ERROR;
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
    return core::fail(error("'" + sql.substr(0, sql.find_first_of(" (\n", 20)) + "...'"));
  }
  std::vector<std::optional<std::string>> out;
  int rows = PQntuples(r.get());
  if (PQnfields(r.get()) == 0) return out;
  for (int i = 0; i < rows; ++i) {
    if (PQgetisnull(r.get(), i, 0)) {
      out.emplace_back(std::nullopt);
    } else {
      out.emplace_back(std::string(PQgetvalue(r.get(), i, 0), static_cast<size_t>(PQgetlength(r.get(), i, 0))));
    }
  }
  return out;
}

core::Status PgConnection::query_rows(
    const std::string& sql, const std::vector<std::string>& params,
    const std::function<core::Status(std::span<const std::optional<std::string_view>>)>& fn) {
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const auto& p : params) values.push_back(p.c_str());
  ResultPtr r(PQexecParams(conn_, sql.c_str(), static_cast<int>(params.size()), nullptr, values.data(),
                           nullptr, nullptr, 0));
  if (!r || PQresultStatus(r.get()) != PGRES_TUPLES_OK) {
    return core::fail(error("'" + sql.substr(0, sql.find_first_of(" (\n", 20)) + "...'"));
  }
  int rows = PQntuples(r.get());
  int fields = PQnfields(r.get());
  std::vector<std::optional<std::string_view>> cells(static_cast<size_t>(fields));
  for (int i = 0; i < rows; ++i) {
    for (int c = 0; c < fields; ++c) {
      if (PQgetisnull(r.get(), i, c)) {
        cells[static_cast<size_t>(c)] = std::nullopt;
      } else {
        cells[static_cast<size_t>(c)] =
            std::string_view(PQgetvalue(r.get(), i, c), static_cast<size_t>(PQgetlength(r.get(), i, c)));
      }
    }
    SLUICE_TRY(fn(cells));
  }
  return core::ok();
}

core::Status PgConnection::copy_in(const std::string& copy_sql, std::string_view data) {
  ResultPtr r(PQexec(conn_, copy_sql.c_str()));
  if (!r || PQresultStatus(r.get()) != PGRES_COPY_IN) return core::fail(error("COPY"));
  r.reset();
  // libpq takes at most INT_MAX bytes per call.
  constexpr size_t kChunk = size_t{1} << 20;
  bool sent = true;
  for (size_t off = 0; off < data.size() && sent; off += kChunk) {
    size_t n = std::min(kChunk, data.size() - off);
    sent = PQputCopyData(conn_, data.data() + off, static_cast<int>(n)) == 1;
  }
  if (PQputCopyEnd(conn_, sent ? nullptr : "client failed to send") != 1) return core::fail(error("COPY"));
  core::Status status = core::ok();
  while (PGresult* res = PQgetResult(conn_)) {
    ResultPtr owned(res);
    if (PQresultStatus(res) != PGRES_COMMAND_OK && status) status = core::fail(error("COPY"));
  }
  return status;
}

}  // namespace sluice::sinks::pg
