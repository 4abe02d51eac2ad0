#include "mysql/replication_stream.h"

#include <mysql.h>

#include <algorithm>
#include <vector>

#include "mysql/connect_error.h"
#include "mysql/gtid_encoding.h"

namespace sluice::mysql {
namespace {

using core::ErrorCode;

constexpr size_t kEventHeaderSize = 19;  // v4 header: timestamp, type, server_id, size, log_pos, flags
constexpr uint16_t kDumpNonBlock = 0x01;      // BINLOG_DUMP_NON_BLOCK
constexpr uint16_t kDumpThroughGtid = 0x04;   // BINLOG_THROUGH_GTID (COM_BINLOG_DUMP_GTID)
constexpr uint16_t kDumpSendAnnotateRows = 0x02;  // MariaDB BINLOG_SEND_ANNOTATE_ROWS_EVENT
constexpr unsigned kErMasterFatalReadingBinlog = 1236;
constexpr unsigned kErSlaveSameId = 4052;  // MariaDB: another replica connected with this server_id
// MySQL's COM_BINLOG_DUMP_GTID (0x1e); Connector/C's enum names that number COM_UNSUPPORTED.
constexpr auto kComBinlogDumpGtid = static_cast<enum_server_command>(0x1e);
constexpr size_t kMinPiece = size_t{64} << 10, kMaxPiece = size_t{1} << 20;
constexpr size_t kMaxPacket = 0xFFFFFF;     // a longer message continues in the next packet
constexpr unsigned kCrServerLost = 2013;   // Connector/C: "Lost connection to server during query"

uint32_t le32(const uint8_t* p) {
  return static_cast<uint32_t>(p[0]) | static_cast<uint32_t>(p[1]) << 8 | static_cast<uint32_t>(p[2]) << 16 |
         static_cast<uint32_t>(p[3]) << 24;
}

void put_u16(std::vector<uint8_t>& out, uint16_t v) {
  out.push_back(static_cast<uint8_t>(v));
  out.push_back(static_cast<uint8_t>(v >> 8));
}
void put_u32(std::vector<uint8_t>& out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<uint8_t>(v >> (8 * i)));
}
void put_u64(std::vector<uint8_t>& out, uint64_t v) {
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<uint8_t>(v >> (8 * i)));
}
void put_bytes(std::vector<uint8_t>& out, std::string_view s) { out.insert(out.end(), s.begin(), s.end()); }

bool contains(std::string_view haystack, std::string_view needle) {
  return haystack.find(needle) != std::string_view::npos;
}

std::string describe_start(const ReplicationOptions& o) {
  if (o.mysql_gtid_set) return "GTID set '" + *o.mysql_gtid_set + "'";
  if (o.mariadb_gtid_pos) return "GTID position '" + *o.mariadb_gtid_pos + "'";
  if (o.file.empty()) return "the first binlog";
  return o.file + ":" + std::to_string(o.position);
}

// Sends one command; with `expect_ok` also reads the OK/ERR answer.
bool send_command(MYSQL* m, enum_server_command command, const std::vector<uint8_t>& payload, bool expect_ok) {
  return m->methods->db_command(m, command, reinterpret_cast<const char*>(payload.data()), payload.size(),
                                expect_ok ? 0 : 1, nullptr) == 0;
}

}  // namespace

ReplicationStream::ReplicationStream(std::unique_ptr<Connection> connection, std::string start)
    : connection_(std::move(connection)), start_(std::move(start)) {}

core::Result<std::unique_ptr<ReplicationStream>> ReplicationStream::open(const ConnectOptions& connect,
                                                                         const ReplicationOptions& options) {
  auto conn = Connection::connect(connect);
  if (!conn) return core::fail(conn.error());
  return open(std::move(*conn), options);
}

core::Result<std::unique_ptr<ReplicationStream>> ReplicationStream::open(std::unique_ptr<Connection> connection,
                                                                         const ReplicationOptions& options) {
  if (connection == nullptr) return core::fail(ErrorCode::kInternal, "ReplicationStream::open: no connection");
  std::unique_ptr<ReplicationStream> s(new ReplicationStream(std::move(connection), describe_start(options)));
  SLUICE_TRY(s->check_server_id(options));
  SLUICE_TRY(s->prepare_session(options));
  if (options.register_replica) SLUICE_TRY(s->register_replica(options));
  SLUICE_TRY(s->send_dump(options));
  if (options.piece_size > 0) {
    s->wire_ = detail::WireReader::open(s->connection_->handle());
    if (s->wire_) {
      s->piece_size_ = std::clamp(options.piece_size, kMinPiece, kMaxPiece);
      s->buf_.resize(s->piece_size_);
    }
  }
  return s;
}

core::Status ReplicationStream::check_server_id(const ReplicationOptions& o) {
  std::string ep = detail::endpoint(connection_->options());
  if (o.server_id == 0) {
    return core::fail(ErrorCode::kInvalidArgument,
                      "server_id is not set: add \"server_id\" to the config, a number from 1 to 4294967295 that no "
                      "other replica of " + ep + " uses");
  }
  auto own = connection_->query_value("SELECT @@server_id");
  if (!own) return core::fail(own.error());
  if (*own == std::to_string(o.server_id)) {
    return core::fail(ErrorCode::kInvalidArgument,
                      "server_id " + std::to_string(o.server_id) + " is the source's own server_id (" + ep +
                          "): choose another \"server_id\" in the config");
  }
  const ServerIdentity& id = connection_->server();
  // SHOW REPLICAS exists from MySQL 8.0.22; SHOW SLAVE HOSTS is gone from 8.4.
  uint32_t v = id.major * 10000 + id.minor * 100 + id.patch;
  bool replicas_syntax = id.flavor == Flavor::kMySQL && v >= 80022;
  // Listing replicas needs a privilege the reader may lack (MariaDB: REPLICATION MASTER ADMIN);
  // without it the check is skipped and the server's own refusal is reported later.
  auto rows = connection_->query(replicas_syntax ? "SHOW REPLICAS" : "SHOW SLAVE HOSTS");
  if (!rows) return core::ok();
  for (const auto& row : *rows) {
    if (!row.empty() && row[0] && *row[0] == std::to_string(o.server_id)) {
      std::string host = row.size() > 1 && row[1] ? *row[1] : "?";
      return core::fail(core::Error{
          ErrorCode::kInvalidArgument,
          "server_id " + std::to_string(o.server_id) + " is already used by a replica connected to " + ep +
              " (reported host '" + host + "'): give this reader a unique \"server_id\" in the config (if it is an "
              "earlier run of this reader that just ended, retry in a minute)",
          true});
    }
  }
  return core::ok();
}

core::Status ReplicationStream::prepare_session(const ReplicationOptions& o) {
  auto checksum = connection_->query_value("SELECT @@global.binlog_checksum");
  if (!checksum) return core::fail(checksum.error().with_context("reading binlog_checksum"));
  checksums_ = checksum->value_or("NONE") == "CRC32";
  // Tell the source this replica understands its checksums (both spellings: MySQL 8.0.26+ reads
  // @source_*, older servers and MariaDB @master_*).
  std::vector<std::string> sqls = {
      "SET @master_binlog_checksum = @@global.binlog_checksum, @source_binlog_checksum = @@global.binlog_checksum"};
  uint64_t heartbeat_ns = static_cast<uint64_t>(o.heartbeat_period_ms) * 1000000ULL;
  if (!o.non_blocking) heartbeat_ms_ = o.heartbeat_period_ms;
  sqls.push_back("SET @master_heartbeat_period = " + std::to_string(heartbeat_ns) +
                 ", @source_heartbeat_period = " + std::to_string(heartbeat_ns));
  if (connection_->server().flavor == Flavor::kMariaDB) {
    sqls.emplace_back("SET @mariadb_slave_capability = 4");  // MARIA_SLAVE_CAPABILITY_GTID: GTID events
    if (o.mysql_gtid_set) {
      return core::fail(ErrorCode::kInvalidArgument,
                        "a MySQL GTID set was given, but the source is MariaDB: use a MariaDB GTID position "
                        "(domain-server-sequence, e.g. 0-1-42) or a file and position");
    }
    if (o.mariadb_gtid_pos) {
      sqls.push_back("SET @slave_connect_state = " + connection_->quote_string(*o.mariadb_gtid_pos));
      sqls.push_back(std::string("SET @slave_gtid_strict_mode = ") + (o.mariadb_gtid_strict ? "1" : "0"));
      sqls.emplace_back("SET @slave_gtid_ignore_duplicates = 0");
    }
  } else if (o.mariadb_gtid_pos) {
    return core::fail(ErrorCode::kInvalidArgument,
                      "a MariaDB GTID position was given, but the source is MySQL: use a MySQL GTID set "
                      "(uuid:1-5) or a file and position");
  }
  for (const auto& sql : sqls) {
    if (auto st = connection_->execute(sql); !st) return core::fail(st.error().with_context("replica session setup"));
  }
  return core::ok();
}

core::Status ReplicationStream::register_replica(const ReplicationOptions& o) {
  // COM_REGISTER_SLAVE: server_id, host, user, password (reported, not for auth: sent empty),
  // port, replication rank, source id.
  std::vector<uint8_t> p;
  put_u32(p, o.server_id);
  std::string_view host = std::string_view(o.report_host).substr(0, 60);
  p.push_back(static_cast<uint8_t>(host.size()));
  put_bytes(p, host);
  p.push_back(0);  // user
  p.push_back(0);  // password
  put_u16(p, 0);   // port
  put_u32(p, 0);   // rank
  put_u32(p, 0);   // master id
  MYSQL* m = connection_->handle();
  if (!send_command(m, COM_REGISTER_SLAVE, p, true)) {
    core::Error e = connection_->last_error("registering as a replica (COM_REGISTER_SLAVE)");
    if (e.code == ErrorCode::kPrivilege || contains(e.message, "ccess denied")) {
      e.code = ErrorCode::kPrivilege;
      e.message = "registering as a replica (COM_REGISTER_SLAVE): " + std::string(mysql_error(m)) +
                  "; grant REPLICATION SLAVE to '" + connection_->options().user + "'";
    }
    return core::fail(e);
  }
  return core::ok();
}

core::Status ReplicationStream::send_dump(const ReplicationOptions& o) {
  uint16_t flags = o.non_blocking ? kDumpNonBlock : 0;
  if (o.mariadb_annotate_rows && connection_->server().flavor == Flavor::kMariaDB) flags |= kDumpSendAnnotateRows;
  std::vector<uint8_t> p;
  MYSQL* m = connection_->handle();
  bool sent = false;
  if (o.mysql_gtid_set) {
    auto set = core::GtidSet::parse(core::GtidFlavor::kMySql, *o.mysql_gtid_set);
    if (!set) return core::fail(set.error());
    std::vector<uint8_t> data = encode_mysql_gtid_set(*set);
    put_u16(p, static_cast<uint16_t>(flags | kDumpThroughGtid));
    put_u32(p, o.server_id);
    put_u32(p, 0);  // file name length: GTIDs choose the file
    put_u64(p, 4);
    put_u32(p, static_cast<uint32_t>(data.size()));
    p.insert(p.end(), data.begin(), data.end());
    sent = send_command(m, kComBinlogDumpGtid, p, false);
  } else {
    if (o.position > 0xFFFFFFFFULL) {
      return core::fail(ErrorCode::kUnsupported, "binlog position " + std::to_string(o.position) +
                                                     " is beyond 4 GiB, which COM_BINLOG_DUMP cannot address: "
                                                     "start from a GTID instead");
    }
    bool gtid = o.mariadb_gtid_pos.has_value();
    put_u32(p, gtid ? 4 : static_cast<uint32_t>(o.position));
    put_u16(p, flags);
    put_u32(p, o.server_id);
    if (!gtid) put_bytes(p, o.file);
    sent = send_command(m, COM_BINLOG_DUMP, p, false);
  }
  if (!sent) return core::fail(stream_error());
  return core::ok();
}

core::Error ReplicationStream::stream_error() {
  MYSQL* m = connection_->handle();
  return stream_error(mysql_errno(m), mysql_error(m));
}

core::Error ReplicationStream::stream_error(unsigned number, const std::string& text) {
  std::string ep = detail::endpoint(connection_->options());
  std::string where = "streaming the binlog of " + ep + " from " + start_;
  if (number == kErMasterFatalReadingBinlog) {
    if (contains(text, "purged") || contains(text, "Could not find first log file") ||
        contains(text, "Could not find GTID state")) {
      return core::Error{ErrorCode::kBinlogPurged,
                         where + ": the server no longer has that position (" + text +
                             "); its binlogs were purged: re-sync from a snapshot, and keep binlogs longer "
                             "(binlog_expire_logs_seconds; on RDS the 'binlog retention hours' setting)",
                         false, true};
    }
    if (contains(text, "same server_uuid/server_id") || contains(text, "same server_id")) {
      return core::Error{ErrorCode::kInvalidArgument,
                         where + ": another replica connected with the same server_id (" + text +
                             "): give each reader a unique \"server_id\"",
                         false};
    }
    return core::Error{ErrorCode::kNotFound,
                       where + ": the server refused the start position (" + text +
                           "): check the file, position or GTID set",
                       false};
  }
  if (number == kErSlaveSameId) {
    return core::Error{ErrorCode::kInvalidArgument,
                       where + ": another replica connected with the same server_id (" + text +
                           "): give each reader a unique \"server_id\"",
                       false};
  }
  detail::ClientError err{number, text};
  err.read_timeout_s = connection_->options().read_timeout_s;
  err.heartbeat_ms = heartbeat_ms_;
  return detail::statement_error(where, err);
}

int ReplicationStream::socket_fd() { return static_cast<int>(mysql_get_socket(connection_->handle())); }

core::Result<std::span<const uint8_t>> ReplicationStream::next_event() {
  if (ended_) return std::span<const uint8_t>();
  if (wire_) return next_event_raw();
  MYSQL* m = connection_->handle();
  unsigned long len = mysql_net_read_packet(m);
  if (len == packet_error) return core::fail(stream_error());
  const uint8_t* p = m->net.read_pos;
  if (len == 0 || p == nullptr) return core::fail(ErrorCode::kCorrupt, "empty packet in the binlog stream of " + start_);
  if (p[0] == 0xFE && len < 9) {
    ended_ = true;
    return std::span<const uint8_t>();
  }
  if (p[0] != 0x00) {
    return core::fail(ErrorCode::kCorrupt, "unexpected packet type " + std::to_string(p[0]) +
                                               " in the binlog stream of " + detail::endpoint(connection_->options()));
  }
  std::span<const uint8_t> event(p + 1, len - 1);
  if (event.size() < kEventHeaderSize) {
    return core::fail(ErrorCode::kCorrupt, "binlog event of " + std::to_string(event.size()) +
                                               " bytes is shorter than its 19-byte header");
  }
  uint32_t event_size = le32(event.data() + 9);
  if (event_size != event.size()) {
    return core::fail(ErrorCode::kCorrupt, "binlog event header says " + std::to_string(event_size) +
                                               " bytes but the packet holds " + std::to_string(event.size()));
  }
  return event;
}

bool ReplicationStream::buffered() const { return wire_ && wire_->buffered(); }

// The packet layer (https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_basic_packets.html):
// 3-byte length, 1-byte sequence number, payload; a payload of 0xFFFFFF bytes continues in the
// next packet (an empty one when nothing is left).
core::Status ReplicationStream::start_packet() {
  uint8_t head[4];
  if (!wire_->read(head, 4)) return core::fail(stream_error(kCrServerLost, wire_->error_text()));
  packet_left_ = static_cast<size_t>(head[0]) | static_cast<size_t>(head[1]) << 8 | static_cast<size_t>(head[2]) << 16;
  packet_full_ = packet_left_ == kMaxPacket;
  return core::ok();
}

core::Status ReplicationStream::read_payload(uint8_t* dst, size_t n) {
  while (n > 0) {
    if (packet_left_ == 0) {
      if (!packet_full_) {
        return core::fail(ErrorCode::kCorrupt, "a binlog event in the stream of " + start_ +
                                                   " is longer than the packets that carry it");
      }
      SLUICE_TRY(start_packet());
      continue;
    }
    size_t k = std::min(n, packet_left_);
    if (!wire_->read(dst, k)) return core::fail(stream_error(kCrServerLost, wire_->error_text()));
    packet_left_ -= k;
    dst += k;
    n -= k;
  }
  return core::ok();
}

// The event ended: so must its packets (after a full last packet, an empty one follows).
core::Status ReplicationStream::end_of_event() {
  if (packet_left_ == 0 && packet_full_) SLUICE_TRY(start_packet());
  if (packet_left_ != 0 || packet_full_) {
    return core::fail(ErrorCode::kCorrupt, "a packet in the binlog stream of " + start_ +
                                               " holds more than the event its header announces");
  }
  return core::ok();
}

core::Result<std::span<const uint8_t>> ReplicationStream::next_event_raw() {
  while (event_left_ > 0) {  // the rest of an event the caller did not read
    auto skipped = next_piece();
    if (!skipped) return core::fail(skipped.error());
  }
  SLUICE_TRY(start_packet());
  if (packet_left_ == 0) return core::fail(ErrorCode::kCorrupt, "empty packet in the binlog stream of " + start_);
  uint8_t status = 0;
  SLUICE_TRY(read_payload(&status, 1));
  if (status == 0xFE && packet_left_ < 8 && !packet_full_) {  // EOF: the end of a non-blocking dump
    SLUICE_TRY(read_payload(buf_.data(), packet_left_));
    ended_ = true;
    return std::span<const uint8_t>();
  }
  if (status == 0xFF && !packet_full_) {  // ERR: error number, '#' + SQL state, message
    size_t n = packet_left_;
    SLUICE_TRY(read_payload(buf_.data(), n));
    unsigned number = n >= 2 ? static_cast<unsigned>(buf_[0] | buf_[1] << 8) : 0;
    size_t text_at = n >= 8 && buf_[2] == '#' ? 8 : std::min<size_t>(n, 2);
    return core::fail(stream_error(number, std::string(reinterpret_cast<const char*>(buf_.data()) + text_at, n - text_at)));
  }
  if (status != 0x00) {
    return core::fail(ErrorCode::kCorrupt, "unexpected packet type " + std::to_string(status) +
                                               " in the binlog stream of " + detail::endpoint(connection_->options()));
  }
  if (packet_left_ < kEventHeaderSize && !packet_full_) {
    return core::fail(ErrorCode::kCorrupt, "binlog event of " + std::to_string(packet_left_) +
                                               " bytes is shorter than its 19-byte header");
  }
  SLUICE_TRY(read_payload(buf_.data(), kEventHeaderSize));
  uint32_t event_size = le32(buf_.data() + 9);
  if (event_size < kEventHeaderSize) {
    return core::fail(ErrorCode::kCorrupt, "binlog event header says " + std::to_string(event_size) + " bytes");
  }
  size_t first = std::min<size_t>(event_size, piece_size_);
  SLUICE_TRY(read_payload(buf_.data() + kEventHeaderSize, first - kEventHeaderSize));
  event_left_ = event_size - first;
  if (event_left_ == 0) SLUICE_TRY(end_of_event());
  return std::span<const uint8_t>(buf_.data(), first);
}

core::Result<std::span<const uint8_t>> ReplicationStream::next_piece() {
  if (event_left_ == 0) return std::span<const uint8_t>();
  size_t n = static_cast<size_t>(std::min<uint64_t>(event_left_, piece_size_));
  SLUICE_TRY(read_payload(buf_.data(), n));
  event_left_ -= n;
  if (event_left_ == 0) SLUICE_TRY(end_of_event());
  return std::span<const uint8_t>(buf_.data(), n);
}

}  // namespace sluice::mysql
