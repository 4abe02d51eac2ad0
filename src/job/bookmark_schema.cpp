// A log-based stream's table at the catch-up's start: the schema known later, with the DDL between
// undone (bookmark_schema.h).
#include "job/bookmark_schema.h"

#include "mysql/binlog_statements.h"
#include "schema/history_rewind.h"
#include "schema/schema_history.h"

namespace sluice::job {
namespace {

bool before(const core::BinlogPosition& a, const core::BinlogPosition& b) {
  return core::compare_positions(a, b) < 0;
}

std::string cannot_undo(const extract::CatchupStream& s, const schema::Rewound& r,
                        const std::string& reset_command) {
  const std::string name = s.table.database + "." + s.table.name;
  const std::string sql = schema::one_line(r.statement->sql);
  return "the schema of " + name + " at its bookmark " + s.from.str() + " cannot be worked out: `" + sql +
         "` at " + r.statement->at.str() + " changed it and cannot be undone (" + r.unknown +
         "); the binlog's row events there carry no column names (binlog_row_metadata=FULL was off), so "
         "re-snapshot the table with `" + reset_command + " " + name + "`, then run the job again";
}

}  // namespace

core::Status rewind_to_start(mysql::Connection& conn, std::vector<extract::CatchupStream>& streams,
                             const std::vector<core::BinlogPosition>& known_at,
                             const std::string& reset_command) {
  if (streams.empty()) return core::ok();
  core::BinlogPosition start = streams[0].from, last = start;
  for (size_t i = 0; i < streams.size(); ++i) {
    if (before(streams[i].from, start)) start = streams[i].from;
    if (before(last, known_at[i])) last = known_at[i];
  }
  if (!before(start, last)) return core::ok();  // every table is known at the start already
  const schema::SqlServer server = schema::parse_server_version(conn.server().version);
  std::vector<schema::RangeStatement> ddl;
  SLUICE_TRY(mysql::read_binlog_statements(
      conn, start, last, [&](const core::BinlogPosition& at, std::string_view db, std::string_view sql) {
        if (schema::may_change_columns(sql, db, server))
          ddl.push_back({at, std::string(db), std::string(sql)});
        return core::ok();
      }));
  for (size_t i = 0; i < streams.size(); ++i) {
    size_t n = 0;
    while (n < ddl.size() && before(ddl[n].at, known_at[i])) ++n;
    schema::Rewound r = schema::rewind_table(streams[i].table, std::span(ddl.data(), n), server);
    if (!r.unknown.empty()) {
      streams[i].seed_unknown = cannot_undo(streams[i], r, reset_command);
      if (r.known_after) {
        streams[i].seed_known_from = r.statement->at;
        streams[i].table = std::move(r.table);
      }
    } else {
      streams[i].table = std::move(r.table);
    }
  }
  return core::ok();
}

}  // namespace sluice::job
