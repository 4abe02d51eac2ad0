#include "job/sink_factory.h"

#include <filesystem>

#include "sinks/avro/avro_sink.h"
#include "sinks/jsonl/jsonl_sink.h"
#include "sinks/postgres/postgres_sink.h"
#include "sinks/singer/singer_sink.h"
#include "sinks/sqlite/sqlite_sink.h"
#include "sinks/threaded_sink.h"

namespace sluice::job {
namespace {

using config::DestinationType;
using sinks::AvroSink;
using sinks::JsonlSink;
using sinks::JsonlSinkOptions;
using sinks::PostgresSink;
using sinks::SingerSink;
using sinks::SingerSinkOptions;
using sinks::Sink;
using sinks::SqliteSink;
using sinks::SqliteSinkOptions;
using sinks::TestStopSink;
using sinks::ThreadedSink;

/// File destinations write on their own thread (threaded_sink.h), overlapping the source's reading;
/// Singer stdout and PostgreSQL are written on the job's thread. A test's stop point goes inside
/// the writer thread: it runs after the destination's own checkpoint.
std::unique_ptr<Sink> on_writer_thread(DestinationType t, std::unique_ptr<Sink> sink,
                                       const SinkEnvironment& env) {
  if (env.stop_point) sink = std::make_unique<TestStopSink>(std::move(sink), *env.stop_point);
  if (t != DestinationType::kSqlite && t != DestinationType::kJsonl && t != DestinationType::kAvro) return sink;
  return std::make_unique<ThreadedSink>(std::move(sink));
}

/// Takes the lock of a file destination (see MadeSink); Singer has no state, PostgreSQL locks in
/// its own session (PostgresSink::open).
core::Result<core::FileLock> lock_destination(const config::DestinationConfig& d) {
  switch (d.type) {
    case DestinationType::kSqlite:
      return core::FileLock::acquire(d.path + ".lock", "SQLite destination " + d.path);
    case DestinationType::kJsonl:
    case DestinationType::kAvro: {
      // The lock file lives in the directory, so the directory is made first, as the sink would
      // (Avro with its parents; JSONL only when its parent exists, else the sink reports it).
      std::error_code ec;
      if (d.type == DestinationType::kAvro) {
        std::filesystem::create_directories(d.path, ec);
      } else {
        std::filesystem::create_directory(d.path, ec);
      }
      std::string what =
          std::string(d.type == DestinationType::kAvro ? "Avro" : "JSONL") + " destination " + d.path;
      return core::FileLock::acquire(d.path + "/_sluice.lock", what);
    }
    default:
      return core::FileLock();
  }
}

std::string state_location(const config::DestinationConfig& d) {
  switch (d.type) {
    case DestinationType::kSqlite:
      return "the state saved in table _sluice_state of SQLite destination " + d.path;
    case DestinationType::kJsonl:
      return "the state saved in " + d.path + "/_sluice_checkpoint.json";
    case DestinationType::kAvro:
      return "the state saved in " + d.path + "/" + AvroSink::kStateFile;
    case DestinationType::kPostgres: {
      sinks::PostgresSinkOptions o = postgres_sink_options(d.postgres);
      return "the state saved in PostgreSQL table " + (o.schema.empty() ? std::string("sluice") : o.schema) +
             "._sluice_state (row '" + o.state_id + "')";
    }
    default:
      return "the state";
  }
}

struct Opened {
  std::unique_ptr<Sink> sink;
  std::optional<std::string> saved_state;
};

core::Result<Opened> open_inner(const config::DestinationConfig& d, const SinkEnvironment& env) {
  Opened out;
  switch (d.type) {
    case DestinationType::kSinger: {
      SingerSinkOptions o;
      o.zero_dates = env.zero_dates;
      o.forms = env.value_forms;
      out.sink = std::make_unique<SingerSink>(env.singer_out, o);
      return out;
    }
    case DestinationType::kSqlite: {
      auto state = sinks::load_sqlite_state(d.path);
      if (!state) return core::fail(state.error());
      SqliteSinkOptions o;
      o.path = d.path;
      o.hard_deletes = d.deletes == config::DeleteMode::kHard;
      auto sink = SqliteSink::open(o);
      if (!sink) return core::fail(sink.error());
      out.saved_state = std::move(*state);
      out.sink = std::move(*sink);
      return out;
    }
    case DestinationType::kJsonl: {
      JsonlSinkOptions o;
      o.dir = d.path;
      o.max_file_bytes = d.max_file_bytes;
      auto sink = JsonlSink::open(o);
      if (!sink) return core::fail(sink.error());
      auto state = sinks::load_jsonl_state(d.path);
      if (!state) return core::fail(state.error());
      out.saved_state = std::move(*state);
      out.sink = std::move(*sink);
      return out;
    }
    case DestinationType::kAvro: {
      auto sink = AvroSink::open(avro_sink_options(d));
      if (!sink) return core::fail(sink.error());
      out.saved_state = (*sink)->committed_state();
      out.sink = std::move(*sink);
      return out;
    }
    case DestinationType::kPostgres: {
      auto sink = PostgresSink::open(postgres_sink_options(d.postgres));
      if (!sink) return core::fail(sink.error());
      out.saved_state = (*sink)->committed_state();
      out.sink = std::move(*sink);
      return out;
    }
  }
  return core::fail(core::ErrorCode::kInvalidArgument, "unknown destination type");
}

}  // namespace

sinks::AvroSinkOptions avro_sink_options(const config::DestinationConfig& d) {
  sinks::AvroSinkOptions o;
  o.directory = d.path;
  o.codec = d.avro.deflate ? sinks::avro::Codec::kDeflate : sinks::avro::Codec::kNull;
  o.block_bytes = static_cast<size_t>(d.avro.block_bytes);
  o.max_file_bytes = d.avro.max_file_bytes;
  return o;
}

sinks::PostgresSinkOptions postgres_sink_options(const config::PostgresSettings& s) {
  sinks::PostgresSinkOptions o;
  sinks::pg::PgConnectOptions& c = o.connect;
  if (s.host) c.host = *s.host;
  if (s.port) c.port = *s.port;
  c.user = s.user;
  c.password = s.password;
  c.dbname = s.dbname;
  c.sslmode = s.sslmode;
  c.conninfo = s.conninfo;
  if (s.connect_timeout_s) c.connect_timeout_s = *s.connect_timeout_s;
  o.schema = sinks::destination_schema(s.schema, s.integration_name);
  o.hard_delete = s.hard_delete;
  o.batch_bytes = static_cast<size_t>(s.batch_bytes);
  o.state_id = s.state_id;
  return o;
}

bool keeps_reports(const config::DestinationConfig& d) {
  // Singer output gets a report only when asked for a directory: its own summary is enough.
  return d.report && (d.type != DestinationType::kSinger || !d.report_dir.empty());
}

std::string default_report_dir(const config::DestinationConfig& d) {
  if (!d.report_dir.empty()) return d.report_dir;
  switch (d.type) {
    case DestinationType::kSqlite: return d.path + ".reports";
    case DestinationType::kJsonl:
    case DestinationType::kAvro: return d.path + "/_reports";
    default: return "sluice-reports";
  }
}

core::Result<MadeSink> make_sink(const config::DestinationConfig& d, const SinkEnvironment& env) {
  MadeSink made;
  auto lock = lock_destination(d);
  if (!lock) return core::fail(lock.error());
  made.lock = std::move(*lock);
  auto inner = open_inner(d, env);
  if (!inner) return core::fail(inner.error());
  made.saved_state = std::move(inner->saved_state);
  made.state_location = state_location(d);
  if (!keeps_reports(d)) {
    made.sink = on_writer_thread(d.type, std::move(inner->sink), env);
    return made;
  }
  ReportOptions ro;
  ro.report_dir = default_report_dir(d);
  ro.log = env.log;
  ro.summary = env.summary;
  ro.job_id = env.job_id;
  ro.attempt = env.attempt;
  ro.extraction_log = env.extraction_log;
  ro.destination = nlohmann::json::object();
  ro.destination["type"] = std::string(config::destination_type_name(d.type));
  if (!d.path.empty()) ro.destination["path"] = d.path;
  auto wrapped = std::make_unique<ReportSink>(std::move(inner->sink), std::move(ro));
  if (made.saved_state) wrapped->set_initial_state(*made.saved_state);
  made.report = wrapped.get();
  made.sink = on_writer_thread(d.type, std::move(wrapped), env);
  return made;
}

}  // namespace sluice::job
