#include "extract/bookmark_check.h"

#include "mysql/server_status.h"
#include "source/stream_server.h"

namespace sluice::extract {
namespace {

std::string table_name(const CatchupStream& s) { return s.table.database + "." + s.table.name; }

std::string bookmark_text(const CatchupStream& s) {
  return "log_file " + s.from.file + ", log_pos " + std::to_string(s.from.offset);
}

std::string join(const std::vector<std::string>& v, const char* sep) {
  std::string out;
  for (const std::string& x : v) out += (out.empty() ? "" : sep) + x;
  return out;
}

// A bookmark of another server: kept when this server has executed its GTID state.
core::Result<bool> continues_by_gtid(mysql::Connection& conn, const CatchupStream& s,
                                     const std::string& identity, const std::string& server,
                                     const std::string& reset) {
  auto executed = s.gtid.empty() ? core::Result<bool>(false) : mysql::has_executed_gtids(conn, s.gtid);
  if (!executed) return core::fail(executed.error());
  if (*executed) return true;
  const std::string why =
      s.server_identity.empty() || s.server_identity == identity
          ? "must be read by GTID with the streams of another server (a failover)"
          : "was written on another server (" + s.server_identity + "; " + server + " is " + identity + ")";
  return core::fail(
      core::ErrorCode::kConfig,
      s.table.stream_id() + ": its bookmark (" + bookmark_text(s) + ") " + why + " and " +
          (s.gtid.empty() ? "has no gtid" : "its gtid '" + s.gtid + "' is not executed here") +
          ", so it names nothing on this server; the bookmark is unchanged: point the config at the "
          "server it came from, or re-snapshot the stream with `" +
          reset + " " + table_name(s) + "`");
}

// The GTID state every stream of a failover has reached (the meet of their states).
core::Result<std::string> common_gtid(mysql::Connection& conn, const std::vector<CatchupStream>& streams) {
  std::string meet = streams.front().gtid;
  for (const CatchupStream& s : streams) {
    if (s.gtid == meet) continue;
    auto m = mysql::gtid_meet(conn, meet, s.gtid);
    if (!m) return core::fail(m.error());
    meet = *m;
  }
  return meet;
}

core::Error purged(const std::vector<const CatchupStream*>& gone, const std::string& oldest,
                   const std::string& server, const std::string& reset) {
  std::vector<std::string> ids, tables;
  for (const CatchupStream* s : gone) {
    ids.push_back(s->table.stream_id() + " (" + s->from.file + ":" + std::to_string(s->from.offset) + ")");
    tables.push_back(table_name(*s));
  }
  return core::Error{
      core::ErrorCode::kBinlogPurged,
      "the binlog that " + join(ids, ", ") + " must be read from is no longer on " + server +
          " (the oldest binlog it has is " + oldest +
          "): their changes since then are lost; "
          "re-snapshot only those streams with `" +
          reset + " " + join(tables, " ") +
          "`, then run sync again, and keep binlogs longer (binlog_expire_logs_seconds; on RDS the "
          "'binlog retention hours' setting)",
      false, true};
}

}  // namespace

core::Result<BookmarkVerdict> check_bookmarks(mysql::Connection& conn, std::vector<CatchupStream>& streams,
                                              const std::string& reset_command, bool keep_purged) {
  BookmarkVerdict v;
  if (streams.empty()) return v;
  const std::string server = conn.options().host + ":" + std::to_string(conn.options().port);
  auto identity = mysql::read_source_identity(conn);
  if (!identity) return core::fail(identity.error());
  v.identity = *identity;
  auto files = mysql::read_binlog_files(conn);
  if (!files) return core::fail(files.error());
  auto end = mysql::read_binlog_status(conn);
  if (!end) return core::fail(end.error());
  bool failover = false;
  std::vector<const CatchupStream*> gone;
  for (const CatchupStream& s : streams) {
    if (!s.server_identity.empty() && s.server_identity != v.identity) {
      auto by_gtid = continues_by_gtid(conn, s, v.identity, server, reset_command);
      if (!by_gtid) return core::fail(by_gtid.error());
      failover = true;
      v.notes.push_back(s.table.stream_id() + ": its bookmark was written on another server (" +
                        s.server_identity + "; " + server + " is " + v.identity +
                        "), which has executed its gtid: continuing by GTID");
      continue;
    }
    auto problem = source::check_binlog_position(*files, end->position, s.from);
    if (!problem) continue;
    if (problem->kind == source::PositionProblem::Kind::kPurged) {
      if (keep_purged)
        v.purged.push_back(static_cast<size_t>(&s - streams.data()));
      else
        gone.push_back(&s);
      continue;
    }
    return core::fail(core::ErrorCode::kConfig,
                      s.table.stream_id() + ": its bookmark (" + bookmark_text(s) + ") cannot be right on " +
                          server + ": " + problem->text +
                          "; the bookmark is unchanged: fix it in the state, or re-snapshot " +
                          "the stream with `" + reset_command + " " + table_name(s) + "`");
  }
  if (!gone.empty()) return core::fail(purged(gone, files->front().name, server, reset_command));
  if (!failover) return v;
  // One read for all streams: by the GTID state they all reached (each must have one here).
  for (const CatchupStream& s : streams) {
    if (!s.server_identity.empty() && s.server_identity != v.identity) continue;
    auto by_gtid = continues_by_gtid(conn, s, v.identity, server, reset_command);
    if (!by_gtid) return core::fail(by_gtid.error());
  }
  auto meet = common_gtid(conn, streams);
  if (!meet) return core::fail(meet.error());
  v.start_gtid = *meet;
  for (CatchupStream& s : streams) s.from = core::BinlogPosition{};
  return v;
}

}  // namespace sluice::extract
