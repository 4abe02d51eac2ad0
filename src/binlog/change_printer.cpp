#include "binlog/change_printer.h"

#include <cerrno>
#include <cstring>

#include "core/json_writer.h"

namespace sluice::binlog {
namespace {

constexpr size_t kFlushAt = size_t{1} << 20;

const char* op_name(change::Op op) {
  switch (op) {
    case change::Op::kInsert: return "insert";
    case change::Op::kUpdate: return "update";
    case change::Op::kDelete: return "delete";
    case change::Op::kSnapshot: return "snapshot";
    case change::Op::kTruncate: return "truncate";
  }
  return "?";
}

void append_header(std::string& out, const change::Transaction& txn, uint64_t pos) {
  out.append("{\"file\":");
  core::json_append_string(out, txn.file);
  out.append(",\"pos\":");
  core::json_append_uint(out, pos);
  out.append(",\"end_pos\":");
  if (txn.end_pos) core::json_append_uint(out, txn.end_pos);
  else out.append("null");
  out.append(",\"gtid\":");
  if (txn.gtid.empty()) out.append("null");
  else core::json_append_string(out, txn.gtid);
  out.append(",\"ts\":");
  append_commit_time(out, txn);
}

void append_image(std::string& out, const char* name, const TableLayout& t, std::span<const core::Value> row,
                  const core::ValueFormat& fmt) {
  out.append(",\"").append(name).append("\":{");
  bool first = true;
  for (size_t i = 0; i < t.columns.size(); ++i) {
    if (row[i].is_absent() || row[i].is_json_diff()) continue;  // a diff goes under "json_diffs"
    if (!first) out.push_back(',');
    first = false;
    core::json_append_string(out, t.columns[i].key);
    out.push_back(':');
    core::append_value_json(out, row[i], fmt);
  }
  out.push_back('}');
}

// "json_diffs":{"col":[...]}: the changes MySQL logged for JSON documents it did not log
// (PARTIAL_JSON under binlog_row_image=MINIMAL), docs/json-lines.md.
void append_json_diffs(std::string& out, const TableLayout& t, std::span<const core::Value> row) {
  out.append(",\"json_diffs\":{");
  bool first = true;
  for (size_t i = 0; i < t.columns.size(); ++i) {
    if (!row[i].is_json_diff()) continue;
    if (!first) out.push_back(',');
    first = false;
    core::json_append_string(out, t.columns[i].key);
    out.push_back(':');
    out.append(row[i].text);
  }
  out.push_back('}');
}

}  // namespace

void append_commit_time(std::string& out, const change::Transaction& txn) {
  if (!txn.has_commit_time) {
    out.append("null");
    return;
  }
  core::Temporal t = core::temporal_from_epoch(core::EpochTime{txn.commit_seconds, txn.commit_micros});
  char buf[40];
  size_t n = core::format_datetime(buf, t, txn.commit_time_has_micros ? 6 : 0, 'T');
  out.push_back('"');
  out.append(buf, n);
  out.append("Z\"");
}

ChangePrinter::ChangePrinter(std::FILE* out, PrinterOptions options) : out_(out), options_(options) {
  if (out_) buf_.reserve(kFlushAt + (64 << 10));
}

ChangePrinter::~ChangePrinter() { (void)flush(); }

void ChangePrinter::append_row(std::string& out, const change::RowChange& c, const TableLayout& t, bool types) {
  static const core::ValueFormat fmt{};
  append_header(out, *c.txn, c.pos);
  out.append(",\"op\":\"").append(op_name(c.op)).append("\",\"db\":");
  core::json_append_string(out, t.db);
  out.append(",\"table\":");
  core::json_append_string(out, t.table);
  if (!c.before.empty()) append_image(out, "before", t, c.before, fmt);
  if (!c.after.empty()) append_image(out, "after", t, c.after, fmt);
  if (c.json_diffs) append_json_diffs(out, t, c.after);
  if (types) {
    out.append(",\"types\":{");
    for (size_t i = 0; i < t.columns.size(); ++i) {
      if (i) out.push_back(',');
      core::json_append_string(out, t.columns[i].key);
      out.push_back(':');
      core::json_append_string(out, t.columns[i].type_name);
    }
    out.push_back('}');
  }
  out.append("}\n");
}

const std::string& ChangePrinter::txn_tail(const change::Transaction& txn) {
  TxnCache& c = txn_cache_;
  if (c.valid && c.end_pos == txn.end_pos && c.has_time == txn.has_commit_time && c.seconds == txn.commit_seconds &&
      c.micros == txn.commit_micros && c.has_micros == txn.commit_time_has_micros && c.gtid == txn.gtid &&
      c.file == txn.file) {
    return c.tail;
  }
  c.valid = true;
  c.file.assign(txn.file);
  c.gtid.assign(txn.gtid);
  c.end_pos = txn.end_pos;
  c.has_time = txn.has_commit_time;
  c.seconds = txn.commit_seconds;
  c.micros = txn.commit_micros;
  c.has_micros = txn.commit_time_has_micros;
  c.head.assign("{\"file\":");
  core::json_append_string(c.head, txn.file);
  c.head.append(",\"pos\":");
  c.tail.assign(",\"end_pos\":");
  if (txn.end_pos) core::json_append_uint(c.tail, txn.end_pos);
  else c.tail.append("null");
  c.tail.append(",\"gtid\":");
  if (txn.gtid.empty()) c.tail.append("null");
  else core::json_append_string(c.tail, txn.gtid);
  c.tail.append(",\"ts\":");
  append_commit_time(c.tail, txn);
  return c.tail;
}

const ChangePrinter::TableCache& ChangePrinter::table_cache(const TableLayoutPtr& layout) {
  const TableLayout& t = *layout;
  TableCache& c = table_cache_;
  if (c.held && c.held.get() == &t) return c;  // held: the address cannot be another layout's
  c.held = layout;
  bool same = c.layout == &t && c.names.size() == t.columns.size();
  for (size_t i = 0; same && i < t.columns.size(); ++i) same = c.names[i] == t.columns[i].key;
  if (same) return c;  // (db and table names belong to the layout; a reused address shows in keys)
  c.layout = &t;
  c.names.clear();
  c.keys.clear();
  for (const auto& col : t.columns) {
    c.names.push_back(col.key);
    std::string k;
    core::json_append_string(k, col.key);
    k.push_back(':');
    c.keys.push_back(std::move(k));
  }
  for (change::Op op : {change::Op::kInsert, change::Op::kUpdate, change::Op::kDelete}) {
    std::string& o = c.ops[static_cast<size_t>(op)];
    o.assign(",\"op\":\"").append(op_name(op)).append("\",\"db\":");
    core::json_append_string(o, t.db);
    o.append(",\"table\":");
    core::json_append_string(o, t.table);
  }
  return c;
}

void ChangePrinter::append_cached_image(const char* name, const TableCache& tc, std::span<const core::Value> row) {
  static const core::ValueFormat fmt = [] {
    core::ValueFormat f;
    f.utf8_checked = true;  // the binlog decoder's kString values went through core::to_utf8
    return f;
  }();
  buf_.append(",\"").append(name).append("\":{");
  bool first = true;
  for (size_t i = 0; i < row.size(); ++i) {
    if (row[i].is_absent()) continue;
    if (!first) buf_.push_back(',');
    first = false;
    buf_.append(tc.keys[i]);
    core::append_value_json(buf_, row[i], fmt);
  }
  buf_.push_back('}');
}

core::Status ChangePrinter::on_row(const change::RowChange& c, const TableLayoutPtr& layout) {
  if (options_.types || c.json_diffs) {
    append_row(buf_, c, *layout, options_.types);
    return maybe_flush();
  }
  const TableCache& tc = table_cache(layout);
  const std::string& tail = txn_tail(*c.txn);
  buf_.append(txn_cache_.head);
  core::json_append_uint(buf_, c.pos);
  buf_.append(tail);
  buf_.append(tc.ops[static_cast<size_t>(c.op)]);
  if (!c.before.empty()) append_cached_image("before", tc, c.before.first(tc.keys.size()));
  if (!c.after.empty()) append_cached_image("after", tc, c.after.first(tc.keys.size()));
  buf_.append("}\n");
  return maybe_flush();
}

core::Status ChangePrinter::on_statement(const StatementChange& s) {
  if (!options_.statements) return core::ok();
  append_header(buf_, *s.txn, s.pos);
  buf_.append(",\"op\":\"ddl\",\"db\":");
  core::json_append_string(buf_, s.db);
  buf_.append(",\"sql\":");
  core::json_append_string(buf_, s.sql);
  buf_.append("}\n");
  return maybe_flush();
}

core::Status ChangePrinter::on_commit(const change::Transaction&) { return maybe_flush(); }

core::Status ChangePrinter::maybe_flush() {
  if (buf_.size() < kFlushAt || out_ == nullptr) return core::ok();
  return flush();
}

core::Status ChangePrinter::flush() {
  if (buf_.empty() || out_ == nullptr) return core::ok();
  const size_t size = buf_.size();
  size_t n = std::fwrite(buf_.data(), 1, size, out_);
  buf_.clear();
  if (n != size) {
    return core::fail(core::ErrorCode::kIo, std::string("writing output: ") + std::strerror(errno));
  }
  if (std::fflush(out_) != 0) return core::fail(core::ErrorCode::kIo, std::string("writing output: ") + std::strerror(errno));
  return core::ok();
}

}  // namespace sluice::binlog
