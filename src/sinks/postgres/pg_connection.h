#pragma once
/// A thin libpq connection: statements, parameterised queries and COPY FROM STDIN, every
/// failure as a core::Error with PostgreSQL's own message on one line. One thread.

#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

struct pg_conn;

namespace sluice::sinks::pg {

struct PgConnectOptions {
  std::string conninfo;  ///< a libpq connection string or URI; empty = the fields below
  std::string host = "127.0.0.1";
  std::string port = "5432";
  std::string user;
  std::string password;
  std::string dbname;
  std::string sslmode;  ///< empty = libpq's default
  int connect_timeout_s = 10;
};

class PgConnection {
 public:
  /// Connects; kConnect (retryable) when the server is unreachable, kAuth for a refused login.
  static core::Result<PgConnection> connect(const PgConnectOptions& options);
  PgConnection(PgConnection&& other) noexcept : conn_(other.conn_), where_(std::move(other.where_)) {
    other.conn_ = nullptr;
  }
  PgConnection& operator=(PgConnection&&) = delete;
  ~PgConnection();

  /// Runs statements that return no rows.
  core::Status exec(const std::string& sql);
  /// Runs a query with text parameters; returns the first column of each row (NULL -> nullopt).
  core::Result<std::vector<std::optional<std::string>>> query(const std::string& sql,
                                                              const std::vector<std::string>& params = {});
  /// Runs a query with text parameters and hands each row to `fn` (cells in text format, NULL ->
  /// nullopt; views valid during the call). The result is held whole: bound the rows with the query.
  core::Status query_rows(
      const std::string& sql, const std::vector<std::string>& params,
      const std::function<core::Status(std::span<const std::optional<std::string_view>>)>& fn);
  /// COPY ... FROM STDIN with `data` (COPY text format rows).
  core::Status copy_in(const std::string& copy_sql, std::string_view data);

  /// "host:port/db" for messages.
  const std::string& where() const { return where_; }

 private:
  PgConnection(pg_conn* conn, std::string where) : conn_(conn), where_(std::move(where)) {}
  core::Error error(const std::string& what) const;

  pg_conn* conn_ = nullptr;
  std::string where_;
};

}  // namespace sluice::sinks::pg
