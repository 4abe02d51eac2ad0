#include "replicate/ddl_session.h"

#include <algorithm>
#include <array>
#include <utility>
#include <vector>

#include "replicate/ddl_rewrite.h"
#include "replicate/sql_value.h"
#include "schema/ddl_lexer.h"

namespace sluice::replicate {
namespace {

struct ModeBit {
  unsigned bit;
  const char* name;
};
// MySQL's and MariaDB's sql_mode bit numbers (the same for these); the combination modes
// (ANSI, TRADITIONAL) and the ones MySQL 8 removed are left out: their parts are set by bit.
constexpr std::array<ModeBit, 18> kModeBits{{
    {0, "REAL_AS_FLOAT"},
    {1, "PIPES_AS_CONCAT"},
    {2, "ANSI_QUOTES"},
    {3, "IGNORE_SPACE"},
    {5, "ONLY_FULL_GROUP_BY"},
    {6, "NO_UNSIGNED_SUBTRACTION"},
    {7, "NO_DIR_IN_CREATE"},
    {19, "NO_AUTO_VALUE_ON_ZERO"},
    {20, "NO_BACKSLASH_ESCAPES"},
    {21, "STRICT_TRANS_TABLES"},
    {22, "STRICT_ALL_TABLES"},
    {23, "NO_ZERO_IN_DATE"},
    {24, "NO_ZERO_DATE"},
    {25, "ALLOW_INVALID_DATES"},
    {26, "ERROR_FOR_DIVISION_BY_ZERO"},
    {29, "HIGH_NOT_PRECEDENCE"},
    {30, "NO_ENGINE_SUBSTITUTION"},
    {31, "PAD_CHAR_TO_FULL_LENGTH"},
}};

// Errors of a DDL statement whose change is already there: table/database/column/key exists or
// is already gone.
constexpr std::array<unsigned, 9> kAlreadyDone{1007, 1008, 1050, 1051, 1054, 1060, 1061, 1091, 1146};

// Session settings are best effort: a charset or time zone the target lacks leaves the applier's.
void try_set(mysql::Connection& conn, const std::string& sql,
             const std::function<void(std::string_view)>& log) {
  if (auto s = conn.execute(sql); !s && log) log("replicate apply: note: " + s.error().message);
}

}  // namespace

std::string rename_database(std::string_view sql, std::string_view from, std::string_view to) {
  auto tokens = schema::tokenize_sql(sql);
  if (!tokens) return std::string(sql);
  const std::vector<schema::Token>& t = *tokens;
  auto is_word = [&](size_t i, const char* w) {
    return t[i].kind == schema::TokenKind::kWord && schema::iequals(t[i].text, w);
  };
  std::vector<std::pair<size_t, size_t>> spans;  // offset, length of each name to replace
  for (size_t i = 0; i + 1 < t.size(); ++i) {
    const bool ident = t[i].kind == schema::TokenKind::kWord || t[i].kind == schema::TokenKind::kQuotedIdent;
    if (!ident || t[i].text != from) continue;
    bool names_db = t[i + 1].kind == schema::TokenKind::kSymbol && t[i + 1].text == ".";
    size_t k = i;
    while (k > 0 && (is_word(k - 1, "IF") || is_word(k - 1, "NOT") || is_word(k - 1, "EXISTS"))) --k;
    names_db = names_db || (k > 0 && (is_word(k - 1, "DATABASE") || is_word(k - 1, "SCHEMA")));
    if (!names_db) continue;
    const size_t len = t[i].kind == schema::TokenKind::kQuotedIdent ? from.size() + 2 : from.size();
    if (sql.substr(t[i].offset, len).find(from) == std::string_view::npos) continue;  // written with escapes
    spans.emplace_back(t[i].offset, len);
  }
  std::string out(sql);
  std::string quoted;
  append_identifier(quoted, to);
  for (auto it = spans.rbegin(); it != spans.rend(); ++it) out.replace(it->first, it->second, quoted);
  return out;
}

std::string sql_mode_names(uint64_t bits) {
  std::string out;
  for (const ModeBit& m : kModeBits) {
    if ((bits >> m.bit) & 1U) out.append(out.empty() ? "" : ",").append(m.name);
  }
  return out;
}

std::string applied_ddl_mark(std::string_view schema) {
  return "/* sluice apply_position " + std::string(schema) + " */ ";
}

core::Status run_ddl(mysql::Connection& conn, const journal::Statement& s,
                     const std::map<std::string, std::string, std::less<>>& rename, bool redo,
                     const std::function<void(std::string_view)>& log, std::string_view mark) {
  std::string_view target_db = s.db;
  std::string sql(s.sql);
  for (const auto& [from, to] : rename) {
    if (s.db == from) target_db = to;
    if (sql.find(from) != std::string::npos) sql = rename_database(sql, from, to);
  }
  // The target's flavour and version, from its version string: what the statement must become.
  const schema::SqlServer target = schema::parse_server_version(conn.server().version);
  auto rewritten = rewrite_ddl(sql, target);
  if (!rewritten && redo) {  // refused before the restart: the user made the object by hand
    if (log)
      log("replicate apply: a statement refused before the restart is taken as done: " +
          rewritten.error().message);
    return core::ok();
  }
  if (!rewritten) return core::fail(rewritten.error());
  if (*rewritten != sql && log) log("replicate apply: DDL rewritten for the target: " + *rewritten);
  sql = std::move(*rewritten);
  if (!target_db.empty()) {
    std::string use = "USE ";
    append_identifier(use, target_db);
    try_set(conn, use, log);  // a database not created yet: the statement names its tables in full
  }
  const journal::StatementSession& ss = s.session;
  std::string mode = "SET SESSION sql_mode = '";
  mode.append(ss.has_sql_mode ? sql_mode_names(ss.sql_mode) : "NO_ENGINE_SUBSTITUTION").append("'");
  SLUICE_TRY(conn.execute(mode));
  if (ss.charset_client != 0) {
    // By number, or by the name a MariaDB target has for MySQL's utf8mb4_0900_* numbers.
    auto collation = [&](uint32_t id) {
      const std::string name = mariadb_collation_for_mysql_id(id, target);
      return name.empty() ? std::to_string(id) : conn.quote_string(name);
    };
    const bool mapped = !mariadb_collation_for_mysql_id(ss.charset_client, target).empty();
    try_set(conn,
            "SET @@session.character_set_client = " +
                (mapped ? std::string("utf8mb4") : std::to_string(ss.charset_client)) +
                ", @@session.collation_connection = " + collation(ss.collation_connection) +
                ", @@session.collation_server = " + collation(ss.collation_server),
            log);
  }
  if (!ss.time_zone.empty()) try_set(conn, "SET SESSION time_zone = " + conn.quote_string(ss.time_zone), log);
  core::Status ran = conn.execute(mark.empty() ? sql : std::string(mark) + sql);
  const unsigned errno_seen = ran ? 0 : conn.last_errno();
  // Back to the applier's session, whatever happened.
  try_set(conn, "SET NAMES utf8mb4", log);
  try_set(conn, "SET SESSION time_zone = '+00:00'", log);
  if (ran) return core::ok();
  if (redo && std::find(kAlreadyDone.begin(), kAlreadyDone.end(), errno_seen) != kAlreadyDone.end()) {
    if (log) log("replicate apply: DDL already applied before a restart: " + ran.error().message);
    return core::ok();
  }
  core::Error e = ran.error();
  e.message = "DDL could not be applied on the target: " + e.message +
              "; fix the target so the statement can run (or run it there by hand), then restart";
  return core::fail(std::move(e));
}

}  // namespace sluice::replicate
