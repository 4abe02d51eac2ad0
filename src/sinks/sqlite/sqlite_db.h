#pragma once
/// Small RAII helpers over the SQLite C API for the SQLite sink: a database handle, prepared
/// statements, and errors turned into core::Error with a message a user can act on (read-only
/// file, missing directory, full disk, locked database). Internal to src/sinks/sqlite.

#include <sqlite3.h>

#include <string>
#include <string_view>

#include "core/result.h"

namespace sluice::sinks::sqlite {

/// Quotes an SQL identifier: `a"b` -> `"a""b"`. NUL bytes are dropped (SQLite cannot hold them).
std::string quote_ident(std::string_view name);

/// A prepared statement, finalized on destruction. Movable.
class Stmt {
 public:
  Stmt() = default;
  explicit Stmt(sqlite3_stmt* s) : s_(s) {}
  Stmt(Stmt&& o) noexcept : s_(o.s_) { o.s_ = nullptr; }
  Stmt& operator=(Stmt&& o) noexcept;
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;
  ~Stmt() { sqlite3_finalize(s_); }

  sqlite3_stmt* get() const { return s_; }
  explicit operator bool() const { return s_ != nullptr; }

 private:
  sqlite3_stmt* s_ = nullptr;
};

/// One database connection, closed on destruction.
class Db {
 public:
  Db() = default;
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;
  ~Db();

  /// Opens (`create`: creating when missing) the file at `path`; read-only when `read_only`.
  core::Status open(const std::string& path, bool create, bool read_only);
  sqlite3* get() const { return db_; }
  const std::string& path() const { return path_; }

  /// Runs one or more statements without results.
  core::Status exec(std::string_view sql, std::string_view what);
  /// Prepares `sql` (kept for reuse: SQLITE_PREPARE_PERSISTENT).
  core::Result<Stmt> prepare(std::string_view sql, std::string_view what);
  /// Steps `stmt` to completion (no rows expected) and resets it.
  core::Status run(sqlite3_stmt* stmt, std::string_view what);

  /// The error for result code `rc` of an operation described by `what`.
  core::Error error(int rc, std::string_view what) const;

 private:
  sqlite3* db_ = nullptr;
  std::string path_;
};

}  // namespace sluice::sinks::sqlite
