#include "source/binlog_streamer.h"

#include <poll.h>

#include <chrono>
#include <thread>
#include <unordered_set>

#include "binlog/change_assembler.h"
#include "binlog/event_decoder.h"
#include "mysql/replication_stream.h"
#include "source/resume_guard.h"
#include "source/stream_server.h"

namespace sluice::source {
namespace {

using Clock = std::chrono::steady_clock;
using core::ErrorCode;

bool is_rows_event(uint8_t type) {
  return (type >= 23 && type <= 25) || (type >= 30 && type <= 32) || type == 39 ||
         (type >= 166 && type <= 171);
}
bool is_heartbeat(uint8_t type) { return type == 27 || type == 41; }
constexpr uint8_t kRotateEvent = 4;

constexpr size_t kPieceSize = size_t{1} << 20;

// The rest of an event the replication stream hands out in pieces.
class StreamPieces : public binlog::EventPieces {
 public:
  explicit StreamPieces(mysql::ReplicationStream& stream) : stream_(stream) {}
  core::Result<std::span<const uint8_t>> next_piece() override { return stream_.next_piece(); }

 private:
  mysql::ReplicationStream& stream_;
};

uint32_t header_u32(std::span<const uint8_t> ev, size_t at) {
  return static_cast<uint32_t>(ev[at]) | static_cast<uint32_t>(ev[at + 1]) << 8 |
         static_cast<uint32_t>(ev[at + 2]) << 16 | static_cast<uint32_t>(ev[at + 3]) << 24;
}

// True when nothing can be read from `fd` right now (a read would wait for the server).
bool socket_idle(int fd) {
  if (fd < 0) return true;
  pollfd p{fd, POLLIN, 0};
  return ::poll(&p, 1, 0) == 0;
}

std::string join(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ", ") + s;
  return out;
}

}  // namespace

std::string describe_followed_tables(const std::vector<std::string>& databases,
                                     const std::vector<std::string>& tables) {
  if (!tables.empty()) return "tables " + join(tables);
  if (!databases.empty()) return "every table of the databases " + join(databases);
  return "all tables";
}

/// Per-stream state that survives reconnects.
struct BinlogStreamer::Impl : public binlog::EventHandler {
  // EventHandler in front of the assembler: learns unwanted table ids from TABLE_MAPs.
  core::Status on_event(const binlog::Event& ev) override {
    if (filtering) {
      if (const auto* tm = std::get_if<binlog::TableMap>(&ev.body)) {
        if (tm->layout && !assembler->wanted(tm->layout->db, tm->layout->table)) {
          unwanted.insert(tm->table_id);
        } else {
          unwanted.erase(tm->table_id);
        }
      }
    }
    return assembler->binlog::ChangeAssembler::on_event(ev);  // direct: one virtual call per event
  }

  // A rows event of a table the filters exclude: skipped without decoding.
  bool skip_raw(std::span<const uint8_t> ev) const {
    if (!filtering || unwanted.empty() || ev.size() < 25 || !is_rows_event(ev[4])) return false;
    uint64_t id = 0;
    for (int i = 5; i >= 0; --i) id = (id << 8) | ev[19 + static_cast<size_t>(i)];
    return unwanted.count(id) != 0;
  }

  ResumeGuard guard;
  // Two-phase XA transactions prepared and not yet committed: kept across reconnects (a new
  // connection resumes after the last commit, past their XA PREPARE).
  binlog::PreparedXa prepared_xa;
  std::unique_ptr<binlog::ChangeAssembler> assembler;
  bool filtering = false;
  std::unordered_set<uint64_t> unwanted;
  mysql::Flavor flavor = mysql::Flavor::kMySQL;
  std::string server;    // host:port
  std::string identity;  // mysql::read_source_identity, for the checkpoint
  // Resolved start (after kCurrent was turned into a position).
  StreamStart start;
  core::BinlogPosition stop;  // the server's end at start (--until-now), or StreamerOptions::until
  bool bounded = false;       // stops at `stop` (a non-blocking dump)
  bool done = false;
  // Flush / checkpoint bookkeeping: `saved` once a checkpoint was written in this run.
  uint64_t flushed_commits = 0, saved_commits = 0;
  bool saved = false;
  bool moved = false;  // the resume point moved without a commit (a ROTATE, a heartbeat)
  // resolve_start's connection, until the first stream_once takes it.
  std::unique_ptr<mysql::Connection> first_connection;
  Clock::time_point last_flush = Clock::now(), last_save = Clock::now() - std::chrono::hours(1);
};

BinlogStreamer::BinlogStreamer(StreamerOptions options, std::function<core::Status()> flush)
    : options_(std::move(options)), flush_(std::move(flush)), impl_(std::make_unique<Impl>()) {
  impl_->filtering = !options_.databases.empty() || !options_.tables.empty();
  impl_->bounded = options_.until_now || !options_.until.empty();
}

ResumeGuard& BinlogStreamer::guard() { return impl_->guard; }

BinlogStreamer::~BinlogStreamer() = default;

void BinlogStreamer::log(const std::string& line) const {
  if (options_.log) options_.log(line);
}

StreamCheckpoint BinlogStreamer::committed() const {
  StreamCheckpoint cp;
  cp.flavor = impl_->flavor == mysql::Flavor::kMariaDB ? "mariadb" : "mysql";
  cp.server = impl_->server;
  cp.server_identity = impl_->identity;
  cp.position = {impl_->guard.committed_file(), impl_->guard.committed_pos()};
  cp.gtid = impl_->guard.committed_gtid();
  cp.resume = {impl_->guard.resume_file(), impl_->guard.resume_pos()};
  const GtidTracker& g = impl_->guard.gtids();
  if (g.flavor() != core::GtidFlavor::kNone && g.complete()) cp.gtid_set = g.text();
  if (impl_->guard.commits() == 0 && !impl_->start.delivered.empty()) {
    // Restarted at a held XA transaction's start and nothing delivered yet: the checkpoint
    // read at start, unchanged (what was delivered ends later than where reading starts).
    cp.resume = cp.position;
    cp.position = impl_->start.delivered;
  }
  return cp;
}

uint64_t BinlogStreamer::transactions() const { return impl_->guard.commits(); }
uint64_t BinlogStreamer::changes() const { return impl_->guard.changes(); }

core::Status BinlogStreamer::resolve_start() {
  Impl& m = *impl_;
  auto info = query_stream_server(stream_connect_options(), options_.start, options_.server_id);
  if (!info) return core::fail(info.error());
  m.first_connection = std::move(info->connection);  // the first stream starts on it
  m.flavor = info->flavor;
  m.server = info->server;
  m.identity = info->identity;
  if (!info->note.empty()) log(info->note);
  m.start = info->start;
  m.stop = options_.until.empty() ? info->end : options_.until;
  auto kind = m.flavor == mysql::Flavor::kMariaDB ? core::GtidFlavor::kMariaDb : core::GtidFlavor::kMySql;
  if (info->gtid_state) {
    if (auto s = m.guard.gtids().reset(kind, *info->gtid_state); !s)
      (void)m.guard.gtids().reset(core::GtidFlavor::kNone, "");
  }
  if (m.start.kind == StreamStart::Kind::kFilePos) {
    m.guard.set_committed(m.start.position.file, m.start.position.offset, "");
    if (!m.start.delivered.empty()) m.guard.set_delivered(m.start.delivered.file, m.start.delivered.offset);
  }
  if (options_.on_start) return options_.on_start(m.start);
  return core::ok();
}

core::Status BinlogStreamer::take_start() {
  Impl& m = *impl_;
  auto conn = mysql::Connection::connect(stream_connect_options());
  if (!conn) return core::fail(conn.error());
  m.flavor = (*conn)->server().flavor;
  m.first_connection = std::move(*conn);
  m.server = options_.connect.host + ":" + std::to_string(options_.connect.port);
  m.start = options_.start;
  m.stop = options_.until;
  if (m.bounded && m.stop.empty()) {
    return core::fail(ErrorCode::kInternal,
                      options_.name + ": a stream that asks the server nothing needs `until`");
  }
  if (m.start.kind == StreamStart::Kind::kGtid) {
    auto kind = m.flavor == mysql::Flavor::kMariaDB ? core::GtidFlavor::kMariaDb : core::GtidFlavor::kMySql;
    // Followed so that a reconnect resumes by GTID; one it cannot follow resumes by position.
    if (auto s = m.guard.gtids().reset(kind, m.start.gtid); !s)
      (void)m.guard.gtids().reset(core::GtidFlavor::kNone, "");
  } else {
    m.guard.set_committed(m.start.position.file, m.start.position.offset, "");
  }
  return core::ok();
}

core::Status BinlogStreamer::run() {
  if (options_.server_id == 0) {
    return core::fail(
        ErrorCode::kInvalidArgument,
        "server_id is not set: add \"server_id\" to the config (sluice check proposes a free one)");
  }
  if (auto s = options_.ask_server ? resolve_start() : take_start(); !s) return s;
  // The resolved start is the checkpoint until a transaction passes: a run stopped before any
  // change (idle, --until-now on a quiet server) resumes there, not at the server's end then.
  if (auto s = save_checkpoint_now(); !s) return s;
  unsigned delay = options_.backoff_initial_ms;
  unsigned failures = 0;
  bool ever_streamed = false;
  while (true) {
    bool streamed = false;
    core::Status s = stream_once(streamed);
    if (s && (impl_->done || should_stop())) return finish(s);
    if (s) s = core::fail(ErrorCode::kConnect, "the server ended the binlog stream", true);
    if (should_stop()) return finish(core::ok());
    const core::Error& e = s.error();
    if (e.code == ErrorCode::kBinlogPurged)
      return finish(options_.ask_server ? core::fail(purged_error(e)) : s);
    ever_streamed = ever_streamed || streamed;
    bool transient = e.retryable || e.code == ErrorCode::kConnect || e.code == ErrorCode::kTimeout ||
                     e.code == ErrorCode::kServer || e.code == ErrorCode::kIo;
    if (!ever_streamed || !transient || e.data_loss) return finish(s);
    if (streamed) {
      delay = options_.backoff_initial_ms;
      failures = 0;
    }
    ++failures;
    if (options_.max_reconnects != 0 && failures > options_.max_reconnects) return finish(s);
    if (flush_) {
      if (auto f = flush_(); !f) return finish(f);  // what was received is out before we wait
    }
    impl_->guard.on_disconnect();
    const StreamCheckpoint cp = committed();
    log(options_.name + ": " + e.message + "; reconnecting in " + std::to_string(delay) + " ms (attempt " +
        std::to_string(failures) + "), resuming after " +
        (cp.position.empty() ? impl_->start.position.file + impl_->start.gtid : cp.position.str()));
    for (auto until = Clock::now() + std::chrono::milliseconds(delay);
         Clock::now() < until && !should_stop();) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    if (should_stop()) return finish(core::ok());
    delay = std::min(options_.backoff_max_ms, delay * 2);
    ++reconnects_;
  }
}

namespace {

void debug_to_log(void* user, std::string_view line) {
  const auto* log = static_cast<const std::function<void(std::string_view)>*>(user);
  if (*log) (*log)(std::string("debug: ").append(line));
}

}  // namespace

mysql::ReplicationOptions BinlogStreamer::replication_options() const {
  const Impl& m = *impl_;
  mysql::ReplicationOptions ro;
  ro.server_id = options_.server_id;
  ro.non_blocking = m.bounded;
  ro.heartbeat_period_ms = options_.heartbeat_ms;
  ro.piece_size = kPieceSize;  // a huge (compressed) transaction streams through in pieces
  const GtidTracker& g = m.guard.gtids();
  const bool first = m.guard.commits() == 0;
  // A GTID start resumes by GTID state (exact even with gaps in the set); else by position.
  if (m.start.kind == StreamStart::Kind::kGtid &&
      (first || (g.flavor() != core::GtidFlavor::kNone && g.complete()))) {
    std::string state = first ? m.start.gtid : g.text();
    if (m.flavor == mysql::Flavor::kMariaDB) {
      ro.mariadb_gtid_pos = state;
    } else {
      ro.mysql_gtid_set = state;
    }
  } else {
    ro.file = m.guard.committed_file();
    ro.position = m.guard.committed_pos();
  }
  return ro;
}

core::Status BinlogStreamer::flush_and_checkpoint(bool force) {
  Impl& m = *impl_;
  const auto now = Clock::now();
  m.last_flush = now;
  const bool due = !options_.checkpoint_path.empty() &&
                   (!m.saved || m.moved || m.guard.commits() != m.saved_commits) &&
                   (force || now - m.last_save >= std::chrono::milliseconds(options_.checkpoint_interval_ms));
  if (!due && options_.hand_over) return options_.hand_over();
  if (flush_) SLUICE_TRY(flush_());
  if (!due) return core::ok();
  return save_checkpoint_now();
}

bool BinlogStreamer::advance_idle(const std::string& file, uint64_t pos) {
  Impl& m = *impl_;
  ResumeGuard& g = m.guard;
  // Only between transactions, with no XA transaction held and past a restart's skipped part.
  if (file.empty() || pos < 4 || g.in_transaction() || !g.resume_file().empty() ||
      g.committed_file().empty()) {
    return false;
  }
  if (g.commits() == 0 && !m.start.delivered.empty()) return false;
  const int c = core::compare_binlog_files(file, g.committed_file());
  if (c < 0 || (c == 0 && pos <= g.committed_pos())) return false;
  g.set_committed(file, pos, g.committed_gtid());
  m.moved = true;
  return true;
}

core::Status BinlogStreamer::save_checkpoint_now() {
  Impl& m = *impl_;
  if (options_.checkpoint_path.empty() || m.server.empty()) return core::ok();  // no start resolved yet
  StreamCheckpoint cp = committed();
  if (cp.position.empty() && cp.gtid_set.empty()) return core::ok();  // nothing a restart could use
  SLUICE_TRY(save_checkpoint(options_.checkpoint_path, cp));
  m.saved_commits = m.guard.commits();
  m.saved = true;
  m.moved = false;
  m.last_save = Clock::now();
  return core::ok();
}

bool BinlogStreamer::reached_end(std::span<const uint8_t> ev, bool was_in_stop_file,
                                 std::string_view file) const {
  const Impl& m = *impl_;
  uint32_t log_pos = header_u32(ev, 13);
  if (was_in_stop_file) return log_pos != 0 && log_pos >= m.stop.offset;
  return !file.empty() && core::compare_binlog_files(file, m.stop.file) > 0;
}

mysql::ConnectOptions BinlogStreamer::stream_connect_options() const {
  mysql::ConnectOptions copts = options_.connect;
  // Heartbeats arrive every heartbeat_ms when idle: a read waiting 3 of them means a dead link.
  copts.read_timeout_s = std::max(10u, 3 * options_.heartbeat_ms / 1000 + 5);
  // The server waits this long for us when our output blocks (a slow consumer).
  copts.session_sqls.emplace_back("SET SESSION net_write_timeout = 600");
  return copts;
}

core::Status BinlogStreamer::stream_once(bool& streamed) {
  Impl& m = *impl_;
  auto opened = m.first_connection
                    ? mysql::ReplicationStream::open(std::move(m.first_connection), replication_options())
                    : mysql::ReplicationStream::open(stream_connect_options(), replication_options());
  if (!opened) return core::fail(opened.error());
  streamed = true;
  mysql::ReplicationStream& stream = **opened;
  binlog::DecoderOptions dopts;
  dopts.resolver = options_.resolver;
  if (options_.verbose && options_.log) {
    dopts.debug = debug_to_log;
    dopts.debug_user = const_cast<std::function<void(std::string_view)>*>(&options_.log);
  }
  binlog::EventDecoder decoder(dopts);
  decoder.set_checksum_alg(stream.checksums() ? 1 : 0);
  binlog::AssemblerOptions aopts;
  aopts.databases = options_.databases;
  aopts.tables = options_.tables;
  aopts.max_buffered_bytes = options_.max_buffered_bytes;
  if (options_.rows_sink != nullptr) aopts.rows_sink = output_.get();
  aopts.prepared_xa = &m.prepared_xa;
  m.assembler = std::make_unique<binlog::ChangeAssembler>(*output_, aopts);
  m.unwanted.clear();
  const int fd = stream.socket_fd();
  StreamPieces pieces(stream);
  uint64_t commits_seen = m.guard.commits();
  const auto flush_every = std::chrono::milliseconds(options_.flush_interval_ms);
  // Output to flush or a checkpoint to write: commits are paced (else nothing is done at them).
  const bool paced = flush_ || !options_.checkpoint_path.empty();
  // The decoder's file is the stop file: its file changes only at a ROTATE, looked at there.
  bool in_stop_file = false;
  while (!should_stop()) {
    auto ev = stream.next_event();
    if (!ev) return core::fail(ev.error());
    if (ev->empty()) {
      m.done = true;  // non-blocking dump: the server's end
      return core::ok();
    }
    if (is_heartbeat((*ev)[4])) {
      // A v1 heartbeat names the file and, in its header, the position the server has sent up to.
      const size_t name_len = ev->size() - std::min(ev->size(), size_t{19} + (stream.checksums() ? 4 : 0));
      std::string_view name(reinterpret_cast<const char*>(ev->data()) + 19, name_len);
      if ((*ev)[4] == 27 && name == decoder.file()) advance_idle(decoder.file(), header_u32(*ev, 13));
      SLUICE_TRY(flush_and_checkpoint(true));
      continue;
    }
    const bool was_in_stop_file = in_stop_file;
    if (!m.skip_raw(*ev)) SLUICE_TRY(decoder.feed(*ev, binlog::EventDecoder::kPosFromHeader, pieces, m));
    const bool rotate = (*ev)[4] == kRotateEvent;
    if (rotate) {
      in_stop_file = m.bounded && decoder.file() == m.stop.file;
      if (header_u32(*ev, 13) != 0 && advance_idle(decoder.file(), 4)) {
        SLUICE_TRY(flush_and_checkpoint(true));  // the next file (rare): the old one may be purged
      }
    }
    if (m.bounded && (was_in_stop_file || rotate) && reached_end(*ev, was_in_stop_file, decoder.file())) {
      m.done = true;
      return core::ok();
    }
    if (paced && m.guard.commits() != commits_seen) {
      commits_seen = m.guard.commits();
      const bool idle = !stream.buffered() && socket_idle(fd);
      if (idle || Clock::now() - m.last_flush >= flush_every) SLUICE_TRY(flush_and_checkpoint(false));
    }
  }
  return core::ok();
}

core::Status BinlogStreamer::finish(core::Status status) {
  core::Status f = flush_ ? flush_() : core::ok();
  // Every exit writes it (after the flush): a clean stop, --until-now, or an error.
  if (f) f = save_checkpoint_now();
  if (!status) return status;
  return f;
}

core::Error BinlogStreamer::purged_error(const core::Error& e) {
  Impl& m = *impl_;
  StreamCheckpoint cp = committed();
  std::string asked =
      m.start.kind == StreamStart::Kind::kGtid ? "GTID '" + m.start.gtid + "'" : m.start.position.str();
  if (!cp.position.empty()) asked = cp.position.str();
  std::string oldest = oldest_binlog(options_.connect);
  return core::Error{
      ErrorCode::kBinlogPurged,
      "the binlog position " + asked + " is no longer on " + m.server + " (the oldest binlog it has is " +
          oldest + "): the changes since then are lost for " +
          describe_followed_tables(options_.databases, options_.tables) +
          "; re-snapshot them and stream from the snapshot's position, and keep binlogs longer "
          "(binlog_expire_logs_seconds; on RDS the 'binlog retention hours' setting) [" +
          e.message + "]",
      false, true};
}

}  // namespace sluice::source
