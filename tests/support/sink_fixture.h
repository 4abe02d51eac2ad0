#pragma once
/// The all-types source table of the destination end-to-end tests (SQLite, JSONL, Avro,
/// PostgreSQL), the catalog that selects it, and value comparison in canonical text forms, so
/// every destination's independent reader is checked against the same SELECT on the source.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "support/test_servers.h"

namespace sluice::test {

/// `t`: one column of every common type, keyed by `id`, three rows (edge values, NULLs, emoji);
/// `k`: a keyless table of two rows.
extern const char* const kAllTypesCreate;
/// Changes after the first job: an update of id 1, the delete of id 2, an insert of id 3 (an
/// unsigned value past INT64_MAX), a row appended to `k`.
extern const char* const kAllTypesChanges;

/// Discovers `db` through `sluice discover` and selects every table: `table` with `method`, the
/// others FULL_TABLE. Returns the path of the catalog file.
std::string make_sink_catalog(const std::string& config, const std::string& db,
                              const std::string& method = "LOG_BASED", const std::string& table = "t");

/// (Re)creates database `db` with `create_table` (a CREATE TABLE statement naming `table`), then
/// inserts one row per i = 1..rows from a recursive CTE: `select_list` is the SELECT list over i.
void create_sequence_table(const ServerInfo& server, const std::string& db, const std::string& create_table,
                           const std::string& table, int rows, const std::string& select_list);

/// A row: column name -> canonical text (nullopt = NULL).
using TextRow = std::map<std::string, std::optional<std::string>>;

/// The rows of `t` (ordered by id) as the source holds them, in canonical text forms:
/// integers and DECIMAL as their exact digits, BIT as its unsigned value, DATE `YYYY-MM-DD`,
/// TIME as signed microseconds, DATETIME/TIMESTAMP (UTC) `YYYY-MM-DD HH:MM:SS.ffffff`, BLOB as
/// upper-case hex, the rest as text. `extra` names added columns to read as well.
std::vector<TextRow> all_types_source_rows(const ServerInfo& server, const std::string& db,
                                           const std::vector<std::string>& extra = {});

/// The differences between a source row and a destination row of `t` ("column x: source 'a',
/// destination 'b'"); FLOAT and DOUBLE compare as numbers, JSON as parsed documents, hex
/// without regard to case. Empty when equal.
std::vector<std::string> diff_rows(const TextRow& source, const TextRow& dest);

/// "-838:59:59.000" -> "-3020399000000": a TIME's text as signed microseconds.
std::string time_text_to_micros(const std::string& text);

}  // namespace sluice::test
