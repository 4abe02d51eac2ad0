#include "sinks/sqlite/sqlite_db.h"

#include <filesystem>

namespace sluice::sinks::sqlite {
namespace {

/// What the user should do about a result code (empty when nothing specific helps).
std::string advice(int rc, const std::string& path) {
  switch (rc & 0xff) {
    case SQLITE_READONLY:
      return "the database file or its directory is read-only: make " + path + " writable or choose another path";
    case SQLITE_CANTOPEN: {
      std::filesystem::path dir = std::filesystem::path(path).parent_path();
      std::error_code ec;
      if (!dir.empty() && !std::filesystem::is_directory(dir, ec)) {
        return "directory " + dir.string() + " does not exist: create it or choose another path";
      }
      return "check that " + path + " can be created and written";
    }
    case SQLITE_FULL:
      return "free disk space (or raise the file size limit) and run the job again; the bookmark was not advanced";
    case SQLITE_IOERR:
      return "the file could not be written (disk full or failing?); the bookmark was not advanced";
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return "another process holds the database; stop it or use another file";
    case SQLITE_NOTADB:
    case SQLITE_CORRUPT:
      return path + " is not a usable SQLite database: move it away or choose another path";
    default:
      return {};
  }
}

}  // namespace

std::string quote_ident(std::string_view name) {
  std::string out;
  out.reserve(name.size() + 2);
  out.push_back('"');
  for (char c : name) {
    if (c == '\0') continue;
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

Stmt& Stmt::operator=(Stmt&& o) noexcept {
  if (this != &o) {
    sqlite3_finalize(s_);
    s_ = o.s_;
    o.s_ = nullptr;
  }
  return *this;
}

Db::~Db() {
  if (db_ != nullptr) sqlite3_close_v2(db_);
}

core::Status Db::open(const std::string& path, bool create, bool read_only) {
  path_ = path;
  int flags = read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0);
  flags |= SQLITE_OPEN_NOMUTEX;
  int rc = sqlite3_open_v2(path.c_str(), &db_, flags, nullptr);
  if (rc != SQLITE_OK) return core::fail(error(rc, "opening the database"));
  sqlite3_extended_result_codes(db_, 1);
  return core::ok();
}

core::Error Db::error(int rc, std::string_view what) const {
  std::string msg = "SQLite destination " + path_ + ": " + std::string(what) + ": ";
  const char* detail = db_ != nullptr ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
  msg += detail != nullptr ? detail : sqlite3_errstr(rc);
  std::string hint = advice(rc, path_);
  if (!hint.empty()) msg += " (" + hint + ")";
  int primary = rc & 0xff;
  bool retryable = primary == SQLITE_BUSY || primary == SQLITE_LOCKED || primary == SQLITE_FULL;
  core::ErrorCode code = primary == SQLITE_CONSTRAINT || primary == SQLITE_MISMATCH ? core::ErrorCode::kInvalidArgument
                                                                                     : core::ErrorCode::kIo;
  return core::Error{code, std::move(msg), retryable, false};
}

core::Status Db::exec(std::string_view sql, std::string_view what) {
  std::string text(sql);
  int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return core::fail(error(rc, what));
  return core::ok();
}

core::Result<Stmt> Db::prepare(std::string_view sql, std::string_view what) {
  sqlite3_stmt* s = nullptr;
  int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &s, nullptr);
  if (rc != SQLITE_OK) {
    sqlite3_finalize(s);
    return core::fail(error(rc, what));
  }
  return Stmt(s);
}

core::Status Db::run(sqlite3_stmt* stmt, std::string_view what) {
  int rc = sqlite3_step(stmt);
  while (rc == SQLITE_ROW) rc = sqlite3_step(stmt);
  sqlite3_reset(stmt);
  if (rc != SQLITE_DONE) return core::fail(error(rc, what));
  return core::ok();
}

}  // namespace sluice::sinks::sqlite
