#pragma once
/// Plain structs for decoded binlog events. String views and byte spans point into the
/// event buffer handed to EventDecoder::feed (or a decoder-owned decompression buffer):
/// valid only during the EventHandler callback that receives them.

#include <array>
#include <cstdint>
#include <span>
#include <string_view>
#include <variant>

#include "binlog/events/event_type.h"
#include "binlog/table_layout.h"
#include "change/change.h"

namespace sluice::binlog {

class ByteBlock;

/// FORMAT_DESCRIPTION_EVENT: describes every later event of the file or stream.
struct FormatDescription {
  uint16_t binlog_version = 4;
  std::string_view server_version;
  uint32_t created = 0;
  uint8_t header_length = 19;
  uint8_t checksum_alg = 0;  ///< 0 none, 1 CRC32
  bool mariadb = false;
};

/// ROTATE_EVENT: the next file and the position to continue at.
struct Rotate {
  uint64_t position = 0;
  std::string_view next_file;
};

/// QUERY_EVENT status variables that later DDL tracking needs (others are skipped).
/// https://dev.mysql.com/doc/dev/mysql-server/latest/classbinary__log_1_1Query__event.html
struct QueryStatus {
  uint32_t flags2 = 0;
  uint64_t sql_mode = 0;
  bool has_sql_mode = false;
  uint16_t charset_client = 0;
  uint16_t collation_connection = 0;
  uint16_t collation_server = 0;
  uint16_t collation_database = 0;
  uint16_t default_collation_utf8mb4 = 0;
  uint16_t lc_time_names = 0;
  std::string_view time_zone;
  std::string_view catalog;
  uint32_t microseconds = 0;
  bool has_microseconds = false;
  uint64_t ddl_xid = 0;
  bool has_ddl_xid = false;
  /// Not a status variable: the server version of the binlog's FORMAT_DESCRIPTION (which
  /// decides the statement's executable comments, e.g. `/*!80013 ... */`).
  std::string_view server_version;
};

/// QUERY_EVENT and MariaDB QUERY_COMPRESSED_EVENT (query already inflated).
struct Query {
  uint32_t thread_id = 0;
  uint32_t exec_time = 0;
  uint16_t error_code = 0;
  std::string_view db;
  std::string_view sql;
  QueryStatus status;
};

/// XID_EVENT: commit of a transactional group.
struct Xid {
  uint64_t xid = 0;
};

/// XA_PREPARE_LOG_EVENT (MySQL 5.7+, MariaDB 10.5+): ends the group of an XA transaction.
/// Two-phase (`one_phase` false: XA PREPARE), its rows are committed only by a later group's
/// XA COMMIT of the same XID, or undone by XA ROLLBACK; one-phase it is a commit.
struct XaPrepare {
  bool one_phase = false;
  std::string xid;  ///< as the server writes it in XA statements: X'gtrid',X'bqual',formatID
};

/// MySQL GTID / ANONYMOUS_GTID / GTID_TAGGED, and MariaDB GTID_EVENT.
struct Gtid {
  bool mariadb = false;
  bool anonymous = false;
  // MySQL
  std::array<uint8_t, 16> uuid{};
  std::string_view tag;
  int64_t gno = 0;
  int64_t last_committed = 0;
  int64_t sequence_number = 0;
  uint64_t immediate_commit_us = 0;  ///< 0 when not written
  uint64_t original_commit_us = 0;
  uint64_t transaction_length = 0;   ///< bytes of the whole transaction incl. this event; 0 = unknown
  // MariaDB
  uint32_t domain_id = 0;
  uint32_t server_id = 0;
  uint64_t seq_no = 0;
  uint8_t flags2 = 0;
  bool standalone = false;  ///< MariaDB FL_STANDALONE: no terminating COMMIT/XID
};

/// PREVIOUS_GTIDS_EVENT (MySQL): the encoded GTID set, kept raw.
struct PreviousGtids {
  std::span<const uint8_t> encoded;
};

/// GTID_LIST_EVENT (MariaDB): count entries of (domain, server, seq), raw little-endian.
struct GtidList {
  uint32_t count = 0;
  std::span<const uint8_t> entries;  ///< count * 16 bytes
};

/// TABLE_MAP_EVENT, compiled.
struct TableMap {
  uint64_t table_id = 0;
  TableLayoutPtr layout;
};

/// WRITE/UPDATE/DELETE_ROWS v1/v2, PARTIAL_UPDATE_ROWS and MariaDB compressed rows.
struct Rows {
  change::Op op = change::Op::kInsert;
  bool partial = false;  ///< PARTIAL_UPDATE_ROWS_EVENT: after images may hold JSON diffs
  uint64_t table_id = 0;
  uint16_t flags = 0;
  uint32_t column_count = 0;
  TableLayoutPtr layout;  ///< null when no TABLE_MAP preceded (error reported by decoder)
  std::span<const uint8_t> present_before;  ///< columns-present bitmap of the first image
  std::span<const uint8_t> present_after;   ///< UPDATE: of the second image; else == before
  std::span<const uint8_t> rows;            ///< the row images (already inflated)
};

struct RowsQuery {
  std::string_view sql;  ///< ROWS_QUERY (MySQL) or ANNOTATE_ROWS (MariaDB)
};

struct Heartbeat {
  std::string_view log_file;
  uint64_t position = 0;
};

struct Incident {
  uint16_t type = 0;
  std::string_view message;
};

struct BinlogCheckpoint {
  std::string_view file;
};

struct Stop {};

/// TRANSACTION_PAYLOAD_EVENT header; its inner events are delivered separately.
struct TransactionPayload {
  uint64_t compression = 0;  ///< 0 zstd, 255 none
  uint64_t uncompressed_size = 0;
  std::span<const uint8_t> payload;
};

/// An event the decoder skips (unknown or irrelevant type): only its header is known.
struct Skipped {
  /// The type is none sluice knows (not one it knows and ignores): inside a transaction with
  /// rows of a followed table it stops the read (ChangeAssembler), as it might change them.
  bool unknown_type = false;
};

using EventBody =
    std::variant<Skipped, FormatDescription, Rotate, Query, Xid, Gtid, PreviousGtids, GtidList, TableMap,
                 Rows, RowsQuery, Heartbeat, Incident, BinlogCheckpoint, Stop, TransactionPayload, XaPrepare>;

/// One decoded event. `pos` is the event's start offset in its file; `end_pos` the offset
/// after it. Events inside a TRANSACTION_PAYLOAD carry the payload event's pos/end_pos and
/// `in_payload = true`.
struct Event {
  EventHeader header;
  std::string_view file;  ///< the binlog file the event belongs to (EventDecoder::file())
  uint64_t pos = 0;
  uint64_t end_pos = 0;
  bool in_payload = false;
  /// When set, the event's bytes lie in this block: a consumer may keep a BlockRef to it and
  /// with it any view into the event (ByteBlock::holds says which views are in it).
  ByteBlock* block = nullptr;
  EventBody body;
};

}  // namespace sluice::binlog
