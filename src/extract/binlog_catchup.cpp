#include "extract/binlog_catchup.h"

#include <algorithm>

#include "binlog/change_assembler.h"
#include "binlog/event_decoder.h"
#include "binlog/gtid_tracker.h"
#include "core/value_equal.h"
#include "mysql/replication_stream.h"
#include "schema/ddl_parser.h"
#include "schema/history_resolver.h"
#include "schema/type_mapping.h"

namespace sluice::extract {
namespace {

constexpr size_t kPieceSize = size_t{1} << 20;

// The rest of an event the replication stream hands out in pieces.
class StreamPieces : public binlog::EventPieces {
 public:
  explicit StreamPieces(mysql::ReplicationStream& stream) : stream_(stream) {}
  core::Result<std::span<const uint8_t>> next_piece() override { return stream_.next_piece(); }

 private:
  mysql::ReplicationStream& stream_;
};

// A destination stores documents; a PARTIAL_JSON update logged without its before image
// (binlog_row_image=MINIMAL) carries only the changes, so the new document cannot be known here.
core::Status partial_json_without_document(const change::RowChange& c) {
  return core::fail(
      core::ErrorCode::kUnsupported,
      std::string(c.database) + "." + std::string(c.table) + " at " + std::string(c.txn->file) + ":" +
          std::to_string(c.pos) +
          ": a partial JSON update (binlog_row_value_options=PARTIAL_JSON) logged with "
          "binlog_row_image=MINIMAL holds the document's changes, not the document; set "
          "binlog_row_image=FULL (or binlog_row_value_options='') on the source, then re-snapshot "
          "the table with 'sluice reset'");
}

class CatchupHandler : public binlog::ChangeHandler {
 public:
  CatchupHandler(std::vector<CatchupStream>& streams, schema::SchemaHistory& history, CatchupConsumer& out,
                 const CatchupOptions& options)
      : streams_(streams), history_(history), out_(out), end_{options.end.file, options.end.position} {
    out_change_.extracted = options.extracted;
    maps_.resize(streams.size());
    versions_.resize(streams.size());
    gone_.assign(streams.size(), 0);
    gtids_.resize(streams.size());
    for (size_t i = 0; i < streams.size(); ++i) {
      versions_[i] = history.versions(streams[i].table.database, streams[i].table.name).size();
      const std::string& g = streams[i].gtid;
      auto kind = binlog::looks_like_mariadb_gtid_pos(g) ? binlog::GtidTracker::Kind::kMariaDb
                                                         : binlog::GtidTracker::Kind::kMySql;
      // Without a starting state there is nothing to follow: the stream keeps "".
      if (g.empty() || !gtids_[i].reset(kind, g)) gtids_[i].reset(binlog::GtidTracker::Kind::kNone, "");
    }
  }

  bool done() const { return done_; }
  const schema::BinlogPosition& position() const { return pos_; }

  core::Status on_row(const change::RowChange& c, const binlog::TableLayoutPtr& layout) override {
    if (layout == nullptr || c.txn == nullptr) return core::ok();
    size_t i = find(c.database, c.table);
    if (i == kNone || gone_[i] != 0) return core::ok();
    if (!in_range(i, *c.txn)) return core::ok();
    if (c.json_diffs) return partial_json_without_document(c);
    Map& m = maps_[i];
    if (m.layout != layout.get()) build_map(m, *layout, streams_[i]);
    const size_t width = streams_[i].columns.size();
    if (pads_.size() < 2 * width) pads_.resize(2 * width);
    change::RowChange& out = out_change_;  // the change with its images mapped to the stream's columns
    out.database = c.database;
    out.table = c.table;
    out.pos = c.pos;
    out.txn = c.txn;
    out.commit_time = c.commit_time;
    out.before = {};
    out.after = {};
    out.op = change::Op::kDelete;
    if (c.op == change::Op::kDelete) {
      map_image(m, c.before, values_, 0);
      out.before = values_;
      return out_.on_change(i, out);
    }
    map_image(m, c.after, values_, 0);
    if (c.op != change::Op::kInsert && update_key(m, c.before, c.after) && streams_[i].key_change_deletes) {
      // The old key is gone from the source: deleted before the new row, in the same transaction.
      map_image(m, c.before, before_, width);
      out.before = before_;
      SLUICE_TRY(out_.on_change(i, out));
      out.before = {};
    }
    out.op = c.op;
    out.after = values_;
    return out_.on_change(i, out);
  }

  core::Status on_statement(const binlog::StatementChange& s) override {
    SLUICE_TRY(apply_ddl(s));
    return propagate_truncate(s);
  }

  core::Status apply_ddl(const binlog::StatementChange& s) {
    SLUICE_TRY(history_.apply(s));
    for (size_t i = 0; i < streams_.size(); ++i) {
      const auto& vs = history_.versions(streams_[i].table.database, streams_[i].table.name);
      if (vs.size() == versions_[i] || gone_[i] != 0) continue;
      versions_[i] = vs.size();
      const schema::SchemaVersion& v = vs.back();
      if (v.state == schema::SchemaVersion::State::kDropped) {
        gone_[i] = 1;
        SLUICE_TRY(out_.on_table_gone(i, v));
        continue;
      }
      if (v.state == schema::SchemaVersion::State::kUnknown) {
        return core::fail(core::ErrorCode::kSchemaMismatch,
                          "cannot follow '" + v.statement + "' on " + streams_[i].table.stream_id() + " at " +
                              v.position.str() + " (" + v.reason +
                              "): re-sync the table (remove its bookmark) to continue");
      }
      maps_[i].layout = nullptr;
      SLUICE_TRY(out_.on_table_changed(i, v.table));
    }
    return core::ok();
  }

  core::Status on_commit(const change::Transaction& t) override {
    if (t.end_pos == 0) return core::ok();
    pos_.file.assign(t.file);
    pos_.pos = t.end_pos;
    history_.advance(pos_);
    track_gtid(t);
    resume_.file.assign(t.resume_file);
    resume_.pos = t.resume_pos;
    if (schema::compare_positions(pos_, end_) >= 0) done_ = true;
    if (out_.checkpoint_due()) return checkpoint(pos_);
    return core::ok();
  }

  /// Names each stream's GTID state in `streams_` and checkpoints at `pos` (a transaction end).
  /// While a two-phase XA transaction is prepared and not committed, at its start instead: the
  /// next job reads it again (and delivers again what came between: at least once), with the
  /// GTID state unknown there.
  core::Status checkpoint(schema::BinlogPosition pos) {
    const bool held = !resume_.file.empty() && schema::compare_positions(resume_, pos) < 0;
    if (held) pos = resume_;
    for (size_t i = 0; i < streams_.size(); ++i) {
      if (gtids_[i].kind() == binlog::GtidTracker::Kind::kNone) continue;
      streams_[i].gtid = gtids_[i].complete() && !held ? gtids_[i].text() : std::string();
    }
    return out_.on_checkpoint(pos);
  }

 private:
  static constexpr size_t kNone = ~size_t{0};

  // A TRUNCATE of a followed table (its own transaction): the stream's rows are gone from here on.
  core::Status propagate_truncate(const binlog::StatementChange& s) {
    if (s.txn == nullptr || schema::ascii_lower(s.sql).find("truncate") == std::string::npos)
      return core::ok();
    schema::SqlServer server =
        s.status ? schema::parse_server_version(s.status->server_version) : schema::SqlServer{};
    auto parsed = schema::parse_ddl(s.sql, s.db, server);
    if (!parsed || parsed->kind != schema::DdlKind::kTruncateTable || parsed->tables.empty())
      return core::ok();
    size_t i = find(parsed->tables[0].db, parsed->tables[0].table);
    if (i == kNone || !in_range(i, *s.txn)) return core::ok();
    return out_.on_truncate(i, s.txn->commit_time());
  }

  // Adds the transaction's GTID to the state of each stream it belongs to (at or after `from`).
  void track_gtid(const change::Transaction& t) {
    for (size_t i = 0; i < streams_.size(); ++i) {
      if (gtids_[i].kind() == binlog::GtidTracker::Kind::kNone || !in_range(i, t)) continue;
      if (t.gtid.empty()) {
        gtids_[i].add("-");  // a transaction without a GTID: the state can no longer be named
      } else {
        gtids_[i].add(t.gtid);
      }
    }
  }

  // True when the transaction begins at or after the stream's `from` (decided once per
  // transaction: rows of one transaction share the answer).
  bool in_range(size_t i, const change::Transaction& t) {
    if (range_ok_.size() != streams_.size() || t.begin_pos != range_at_.pos || t.file != range_at_.file) {
      range_at_.file.assign(t.file);
      range_at_.pos = t.begin_pos;
      range_ok_.resize(streams_.size());
      for (size_t k = 0; k < streams_.size(); ++k) {
        range_ok_[k] = schema::compare_positions(range_at_, streams_[k].from) >= 0;
      }
    }
    return range_ok_[i];
  }

  struct Map {
    const binlog::TableLayout* layout = nullptr;
    std::vector<size_t> out;  // layout column -> output index
    std::vector<uint8_t> unsigned_bits;  // layout column -> width of an UNSIGNED integer, else 0
    std::vector<uint64_t> binary;  // layout column -> 1 byte string, n: BINARY(n) padded; 0 text
    std::vector<size_t> key_layout;  // layout columns of the stream's key columns
    size_t width = 0;                // output columns
  };

  // Without binlog_row_metadata a byte string arrives as text (no charset) and BINARY(n)
  // without its trailing zero bytes: restore the bytes as SELECT shows them.
  core::Value as_bytes(const core::Value& v, uint64_t pad_to, size_t slot) {
    if (pad_to <= 1 || v.text.size() >= pad_to) return core::Value::with_text(core::ValueKind::kBytes, v.text);
    std::string& buf = pads_[slot];
    buf.assign(v.text);
    buf.resize(pad_to, '\0');
    return core::Value::with_text(core::ValueKind::kBytes, buf);
  }

  static uint64_t binary_width(const schema::ColumnSchema* c) {
    if (c == nullptr) return 0;
    if (c->kind == schema::ColumnKind::kBinary) {
      if (c->octet_length) return *c->octet_length;
      auto args = schema::parse_type_arguments(c->column_type);  // "binary(4)"
      return args.empty() ? 1 : args[0];
    }
    bool bytes = c->kind == schema::ColumnKind::kVarbinary || c->kind == schema::ColumnKind::kBlob ||
                 ((c->kind == schema::ColumnKind::kChar || c->kind == schema::ColumnKind::kVarchar ||
                   c->kind == schema::ColumnKind::kText) && c->charset == "binary");
    return bytes ? 1 : 0;
  }

  static uint8_t unsigned_width(const schema::ColumnSchema* c) {
    if (c == nullptr || !c->is_unsigned) return 0;
    switch (c->kind) {
      case schema::ColumnKind::kTinyInt: return 8;
      case schema::ColumnKind::kSmallInt: return 16;
      case schema::ColumnKind::kMediumInt: return 24;
      case schema::ColumnKind::kInt: return 32;
      case schema::ColumnKind::kBigInt: return 64;
      default: return 0;
    }
  }

  size_t find(std::string_view db, std::string_view table) const {
    for (size_t i = 0; i < streams_.size(); ++i) {
      if (streams_[i].table.database == db && streams_[i].table.name == table) return i;
    }
    return kNone;
  }

  static void build_map(Map& m, const binlog::TableLayout& layout, const CatchupStream& s) {
    m.layout = &layout;
    m.out.assign(layout.columns.size(), kNone);
    m.unsigned_bits.assign(layout.columns.size(), 0);
    m.binary.assign(layout.columns.size(), 0);
    m.key_layout.clear();
    m.width = s.columns.size();
    for (size_t k = 0; k < layout.columns.size(); ++k) {
      const schema::ColumnSchema* c = s.table.find_column(layout.columns[k].def.name);
      m.unsigned_bits[k] = unsigned_width(c);
      m.binary[k] = binary_width(c);
      for (size_t j = 0; j < s.columns.size(); ++j) {
        if (layout.columns[k].def.name == s.columns[j]) m.out[k] = j;
      }
      if (m.out[k] != kNone &&
          std::find(s.key_columns.begin(), s.key_columns.end(), m.out[k]) != s.key_columns.end()) {
        m.key_layout.push_back(k);
      }
    }
  }

  // One image into `out` (one slot per output column, kAbsent where the image lacks it);
  // BINARY(n) padding goes to pads_[pad_base + output index].
  void map_image(const Map& m, std::span<const core::Value> image, std::vector<core::Value>& out,
                 size_t pad_base) {
    out.assign(m.width, core::Value::absent());
    const size_t n = std::min(m.out.size(), image.size());
    for (size_t k = 0; k < n; ++k) {
      if (m.out[k] != kNone) map_cell(m, k, image[k], out[m.out[k]], pad_base);
    }
  }

  void map_cell(const Map& m, size_t k, const core::Value& v, core::Value& dst, size_t pad_base) {
    // Without binlog_row_metadata the binlog does not say UNSIGNED: the history does.
    if (m.unsigned_bits[k] != 0 && v.kind == core::ValueKind::kInt) {
      uint64_t mask = m.unsigned_bits[k] == 64 ? ~uint64_t{0} : (uint64_t{1} << m.unsigned_bits[k]) - 1;
      dst = core::Value::from_uint(static_cast<uint64_t>(v.i) & mask);
    } else if (m.binary[k] != 0 && v.kind == core::ValueKind::kString) {
      dst = as_bytes(v, m.binary[k], pad_base + m.out[k]);
    } else {
      dst = v;  // copied in place: a temporary here stalls on store forwarding
    }
  }

  // The key columns of an update (values_ holds its after image): one the after image lacks
  // (binlog_row_image=MINIMAL) is unchanged, taken from the before image. True when a key
  // column present in both images differs: the update moved the row to another key.
  bool update_key(const Map& m, std::span<const core::Value> before, std::span<const core::Value> after) {
    bool changed = false;
    for (size_t k : m.key_layout) {
      if (k >= before.size() || before[k].is_absent()) continue;
      if (k >= after.size() || after[k].is_absent()) {
        map_cell(m, k, before[k], values_[m.out[k]], 0);
      } else if (!core::same_value(before[k], after[k])) {
        changed = true;
      }
    }
    return changed;
  }

  std::vector<CatchupStream>& streams_;
  schema::SchemaHistory& history_;
  CatchupConsumer& out_;
  schema::BinlogPosition end_;
  schema::BinlogPosition pos_;
  schema::BinlogPosition resume_;  // the held XA transaction's start after the last commit, or empty
  std::vector<Map> maps_;
  std::vector<size_t> versions_;
  std::vector<uint8_t> gone_;               // per stream: its table was dropped (nothing more is delivered)
  std::vector<binlog::GtidTracker> gtids_;  // per stream: GTID state after the last commit
  schema::BinlogPosition range_at_;  // begin of the transaction range_ok_ was computed for
  std::vector<uint8_t> range_ok_;    // per stream: in_range() of that transaction
  change::RowChange out_change_;     // what on_change receives (reused)
  std::vector<core::Value> values_;
  std::vector<core::Value> before_;  // an update's before image, when its key changed
  std::vector<std::string> pads_;    // per output column, after then before image: BINARY(n) padding
  bool done_ = false;
};

}  // namespace

core::Status run_catchup(const CatchupOptions& options, std::vector<CatchupStream>& streams, CatchupConsumer& out) {
  if (streams.empty()) return core::ok();
  schema::BinlogPosition start = streams[0].from;
  schema::HistoryOptions hopts;
  std::vector<schema::TableSchema> seed;
  for (const CatchupStream& s : streams) {
    if (schema::compare_positions(s.from, start) < 0) start = s.from;
    hopts.tables.push_back(s.table.database + "." + s.table.name);
    seed.push_back(s.table);
  }
  schema::BinlogPosition end{options.end.file, options.end.position};
  if (schema::compare_positions(start, end) >= 0) return out.on_checkpoint(start);

  schema::SchemaHistory history(hopts);
  history.seed(std::move(seed), start);
  schema::HistoryResolver resolver(history);
  CatchupHandler handler(streams, history, out, options);
  binlog::AssemblerOptions aopts;
  aopts.tables = hopts.tables;
  binlog::PreparedXa prepared;  // two-phase XA transactions: delivered at their XA COMMIT
  aopts.prepared_xa = &prepared;
  binlog::ChangeAssembler assembler(handler, aopts);
  binlog::DecoderOptions dopts;
  dopts.resolver = &resolver;
  binlog::EventDecoder decoder(dopts);

  mysql::ReplicationOptions ropts;
  ropts.server_id = options.server_id;
  if (options.start_gtid.empty()) {
    ropts.file = start.file;
    ropts.position = start.pos;
  } else if (binlog::looks_like_mariadb_gtid_pos(options.start_gtid)) {
    ropts.mariadb_gtid_pos = options.start_gtid;
  } else {
    ropts.mysql_gtid_set = options.start_gtid;
  }
  ropts.non_blocking = true;
  ropts.piece_size = kPieceSize;  // a huge (compressed) transaction goes through in pieces
  auto stream = mysql::ReplicationStream::open(options.connect, ropts);
  if (!stream) {
    return core::fail(stream.error().with_context(
        "reading the binlog from " +
        (options.start_gtid.empty() ? start.str() : "GTID " + options.start_gtid)));
  }
  decoder.set_checksum_alg((*stream)->checksums() ? 1 : 0);
  decoder.set_file(start.file);
  StreamPieces pieces(**stream);
  while (!handler.done()) {
    auto ev = (*stream)->next_event();
    if (!ev) return core::fail(ev.error().with_context("reading the binlog"));
    if (ev->empty()) break;
    auto fed = decoder.feed(*ev, binlog::EventDecoder::kPosFromHeader, pieces, assembler);
    if (!fed) return core::fail(fed.error().with_context("decoding the binlog at " + decoder.file()));
  }
  // Done or at the server's end (which is past the end read at job start): all before `end`
  // was delivered.
  schema::BinlogPosition last = handler.position();
  if (last.empty() || schema::compare_positions(last, end) < 0) last = end;
  return handler.checkpoint(last);
}

}  // namespace sluice::extract
