// QUERY_EVENT and MariaDB QUERY_COMPRESSED_EVENT.
// https://dev.mysql.com/doc/dev/mysql-server/latest/classbinary__log_1_1Query__event.html
// https://mariadb.com/kb/en/query_event/  (status variables, MariaDB codes 128..130)
#include "binlog/events/decoder_state.h"

namespace sluice::binlog {
namespace {

// Reads one status variable. Returns false when it is unknown (its length cannot be
// known, so the rest of the block is skipped, as servers do) or truncated.
bool read_status_var(ByteReader& r, uint8_t code, QueryStatus& s) {
  uint8_t len = 0;
  uint16_t u16v = 0;
  uint64_t u64v = 0;
  switch (code) {
    case 0: return r.u32(s.flags2);
    case 1: return (s.has_sql_mode = r.u64(s.sql_mode));
    case 2: return r.u8(len) && r.str(len, s.catalog) && r.skip(1);
    case 3: return r.skip(4);
    case 4:
      return r.u16(s.charset_client) && r.u16(s.collation_connection) && r.u16(s.collation_server);
    case 5: return r.u8(len) && r.str(len, s.time_zone);
    case 6: return r.u8(len) && r.str(len, s.catalog);
    case 7: return r.u16(s.lc_time_names);
    case 8: return r.u16(s.collation_database);
    case 9: return r.u64(u64v);
    case 10: return r.skip(4);
    case 11: return r.u8(len) && r.skip(len) && r.u8(len) && r.skip(len);
    case 12: {
      uint8_t count;
      if (!r.u8(count)) return false;
      if (count == 254) return true;  // OVER_MAX_DBS_IN_EVENT_MTS: no names follow
      for (uint8_t i = 0; i < count; ++i) {
        while (true) {
          uint8_t c;
          if (!r.u8(c)) return false;
          if (c == 0) break;
        }
      }
      return true;
    }
    case 13: {
      if (!r.uint_n(3, u64v)) return false;
      s.microseconds = static_cast<uint32_t>(u64v);
      s.has_microseconds = true;
      return true;
    }
    case 16: return r.skip(1);
    case 17: return (s.has_ddl_xid = r.u64(s.ddl_xid));
    case 18: return r.u16(s.default_collation_utf8mb4);
    case 19: return r.skip(1);
    case 20: return r.skip(1);
    case 128: {  // MariaDB Q_HRNOW: microseconds of the statement time
      if (!r.uint_n(3, u64v)) return false;
      s.microseconds = static_cast<uint32_t>(u64v);
      s.has_microseconds = true;
      return true;
    }
    case 129: return (s.has_ddl_xid = r.u64(s.ddl_xid));  // MariaDB Q_XID
    case 130: return r.skip(1);                            // MariaDB Q_GTID_FLAGS3
    default:
      (void)u16v;
      return false;
  }
}

}  // namespace

core::Status decode_query(DecoderState& st, const EventHeader& h, ByteReader post, ByteReader body,
                          EventBody& out) {
  Query q;
  uint8_t db_len = 0;
  uint16_t status_len = 0;
  if (!post.u32(q.thread_id) || !post.u32(q.exec_time) || !post.u8(db_len) || !post.u16(q.error_code)) {
    return core::fail(corrupt("truncated QUERY_EVENT post-header"));
  }
  if (post.remaining() >= 2 && !post.u16(status_len)) return core::fail(corrupt("truncated QUERY_EVENT"));
  ByteReader vars;
  if (!body.sub(status_len, vars)) return core::fail(corrupt("QUERY_EVENT status variables past the event end"));
  while (!vars.empty()) {
    uint8_t code;
    if (!vars.u8(code)) break;
    if (!read_status_var(vars, code, q.status)) break;
  }
  if (st.have_format) q.status.server_version = st.format.server_version;
  if (!body.str(db_len, q.db) || !body.skip(1)) return core::fail(corrupt("truncated QUERY_EVENT database name"));
  if (h.type == EventType::kQueryCompressed) {
    auto text = maria_inflate(st, body);
    if (!text) return core::fail(text.error());
    q.sql = std::string_view(reinterpret_cast<const char*>(text->data()), text->size());
  } else {
    q.sql = body.rest_str();
  }
  out = q;
  return core::ok();
}

}  // namespace sluice::binlog
