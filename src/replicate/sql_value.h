#pragma once
/// A core::Value as a SQL literal for the target, appended to a statement being built (no
/// allocation per value). The session it runs in is the applier's: time_zone '+00:00' (a
/// TIMESTAMP is written as its UTC wall time), utf8mb4, backslash escapes on, zero dates
/// allowed. Strings are escaped, bytes (and text of unknown charset) are hex literals, ENUM and
/// SET their index and bitmask, GEOMETRY the server's own bytes (SRID + WKB). A JSON diff (a
/// MINIMAL-image partial JSON update) has no document to write: json_diff_sql.h renders it.

#include <string>

#include "core/value.h"

namespace sluice::replicate {

/// Appends the literal for `v` (not kAbsent: the caller leaves absent columns out).
void append_sql_value(std::string& out, const core::Value& v);

/// Appends `name` quoted with backticks (backticks doubled).
void append_identifier(std::string& out, std::string_view name);

}  // namespace sluice::replicate
