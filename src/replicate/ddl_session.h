#pragma once
/// Runs one logged DDL statement on the target the way its source session ran it: the default
/// database (renamed by the pipeline's map), the statement's sql_mode (the flags both flavours
/// share, by name), its client and connection charsets and server collation, its time zone.
/// Nothing that needs SUPER or an admin privilege is set. The statement is rewritten for the
/// target's flavour first (ddl_rewrite.h). `redo` (the statement may have run before a crash):
/// errors saying the change is already there are taken as done, and so is a statement the
/// rewrite refuses (it stopped the pipeline before; the user made the object by hand).

#include <functional>
#include <map>
#include <string>
#include <string_view>

#include "core/result.h"
#include "journal/record.h"
#include "mysql/connection.h"

namespace sluice::replicate {

/// The sql_mode names of the binlog's sql_mode bits (the ones MySQL and MariaDB number alike).
std::string sql_mode_names(uint64_t bits);

/// `sql` with database `from` renamed to `to` where it names a database: qualified names
/// (`from`.t) and after DATABASE/SCHEMA (CREATE/DROP/ALTER DATABASE [IF [NOT] EXISTS] from).
/// Strings and comments are left alone.
std::string rename_database(std::string_view sql, std::string_view from, std::string_view to);

/// Runs `s` (its SQL with the `rename` map applied, rewritten for the target: ddl_rewrite.h) with
/// `s.db` renamed as its default database, `mark` (a comment) before it.
core::Status run_ddl(mysql::Connection& conn, const journal::Statement& s,
                     const std::map<std::string, std::string, std::less<>>& rename, bool redo,
                     const std::function<void(std::string_view)>& log, std::string_view mark = {});

/// The comment that starts each DDL statement the applier of position schema `schema` runs: the
/// statement is logged with it, and the extractor of a pipeline back (loop safety) skips it.
std::string applied_ddl_mark(std::string_view schema);

}  // namespace sluice::replicate
