// The table of event types: name, default post-header length, decode function.
#include "binlog/events/decoder_state.h"

namespace sluice::binlog {
namespace {

struct Table {
  std::array<EventTypeInfo, 256> info{};
  void set(EventType t, const char* name, uint8_t post, DecodeFn fn) {
    info[static_cast<uint8_t>(t)] = EventTypeInfo{name, post, fn};
  }
  Table() {
    using E = EventType;
    set(E::kStartV3, "START_EVENT_V3", 56, nullptr);
    set(E::kQuery, "QUERY_EVENT", 13, decode_query);
    set(E::kStop, "STOP_EVENT", 0, decode_stop);
    set(E::kRotate, "ROTATE_EVENT", 8, decode_rotate);
    set(E::kIntvar, "INTVAR_EVENT", 0, nullptr);
    set(E::kRand, "RAND_EVENT", 0, nullptr);
    set(E::kUserVar, "USER_VAR_EVENT", 0, nullptr);
    set(E::kFormatDescription, "FORMAT_DESCRIPTION_EVENT", 0, decode_format_description);
    set(E::kXid, "XID_EVENT", 0, decode_xid);
    set(E::kBeginLoadQuery, "BEGIN_LOAD_QUERY_EVENT", 4, nullptr);
    set(E::kExecuteLoadQuery, "EXECUTE_LOAD_QUERY_EVENT", 26, nullptr);
    set(E::kTableMap, "TABLE_MAP_EVENT", 8, decode_table_map);
    set(E::kWriteRowsV1, "WRITE_ROWS_EVENT_V1", 8, decode_rows);
    set(E::kUpdateRowsV1, "UPDATE_ROWS_EVENT_V1", 8, decode_rows);
    set(E::kDeleteRowsV1, "DELETE_ROWS_EVENT_V1", 8, decode_rows);
    set(E::kIncident, "INCIDENT_EVENT", 2, decode_incident);
    set(E::kHeartbeat, "HEARTBEAT_LOG_EVENT", 0, decode_heartbeat);
    set(E::kIgnorable, "IGNORABLE_LOG_EVENT", 0, nullptr);
    set(E::kRowsQuery, "ROWS_QUERY_LOG_EVENT", 0, decode_rows_query);
    set(E::kWriteRows, "WRITE_ROWS_EVENT", 10, decode_rows);
    set(E::kUpdateRows, "UPDATE_ROWS_EVENT", 10, decode_rows);
    set(E::kDeleteRows, "DELETE_ROWS_EVENT", 10, decode_rows);
    set(E::kGtid, "GTID_LOG_EVENT", 42, decode_gtid);
    set(E::kAnonymousGtid, "ANONYMOUS_GTID_LOG_EVENT", 42, decode_gtid);
    set(E::kPreviousGtids, "PREVIOUS_GTIDS_LOG_EVENT", 0, decode_previous_gtids);
    set(E::kTransactionContext, "TRANSACTION_CONTEXT_EVENT", 18, nullptr);
    set(E::kViewChange, "VIEW_CHANGE_EVENT", 52, nullptr);
    set(E::kXaPrepare, "XA_PREPARE_LOG_EVENT", 0, decode_xa_prepare);
    set(E::kPartialUpdateRows, "PARTIAL_UPDATE_ROWS_EVENT", 10, decode_rows);
    set(E::kTransactionPayload, "TRANSACTION_PAYLOAD_EVENT", 0, decode_transaction_payload);
    set(E::kHeartbeatV2, "HEARTBEAT_LOG_EVENT_V2", 0, decode_heartbeat_v2);
    set(E::kGtidTagged, "GTID_TAGGED_LOG_EVENT", 0, decode_gtid_tagged);
    set(E::kAnnotateRows, "ANNOTATE_ROWS_EVENT", 0, decode_annotate_rows);
    set(E::kBinlogCheckpoint, "BINLOG_CHECKPOINT_EVENT", 4, decode_binlog_checkpoint);
    set(E::kMariaGtid, "GTID_EVENT", 19, decode_maria_gtid);
    set(E::kMariaGtidList, "GTID_LIST_EVENT", 4, decode_maria_gtid_list);
    set(E::kStartEncryption, "START_ENCRYPTION_EVENT", 0, decode_start_encryption);
    set(E::kQueryCompressed, "QUERY_COMPRESSED_EVENT", 13, decode_query);
    set(E::kWriteRowsCompressedV1, "WRITE_ROWS_COMPRESSED_EVENT_V1", 8, decode_rows);
    set(E::kUpdateRowsCompressedV1, "UPDATE_ROWS_COMPRESSED_EVENT_V1", 8, decode_rows);
    set(E::kDeleteRowsCompressedV1, "DELETE_ROWS_COMPRESSED_EVENT_V1", 8, decode_rows);
    set(E::kWriteRowsCompressed, "WRITE_ROWS_COMPRESSED_EVENT", 10, decode_rows);
    set(E::kUpdateRowsCompressed, "UPDATE_ROWS_COMPRESSED_EVENT", 10, decode_rows);
    set(E::kDeleteRowsCompressed, "DELETE_ROWS_COMPRESSED_EVENT", 10, decode_rows);
    set(E::kPartialRowData, "PARTIAL_ROW_DATA_EVENT", 9, decode_partial_row_data);
  }
};

const Table& table() {
  static const Table t;
  return t;
}

}  // namespace

const EventTypeInfo& event_type_info(uint8_t code) { return table().info[code]; }

const char* event_type_name(EventType type) {
  const char* name = event_type_info(static_cast<uint8_t>(type)).name;
  return name ? name : "UNKNOWN_EVENT";
}

core::Error corrupt(std::string message) {
  return core::Error{core::ErrorCode::kCorrupt, std::move(message), false, true};
}

}  // namespace sluice::binlog
