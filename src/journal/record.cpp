#include "journal/record.h"

#include <bit>

#include "journal/format.h"

namespace sluice::journal {
namespace {

using core::Value;
using core::ValueKind;

// Entry kinds after the transaction part (docs/transaction-log.md); 0..4 are change::Op.
constexpr uint8_t kEntryStatement = 0x10;
constexpr uint8_t kEntryTable = 0x20;
constexpr uint8_t kRowJsonDiffs = 1, kRowBefore = 2, kRowAfter = 4;

void put_temporal(std::string& out, const core::Temporal& t) {
  put_zigzag(out, t.year);
  out.push_back(static_cast<char>(t.month));
  out.push_back(static_cast<char>(t.day));
  put_varint(out, t.hour);
  out.push_back(static_cast<char>(t.minute));
  out.push_back(static_cast<char>(t.second));
  put_varint(out, t.micro);
  out.push_back(t.negative ? 1 : 0);
}

void put_value(std::string& out, const Value& v) {
  out.push_back(static_cast<char>(v.kind));
  switch (v.kind) {
    case ValueKind::kAbsent:
    case ValueKind::kNull:
      return;
    case ValueKind::kInt:
      put_zigzag(out, v.i);
      return;
    case ValueKind::kUInt:
    case ValueKind::kYear:
      put_varint(out, v.u);
      return;
    case ValueKind::kFloat:
      put_u32(out, std::bit_cast<uint32_t>(v.f));
      return;
    case ValueKind::kDouble:
      put_u64(out, std::bit_cast<uint64_t>(v.d));
      return;
    case ValueKind::kDecimal:
      out.push_back(static_cast<char>(v.fsp));
      put_str(out, v.text);
      return;
    case ValueKind::kDate:
    case ValueKind::kTime:
    case ValueKind::kDateTime:
      out.push_back(static_cast<char>(v.fsp));
      put_temporal(out, v.t);
      return;
    case ValueKind::kTimestamp:
      out.push_back(static_cast<char>(v.fsp));
      put_zigzag(out, v.ts.seconds);
      put_varint(out, v.ts.micro);
      return;
    case ValueKind::kBit:
      put_varint(out, v.bits);
      put_varint(out, v.u);
      return;
    case ValueKind::kEnum:
    case ValueKind::kSet:
      out.push_back(static_cast<char>(v.flags));
      put_varint(out, v.u);
      put_str(out, v.text);
      return;
    default:  // kString, kBytes, kJson, kGeometry, kVector: flags and bytes
      out.push_back(static_cast<char>(v.flags));
      put_str(out, v.text);
      return;
  }
}

void put_image(std::string& out, std::span<const Value> image) {
  put_varint(out, image.size());
  for (const Value& v : image) put_value(out, v);
}

core::Temporal get_temporal(ByteIn& in) {
  core::Temporal t{};
  t.year = static_cast<int32_t>(in.zigzag());
  t.month = in.u8();
  t.day = in.u8();
  t.hour = static_cast<uint32_t>(in.varint());
  t.minute = in.u8();
  t.second = in.u8();
  t.micro = static_cast<uint32_t>(in.varint());
  t.negative = in.u8() != 0;
  return t;
}

// Reads one value; false when the kind is not one this version writes.
bool get_value(ByteIn& in, Value& v) {
  const uint8_t kind = in.u8();
  if (kind > static_cast<uint8_t>(ValueKind::kVector)) return false;
  v = Value();
  v.kind = static_cast<ValueKind>(kind);
  switch (v.kind) {
    case ValueKind::kAbsent:
    case ValueKind::kNull:
      break;
    case ValueKind::kInt:
      v.i = in.zigzag();
      break;
    case ValueKind::kUInt:
    case ValueKind::kYear:
      v.u = in.varint();
      break;
    case ValueKind::kFloat:
      v.f = std::bit_cast<float>(in.u32());
      break;
    case ValueKind::kDouble:
      v.d = std::bit_cast<double>(in.u64());
      break;
    case ValueKind::kDecimal:
      v.fsp = in.u8();
      v.text = in.str();
      break;
    case ValueKind::kDate:
    case ValueKind::kTime:
    case ValueKind::kDateTime:
      v.fsp = in.u8();
      v.t = get_temporal(in);
      break;
    case ValueKind::kTimestamp:
      v.fsp = in.u8();
      v.ts.seconds = in.zigzag();
      v.ts.micro = static_cast<uint32_t>(in.varint());
      break;
    case ValueKind::kBit:
      v.bits = static_cast<uint16_t>(in.varint());
      v.u = in.varint();
      break;
    case ValueKind::kEnum:
    case ValueKind::kSet:
      v.flags = in.u8();
      v.u = in.varint();
      v.text = in.str();
      break;
    default:
      v.flags = in.u8();
      v.text = in.str();
      break;
  }
  return in.ok();
}

// Reads an image into out.values; its start and size go to out.image_offsets.
bool get_image(ByteIn& in, Record& out, std::vector<uint32_t>& offsets) {
  const uint64_t n = in.varint();
  if (!in.ok() || n > (uint64_t{1} << 20)) return false;
  offsets.push_back(static_cast<uint32_t>(out.values.size()));
  offsets.push_back(static_cast<uint32_t>(n));
  for (uint64_t i = 0; i < n; ++i) {
    if (!get_value(in, out.values.emplace_back())) return false;
  }
  return true;
}

core::Status corrupt(const std::string& what) {
  return core::fail(core::ErrorCode::kCorrupt, "record body: " + what);
}

void get_transaction(ByteIn& in, change::Transaction& t) {
  t = change::Transaction{};
  t.file = in.str();
  t.begin_pos = in.varint();
  t.end_pos = in.varint();
  t.gtid = in.str();
  const uint8_t flags = in.u8();
  t.has_commit_time = (flags & 1) != 0;
  t.commit_time_has_micros = (flags & 2) != 0;
  t.commit_seconds = in.zigzag();
  t.commit_micros = static_cast<uint32_t>(in.varint());
  t.resume_file = in.str();
  t.resume_pos = in.varint();
}

bool get_row(ByteIn& in, uint8_t op, Record& out, std::vector<uint32_t>& offsets) {
  RecordEntry& e = out.entries.emplace_back();
  e.row.op = static_cast<change::Op>(op);
  e.table = static_cast<uint32_t>(in.varint());
  e.row.pos = in.varint();
  const uint8_t flags = in.u8();
  e.row.json_diffs = (flags & kRowJsonDiffs) != 0;
  if (!in.ok() || e.table >= out.tables.size()) return false;
  e.row.database = out.tables[e.table].db;
  e.row.table = out.tables[e.table].table;
  if ((flags & kRowBefore) == 0)
    offsets.insert(offsets.end(), {0, 0});
  else if (!get_image(in, out, offsets))
    return false;
  if ((flags & kRowAfter) == 0)
    offsets.insert(offsets.end(), {0, 0});
  else if (!get_image(in, out, offsets))
    return false;
  return true;
}

void get_statement(ByteIn& in, Record& out) {
  RecordEntry& e = out.entries.emplace_back();
  e.is_statement = true;
  Statement& s = e.statement;
  s.pos = in.varint();
  s.db = in.str();
  s.sql = in.str();
  s.session.sql_mode = in.varint();
  s.session.has_sql_mode = in.u8() != 0;
  s.session.charset_client = static_cast<uint16_t>(in.varint());
  s.session.collation_connection = static_cast<uint16_t>(in.varint());
  s.session.collation_server = static_cast<uint16_t>(in.varint());
  s.session.time_zone = in.str();
}

bool get_table(ByteIn& in, Record& out) {
  RecordTable& t = out.tables.emplace_back();
  t.db = in.str();
  t.table = in.str();
  const uint64_t n = in.varint();
  if (!in.ok() || n > (uint64_t{1} << 20)) return false;
  t.columns.clear();
  for (uint64_t i = 0; i < n && in.ok(); ++i) t.columns.push_back(in.str());
  return in.ok();
}

}  // namespace

void RecordBuilder::begin() {
  txn_.clear();
  body_.clear();
  table_keys_.clear();
  entries_ = 0;
}

void RecordBuilder::set_transaction(const change::Transaction& t) {
  txn_.clear();
  put_str(txn_, t.file);
  put_varint(txn_, t.begin_pos);
  put_varint(txn_, t.end_pos);
  put_str(txn_, t.gtid);
  txn_.push_back(static_cast<char>((t.has_commit_time ? 1 : 0) | (t.commit_time_has_micros ? 2 : 0)));
  put_zigzag(txn_, t.commit_seconds);
  put_varint(txn_, t.commit_micros);
  put_str(txn_, t.resume_file);
  put_varint(txn_, t.resume_pos);
}

void RecordBuilder::begin_table(std::string_view db, std::string_view name, size_t ncols) {
  body_.push_back(static_cast<char>(kEntryTable));
  put_str(body_, db);
  put_str(body_, name);
  put_varint(body_, ncols);
}

void RecordBuilder::add_column(std::string_view name) { put_str(body_, name); }

void RecordBuilder::add_row(uint32_t table, const change::RowChange& row) {
  body_.push_back(static_cast<char>(row.op));
  put_varint(body_, table);
  put_varint(body_, row.pos);
  const uint8_t flags =
      static_cast<uint8_t>((row.json_diffs ? kRowJsonDiffs : 0) | (row.before.empty() ? 0 : kRowBefore) |
                           (row.after.empty() ? 0 : kRowAfter));
  body_.push_back(static_cast<char>(flags));
  if (!row.before.empty()) put_image(body_, row.before);
  if (!row.after.empty()) put_image(body_, row.after);
  ++entries_;
}

void RecordBuilder::add_statement(const Statement& s) {
  body_.push_back(static_cast<char>(kEntryStatement));
  put_varint(body_, s.pos);
  put_str(body_, s.db);
  put_str(body_, s.sql);
  put_varint(body_, s.session.sql_mode);
  body_.push_back(s.session.has_sql_mode ? 1 : 0);
  put_varint(body_, s.session.charset_client);
  put_varint(body_, s.session.collation_connection);
  put_varint(body_, s.session.collation_server);
  put_str(body_, s.session.time_zone);
  ++entries_;
}

core::Status decode_transaction(std::span<const uint8_t> body, change::Transaction& out) {
  ByteIn in(body.data(), body.size());
  get_transaction(in, out);
  return in.ok() ? core::ok() : corrupt("transaction fields truncated");
}

core::Status decode_record(std::span<const uint8_t> body, uint64_t lsn, uint32_t flags, Record& out) {
  ByteIn in(body.data(), body.size());
  out.lsn = lsn;
  out.more = (flags & kRecordMore) != 0;
  out.tables.clear();
  out.entries.clear();
  out.values.clear();
  get_transaction(in, out.txn);
  if (!in.ok()) return corrupt("transaction fields truncated");
  std::vector<uint32_t>& offsets = out.image_offsets;
  offsets.clear();
  while (!in.at_end()) {
    const uint8_t kind = in.u8();
    bool good = true;
    if (kind <= static_cast<uint8_t>(change::Op::kTruncate))
      good = get_row(in, kind, out, offsets);
    else if (kind == kEntryStatement)
      get_statement(in, out);
    else if (kind == kEntryTable)
      good = get_table(in, out);
    else
      return corrupt("unknown entry kind " + std::to_string(kind) + " after " +
                     std::to_string(out.entries.size()) + " entries");
    if (!good || !in.ok()) return corrupt("entry " + std::to_string(out.entries.size()) + " does not decode");
  }
  // The values vector is complete: point the images (and transactions) into it.
  size_t row = 0;
  for (RecordEntry& e : out.entries) {
    if (e.is_statement) {
      e.row.txn = &out.txn;
      continue;
    }
    const uint32_t* o = offsets.data() + 4 * row++;
    e.row.before = std::span<const core::Value>(out.values.data() + o[0], o[1]);
    e.row.after = std::span<const core::Value>(out.values.data() + o[2], o[3]);
    e.row.txn = &out.txn;
    e.row.commit_time = out.txn.commit_time();
  }
  return core::ok();
}

}  // namespace sluice::journal
