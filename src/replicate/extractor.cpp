#include "replicate/extractor.h"

#include <algorithm>
#include <chrono>
#include <memory>
#include <thread>
#include <vector>

#include "binlog/change_handler.h"
#include "journal/log_dir.h"
#include "journal/record.h"
#include "journal/writer.h"
#include "mysql/connection.h"
#include "replicate/ddl_session.h"
#include "schema/ddl_parser.h"
#include "source/binlog_streamer.h"

namespace sluice::replicate {
namespace {

using Clock = std::chrono::steady_clock;

// A transaction with nothing followed still moves the resume point, at most this often (an
// empty record), so a restart does not re-read a long stretch of unfollowed binlog.
constexpr auto kIdleRecordEvery = std::chrono::seconds(5);

// The applier's position table (replicate.skip_transactions_writing): a transaction writing it
// was applied by a sluice pipeline and is not extracted again (loop safety).
bool position_table(const std::vector<std::string>& schemas, std::string_view db, std::string_view table) {
  if (table != "apply_position") return false;
  for (const std::string& s : schemas) {
    if (s == db) return true;
  }
  return false;
}

// Whether a logged statement is DDL of followed tables or databases (triggers, views,
// routines, grants and STATEMENT-format DML are not replicated: docs/replication.md).
bool followed_statement(const TableFilter& filter, const std::vector<std::string>& skipped,
                        std::string_view sql, std::string_view db) {
  auto parsed = schema::parse_ddl(sql, db);
  if (!parsed || parsed->temporary) return false;
  switch (parsed->kind) {
    case schema::DdlKind::kOther:
      return false;
    case schema::DdlKind::kCreateDatabase:
    case schema::DdlKind::kDropDatabase:
      return filter.follows_database(parsed->database);
    default:
      for (const schema::TableName& t : parsed->tables) {
        if (position_table(skipped, t.db, t.table)) return false;
        if (filter.follows(t.db, t.table)) return true;
      }
      return false;
  }
}

// The decoder's changes → log records. Owns the writer once the start is known.
class JournalFeed final : public binlog::ChangeHandler {
 public:
  JournalFeed(const ExtractOptions& o, StatusBoard& board, TableFilter filter)
      : o_(o),
        board_(board),
        filter_(std::move(filter)),
        skipped_(o.settings.skip_transactions_writing.value_or(std::vector<std::string>{"sluice"})) {}

  core::Status open_writer(const journal::ResumePoint& start) {
    journal::WriterOptions wo;
    wo.max_bytes = o_.settings.journal_max_bytes;
    // Segments of at most a quarter of the limit, so retention can free part of a small log.
    if (wo.max_bytes != 0) wo.segment_bytes = std::min(wo.segment_bytes, wo.max_bytes / 4);
    wo.max_age = std::chrono::seconds(o_.settings.journal_max_age_s);
    auto w = journal::Writer::open(o_.settings.journal_dir, wo, start);
    if (!w) return core::fail(w.error().with_context("replicate.journal_dir " + o_.settings.journal_dir));
    writer_ = std::move(*w);
    board_.durable_lsn = writer_->durable_lsn();
    return core::ok();
  }
  journal::Writer* writer() { return writer_.get(); }

  core::Status on_row(const change::RowChange& c, const binlog::TableLayoutPtr& layout) override {
    const binlog::TableLayout& t = *layout;
    // A transaction sluice applied (its applier writes the position table first): dropped whole,
    // unless a fragment of it is logged already (then it is not the applier's).
    if (!skipping_ && !fragmented_ && position_table(skipped_, t.db, t.table)) {
      skipping_ = true;
      open_ = false;
      held_.clear();
    }
    if (skipping_ || !filter_.follows(t.db, t.table)) return core::ok();
    open_record();
    held_.push_back(layout);  // keeps the key's address from being reused within the record
    add_logged_row(builder_, c, t);
    ++rows_;
    if (builder_.size() < kFragmentBytes || c.txn == nullptr) return core::ok();
    builder_.set_transaction(*c.txn);
    fragmented_ = true;
    return append(true);
  }
  core::Status on_statement(const binlog::StatementChange& s) override {
    for (const std::string& schema : skipped_) {  // DDL a sluice applier ran (its mark)
      if (s.sql.starts_with(applied_ddl_mark(schema))) return core::ok();
    }
    if (skipping_ || !followed_statement(filter_, skipped_, s.sql, s.db)) return core::ok();
    open_record();
    add_logged_statement(builder_, s);
    return core::ok();
  }
  core::Status on_commit(const change::Transaction& txn) override {
    skipping_ = fragmented_ = false;  // a skipped transaction moves the resume point as an unfollowed one
    if (!open_ && Clock::now() - last_append_ < kIdleRecordEvery) return core::ok();
    open_record();
    builder_.set_transaction(txn);
    return append(false);
  }
  core::Status sync() {
    if (writer_ == nullptr) return core::ok();
    SLUICE_TRY(writer_->sync());
    publish();
    if (streamer_ != nullptr && writer_->durable_lsn() > source_noted_lsn_) return note_source();
    return core::ok();
  }
  // The log's "source" file names the server its positions are of: the streamer's server, noted
  // for a new log at once and otherwise when a record read from it is durable (until then the
  // log's resume point is still of the server noted before: a failover then resumes by GTID).
  void follow_source(const source::BinlogStreamer* streamer, std::string noted) {
    streamer_ = streamer;
    source_ = std::move(noted);
    source_noted_lsn_ = writer_ != nullptr ? writer_->durable_lsn() : 0;
  }
  core::Status note_source() {
    if (streamer_ == nullptr) return core::ok();
    const std::string identity = streamer_->committed().server_identity;
    streamer_ = nullptr;  // one server per run: noted once
    if (identity.empty() || identity == source_) return core::ok();
    source_ = identity;
    return journal::write_source_identity(o_.settings.journal_dir, identity);
  }

 private:
  void open_record() {
    if (!open_) builder_.begin();
    open_ = true;
  }
  core::Status append(bool more) {
    auto lsn = writer_->append(builder_, more);
    // At the size limit: back-pressure until the applier lets retention delete something.
    while (!lsn && lsn.error().retryable && !stopped()) {
      board_.set_state(State::kCatchingUp,
                       "transaction log full (journal_max_bytes): waiting for the applier");
      (void)writer_->wait_for_room(builder_.size(), std::chrono::milliseconds(1000));
      lsn = writer_->append(builder_, more);
    }
    if (!lsn) return core::fail(lsn.error());
    open_ = false;
    held_.clear();
    last_append_ = Clock::now();
    if (!more) ++transactions_;
    publish();
    return core::ok();
  }
  void publish() {
    board_.durable_lsn = writer_->durable_lsn();
    board_.update([&](PipelineStatus& s) {
      s.state = State::kOnline;
      s.lsn_written = writer_->last_lsn();
      s.lsn_durable = writer_->durable_lsn();
      s.source_position = writer_->resume().position.str();
      s.gtid_set = writer_->resume().gtids.str();
      s.transactions = transactions_;
      s.rows = rows_;
    });
  }
  bool stopped() const { return o_.stop != nullptr && o_.stop->load(); }

  const ExtractOptions& o_;
  StatusBoard& board_;
  TableFilter filter_;
  std::vector<std::string> skipped_;  // replicate.skip_transactions_writing
  bool skipping_ = false, fragmented_ = false;
  std::unique_ptr<journal::Writer> writer_;
  const source::BinlogStreamer* streamer_ = nullptr;
  std::string source_;
  uint64_t source_noted_lsn_ = 0;
  journal::RecordBuilder builder_;
  std::vector<binlog::TableLayoutPtr> held_;
  bool open_ = false;
  Clock::time_point last_append_{};
  uint64_t transactions_ = 0, rows_ = 0;
};

core::Status configured_start(const std::string& text, source::StreamStart& out) {
  auto start = parse_start(text);
  if (!start) return core::fail(start.error());
  if (start->kind == StartText::Kind::kFilePos) {
    out.kind = source::StreamStart::Kind::kFilePos;
    out.position = *core::BinlogPosition::parse(start->text);  // parse_start checked it
  } else if (start->kind == StartText::Kind::kGtid) {
    out.kind = source::StreamStart::Kind::kGtid;
    out.gtid = start->text;
  }
  return core::ok();
}

// A source that logs no column metadata (MariaDB's default binlog_row_metadata=NO_LOG) leaves
// UNSIGNED and a CHAR's charset unsaid: values would reach the target altered. Refused before
// anything is read; a source without the variable (MySQL 5.7) or unreachable right now passes
// (the stream reports the latter).
core::Status check_row_metadata(const ExtractOptions& o) {
  auto conn = mysql::Connection::connect(o.source.connection);
  if (!conn) return core::ok();
  auto v = (*conn)->query_value("SELECT @@GLOBAL.binlog_row_metadata");
  if (!v || !*v || **v != "NO_LOG") return core::ok();
  return core::fail(core::ErrorCode::kConfig,
                    "the source logs no column metadata (binlog_row_metadata=NO_LOG): UNSIGNED and character "
                    "sets would be lost on the way; set binlog_row_metadata=MINIMAL (or FULL) on the source "
                    "(SET GLOBAL and in its my.cnf, or the RDS parameter group), then start again");
}

}  // namespace

void add_logged_row(journal::RecordBuilder& builder, const change::RowChange& c, const binlog::TableLayout& t) {
  const uint32_t index = builder.table(&t, t.db, t.table, t.columns.size(),
                                       [&t](size_t i) { return std::string_view(t.columns[i].key); });
  builder.add_row(index, c);
}

void add_logged_statement(journal::RecordBuilder& builder, const binlog::StatementChange& s) {
  journal::Statement js{s.pos, s.db, s.sql, {}};
  if (s.status != nullptr) {
    js.session = journal::StatementSession{s.status->sql_mode,         s.status->has_sql_mode,
                                           s.status->charset_client,   s.status->collation_connection,
                                           s.status->collation_server, s.status->time_zone};
  }
  builder.add_statement(js);
}

core::Result<StartText> parse_start(std::string_view text) {
  if (text.empty() || text == "now") return StartText{StartText::Kind::kNow, ""};
  const size_t colon = text.rfind(':');
  // A binlog file name has a dot before its number ("mysql-bin.000042:4"); a MySQL GTID set
  // ("uuid:1-5") has none before its colon.
  if (colon != std::string_view::npos && text.substr(0, colon).find('.') != std::string_view::npos) {
    auto pos = core::BinlogPosition::parse(text);
    if (!pos) {
      return core::fail(core::ErrorCode::kConfig, "replicate.start '" + std::string(text) +
                                                      "' is not FILE:POS (e.g. mysql-bin.000042:4)");
    }
    return StartText{StartText::Kind::kFilePos, std::string(text)};
  }
  auto set = core::GtidSet::parse(text);
  if (!set) {
    return core::fail(core::ErrorCode::kConfig,
                      "replicate.start '" + std::string(text) +
                          "' is neither \"now\", FILE:POS nor a GTID set: " + set.error().message);
  }
  return StartText{StartText::Kind::kGtid, std::string(text)};
}

namespace {

// One run of the stream into the log, from the log's resume point.
core::Status extract_session(const ExtractOptions& o, StatusBoard& board) {
  JournalFeed feed(o, board, TableFilter(o.settings.include, o.settings.exclude, o.settings.rename));
  source::StreamerOptions so;
  so.connect = o.source.connection;
  so.server_id = o.source.server_id.value_or(0);
  so.name = "replicate extract";
  so.databases = TableFilter(o.settings.include, {}, {}).exact_databases();
  if (!so.databases.empty()) {  // the position tables' databases too: their transactions are skipped
    for (const std::string& db :
         o.settings.skip_transactions_writing.value_or(std::vector<std::string>{"sluice"}))
      so.databases.push_back(db);
  }
  so.log = o.log;
  so.stop = o.stop;
  so.backoff_max_ms = o.backoff_max_ms;
  auto segments = journal::list_segments(o.settings.journal_dir);
  if (segments && !segments->empty()) {
    SLUICE_TRY(feed.open_writer(journal::ResumePoint()));
    const journal::ResumePoint& r = feed.writer()->resume();
    if (!r.position.file.empty()) {
      so.start.kind = source::StreamStart::Kind::kFilePos;
      so.start.position = r.position;
      so.start.gtid_state = r.gtids.str();
      so.start.origin = "transaction log " + o.settings.journal_dir;
      // Read from another server (a failover): the streamer continues by GTID when that server
      // has executed the log's GTID set, else refuses (docs/replication.md).
      auto noted = journal::read_source_identity(o.settings.journal_dir);
      if (!noted) return core::fail(noted.error());
      so.start.server_identity = *noted;
      so.start.fix =
          "point the config at a server that has executed the log's transactions (the promoted "
          "replica), or start a new log (another replicate.journal_dir) at replicate.start";
    } else if (!r.gtids.str().empty()) {  // a log started at a GTID set, nothing after it yet
      so.start.kind = source::StreamStart::Kind::kGtid;
      so.start.gtid = r.gtids.str();
    } else {
      SLUICE_TRY(configured_start(o.settings.start, so.start));
    }
  } else {
    SLUICE_TRY(configured_start(o.settings.start, so.start));
    if (so.start.kind == source::StreamStart::Kind::kFilePos) so.start.gtid_state = o.start_gtid_state;
    // A new log: its header keeps the resolved start, before anything is read.
    so.on_start = [&feed](const source::StreamStart& s) -> core::Status {
      journal::ResumePoint p;
      p.position = s.position;
      if (auto g = core::GtidSet::parse(s.kind == source::StreamStart::Kind::kGtid ? s.gtid : s.gtid_state)) {
        p.gtids = std::move(*g);
      }
      SLUICE_TRY(feed.open_writer(p));
      return feed.note_source();
    };
  }
  source::BinlogStreamer streamer(so, feed, [&feed] { return feed.sync(); });
  feed.follow_source(&streamer, so.start.server_identity);
  core::Status s = streamer.run();
  core::Status synced = feed.sync();
  if (s && !synced) s = synced;
  return s;
}

}  // namespace

core::Status run_extract(const ExtractOptions& o, StatusBoard& board) {
  SLUICE_TRY(check_row_metadata(o));
  // The streamer retries a connection that drops once it streamed; a retryable failure before
  // (the source down at start, or still holding the connection of a killed run under this
  // server_id) is retried here with backoff, from the log's durable end. Not a log held by
  // another extractor (kIo): that one is reported at once.
  unsigned backoff_ms = 500;
  for (;;) {
    core::Status s = extract_session(o, board);
    if (s || !s.error().retryable || s.error().code == core::ErrorCode::kIo ||
        (o.stop != nullptr && o.stop->load()))
      return s;
    board.set_state(State::kCatchingUp, s.error().message);
    if (o.log)
      o.log("replicate extract: " + s.error().message + "; retrying in " + std::to_string(backoff_ms) +
            " ms");
    for (unsigned waited = 0; waited < backoff_ms && (o.stop == nullptr || !o.stop->load()); waited += 50)
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    if (o.stop != nullptr && o.stop->load()) return core::ok();
    backoff_ms = std::min(backoff_ms * 2, o.backoff_max_ms);
  }
}

}  // namespace sluice::replicate
