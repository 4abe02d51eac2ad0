#pragma once
/// What a live stream asks the source before it starts (internal to BinlogStreamer): flavor,
/// the current end of the binlog (SHOW BINARY LOG STATUS on MySQL 8.4+, SHOW MASTER STATUS on
/// MariaDB and older MySQL), the start turned into a position, and the GTID state at the
/// start when the server can tell (MySQL Executed_Gtid_Set, MariaDB BINLOG_GTID_POS()).
/// Returns the client connection it used, for the stream to start on (one TLS handshake
/// instead of two: with OpenSSL 3 each costs ~20 ms of CPU).

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "mysql/connection.h"
#include "mysql/replication_stream.h"
#include "mysql/server_status.h"
#include "source/binlog_streamer.h"

namespace sluice::source {

struct StreamServerInfo {
  mysql::Flavor flavor = mysql::Flavor::kMySQL;
  std::string server;    ///< "host:port"
  std::string identity;  ///< mysql::read_source_identity
  /// kCurrent resolved to kFilePos; a checkpoint of another server whose GTID set this one has
  /// executed turned into kGtid (with `note` saying so).
  StreamStart start;
  std::string note;                       ///< one info line for stderr, or ""
  core::BinlogPosition end;               ///< the server's binlog end when asked
  std::optional<std::string> gtid_state;  ///< at the start, when known
  /// The connection the questions went over (connected with the caller's options), or null.
  std::unique_ptr<mysql::Connection> connection;
};

/// Why a binlog position cannot be read from on a server.
struct PositionProblem {
  enum class Kind : uint8_t {
    kPurged = 0,       ///< older than the oldest binlog the server has
    kPastEnd = 1,      ///< the file exists, the position is past its end
    kNewer = 2,        ///< the file is newer than the server's current binlog
    kUnknownFile = 3,  ///< a name the server's binlogs do not have (another base name)
  };
  Kind kind = Kind::kPurged;
  std::string text;  ///< e.g. "position 999 is past the end of binlog.000003 (420 bytes)"
};

/// Checks `at` against the server's binlog files (SHOW BINARY LOGS) and its end (the
/// current file may have grown since the list: the larger size counts). nullopt: readable.
std::optional<PositionProblem> check_binlog_position(const std::vector<mysql::BinlogFile>& files,
                                                     const core::BinlogPosition& end,
                                                     const core::BinlogPosition& at);

/// Connects with `connect` and answers the questions above. A --gtid text of the wrong flavor
/// is a kInvalidArgument naming both; a server without binary logging is kUnsupported. A
/// file/position start is checked first (check_binlog_position; kConfig naming the start, its
/// origin and the fix; purged files are left to the stream, which names what is lost), and so
/// is its server: a checkpoint written on another server (StreamStart::server_identity) is
/// refused (kConfig) unless this server has executed its GTID set, then continued by GTID. For a
/// file/position start on MySQL with gtid_mode ON, the GTID set at the start is read from the
/// binlog itself (mysql_gtid_set_at, as replica `server_id`).
core::Result<StreamServerInfo> query_stream_server(const mysql::ConnectOptions& connect,
                                                   const StreamStart& start, uint32_t server_id);

/// MySQL: the GTID set executed before `file`:`pos` (a transaction boundary): the file's
/// PREVIOUS_GTIDS plus the GTIDs of the transactions that begin before `pos`, read from the
/// file's start over a non-blocking, unregistered binlog dump as replica `server_id`. Reads
/// up to `pos` (memory: one 1 MiB piece; compressed transactions are not inflated).
core::Result<std::string> mysql_gtid_set_at(const mysql::ConnectOptions& connect, uint32_t server_id,
                                            const std::string& file, uint64_t pos);

/// The first file SHOW BINARY LOGS lists, or a phrase saying why it is unknown.
std::string oldest_binlog(const mysql::ConnectOptions& connect);

}  // namespace sluice::source
