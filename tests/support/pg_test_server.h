#pragma once
/// The PostgreSQL server of the destination tests: the one scripts/test.sh started
/// (SLUICE_PG_PORT), else one started on first use by scripts/pgserver.sh for this process and
/// stopped at exit. Fails the test (throws) when it cannot start: nothing is skipped.

#include <string>
#include <vector>

namespace sluice::test {

/// The port, as text.
const std::string& pg_port();

/// "postgresql://postgres:pgpw@127.0.0.1:PORT/sluice".
std::string pg_uri();

/// The server's data directory (for pg_ctl stop/start in outage tests).
const std::string& pg_data_dir();

/// Runs SQL through psql (unaligned, tuples only, '|' between fields, stops at the first error);
/// returns stdout. A failure is a test failure naming the statement.
std::string psql(const std::string& sql);

/// How pg_rows() shows SQL NULL.
inline constexpr const char* kPgNull = "<NULL>";

/// The rows of a query through psql, fields split on '|', NULL as kPgNull.
std::vector<std::vector<std::string>> pg_rows(const std::string& sql);

}  // namespace sluice::test
