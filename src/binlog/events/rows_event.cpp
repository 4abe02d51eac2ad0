// WRITE/UPDATE/DELETE_ROWS v1 and v2, PARTIAL_UPDATE_ROWS (MySQL), and MariaDB's
// compressed rows events. The rows themselves are decoded later by decode_row_image.
// https://dev.mysql.com/doc/dev/mysql-server/latest/classbinary__log_1_1Rows__event.html
// https://mariadb.com/kb/en/rows_event_v1v2-rows_compressed_event_v1/
#include "binlog/events/decoder_state.h"

namespace sluice::binlog {
namespace {

struct RowsKind {
  change::Op op;
  bool v2;
  bool compressed;
  bool partial;
};

bool rows_kind(EventType t, RowsKind& k) {
  switch (t) {
    case EventType::kWriteRowsV1: k = {change::Op::kInsert, false, false, false}; return true;
    case EventType::kUpdateRowsV1: k = {change::Op::kUpdate, false, false, false}; return true;
    case EventType::kDeleteRowsV1: k = {change::Op::kDelete, false, false, false}; return true;
    case EventType::kWriteRows: k = {change::Op::kInsert, true, false, false}; return true;
    case EventType::kUpdateRows: k = {change::Op::kUpdate, true, false, false}; return true;
    case EventType::kDeleteRows: k = {change::Op::kDelete, true, false, false}; return true;
    case EventType::kPartialUpdateRows: k = {change::Op::kUpdate, true, false, true}; return true;
    case EventType::kWriteRowsCompressedV1: k = {change::Op::kInsert, false, true, false}; return true;
    case EventType::kUpdateRowsCompressedV1: k = {change::Op::kUpdate, false, true, false}; return true;
    case EventType::kDeleteRowsCompressedV1: k = {change::Op::kDelete, false, true, false}; return true;
    case EventType::kWriteRowsCompressed: k = {change::Op::kInsert, true, true, false}; return true;
    case EventType::kUpdateRowsCompressed: k = {change::Op::kUpdate, true, true, false}; return true;
    case EventType::kDeleteRowsCompressed: k = {change::Op::kDelete, true, true, false}; return true;
    default: return false;
  }
}

}  // namespace

core::Status decode_rows(DecoderState& st, const EventHeader& h, ByteReader post, ByteReader body,
                         EventBody& out) {
  RowsKind kind;
  if (!rows_kind(h.type, kind)) return core::fail(core::ErrorCode::kInternal, "not a rows event");
  Rows rows;
  rows.op = kind.op;
  rows.partial = kind.partial;
  size_t id_len = post.remaining() == 6 ? 4 : 6;
  if (!post.uint_n(id_len, rows.table_id) || !post.u16(rows.flags)) return core::fail(corrupt("truncated rows event"));
  if (kind.v2) {
    // The extra-data length counts its own two bytes; it sits in the post-header when the
    // format says 10 bytes, else at the start of the body.
    ByteReader& r = post.remaining() >= 2 ? post : body;
    uint16_t extra_len;
    if (!r.u16(extra_len) || extra_len < 2 || !body.skip(extra_len - 2u)) {
      return core::fail(corrupt("rows event extra data past the event end"));
    }
  }
  uint64_t n;
  const uint8_t* bitmap;
  if (!body.packed(n) || n == 0 || n > 4096 || !body.bytes((n + 7) / 8, bitmap)) {
    return core::fail(corrupt("truncated rows event column bitmap"));
  }
  rows.column_count = static_cast<uint32_t>(n);
  rows.present_before = std::span<const uint8_t>(bitmap, (n + 7) / 8);
  rows.present_after = rows.present_before;
  if (kind.op == change::Op::kUpdate) {
    if (!body.bytes((n + 7) / 8, bitmap)) return core::fail(corrupt("truncated rows event column bitmap"));
    rows.present_after = std::span<const uint8_t>(bitmap, (n + 7) / 8);
  }
  if (kind.compressed) {
    auto inflated = maria_inflate(st, body);
    if (!inflated) return core::fail(inflated.error());
    rows.rows = *inflated;
  } else {
    rows.rows = std::span<const uint8_t>(body.data(), body.remaining());
  }
  auto it = st.tables.find(rows.table_id);
  if (it == st.tables.end()) {
    if (rows.rows.empty()) {  // MariaDB's dummy end-of-statement event
      out = Skipped{};
      return core::ok();
    }
    return core::fail(corrupt("rows event for table id " + std::to_string(rows.table_id) +
                              " without a preceding TABLE_MAP_EVENT"));
  }
  rows.layout = it->second;
  if (rows.layout->columns.size() != n) {
    return core::fail(core::ErrorCode::kSchemaMismatch,
                      "rows event has " + std::to_string(n) + " columns but TABLE_MAP of " + rows.layout->db +
                          "." + rows.layout->table + " has " + std::to_string(rows.layout->columns.size()));
  }
  out = rows;
  return core::ok();
}

}  // namespace sluice::binlog
