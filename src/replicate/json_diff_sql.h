#pragma once
/// A PARTIAL_JSON update logged without its document (MySQL binlog_row_value_options=PARTIAL_JSON
/// with binlog_row_image=MINIMAL: core::Value::is_json_diff, the diff list
/// [{"op":"replace","path":"$.a","value":2}, ...]) as the SQL expression that applies it to the
/// column on the target, the way mysqlbinlog renders it: JSON_REPLACE(col, path, value),
/// JSON_INSERT (an object member), JSON_ARRAY_INSERT (an array element), JSON_REMOVE(col, path),
/// several diffs of one cell nested in their order. A value is JSON_EXTRACT('<json text>', '$'):
/// a JSON value on MySQL and on MariaDB (whose JSON is LONGTEXT: a plain string literal would
/// go in as a JSON string), so objects, arrays, numbers, strings, true/false and null reach the
/// target's document as they are in the source's. Paths are passed as the binlog has them.

#include <string>
#include <string_view>

#include "core/result.h"

namespace sluice::replicate {

/// Appends the expression applying `diff_list` to `column` (already quoted) to `out`.
/// kCorrupt when the list is not a list of diffs (nothing appended then).
core::Status append_json_diff_sql(std::string& out, std::string_view column, std::string_view diff_list);

}  // namespace sluice::replicate
