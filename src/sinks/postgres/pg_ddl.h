#pragma once
/// Identifier and column-type policy of the PostgreSQL destination (docs/postgres.md, "Names" and
/// "Type changes"). Pure functions, no libpq; thread-safe.

#include <string>
#include <string_view>

namespace sluice::sinks::pg {

/// PostgreSQL's identifier limit in bytes (NAMEDATALEN - 1); longer names are cut silently.
inline constexpr size_t kMaxIdentifierBytes = 63;

/// The PostgreSQL name of a MySQL table, column or schema: `name` itself when it fits in 63
/// bytes; else its first bytes (cut on a UTF-8 character boundary, at most 54) + `_` + 8 hex
/// digits of a 64-bit FNV-1a hash of the whole name. Deterministic, at most 63 bytes, and two
/// long names that share their first 54 bytes still differ.
std::string pg_identifier(std::string_view name);

/// What an existing destination column needs when the source column's type maps to `wanted`.
enum class TypeChangeKind : uint8_t {
  kSame = 0,          ///< nothing to do
  kKeep = 1,          ///< the existing column holds every value of `wanted` (a narrowing): keep it
  kWiden = 2,         ///< ALTER COLUMN ... TYPE `target` (holds the old and the new values)
  kIncompatible = 3,  ///< no type holds both without loss: the user must decide
};

struct TypeChange {
  TypeChangeKind kind = TypeChangeKind::kSame;
  std::string target;  ///< kWiden: the new column type
};

/// Classifies a change from `existing` (as PostgreSQL's format_type() prints it) to `wanted` (a
/// type of pg_column_type(), e.g. "numeric(12,2)", "timestamptz"). Exact numbers (smallint,
/// integer, bigint, numeric(p,s)) widen to the smallest type holding both (bigint and
/// numeric(10,4) -> numeric(23,4)); real widens to double precision; every other change of
/// type is kIncompatible.
TypeChange classify_type_change(std::string_view existing, std::string_view wanted);

}  // namespace sluice::sinks::pg
