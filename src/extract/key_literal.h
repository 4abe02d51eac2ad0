#pragma once
/// Bookmark values (last_pk_fetched, max_pk_values, replication_key_value) between their
/// Singer JSON form in the state and SQL literals in keyset / incremental predicates.
/// JSON form (as the tap writes it): integers as numbers; DECIMAL as a string of its exact
/// digits (a JSON number would pass through a double when read back); dates as RFC 3339
/// "YYYY-MM-DDTHH:MM:SS.ffffffZ" (zero dates verbatim); TIME, CHAR/VARCHAR as strings;
/// booleans for TINYINT(1)/BIT(1); binary keys as base64. Numeric literals are written
/// unquoted so the server compares them exactly (a quoted number is compared as a double).

#include <span>
#include <string>

#include <nlohmann/json.hpp>

#include "core/result.h"
#include "core/value.h"
#include "mysql/connection.h"
#include "schema/table_schema.h"

namespace sluice::extract {

/// The bookmark JSON of a value of `column` (zero dates kept verbatim so they can be resumed).
nlohmann::ordered_json bookmark_json(const schema::ColumnSchema& column, const core::Value& value);

/// The SQL literal for bookmark value `v` of `column`. `quote` escapes a string literal for the
/// connection (Connection::quote_string). Errors (kConfig) name the column and the bad value.
core::Result<std::string> sql_literal(const schema::ColumnSchema& column, const nlohmann::ordered_json& v,
                                      mysql::Connection& conn);

/// "(`a` > x) OR (`a` = x AND `b` > y) ..." for keys `cols` against `literals` (same order);
/// `op` is ">" (after) or "<=" (up to and including).
std::string key_predicate(const schema::TableSchema& table, std::span<const size_t> cols,
                          std::span<const std::string> literals, bool after);

/// Decodes standard padded base64; false on malformed input.
bool base64_decode(std::string_view in, std::string& out);

}  // namespace sluice::extract
