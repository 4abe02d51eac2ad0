#include "binlog/change_assembler.h"

#include <algorithm>
#include <cstdio>
#include <cstring>

namespace sluice::binlog {
namespace {

bool blank(char c) { return c == ' ' || c == '\n' || c == '\t' || c == '\r'; }

// Where `word` (upper case, matched in any case) ends when it comes at sql[i] after blanks and
// before a blank, ';', '`' or the end; npos when it does not.
size_t match_word(std::string_view sql, size_t i, std::string_view word) {
  while (i < sql.size() && blank(sql[i])) ++i;
  if (sql.size() - i < word.size()) return std::string_view::npos;
  for (size_t k = 0; k < word.size(); ++k) {
    char c = sql[i + k];
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 32);
    if (c != word[k]) return std::string_view::npos;
  }
  size_t e = i + word.size();
  if (e < sql.size() && !blank(sql[e]) && sql[e] != ';' && sql[e] != '`') return std::string_view::npos;
  return e;
}

bool starts_with_word(std::string_view sql, std::string_view word) {
  return match_word(sql, 0, word) != std::string_view::npos;
}

// The savepoint named by "SAVEPOINT x" or (rollback) "ROLLBACK [WORK] TO [SAVEPOINT] x", x bare
// or `quoted`, in upper case (savepoint names compare case-insensitively); "" when the
// statement is not one.
std::string savepoint_name(std::string_view sql, bool rollback) {
  constexpr size_t npos = std::string_view::npos;
  size_t i = 0;
  auto word = [&](std::string_view w) {
    size_t e = match_word(sql, i, w);
    if (e != npos) i = e;
    return e != npos;
  };
  if (rollback) {
    if (!word("ROLLBACK")) return {};
    word("WORK");
    if (!word("TO")) return {};
    word("SAVEPOINT");
  } else if (!word("SAVEPOINT")) {
    return {};
  }
  while (i < sql.size() && blank(sql[i])) ++i;
  std::string name;
  if (i < sql.size() && sql[i] == '`') {
    for (++i; i < sql.size(); ++i) {
      if (sql[i] == '`' && (i + 1 >= sql.size() || sql[i + 1] != '`')) break;
      if (sql[i] == '`') ++i;  // a doubled backquote is one
      name += sql[i];
    }
  } else {
    while (i < sql.size() && !blank(sql[i]) && sql[i] != ';') name += sql[i++];
  }
  for (char& c : name) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 32);
  }
  return name;
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
        else if constexpr (std::is_same_v<T, XaPrepare>) return on_xa_prepare(ev, body);
        else if constexpr (std::is_same_v<T, FormatDescription>) {
          server_version_.assign(body.server_version);
          return core::ok();
        } else if constexpr (std::is_same_v<T, Skipped>) {
          if (!body.unknown_type || !open_) return core::ok();
          unknown_ = ev.header;
          unknown_where_ = std::string(ev.file) + ":" + std::to_string(ev.pos);
          return unknown_event_check();
        } else {
          return core::ok();
        }
      },
      ev.body);
}

// An event of a type sluice does not know, in a transaction with rows of a followed table: it
// may change those rows (as a new kind of rows event would), so the read stops rather than skip
// it. Outside such a transaction it is passed over (the decoder's --verbose note says so).
core::Status ChangeAssembler::unknown_event_check() const {
  if (unknown_where_.empty() || !has_rows_) return core::ok();
  return core::fail(
      core::ErrorCode::kUnsupported,
      "unknown binlog event type " + std::to_string(static_cast<int>(unknown_.type)) + " at " +
          unknown_where_ + " (server " + (server_version_.empty() ? "unknown" : server_version_) +
          ") in a transaction with rows of a followed table: sluice cannot tell whether it changes "
          "them, so it stops rather than skip it; a newer sluice may know this event type");
}

void ChangeAssembler::reset() {
  unknown_where_.clear();
  open_ = began_ = streaming_ = standalone_ = has_rows_ = xa_ = false;
  savepoints_.clear();
  buffered_ = 0;
  pending_.clear();
  raw_.clear();
  pins_.clear();
  gtid_.clear();
  txn_ = change::Transaction{};
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
    // A transaction (it ends with XID, COMMIT or XA PREPARE): a statement inside it (SAVEPOINT,
    // XA END) is part of it, not a transaction of its own.
    began_ = !g.standalone;
    xa_ = (g.flags2 & 0x40) != 0;  // FL_PREPARED_XA: the group ends with XA PREPARE
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
  if (starts_with_word(q.sql, "XA START")) {  // MySQL: held until its end says one or two phases
    if (!open_) SLUICE_TRY(begin(ev));
    began_ = true;
    streaming_ = false;
    xa_ = true;
    return core::ok();
  }
  // ROLLBACK TO SAVEPOINT stays inside the transaction. XA COMMIT / XA ROLLBACK of a prepared
  // XA transaction is a group of its own, without rows.
  if (starts_with_word(q.sql, "COMMIT") ||
      (starts_with_word(q.sql, "ROLLBACK") && !starts_with_word(q.sql, "ROLLBACK TO"))) {
    return commit(ev);
  }
  if (starts_with_word(q.sql, "XA COMMIT")) return on_xa_end(ev, q, true);
  if (starts_with_word(q.sql, "XA ROLLBACK")) return on_xa_end(ev, q, false);
  if (open_ && began_) {  // a statement inside a row transaction
    if (starts_with_word(q.sql, "SAVEPOINT")) return on_savepoint(q, false);
    if (starts_with_word(q.sql, "ROLLBACK")) return on_savepoint(q, true);
    if (starts_with_word(q.sql, "RELEASE") || starts_with_word(q.sql, "XA END")) return core::ok();
    // Another statement is part of the transaction, which goes on: CREATE TABLE ... SELECT
    // (its rows follow), DML logged as a statement. Rows before it come out first.
    if (!pending_.empty()) {
      SLUICE_TRY(flush_pending());
      ++flushes_;
    }
    txn_.file = file_;
    txn_.gtid = gtid_;
    StatementChange s{&txn_, ev.pos, q.db, q.sql, &q.status};
    return out_.on_statement(s);
  }
  if (!open_) SLUICE_TRY(begin(ev));
  // A statement of its own (DDL): it is the whole transaction.
  txn_.file = file_;
  txn_.gtid = gtid_;
  txn_.end_pos = ev.end_pos;
  // Statements are never filtered: the session's default database does not say which tables
  // a DDL touches (ALTER TABLE shop.t from another database), and schema history needs them all.
  StatementChange s{&txn_, ev.pos, q.db, q.sql, &q.status};
  SLUICE_TRY(out_.on_statement(s));
  SLUICE_TRY(deliver());
  reset();
  return core::ok();
}

// SAVEPOINT marks where the transaction's buffered rows stand (rows after it are then buffered,
// not streamed); ROLLBACK TO SAVEPOINT drops the rows buffered since the mark. Were some of
// them printed already (a transaction beyond max_buffered_bytes), it stops with an error
// instead of leaving rows the server undid.
core::Status ChangeAssembler::on_savepoint(const Query& q, bool rollback) {
  std::string name = savepoint_name(q.sql, rollback);
  if (name.empty()) return core::ok();
  if (!rollback) {
    savepoints_.push_back(Savepoint{std::move(name), pending_.size(), raw_.size(), buffered_, flushes_});
    streaming_ = false;  // rows after it may be undone: hold them (end_pos stays as known)
    return core::ok();
  }
  auto it = std::find_if(savepoints_.rbegin(), savepoints_.rend(),
                         [&](const Savepoint& sp) { return sp.name == name; });
  if (it == savepoints_.rend() || it->flushes != flushes_) {
    return core::fail(
        core::ErrorCode::kUnsupported,
        "a ROLLBACK TO SAVEPOINT in the transaction at " + file_ + ":" + std::to_string(txn_.begin_pos) +
            " undoes rows that " +
            (it == savepoints_.rend() ? "began before the start of the read"
                                      : "were already printed (the transaction is larger than the "
                                        "row buffer)") +
            "; start the read before the transaction, or avoid ROLLBACK TO SAVEPOINT in "
            "transactions that also change non-transactional tables",
        false, true);
  }
  pending_.resize(it->rows);
  raw_.resize(it->raw);
  buffered_ = it->buffered;
  savepoints_.erase(it.base(), savepoints_.end());  // the savepoints set after it are gone
  return core::ok();
}

// A one-phase XA commit ends its transaction like XID. A two-phase XA PREPARE does not commit:
// its rows become real only if a later XA COMMIT of the same XID comes, and a later XA
// ROLLBACK undoes them. With a PreparedXa they are held until then; without one, sluice stops
// rather than print rows that may never be committed.
core::Status ChangeAssembler::on_xa_prepare(const Event& ev, const XaPrepare& x) {
  if (x.one_phase) return commit(ev);
  if (!has_rows_) {  // nothing of the followed tables: its outcome does not matter here
    reset();
    return core::ok();
  }
  if (options_.prepared_xa != nullptr) return hold_prepared(ev, x);
  return core::fail(core::ErrorCode::kUnsupported,
                    "XA transaction " + x.xid + " is prepared at " + std::string(ev.file) + ":" +
                        std::to_string(txn_.begin_pos ? txn_.begin_pos : ev.pos) +
                        " (XA PREPARE): its rows are committed only by a later XA COMMIT or undone by XA "
                        "ROLLBACK, and this reader does not hold two-phase XA transactions, so it stops here "
                        "instead of printing rows that may be rolled back",
                    false, true);
}

// The prepared transaction's rows (copied: the reader's blocks are not held that long) wait in
// the PreparedXa for its XA COMMIT or XA ROLLBACK. Its group ends as a transaction without
// changes: readers' positions (and GTID sets) pass it, and its commit names it as the resume
// point.
core::Status ChangeAssembler::hold_prepared(const Event& ev, const XaPrepare& x) {
  if (flushes_ != 0) {
    return core::fail(core::ErrorCode::kUnsupported,
                      "XA transaction " + x.xid + " prepared at " + std::string(ev.file) + ":" +
                          std::to_string(txn_.begin_pos) +
                          " logged a statement (STATEMENT or MIXED format) after some of its rows, which were "
                          "printed then, before the XA PREPARE that may still be rolled back; log XA "
                          "transactions in ROW format (binlog_format=ROW)",
                      false, true);
  }
  PreparedXa::Txn t;
  t.xid = PreparedXa::key(x.xid);
  t.file = file_;
  t.begin_pos = txn_.begin_pos;
  t.gtid = gtid_;
  const uint8_t* base = raw_.data();
  for (const Pending& p : pending_) {
    PreparedXa::RowsRef r{p.layout, p.op, p.partial, t.bytes.size(), p.bitmap_len, p.rows_len};
    auto put = [&](std::span<const uint8_t> b) { t.bytes.insert(t.bytes.end(), b.begin(), b.end()); };
    if (p.block) {
      put(p.view.present_before);
      put(p.view.present_after);
      put(p.view.rows);
    } else {
      put({base + p.before_off, p.bitmap_len});
      put({base + p.after_off, p.bitmap_len});
      put({base + p.rows_off, p.rows_len});
    }
    t.rows.push_back(std::move(r));
  }
  options_.prepared_xa->add(std::move(t));
  pending_.clear();
  raw_.clear();
  pins_.clear();
  buffered_ = 0;
  return commit(ev);
}

// XA COMMIT / XA ROLLBACK of a prepared XA transaction: a group of its own, without rows of its
// own. A commit delivers the rows held since the XA PREPARE; a rollback drops them.
core::Status ChangeAssembler::on_xa_end(const Event& ev, const Query& q, bool commit_it) {
  PreparedXa::Txn held;
  bool found = false;
  if (options_.prepared_xa != nullptr) {
    size_t e = match_word(q.sql, match_word(q.sql, 0, "XA"), commit_it ? "COMMIT" : "ROLLBACK");
    found = options_.prepared_xa->take(PreparedXa::key(q.sql.substr(e)), held);
  }
  return commit(ev, found && commit_it ? &held : nullptr);
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
  has_rows_ = true;
  SLUICE_TRY(unknown_event_check());
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
  if (xa_ && options_.prepared_xa != nullptr) {
    // Held whole until its end says one or two phases (two: held on until XA COMMIT).
    const PreparedXa& px = *options_.prepared_xa;
    if (px.bytes() + buffered_ + r.rows.size() > px.limit()) {
      return core::fail(core::ErrorCode::kUnsupported,
                        "the XA transaction at " + file_ + ":" + std::to_string(txn_.begin_pos) +
                            " and the prepared XA transactions waiting for their XA COMMIT hold more than " +
                            std::to_string(px.limit() >> 20) +
                            " MiB of rows, the most sluice keeps in memory; commit large XA transactions in "
                            "smaller ones",
                        false, true);
    }
  } else if (buffered_ + r.rows.size() > options_.max_buffered_bytes) {
    SLUICE_TRY(flush_pending());
    ++flushes_;
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

// Commits txn_, naming where a restart must read from while XA transactions are held.
core::Status ChangeAssembler::deliver() {
  const PreparedXa::Txn* oldest = options_.prepared_xa ? options_.prepared_xa->oldest() : nullptr;
  txn_.resume_file = oldest ? std::string_view(oldest->file) : std::string_view();
  txn_.resume_pos = oldest ? oldest->begin_pos : 0;
  return out_.on_commit(txn_);
}

core::Status ChangeAssembler::commit(const Event& ev, const PreparedXa::Txn* held) {
  if (!open_) {
    SLUICE_TRY(begin(ev));
  }
  if (txn_.end_pos == 0 || !streaming_) txn_.end_pos = ev.end_pos;
  if (!txn_.commit_time_has_micros) txn_.commit_seconds = ev.header.timestamp;
  txn_.file = file_;
  txn_.gtid = gtid_;
  SLUICE_TRY(flush_pending());
  if (held != nullptr) {
    // The XA transaction's rows, at this XA COMMIT (their rows events were at its XA PREPARE,
    // maybe in an earlier file: pos is the XA COMMIT's, like file, end_pos and GTID).
    for (const PreparedXa::RowsRef& r : held->rows) {
      RowsEvent re{&r.layout,       r.op,           r.partial,        ev.pos,
                   held->before(r), held->after(r), held->rows_of(r), nullptr};
      SLUICE_TRY(options_.rows_sink ? options_.rows_sink->on_rows_event(txn_, re)
                                    : rows_.decode(txn_, re, out_));
    }
  }
  SLUICE_TRY(deliver());
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

std::string where(const change::Transaction& txn, const RowsEvent& r) {
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

core::Status RowDecoder::decode(const change::Transaction& txn, const RowsEvent& r, ChangeHandler& out) {
  const TableLayout& t = **r.layout;
  const size_t n = t.columns.size();
  if (before_.size() < n) {
    before_.resize(n);
    after_.resize(n);
  }
  std::span<core::Value> before(before_.data(), n), after(after_.data(), n);
  const uint8_t* cur = r.rows.data();
  size_t left = r.rows.size();
  change::RowChange c;
  c.txn = &txn;
  c.pos = r.pos;
  c.op = r.op;
  c.commit_time = txn.commit_time();
  c.database = t.db;
  c.table = t.table;
  while (left > 0) {
    cell_arena_.reset();
    const size_t left_before = left;
    c.before = {};
    c.after = {};
    c.json_diffs = false;
    if (r.op != change::Op::kInsert) {
      auto used = decode_row_image(t, r.present_before.data(), cur, left, cell_arena_, before);
      if (!used) return core::fail(used.error().with_context(where(txn, r)));
      cur += *used;
      left -= *used;
      c.before = before;
    }
    if (r.op != change::Op::kDelete) {
      auto used = r.partial ? decode_partial_after_image(t, r.present_after.data(), cur, left, cell_arena_, before,
                                                         json_diff_, diffs_, after)
                            : decode_row_image(t, r.present_after.data(), cur, left, cell_arena_, after);
      if (!used) return core::fail(used.error().with_context(where(txn, r)));
      cur += *used;
      left -= *used;
      c.after = after;
      c.json_diffs = r.partial && std::any_of(after.begin(), after.end(),
                                              [](const core::Value& v) { return v.is_json_diff(); });
    }
    if (left == left_before) {
      return core::fail(core::Error{core::ErrorCode::kCorrupt, "empty row image", false, true}.with_context(where(txn, r)));
    }
    SLUICE_TRY(out.on_row(c, *r.layout));
  }
  return core::ok();
}

}  // namespace sluice::binlog
