// TABLE_MAP_EVENT with optional metadata (binlog_row_metadata=MINIMAL|FULL), compiled
// once into a TableLayout and cached by table id (reused while the map's bytes repeat).
// https://dev.mysql.com/doc/dev/mysql-server/latest/classbinary__log_1_1Table__map__event.html
// https://mariadb.com/kb/en/table_map_event/
#include <memory>

#include "binlog/events/decoder_state.h"

namespace sluice::binlog {
namespace {

enum OptionalMeta : uint8_t {
  kSignedness = 1,
  kDefaultCharset = 2,
  kColumnCharset = 3,
  kColumnName = 4,
  kSetStrValue = 5,
  kEnumStrValue = 6,
  kGeometryType = 7,
  kSimplePrimaryKey = 8,
  kPrimaryKeyWithPrefix = 9,
  kEnumAndSetDefaultCharset = 10,
  kEnumAndSetColumnCharset = 11,
  kColumnVisibility = 12,
};

// MariaDB derives YEAR from its integer field and GEOMETRY from its blob field, so its
// signedness / charset lists count those columns too; MySQL's do not.
bool is_numeric(ColumnType t, bool mariadb) {
  if (t == ColumnType::kYear) return mariadb;
  switch (t) {
    case ColumnType::kTiny: case ColumnType::kShort: case ColumnType::kInt24: case ColumnType::kLong:
    case ColumnType::kLongLong: case ColumnType::kNewDecimal: case ColumnType::kFloat:
    case ColumnType::kDouble: case ColumnType::kDecimal:
      return true;
    default: return false;
  }
}

bool is_character(ColumnType t, bool mariadb) {
  if (t == ColumnType::kGeometry) return mariadb;
  if (t == ColumnType::kVector) return true;  // MySQL 9 lists VECTOR (binary) among the charsets
  switch (t) {
    case ColumnType::kString: case ColumnType::kVarString: case ColumnType::kVarchar:
    case ColumnType::kTinyBlob: case ColumnType::kMediumBlob: case ColumnType::kLongBlob:
    case ColumnType::kBlob:
      return true;
    default: return false;
  }
}

bool is_enum_set(ColumnType t) { return t == ColumnType::kEnum || t == ColumnType::kSet; }

// Reads the per-type metadata of column `c` and normalises it as column_def.h documents.
bool read_column_meta(ByteReader& m, ColumnDef& c) {
  uint8_t b0 = 0, b1 = 0;
  switch (c.type) {
    case ColumnType::kFloat: case ColumnType::kDouble: case ColumnType::kTinyBlob:
    case ColumnType::kMediumBlob: case ColumnType::kLongBlob: case ColumnType::kBlob:
    case ColumnType::kGeometry: case ColumnType::kJson: case ColumnType::kVector:
    case ColumnType::kTimestamp2: case ColumnType::kDateTime2: case ColumnType::kTime2:
      if (!m.u8(b0)) return false;
      c.meta = b0;
      return true;
    case ColumnType::kVarchar: case ColumnType::kVarString: case ColumnType::kBit:
      return m.u16(c.meta);
    case ColumnType::kNewDecimal:
      if (!m.u8(b0) || !m.u8(b1)) return false;
      c.meta = static_cast<uint16_t>((b0 << 8) | b1);
      return true;
    case ColumnType::kString: case ColumnType::kEnum: case ColumnType::kSet: {
      if (!m.u8(b0) || !m.u8(b1)) return false;
      uint8_t real = b0;
      uint16_t len = b1;
      if ((b0 & 0x30) != 0x30) {  // CHAR longer than 255 bytes folds length bits into byte 0
        len = static_cast<uint16_t>(b1 | (((b0 & 0x30) ^ 0x30) << 4));
        real = static_cast<uint8_t>(b0 | 0x30);
      }
      if (real == static_cast<uint8_t>(ColumnType::kEnum)) c.type = ColumnType::kEnum;
      else if (real == static_cast<uint8_t>(ColumnType::kSet)) c.type = ColumnType::kSet;
      else c.type = ColumnType::kString;
      c.meta = len;
      return true;
    }
    default:
      return true;
  }
}

// Applies `coll` to the k-th column matching `pred`.
template <typename Pred>
void set_nth_collation(std::vector<ColumnLayout>& cols, uint64_t k, uint16_t coll, Pred pred) {
  uint64_t seen = 0;
  for (auto& c : cols) {
    if (!pred(c.def.type)) continue;
    if (seen++ == k) {
      c.def.collation = coll;
      return;
    }
  }
}

template <typename Pred>
bool read_default_charset(ByteReader v, std::vector<ColumnLayout>& cols, Pred pred) {
  uint64_t def;
  if (!v.packed(def)) return false;
  for (auto& c : cols) {
    if (pred(c.def.type)) c.def.collation = static_cast<uint16_t>(def);
  }
  while (!v.empty()) {
    uint64_t idx, coll;
    if (!v.packed(idx) || !v.packed(coll)) return false;
    set_nth_collation(cols, idx, static_cast<uint16_t>(coll), pred);
  }
  return true;
}

template <typename Pred>
bool read_column_charset(ByteReader& v, std::vector<ColumnLayout>& cols, Pred pred) {
  for (auto& c : cols) {
    if (!pred(c.def.type)) continue;
    uint64_t coll;
    if (!v.packed(coll)) return false;
    c.def.collation = static_cast<uint16_t>(coll);
  }
  return true;
}

bool read_str_values(ByteReader& v, std::vector<ColumnLayout>& cols, ColumnType type) {
  for (auto& c : cols) {
    if (c.def.type != type) continue;
    uint64_t count;
    if (!v.packed(count) || count > v.remaining()) return false;
    c.def.enum_values.clear();
    c.def.enum_values.reserve(count);
    for (uint64_t i = 0; i < count; ++i) {
      uint64_t len;
      std::string_view s;
      if (!v.packed(len) || !v.str(len, s)) return false;
      c.def.enum_values.emplace_back(s);
    }
  }
  return true;
}

// Fields with one entry per (matching) column: bytes left after the last column mean the
// metadata claims columns the table does not have.
bool lists_every_column(uint8_t type) {
  return type == kColumnCharset || type == kColumnName || type == kSetStrValue || type == kEnumStrValue ||
         type == kGeometryType || type == kEnumAndSetColumnCharset;
}

bool read_one_optional(uint8_t type, ByteReader& v, TableLayout& t, bool mariadb) {
  auto& cols = t.columns;
  auto is_character_col = [mariadb](ColumnType ct) { return is_character(ct, mariadb); };
  switch (type) {
    case kSignedness: {
      size_t k = 0;
      for (auto& c : cols) {
        if (!is_numeric(c.def.type, mariadb)) continue;
        if ((k >> 3) >= v.remaining()) return false;
        c.def.is_unsigned = (v.data()[k >> 3] >> (7 - (k & 7))) & 1;
        ++k;
      }
      return true;
    }
    case kDefaultCharset: return read_default_charset(v, cols, is_character_col);
    case kColumnCharset: return read_column_charset(v, cols, is_character_col);
    case kEnumAndSetDefaultCharset: return read_default_charset(v, cols, is_enum_set);
    case kEnumAndSetColumnCharset: return read_column_charset(v, cols, is_enum_set);
    case kColumnName:
      for (auto& c : cols) {
        uint64_t len;
        std::string_view s;
        if (!v.packed(len) || !v.str(len, s)) return false;
        c.def.name.assign(s);
      }
      t.names_from_metadata = true;
      return true;
    case kSetStrValue: return read_str_values(v, cols, ColumnType::kSet);
    case kEnumStrValue: return read_str_values(v, cols, ColumnType::kEnum);
    case kGeometryType:
      for (auto& c : cols) {
        if (c.def.type != ColumnType::kGeometry) continue;
        uint64_t g;
        if (!v.packed(g)) return false;
        c.def.geometry_type = static_cast<uint8_t>(g);
      }
      return true;
    case kSimplePrimaryKey: case kPrimaryKeyWithPrefix:
      while (!v.empty()) {
        uint64_t idx, prefix;
        if (!v.packed(idx) || idx >= cols.size()) return false;
        if (type == kPrimaryKeyWithPrefix && !v.packed(prefix)) return false;
        t.primary_key.push_back(static_cast<uint32_t>(idx));
      }
      return true;
    case kColumnVisibility:
      t.visible.assign(cols.size(), 1);
      for (size_t i = 0; i < cols.size(); ++i) {
        if ((i >> 3) >= v.remaining()) return false;
        t.visible[i] = (v.data()[i >> 3] >> (7 - (i & 7))) & 1;
      }
      return true;
    default:
      return true;  // newer metadata kinds are skipped by their length
  }
}

core::Status read_columns(ByteReader& r, TableLayout& t, bool mariadb) {
  uint64_t n;
  const uint8_t* types;
  if (!r.packed(n) || n == 0 || n > 4096 || !r.bytes(n, types)) {
    return core::fail(corrupt("TABLE_MAP_EVENT column count past the event end"));
  }
  uint64_t meta_len;
  ByteReader meta;
  if (!r.packed(meta_len) || !r.sub(meta_len, meta)) return core::fail(corrupt("truncated TABLE_MAP_EVENT metadata"));
  const uint8_t* nulls;
  if (!r.bytes((n + 7) / 8, nulls)) return core::fail(corrupt("truncated TABLE_MAP_EVENT null bitmap"));
  t.columns.resize(n);
  for (size_t i = 0; i < n; ++i) {
    ColumnDef& c = t.columns[i].def;
    c.type = static_cast<ColumnType>(types[i]);
    c.nullable = bit_set(nulls, i);
    if (!read_column_meta(meta, c)) return core::fail(corrupt("truncated TABLE_MAP_EVENT metadata"));
  }
  if (!meta.empty()) return core::fail(corrupt("TABLE_MAP_EVENT metadata describes more columns than the table has"));
  while (!r.empty()) {
    uint8_t type;
    uint64_t len;
    ByteReader v;
    if (!r.u8(type) || !r.packed(len) || !r.sub(len, v)) {
      return core::fail(corrupt("truncated TABLE_MAP_EVENT optional metadata"));
    }
    if (!read_one_optional(type, v, t, mariadb)) {
      return core::fail(corrupt("bad TABLE_MAP_EVENT optional metadata field " + std::to_string(type)));
    }
    if (lists_every_column(type) && !v.empty()) {
      return core::fail(corrupt("TABLE_MAP_EVENT optional metadata field " + std::to_string(type) +
                                " describes more columns than the table has"));
    }
  }
  return core::ok();
}

core::Status compile_columns(DecoderState& st, TableLayout& t) {
  if (st.options.resolver) {
    std::vector<ColumnDef> defs;
    defs.reserve(t.columns.size());
    for (auto& c : t.columns) defs.push_back(c.def);
    std::string where = st.file + ":" + std::to_string(st.pos);
    SLUICE_TRY(st.options.resolver->resolve(t.db, t.table, where, defs));
    for (size_t i = 0; i < defs.size(); ++i) {
      ColumnDef& c = t.columns[i].def;
      if (defs[i].type != c.type) continue;  // resolver must not change types
      if (c.name.empty()) c.name = std::move(defs[i].name);
      if (c.enum_values.empty()) c.enum_values = std::move(defs[i].enum_values);
      if (c.extended_type == ExtendedType::kNone) c.extended_type = defs[i].extended_type;
      if (!c.is_unsigned) c.is_unsigned = defs[i].is_unsigned;  // no SIGNEDNESS metadata
      if (c.collation == 0) c.collation = defs[i].collation;    // no charset metadata
      if (is_old_temporal(c.type)) c.meta = defs[i].meta;  // MariaDB's pre-10.1 fractions
    }
  }
  for (size_t i = 0; i < t.columns.size(); ++i) {
    ColumnLayout& c = t.columns[i];
    if (st.options.resolver == nullptr && is_old_temporal(c.def.type)) t.fsp_unknown = true;
    auto dec = decoder_for(c.def);
    if (!dec) {
      return core::fail(dec.error().with_context("column " + std::to_string(i + 1) + " of " + t.db + "." + t.table));
    }
    c.decode = *dec;
    c.key = c.def.name.empty() ? "@" + std::to_string(i + 1) : c.def.name;
    c.type_name = sql_type_name(c.def);
  }
  return core::ok();
}

}  // namespace

core::Status decode_table_map(DecoderState& st, const EventHeader&, ByteReader post, ByteReader body,
                              EventBody& out) {
  TableMap tm;
  uint16_t flags;
  size_t id_len = post.remaining() == 6 ? 4 : 6;
  if (!post.uint_n(id_len, tm.table_id) || !post.u16(flags)) return core::fail(corrupt("truncated TABLE_MAP_EVENT"));
  auto it = st.tables.find(tm.table_id);
  if (it != st.tables.end() && it->second->raw.size() == body.remaining() &&
      std::equal(body.data(), body.data() + body.remaining(), it->second->raw.begin()) &&
      (st.options.resolver == nullptr || it->second->names_from_metadata)) {
    tm.layout = it->second;
    out = tm;
    return core::ok();
  }
  auto t = std::make_shared<TableLayout>();
  t->table_id = tm.table_id;
  t->raw.assign(body.data(), body.data() + body.remaining());
  ByteReader r = body;
  uint8_t len;
  std::string_view db, table;
  if (!r.u8(len) || !r.str(len, db) || !r.skip(1) || !r.u8(len) || !r.str(len, table) || !r.skip(1)) {
    return core::fail(corrupt("truncated TABLE_MAP_EVENT names"));
  }
  t->db.assign(db);
  t->table.assign(table);
  SLUICE_TRY(read_columns(r, *t, st.have_format && st.format.mariadb));
  SLUICE_TRY(compile_columns(st, *t));
  if (st.tables.size() >= 16384) st.tables.clear();  // bound the cache; maps repeat per transaction
  tm.layout = t;
  st.tables[tm.table_id] = std::move(t);
  out = tm;
  return core::ok();
}

}  // namespace sluice::binlog
