#pragma once
/// The schema of a table at an earlier binlog position, worked out backwards from the schema known
/// at a later one (discovery now, or the columns a bookmark saved) and the DDL the binlog holds
/// between the two: each statement on the table is undone, newest first. A Singer tap's bookmark
/// (file and position, no schema) followed by an ALTER TABLE needs it: the schema discovered now is
/// not the one the events after the bookmark were written with.
///
///   std::vector<RangeStatement> ddl = ...;     // QUERY events in [bookmark, now), oldest first
///   Rewound r = rewind_table(discovered, ddl, server);
///   if (!r.unknown.empty()) ...                // a statement that cannot be undone (r.statement)
///
/// What can be undone exactly: ADD COLUMN (any place), RENAME COLUMN, key and index changes (the
/// keys are left as they are now: decoding does not use them), DEFAULT changes, TRUNCATE, and DDL
/// of other tables. What cannot (the binlog does not say what was there before): DROP COLUMN,
/// MODIFY and CHANGE (the old type), CONVERT TO CHARACTER SET (the old charsets), ADD COLUMN IF NOT
/// EXISTS, the table created, dropped or renamed in the range, and DDL the parser does not follow.
/// docs/schema-changes.md lists them with what a job does then. Pure functions.

#include <span>
#include <string>

#include "core/binlog_position.h"
#include "schema/ddl_lexer.h"
#include "schema/table_schema.h"

namespace sluice::schema {

/// One statement of a QUERY event in a binlog range.
struct RangeStatement {
  core::BinlogPosition at;  ///< the QUERY event's position
  std::string default_db;   ///< the session's database when it ran ("" when none)
  std::string sql;
};

/// The table before a range of statements.
struct Rewound {
  TableSchema table;    ///< before the range; when `unknown` is set, as far as it got
  std::string unknown;  ///< why the table before the range cannot be told; empty when `table` is exact
  const RangeStatement* statement = nullptr;  ///< with `unknown`: the statement that cannot be undone
  /// With `unknown`: `table` is exact just after `statement` (an ALTER of this table, the newest
  /// one that cannot be undone), so events after it decode.
  bool known_after = false;
};

/// `later`, the table after every statement of `range` (oldest first), taken back to before the
/// first one. `server` decides which executable comments count (ddl_lexer.h).
Rewound rewind_table(TableSchema later, std::span<const RangeStatement> range, const SqlServer& server = {});

/// True when `sql` may change some table's columns (a statement rewind_table looks at): cheap, for
/// keeping only those of a long range.
bool may_change_columns(std::string_view sql, std::string_view default_db, const SqlServer& server = {});

}  // namespace sluice::schema
