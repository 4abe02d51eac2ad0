#pragma once
/// Avro name canonicalisation (Avro 1.11 specification, "Names"): a name starts with
/// [A-Za-z_] and continues with [A-Za-z0-9_]. MySQL column names may hold anything (spaces,
/// dashes, a leading digit, non-ASCII), so every sink that needs Avro-safe names maps them
/// here, the same way everywhere:
///
/// - each character outside [A-Za-z0-9_] (one UTF-8 code point, not one byte) becomes `_`;
/// - a name starting with a digit gets a `_` in front (`1st col` -> `_1st_col`); an empty
///   name becomes `_`;
/// - collisions are resolved in column order: the first column keeps the canonical name,
///   later ones get `_2`, `_3`... (the first suffix not taken), so `a-b`, `a b`, `a_b` become
///   `a_b`, `a_b_2`, `a_b_3`. Names listed as reserved (e.g. `_sdc_deleted_at`) are taken
///   before any column. Appending a column never renames an earlier one.
///
/// Pure functions; thread-safe.

#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace sluice::schema {

/// The canonical form of one name, before collision handling.
std::string avro_safe_name(std::string_view name);

/// True when `name` already follows Avro's rules.
bool is_valid_avro_name(std::string_view name);

/// One Avro field name per input name, same order, all distinct and distinct from `reserved`.
std::vector<std::string> avro_field_names(std::span<const std::string> names,
                                          std::span<const std::string> reserved = {});

}  // namespace sluice::schema
