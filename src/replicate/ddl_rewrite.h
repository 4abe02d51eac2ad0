#pragma once
/// A replicated DDL statement rewritten for the target server's flavour (MySQL <-> MariaDB), the
/// common cases (docs/replication.md "DDL rewriting" holds the table):
///
/// - any target: `DEFINER = user@host` / `DEFINER = CURRENT_USER` removed (the object is created
///   with the applier's own account);
/// - MariaDB target: MySQL 8's `utf8mb4_0900_*` collations become MariaDB's UCA 14.0.0 NO PAD
///   equivalents (mysql/collation_map.h: `utf8mb4_0900_ai_ci` -> `utf8mb4_uca1400_nopad_ai_ci`,
///   `utf8mb4_sv_0900_as_cs` -> `utf8mb4_uca1400_swedish_nopad_as_cs`, ...); `ENCRYPTION='N'`
///   and `SECONDARY_ENGINE[_ATTRIBUTE]` table options removed; an index's `INVISIBLE` becomes
///   `IGNORED`; refused: `ENCRYPTION='Y'`, a collation without a counterpart, a VECTOR column
///   (before MariaDB 11.7);
/// - MySQL target: MariaDB's `utf8mb4_uca1400_*` collations become `utf8mb4_*0900_*` where
///   MySQL has the language and strength; `PAGE_CHECKSUM`, `TRANSACTIONAL` and `ENCRYPTED=NO`
///   removed; an index's `IGNORED` becomes `INVISIBLE`; INET4 -> BINARY(4), INET6 ->
///   BINARY(16) (the bytes the binlog carries, read back with INET6_NTOA); refused:
///   `WITH SYSTEM VERSIONING`, `ENCRYPTED=YES`, `ENCRYPTION_KEY_ID`, UUID columns, the other
///   MariaDB-only collations.
///
/// Only what the target executes is looked at (executable comments it skips, strings and
/// comments are left alone); everything else is kept byte for byte. Pure functions.

#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.h"
#include "schema/ddl_lexer.h"

namespace sluice::replicate {

/// `sql` as `target` (its flavour and version, from the connection's version string) must run
/// it. kUnsupported naming the statement and what the target cannot hold.
core::Result<std::string> rewrite_ddl(std::string_view sql, const schema::SqlServer& target);

/// The collation a MariaDB target uses for MySQL collation number `id` (a QUERY event's session
/// charset: 255 utf8mb4_0900_ai_ci, 278 _as_cs, 305 _as_ci, 309 _bin), or "" when `id` is one
/// the flavours share (or one this table does not know).
std::string mariadb_collation_for_mysql_id(uint32_t id, const schema::SqlServer& target);

}  // namespace sluice::replicate
