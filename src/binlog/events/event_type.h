#pragma once
/// Binlog event type codes (MySQL's Log_event_type and MariaDB's additions) and the
/// 19-byte common header of binlog v4.
/// Sources: https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_replication_binlog_event.html
/// and https://mariadb.com/kb/en/2-binlog-event-header/

#include <cstdint>

namespace sluice::binlog {

enum class EventType : uint8_t {
  kUnknown = 0,
  kStartV3 = 1,
  kQuery = 2,
  kStop = 3,
  kRotate = 4,
  kIntvar = 5,
  kRand = 13,
  kUserVar = 14,
  kFormatDescription = 15,
  kXid = 16,
  kBeginLoadQuery = 17,
  kExecuteLoadQuery = 18,
  kTableMap = 19,
  kWriteRowsV1 = 23,
  kUpdateRowsV1 = 24,
  kDeleteRowsV1 = 25,
  kIncident = 26,
  kHeartbeat = 27,
  kIgnorable = 28,
  kRowsQuery = 29,
  kWriteRows = 30,
  kUpdateRows = 31,
  kDeleteRows = 32,
  kGtid = 33,
  kAnonymousGtid = 34,
  kPreviousGtids = 35,
  kTransactionContext = 36,
  kViewChange = 37,
  kXaPrepare = 38,
  kPartialUpdateRows = 39,
  kTransactionPayload = 40,
  kHeartbeatV2 = 41,
  kGtidTagged = 42,
  // MariaDB
  kAnnotateRows = 160,
  kBinlogCheckpoint = 161,
  kMariaGtid = 162,
  kMariaGtidList = 163,
  kStartEncryption = 164,
  kQueryCompressed = 165,
  kWriteRowsCompressedV1 = 166,
  kUpdateRowsCompressedV1 = 167,
  kDeleteRowsCompressedV1 = 168,
  kWriteRowsCompressed = 169,
  kUpdateRowsCompressed = 170,
  kDeleteRowsCompressed = 171,
  kPartialRowData = 172,  ///< MariaDB 12.3+: a fragment of a rows event (events/partial_rows_event.cpp)
};

/// Size of the v4 common header: timestamp(4) type(1) server_id(4) event_size(4) log_pos(4) flags(2).
inline constexpr size_t kEventHeaderSize = 19;
/// Bytes of the CRC32 trailer when the FORMAT_DESCRIPTION says checksum_alg = 1.
inline constexpr size_t kChecksumSize = 4;
/// Flag in the FORMAT_DESCRIPTION header while the server still writes the file.
inline constexpr uint16_t kFlagBinlogInUse = 0x0001;

struct EventHeader {
  uint32_t timestamp = 0;  ///< seconds since the epoch when the statement started
  EventType type = EventType::kUnknown;
  uint32_t server_id = 0;
  uint32_t event_size = 0;  ///< header + body + checksum
  uint32_t log_pos = 0;     ///< position of the *next* event (0 for events inside a payload)
  uint16_t flags = 0;
};

/// Name of an event type ("TABLE_MAP_EVENT"), or "UNKNOWN_EVENT(n)" style for unknown codes.
const char* event_type_name(EventType type);

}  // namespace sluice::binlog
