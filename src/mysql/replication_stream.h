#pragma once
/// The binlog as a replica receives it: registers with the source (COM_REGISTER_SLAVE) and asks
/// for events (COM_BINLOG_DUMP, or COM_BINLOG_DUMP_GTID on MySQL, or MariaDB's
/// @slave_connect_state + COM_BINLOG_DUMP), then hands out each event's raw bytes. It frames
/// events only; decoding is the binlog module's job.
///
/// Protocol: https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_replication.html
/// (COM_REGISTER_SLAVE, COM_BINLOG_DUMP, COM_BINLOG_DUMP_GTID, binlog network stream) and
/// https://mariadb.com/kb/en/com_binlog_dump/ . Each network packet is 0x00 + one event
/// (19-byte v4 header, body, 4-byte CRC32 when binlog_checksum=CRC32); 0xFE is EOF in
/// non-blocking mode; 0xFF is an error (1236: position gone or invalid).
///
/// Runs over a mysql::Connection, so TLS, timeouts and auth are the connection's. One thread.

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/result.h"
#include "mysql/connection.h"
#include "mysql/wire_reader.h"

namespace sluice::mysql {

/// Where and how to start reading.
struct ReplicationOptions {
  /// This reader's server_id (1..2^32-1): must differ from the source's and from every other
  /// replica's. Required.
  uint32_t server_id = 0;
  /// File/position start: used when neither GTID field is set. An empty file on MySQL means the
  /// first binlog the server has.
  std::string file;
  uint64_t position = 4;
  /// MySQL: start after this GTID set ("uuid:1-5,..."; "" = from the first binlog), sent with
  /// COM_BINLOG_DUMP_GTID. Ignored by MariaDB servers (an error).
  std::optional<std::string> mysql_gtid_set;
  /// MariaDB: start after this GTID position ("0-1-42,1-2-7"), via @slave_connect_state.
  std::optional<std::string> mariadb_gtid_pos;
  /// MariaDB: @slave_gtid_strict_mode for a GTID start.
  bool mariadb_gtid_strict = true;
  /// true: the server sends EOF when it reaches the end of the binlog, and next_event() then
  /// reports the end (like mysqlbinlog without --stop-never). false: wait for new events.
  bool non_blocking = false;
  /// Heartbeat period the source sends when idle (HEARTBEAT events); 0 disables. Must be
  /// below the connection's read_timeout.
  uint32_t heartbeat_period_ms = 30000;
  /// MariaDB: also send ANNOTATE_ROWS events (the SQL text before each row event). Without
  /// them, MariaDB leaves those events out, so positions jump over them.
  bool mariadb_annotate_rows = false;
  /// > 0: events longer than this many bytes (at least 64 KiB; at most 1 MiB is used) are
  /// handed out in pieces: next_event() returns the first, next_piece() the others. Events are
  /// then read below Connector/C, which would otherwise hold each whole event (up to 1 GiB) in
  /// memory. 0: every event whole.
  size_t piece_size = 0;
  /// false: dump without COM_REGISTER_SLAVE (a short read that must not show up, or linger,
  /// in SHOW REPLICAS; MySQL serves such dumps, as it does mysqlbinlog's).
  bool register_replica = true;
  /// Host name shown in SHOW REPLICAS / SHOW SLAVE HOSTS.
  std::string report_host = "sluice";
};

/// An open replication stream. Owns the connection (no other commands can run on it).
class ReplicationStream {
 public:
  /// Registers and starts the dump on `connection` (consumed). Fails with kInvalidArgument for
  /// a server_id that is 0, the source's own, or one a connected replica already uses.
  static core::Result<std::unique_ptr<ReplicationStream>> open(std::unique_ptr<Connection> connection,
                                                               const ReplicationOptions& options);
  /// Connects with `connect` and opens the stream.
  static core::Result<std::unique_ptr<ReplicationStream>> open(const ConnectOptions& connect,
                                                               const ReplicationOptions& options);

  /// The next event's raw bytes (header + body + checksum, without the packet's 0x00 byte),
  /// valid until the next call. An EMPTY span means the end of the stream (non-blocking mode
  /// reached the end of the binlog); later calls return empty again. Heartbeat events are
  /// returned like any other event. Errors: kBinlogPurged (data_loss) when the start position
  /// is gone, kConnect (retryable) when the connection drops, kCorrupt for a malformed packet.
  core::Result<std::span<const uint8_t>> next_event();

  /// The next bytes of the event next_event() began (with ReplicationOptions::piece_size), valid
  /// until the next call; empty once the event is complete. next_event() skips what is left.
  core::Result<std::span<const uint8_t>> next_piece();

  /// True when bytes of the stream were already received and not handed out yet (so a read
  /// would not wait even if the socket is empty).
  bool buffered() const;

  /// True once the end of the stream was seen.
  bool at_end() const { return ended_; }
  /// Whether events carry a trailing CRC32 (the source's binlog_checksum is CRC32).
  bool checksums() const { return checksums_; }
  /// The server this stream reads from.
  const ServerIdentity& server() const { return connection_->server(); }
  /// The start position as shown in messages ("mysql-bin.000003:4", "GTID 0-1-42").
  const std::string& start_description() const { return start_; }
  /// The connection's socket descriptor, for poll() to tell whether a read would block (the
  /// client library may still hold read-ahead bytes when the socket is empty); -1 when unknown.
  int socket_fd();

 private:
  ReplicationStream(std::unique_ptr<Connection> connection, std::string start);
  core::Status prepare_session(const ReplicationOptions& options);
  core::Status check_server_id(const ReplicationOptions& options);
  core::Status register_replica(const ReplicationOptions& options);
  core::Status send_dump(const ReplicationOptions& options);
  core::Error stream_error();
  core::Error stream_error(unsigned number, const std::string& text);
  core::Result<std::span<const uint8_t>> next_event_raw();
  core::Status start_packet();
  core::Status read_payload(uint8_t* dst, size_t n);
  core::Status end_of_event();

  std::unique_ptr<Connection> connection_;
  std::string start_;
  bool checksums_ = false;
  bool ended_ = false;
  uint32_t heartbeat_ms_ = 0;  // asked of the server (a blocking dump): silence means a stall
  // Piecewise mode: events read below the library.
  std::unique_ptr<detail::WireReader> wire_;
  size_t piece_size_ = 0;
  std::vector<uint8_t> buf_;
  uint64_t event_left_ = 0;   // bytes of the current event not handed out yet
  size_t packet_left_ = 0;    // bytes of the current network packet not read yet
  bool packet_full_ = false;  // the current packet is 0xFFFFFF bytes long: another follows
};

}  // namespace sluice::mysql
