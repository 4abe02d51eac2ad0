#include "binlog/change_assembler.h"

#include <cstdio>
#include <cstring>

namespace sluice::binlog {
namespace {

bool starts_with_word(std::string_view sql, std::string_view word) {
  size_t i = 0;
  while (i < sql.size() && (sql[i] == ' ' || sql[i] == '\n' || sql[i] == '\t' || sql[i] == '\r')) ++i;
  if (sql.size() - i < word.size()) return false;
  for (size_t k = 0; k < word.size(); ++k) {
    char c = sql[i + k];
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 32);
    if (c != word[k]) return false;
  }
  size_t e = i + word.size();
  return e == sql.size() || sql[e] == ' ' || sql[e] == ';' || sql[e] == '\n' || sql[e] == '\t' || sql[e] == '\r';
}

void format_uuid_gtid(std::string& out, const Gtid& g) {
  static const char* hex = "0123456789abcdef";
  out.clear();
  for (size_t i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out.push_back('-');
    out.push_back(hex[g.uuid[i] >> 4]);
    out.push_back(hex[g.uuid[i] & 15]);
  }
  out.push_back(':');
  if (!g.tag.empty()) {
    out.append(g.tag);
    out.push_back(':');
  }
  out.append(std::to_string(g.gno));
}

}  // namespace

ChangeAssembler::ChangeAssembler(ChangeHandler& out, AssemblerOptions options)
    : out_(out), options_(std::move(options)), rows_(options_.json_diff) {
  dbs_.insert(options_.databases.begin(), options_.databases.end());
  tables_.insert(options_.tables.begin(), options_.tables.end());
  pending_.reserve(64);
}

bool ChangeAssembler::wanted(std::string_view db, std::string_view table) const {
  if (!dbs_.empty() && dbs_.find(std::string(db)) == dbs_.end()) return false;
  if (!tables_.empty()) {
    std::string key;
    key.reserve(db.size() + table.size() + 1);
    key.append(db).push_back('.');
    key.append(table);
    if (tables_.find(key) == tables_.end()) return false;
  }
  return true;
}

core::Status ChangeAssembler::on_event(const Event& ev) {
  return std::visit(
      [&](const auto& body) -> core::Status {
        using T = std::decay_t<decltype(body)>;
        if constexpr (std::is_same_v<T, Gtid>) return on_gtid(ev, body);
        else if constexpr (std::is_same_v<T, Query>) return on_query(ev, body);
        else if constexpr (std::is_same_v<T, Rows>) return on_rows(ev, body);
        else if constexpr (std::is_same_v<T, Xid>) return commit(ev);
        else {
          return core::ok();
        }
      },
      ev.body);
}

void ChangeAssembler::reset() {
  open_ = began_ = streaming_ = standalone_ = false;
  buffered_ = 0;
  pending_.clear();
  raw_.clear();
  pins_.clear();
  gtid_.clear();
  txn_ = TransactionInfo{};
}

core::Status ChangeAssembler::begin(const Event& ev) {
  if (open_) SLUICE_TRY(finish());  // a group without its end (truncated input): deliver it
  reset();
  open_ = true;
  file_.assign(ev.file);
  txn_.begin_pos = ev.pos;
  txn_.has_commit_time = true;
  txn_.commit_seconds = ev.header.timestamp;
  return core::ok();
}

core::Status ChangeAssembler::on_gtid(const Event& ev, const Gtid& g) {
  SLUICE_TRY(begin(ev));
  if (g.mariadb) {
    gtid_ = std::to_string(g.domain_id) + "-" + std::to_string(g.server_id) + "-" + std::to_string(g.seq_no);
    standalone_ = g.standalone;
    return core::ok();
  }
  if (!g.anonymous) format_uuid_gtid(gtid_, g);
  uint64_t us = g.original_commit_us ? g.original_commit_us : g.immediate_commit_us;
  if (us) {
    txn_.commit_seconds = static_cast<int64_t>(us / 1000000);
    txn_.commit_micros = static_cast<uint32_t>(us % 1000000);
    txn_.commit_time_has_micros = true;
  }
  if (g.transaction_length) {
    txn_.end_pos = ev.pos + g.transaction_length;
    streaming_ = true;
  }
  return core::ok();
}

core::Status ChangeAssembler::on_query(const Event& ev, const Query& q) {
  if (starts_with_word(q.sql, "BEGIN")) {
    if (!open_) SLUICE_TRY(begin(ev));
    began_ = true;
    return core::ok();
  }
  if (starts_with_word(q.sql, "COMMIT") || starts_with_word(q.sql, "ROLLBACK")) return commit(ev);
  if (open_ && began_) return core::ok();  // statement inside a row transaction
  if (!open_) SLUICE_TRY(begin(ev));
  // A statement of its own (DDL): it is the whole transaction.
  txn_.file = file_;
  txn_.gtid = gtid_;
  txn_.end_pos = ev.end_pos;
  // Statements are never filtered: the session's default database does not say which tables
  // a DDL touches (ALTER TABLE shop.t from another database), and schema history needs them all.
  StatementChange s{&txn_, ev.pos, q.db, q.sql, &q.status};
  SLUICE_TRY(out_.on_statement(s));
  SLUICE_TRY(out_.on_commit(txn_));
  reset();
  return core::ok();
}

size_t ChangeAssembler::keep(std::span<const uint8_t> bytes) {
  size_t off = raw_.size();
  raw_.insert(raw_.end(), bytes.begin(), bytes.end());
  return off;
}

core::Status ChangeAssembler::on_rows(const Event& ev, const Rows& r) {
  if (r.layout.get() != last_layout_.get()) {
    last_layout_ = r.layout;
    last_wanted_ = wanted(r.layout->db, r.layout->table);
  }
  if (!last_wanted_) return core::ok();
  if (!open_) {
    SLUICE_TRY(begin(ev));  // e.g. --start-position inside a transaction
    began_ = true;
  }
  txn_.file = file_;
  txn_.gtid = gtid_;
  Pending p;
  p.layout = r.layout;
  p.op = r.op;
  p.partial = r.partial;
  p.pos = ev.pos;
  p.bitmap_len = r.present_before.size();
  p.rows_len = r.rows.size();
  p.view = RowsBytes{r.present_before, r.present_after, r.rows};
  ByteBlock* b = ev.block;
  if (b && b->holds(r.present_before) && b->holds(r.present_after) && b->holds(r.rows)) p.block = b;
  if (streaming_) return emit(p, p.view);
  if (buffered_ + r.rows.size() > options_.max_buffered_bytes) {
    SLUICE_TRY(flush_pending());
    streaming_ = true;  // end_pos unknown from here on: bounded memory beats end_pos
    return emit(p, p.view);
  }
  if (p.block) {  // held, not copied
    if (pins_.empty() || pins_.back().get() != p.block) pins_.emplace_back(p.block);
  } else {
    p.before_off = keep(r.present_before);
    p.after_off = keep(r.present_after);
    p.rows_off = keep(r.rows);
  }
  buffered_ += r.rows.size() + r.present_before.size() * 2;
  pending_.push_back(std::move(p));
  return core::ok();
}

core::Status ChangeAssembler::flush_pending() {
  const uint8_t* base = raw_.data();
  for (const Pending& p : pending_) {
    RowsBytes b{{base + p.before_off, p.bitmap_len}, {base + p.after_off, p.bitmap_len}, {base + p.rows_off, p.rows_len}};
    SLUICE_TRY(emit(p, p.block ? p.view : b));
  }
  pending_.clear();
  raw_.clear();
  pins_.clear();
  buffered_ = 0;
  return core::ok();
}

core::Status ChangeAssembler::commit(const Event& ev) {
  if (!open_) {
    SLUICE_TRY(begin(ev));
  }
  if (txn_.end_pos == 0 || !streaming_) txn_.end_pos = ev.end_pos;
  if (!txn_.commit_time_has_micros) txn_.commit_seconds = ev.header.timestamp;
  txn_.file = file_;
  txn_.gtid = gtid_;
  SLUICE_TRY(flush_pending());
  SLUICE_TRY(out_.on_commit(txn_));
  reset();
  return core::ok();
}

core::Status ChangeAssembler::finish() {
  if (!open_) return core::ok();
  uint64_t end = txn_.end_pos;
  txn_.end_pos = streaming_ ? end : 0;
  SLUICE_TRY(flush_pending());
  reset();
  return core::ok();
}

core::Status ChangeAssembler::emit(const Pending& p, const RowsBytes& b) {
  RowsEvent ev{&p.layout, p.op, p.partial, p.pos, b.present_before, b.present_after, b.rows, p.block};
  if (options_.rows_sink) return options_.rows_sink->on_rows_event(txn_, ev);
  return rows_.decode(txn_, ev, out_);
}

namespace {

std::string where(const TransactionInfo& txn, const RowsEvent& r) {
  const TableLayout& t = **r.layout;
  std::string w = "decoding a row of " + t.db + "." + t.table + " at " + std::string(txn.file) + ":" +
                  std::to_string(r.pos);
  if (t.fsp_unknown) {
    w += " (if the table is MariaDB's and its TIME/DATETIME/TIMESTAMP columns have fractional seconds in the "
         "pre-10.1 format, mysql56_temporal_format=OFF, the binlog does not give their size: decode with the "
         "schema (binlog read --schema-from CONFIG, binlog stream --schema-history FILE), or convert the table "
         "with ALTER TABLE ... FORCE)";
  }
  return w;
}

}  // namespace

core::Status RowDecoder::decode(const TransactionInfo& txn, const RowsEvent& r, ChangeHandler& out) {
  const TableLayout& t = **r.layout;
  const size_t n = t.columns.size();
  if (before_.size() < n) {
    before_.resize(n);
    after_.resize(n);
  }
  std::span<core::Value> before(before_.data(), n), after(after_.data(), n);
  const uint8_t* cur = r.rows.data();
  size_t left = r.rows.size();
  RowChange c;
  c.txn = &txn;
  c.pos = r.pos;
  c.op = r.op;
  c.table = &t;
  c.table_owner = r.layout;
  while (left > 0) {
    cell_arena_.reset();
    const size_t left_before = left;
    c.before = {};
    c.after = {};
    if (r.op != RowOp::kInsert) {
      auto used = decode_row_image(t, r.present_before.data(), cur, left, cell_arena_, before);
      if (!used) return core::fail(used.error().with_context(where(txn, r)));
      cur += *used;
      left -= *used;
      c.before = before;
    }
    if (r.op != RowOp::kDelete) {
      auto used = r.partial ? decode_partial_after_image(t, r.present_after.data(), cur, left, cell_arena_, before,
                                                         json_diff_, diffs_, after)
                            : decode_row_image(t, r.present_after.data(), cur, left, cell_arena_, after);
      if (!used) return core::fail(used.error().with_context(where(txn, r)));
      cur += *used;
      left -= *used;
      c.after = after;
    }
    if (left == left_before) {
      return core::fail(core::Error{core::ErrorCode::kCorrupt, "empty row image", false, true}.with_context(where(txn, r)));
    }
    SLUICE_TRY(out.on_row(c));
  }
  return core::ok();
}

}  // namespace sluice::binlog
