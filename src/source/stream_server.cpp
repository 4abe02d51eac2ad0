#include "source/stream_server.h"

#include <algorithm>
#include <charconv>
#include <optional>

#include "binlog/event_decoder.h"
#include "mysql/server_status.h"
#include "source/gtid_tracker.h"

namespace sluice::source {
namespace {

using core::ErrorCode;

uint32_t le32(const uint8_t* p) {
  return static_cast<uint32_t>(p[0]) | static_cast<uint32_t>(p[1]) << 8 | static_cast<uint32_t>(p[2]) << 16 |
         static_cast<uint32_t>(p[3]) << 24;
}

core::Status check_gtid_flavor(const std::string& gtid, const mysql::ServerIdentity& id,
                               const std::string& server) {
  bool mariadb_text = core::looks_like_mariadb_gtid_pos(gtid);
  if (id.flavor == mysql::Flavor::kMariaDB && !mariadb_text) {
    return core::fail(
        ErrorCode::kInvalidArgument,
        "--gtid '" + gtid + "' is not a MariaDB GTID position, and " + server + " is MariaDB " + id.version +
            ": give domain-server-sequence items, e.g. --gtid 0-1-42 (see SELECT @@gtid_binlog_pos)");
  }
  if (id.flavor == mysql::Flavor::kMySQL && mariadb_text) {
    return core::fail(ErrorCode::kInvalidArgument,
                      "--gtid '" + gtid + "' is a MariaDB GTID position, but " + server + " is MySQL " +
                          id.version +
                          ": give a MySQL GTID set, e.g. --gtid 3E11FA47-71CA-11E1-9E33-C80AA9429562:1-5 "
                          "(see SELECT @@gtid_executed)");
  }
  return core::ok();
}

// Collects the GTID set from PREVIOUS_GTIDS and GTID events.
struct GtidCollector : binlog::EventHandler {
  core::Status on_event(const binlog::Event& ev) override {
    if (const auto* prev = std::get_if<binlog::PreviousGtids>(&ev.body)) {
      auto text = mysql_gtid_set_text(prev->encoded);
      if (!text) return core::fail(text.error());
      if (auto s = tracker.reset(core::GtidFlavor::kMySql, *text); !s) return s;
    } else if (const auto* g = std::get_if<binlog::Gtid>(&ev.body); g && !g->mariadb && !g->anonymous) {
      gtid.clear();
      core::append_uuid_text(gtid, g->uuid.data());
      if (!g->tag.empty()) gtid.append(":").append(g->tag);
      gtid += ":" + std::to_string(g->gno);
      tracker.add(gtid);
      if (!tracker.complete() && ok) {
        ok = false;
        problem = "cannot follow GTID " + gtid;
      }
    }
    return core::ok();
  }
  GtidCollector() { (void)tracker.reset(core::GtidFlavor::kMySql, ""); }
  GtidTracker tracker;
  std::string gtid, problem;
  bool ok = true;
};

}  // namespace

core::Result<std::string> mysql_gtid_set_at(const mysql::ConnectOptions& connect, uint32_t server_id,
                                            const std::string& file, uint64_t pos) {
  mysql::ReplicationOptions ro;
  ro.server_id = server_id;
  ro.file = file;
  ro.position = 4;
  ro.non_blocking = true;
  ro.register_replica = false;
  ro.piece_size = size_t{1} << 20;  // large events are skipped piece by piece, never held
  auto opened = mysql::ReplicationStream::open(connect, ro);
  if (!opened) return core::fail(opened.error());
  mysql::ReplicationStream& stream = **opened;
  binlog::EventDecoder decoder;
  decoder.set_checksum_alg(stream.checksums() ? 1 : 0);
  GtidCollector collect;
  bool in_file = false;  // past the fake ROTATE that names `file`
  while (true) {
    auto ev = stream.next_event();
    if (!ev)
      return core::fail(
          ev.error().with_context("reading the GTIDs of " + file + " up to " + std::to_string(pos)));
    if (ev->empty()) break;  // the end of the binlog
    const auto type = static_cast<binlog::EventType>((*ev)[4]);
    const uint32_t size = le32(ev->data() + 9), log_pos = le32(ev->data() + 13);
    if (type == binlog::EventType::kRotate) {
      if (log_pos != 0 && in_file) break;  // a real ROTATE: the file ends
      in_file = true;
    }
    if (log_pos != 0 && log_pos - std::min(log_pos, size) >= pos) break;
    if (type == binlog::EventType::kFormatDescription || type == binlog::EventType::kPreviousGtids ||
        type == binlog::EventType::kGtid || type == binlog::EventType::kGtidTagged) {
      SLUICE_TRY(decoder.feed(*ev, binlog::EventDecoder::kPosFromHeader, collect));
    }
  }
  if (!collect.ok) {
    return core::fail(ErrorCode::kCorrupt, "the GTIDs of " + file + " before position " +
                                               std::to_string(pos) +
                                               " do not form a GTID set: " + collect.problem);
  }
  return collect.tracker.text();
}

namespace {

// A --from / checkpoint start: on this server's binlog, or on another server's whose GTID set
// this one has executed (a failover: continue by GTID), else refused.
core::Status check_position_start(mysql::Connection& c, const std::vector<mysql::BinlogFile>& files,
                                  const mysql::BinlogStatus& end, StreamServerInfo& info) {
  StreamStart& st = info.start;
  const std::string bookmark = st.position.str();
  const std::string origin = st.origin.empty() ? "--from " + bookmark : st.origin + " (" + bookmark + ")";
  const std::string fix =
      !st.fix.empty()
          ? st.fix
          : "start with --from FILE:POS of this server (SHOW BINARY LOGS lists its files and sizes) or "
            "--gtid SET" +
                std::string(st.origin.empty()
                                ? ""
                                : ", or delete the checkpoint file to start at the server's current end");
  if (!st.server_identity.empty() && st.server_identity != info.identity) {
    const std::string gtid = st.gtid_state;
    auto executed = gtid.empty() ? core::Result<bool>(false) : mysql::has_executed_gtids(c, gtid);
    if (!executed) return core::fail(executed.error());
    if (!*executed) {
      return core::fail(
          ErrorCode::kConfig,
          "binlog stream: " + origin + " was written on another server (" + st.server_identity + "; " +
              info.server + " is " + info.identity + ") and " +
              (gtid.empty() ? "carries no GTID set" : "its GTID set '" + gtid + "' is not executed here") +
              ", so it names nothing on this server: " + fix);
    }
    info.note = "binlog stream: " + origin + " was written on another server (" + st.server_identity + "; " +
                info.server + " is " + info.identity +
                "), which has executed its GTID set: continuing by GTID";
    st.kind = StreamStart::Kind::kGtid;
    st.gtid = gtid;
    st.delivered = {};
    return core::ok();
  }
  if (auto problem = check_binlog_position(files, end.position, st.position);
      problem && problem->kind != PositionProblem::Kind::kPurged) {
    return core::fail(ErrorCode::kConfig, "binlog stream: " + origin + " cannot be right on " + info.server +
                                              ": " + problem->text + "; " + fix);
  }
  return core::ok();
}

}  // namespace

std::optional<PositionProblem> check_binlog_position(const std::vector<mysql::BinlogFile>& files,
                                                     const core::BinlogPosition& end,
                                                     const core::BinlogPosition& at) {
  using Kind = PositionProblem::Kind;
  const std::string& file = at.file;
  const uint64_t pos = at.offset;
  if (files.empty()) return std::nullopt;
  const std::string& oldest = files.front().name;
  const std::string& newest = files.back().name;
  for (const mysql::BinlogFile& f : files) {
    if (f.name != file) continue;
    uint64_t size = f.size;
    if (f.name == end.file) size = std::max(size, end.offset);
    if (pos <= size) return std::nullopt;
    return PositionProblem{Kind::kPastEnd, "position " + std::to_string(pos) + " is past the end of " + file +
                                               " (" + std::to_string(size) + " bytes)"};
  }
  const std::string range = "it has " + oldest + (oldest == newest ? "" : " to " + newest);
  const bool same_base = file.substr(0, file.rfind('.')) == newest.substr(0, newest.rfind('.'));
  if (same_base && core::compare_binlog_files(file, newest) > 0) {
    return PositionProblem{
        Kind::kNewer, file + " is newer than the server's current binlog " + end.file + " (" + range + ")"};
  }
  if (same_base && core::compare_binlog_files(file, oldest) < 0) {
    return PositionProblem{Kind::kPurged,
                           file + " is no longer on the server (the oldest binlog it has is " + oldest + ")"};
  }
  return PositionProblem{Kind::kUnknownFile, "the server has no binlog named " + file + " (" + range + ")"};
}

core::Result<StreamServerInfo> query_stream_server(const mysql::ConnectOptions& connect,
                                                   const StreamStart& start, uint32_t server_id) {
  auto conn = mysql::Connection::connect(connect);
  if (!conn) return core::fail(conn.error());
  StreamServerInfo info;
  info.connection = std::move(*conn);
  mysql::Connection& c = *info.connection;
  const mysql::ServerIdentity& id = c.server();
  info.flavor = id.flavor;
  info.server = connect.host + ":" + std::to_string(connect.port);
  info.start = start;
  auto status = mysql::read_binlog_status(c);
  if (!status) return core::fail(status.error().with_context(info.server));
  info.end = status->position;
  auto identity = mysql::read_source_identity(c);
  if (!identity) return core::fail(identity.error());
  info.identity = *identity;
  if (start.kind == StreamStart::Kind::kFilePos) {
    auto files = mysql::read_binlog_files(c);
    if (!files) return core::fail(files.error());
    SLUICE_TRY(check_position_start(c, *files, *status, info));
  }
  if (info.start.kind == StreamStart::Kind::kGtid) {
    SLUICE_TRY(check_gtid_flavor(info.start.gtid, id, info.server));
    info.gtid_state = info.start.gtid;
    return info;
  }
  if (start.kind == StreamStart::Kind::kCurrent) {
    info.start.kind = StreamStart::Kind::kFilePos;
    info.start.position = info.end;
    if (id.flavor == mysql::Flavor::kMySQL) info.gtid_state = status->gtid;
  }
  if (!start.gtid_state.empty()) {
    info.gtid_state = start.gtid_state;
  } else if (id.flavor == mysql::Flavor::kMySQL && start.kind == StreamStart::Kind::kFilePos) {
    auto mode_on = mysql::mysql_gtid_mode_on(c);
    if (mode_on && *mode_on) {
      auto set = mysql_gtid_set_at(connect, server_id, info.start.position.file, info.start.position.offset);
      // A start the server no longer has (or never had) is reported by the stream itself.
      bool gone =
          !set && (set.error().code == ErrorCode::kBinlogPurged || set.error().code == ErrorCode::kNotFound);
      if (!set && !gone) return core::fail(set.error());
      if (set) info.gtid_state = *set;
    }
  } else if (id.flavor == mysql::Flavor::kMariaDB) {
    // The GTID position that corresponds to the start (needs no privilege beyond the client's).
    auto pos = mysql::mariadb_gtid_pos_at(c, info.start.position);
    if (pos && *pos) info.gtid_state = **pos;
  }
  return info;
}

std::string oldest_binlog(const mysql::ConnectOptions& connect) {
  auto conn = mysql::Connection::connect(connect);
  if (!conn) return "unknown: " + conn.error().message;
  auto files = mysql::read_binlog_files(**conn);
  if (!files) return "unknown: " + files.error().message;
  return files->front().name;
}

}  // namespace sluice::source
