#include "job/report/report_sink.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>

#include "job/report/report_reader.h"

namespace sluice::job {
namespace {


using nlohmann::json;
using nlohmann::ordered_json;

double seconds(std::chrono::steady_clock::duration d) { return std::chrono::duration<double>(d).count(); }

json bookmark_of(const json& state, const std::string& stream_id) {
  if (!state.is_object()) return nullptr;
  auto b = state.find("bookmarks");
  if (b == state.end() || !b->is_object()) return nullptr;
  auto it = b->find(stream_id);
  return it == b->end() ? json(nullptr) : *it;
}

}  // namespace

std::string utc_text(std::chrono::system_clock::time_point t, bool compact) {
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
  std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, compact ? "%Y%m%dT%H%M%S" : "%Y-%m-%dT%H:%M:%S", &tm);
  char out[80];
  std::snprintf(out, sizeof out, compact ? "%s%03dZ" : "%s.%03dZ", buf, static_cast<int>(ms % 1000));
  return out;
}

size_t value_bytes(const core::Value& v) {
  using core::ValueKind;
  switch (v.kind) {
    case ValueKind::kAbsent:
    case ValueKind::kNull:
      return 0;
    case ValueKind::kDecimal:
    case ValueKind::kString:
    case ValueKind::kBytes:
    case ValueKind::kJson:
    case ValueKind::kGeometry:
    case ValueKind::kVector:
      return v.text.size();
    case ValueKind::kEnum:
    case ValueKind::kSet:
      return (v.flags & core::kValueFlagLabels) ? v.text.size() : 8;
    default:
      return 8;
  }
}

ReportSink::ReportSink(std::unique_ptr<Sink> inner, ReportOptions options)
    : inner_(std::move(inner)),
      counter_(dynamic_cast<const LoadCountSource*>(inner_.get())),
      options_(std::move(options)),
      started_wall_(std::chrono::system_clock::now()),
      started_(std::chrono::steady_clock::now()) {}

void ReportSink::set_initial_state(std::string_view state_json) {
  initial_state_ = json::parse(state_json, nullptr, false);
  if (initial_state_.is_discarded()) initial_state_ = nullptr;
  if (final_state_.is_null()) final_state_ = initial_state_;
}

void ReportSink::record_error(std::string_view message) { add_error(std::string(message)); }

void ReportSink::add_error(std::string message) {
  std::lock_guard lock(errors_mu_);
  errors_.push_back(std::move(message));
}

core::Status ReportSink::note(StreamHandle h, core::Status st) {
  if (!st) {
    if (h < tables_.size()) tables_[h].errors++;
    add_error(st.error().message);
  }
  return st;
}

core::Result<StreamHandle> ReportSink::open_stream(const StreamInfo& info) {
  auto h = inner_->open_stream(info);
  if (!h) {
    add_error(h.error().message);
    return h;
  }
  if (*h >= tables_.size()) tables_.resize(*h + 1);
  Table& t = tables_[*h];
  if (t.info.stream_id.empty()) {
    t.opened = std::chrono::steady_clock::now();
    t.last = t.opened;
  }
  t.info = info;
  return h;
}

core::Status ReportSink::update_stream(StreamHandle stream, const StreamInfo& info) {
  auto st = note(stream, inner_->update_stream(stream, info));
  if (st && stream < tables_.size()) tables_[stream].info = info;
  return st;
}

core::Status ReportSink::activate_version(StreamHandle stream, int64_t version) {
  auto st = note(stream, inner_->activate_version(stream, version));
  if (st && stream < tables_.size()) tables_[stream].active = true;
  return st;
}

core::Status ReportSink::truncate_stream(StreamHandle stream, int64_t version, core::EpochTime commit_time) {
  auto st = note(stream, inner_->truncate_stream(stream, version, commit_time));
  if (st && stream < tables_.size()) tables_[stream].active = true;
  return st;
}

core::Status ReportSink::write_row(StreamHandle stream, const change::RowChange& row) {
  auto st = inner_->write_row(stream, row);
  if (!st) return note(stream, std::move(st));
  if (stream < tables_.size()) {
    Table& t = tables_[stream];
    t.active = true;
    if (row.op == change::Op::kDelete) {
      t.counts.deleted++;
    } else if (row.op == change::Op::kUpdate) {
      t.counts.updated++;
    } else {
      t.counts.inserted++;
    }
    for (const core::Value& v : row.values()) t.bytes += value_bytes(v);
  }
  return st;
}

void ReportSink::stream_gone(StreamHandle stream, std::string_view reason) {
  inner_->stream_gone(stream, reason);
  if (stream < tables_.size()) tables_[stream].gone = std::string(reason);
}

LoadCounts ReportSink::current_counts(StreamHandle h) const {
  return counter_ != nullptr ? counter_->load_counts(h) : tables_[h].counts;
}

core::Status ReportSink::checkpoint(std::string_view state_json) {
  auto st = inner_->checkpoint(state_json);
  if (!st) {
    add_error(st.error().message);
    return st;
  }
  auto now = std::chrono::steady_clock::now();
  for (StreamHandle h = 0; h < tables_.size(); ++h) {
    Table& t = tables_[h];
    t.committed = current_counts(h);
    t.committed_bytes = t.bytes;
    if (t.active) t.last = now;
    t.active = false;
  }
  json state = json::parse(state_json, nullptr, false);
  if (!state.is_discarded()) final_state_ = std::move(state);
  return st;
}

ordered_json ReportSink::report() const {
  ordered_json doc = ordered_json::object();
  doc["job_id"] = job_id();
  doc["started_at"] = utc_text(started_wall_, false);
  if (options_.attempt > 0) doc["attempt"] = options_.attempt;
  if (!options_.extraction_log.empty()) doc["extraction_log"] = options_.extraction_log;
  auto end = finished_called_ ? finished_ : std::chrono::steady_clock::now();
  doc["duration_seconds"] = seconds(end - started_);
  doc["status"] = !errors_.empty() ? "failed" : interrupted_ ? "interrupted" : "succeeded";
  doc["error"] = errors_.empty() ? ordered_json(nullptr) : ordered_json(errors_.front());
  doc["destination"] = options_.destination;
  ordered_json tables = ordered_json::array();
  LoadCounts total;
  uint64_t total_bytes = 0;
  for (StreamHandle h = 0; h < tables_.size(); ++h) {
    const Table& t = tables_[h];
    if (t.info.stream_id.empty()) continue;
    LoadCounts now = current_counts(h);
    uint64_t pending = (now.inserted + now.updated + now.deleted) -
                       (t.committed.inserted + t.committed.updated + t.committed.deleted);
    ordered_json row = ordered_json::object();
    row["stream"] = t.info.stream_id;
    row["table"] = t.info.table;
    row["method"] = change::method_name(t.info.method);
    row["rows_inserted"] = t.committed.inserted;
    row["rows_updated"] = t.committed.updated;
    row["rows_deleted"] = t.committed.deleted;
    row["rows_not_committed"] = pending;
    row["bytes"] = t.committed_bytes;
    row["duration_seconds"] = seconds(t.last - t.opened);
    row["errors"] = t.errors;
    row["bookmark_before"] = ordered_json::parse(bookmark_of(initial_state_, t.info.stream_id).dump());
    row["bookmark_after"] = ordered_json::parse(bookmark_of(final_state_, t.info.stream_id).dump());
    if (!t.gone.empty()) row["gone"] = t.gone;
    tables.push_back(std::move(row));
    total.inserted += t.committed.inserted;
    total.updated += t.committed.updated;
    total.deleted += t.committed.deleted;
    total_bytes += t.committed_bytes;
  }
  doc["totals"] = ordered_json{{"tables", tables.size()},          {"rows_inserted", total.inserted},
                               {"rows_updated", total.updated},    {"rows_deleted", total.deleted},
                               {"bytes", total_bytes}};
  doc["tables"] = std::move(tables);
  return doc;
}

std::string ReportSink::job_id() const {
  if (!options_.job_id.empty()) return options_.job_id;
  return utc_text(started_wall_, true) + "-" + std::to_string(::getpid());
}

std::string ReportSink::summary_line() const {
  ordered_json doc = report();
  const ordered_json& totals = doc["totals"];
  std::string dest = options_.destination.value("type", std::string("destination"));
  if (options_.destination.contains("path") && options_.destination["path"].is_string()) {
    dest += ":" + options_.destination["path"].get<std::string>();
  }
  const char* verb = !errors_.empty() ? "FAILED after loading"
                     : interrupted_   ? "interrupted after loading"
                                      : "loaded";
  char buf[256];
  std::snprintf(buf, sizeof buf,
                "%s %zu table%s into %s: %llu inserted, %llu updated, %llu deleted, %s in %.1f s", verb,
                static_cast<size_t>(totals["tables"].get<uint64_t>()),
                totals["tables"].get<uint64_t>() == 1 ? "" : "s", dest.c_str(),
                static_cast<unsigned long long>(totals["rows_inserted"].get<uint64_t>()),
                static_cast<unsigned long long>(totals["rows_updated"].get<uint64_t>()),
                static_cast<unsigned long long>(totals["rows_deleted"].get<uint64_t>()),
                human_bytes(totals["bytes"].get<uint64_t>()).c_str(), doc["duration_seconds"].get<double>());
  std::string line = std::string("sluice: ") + buf;
  if (!errors_.empty()) line += " (" + errors_.front() + ")";
  if (!report_path_.empty()) line += "; report " + report_path_;
  return line;
}

void ReportSink::write_report() {
  if (options_.report_dir.empty()) return;
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::create_directories(options_.report_dir, ec);
  std::string name = "sluice-report-" + job_id() + ".json";
  std::string path = (fs::path(options_.report_dir) / name).string();
  std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << report().dump(2, ' ', false, ordered_json::error_handler_t::replace) << '\n';
    out.close();
    if (!out) {
      if (options_.log != nullptr) {
        std::fprintf(options_.log, "sluice: warning: could not write the loading report %s: %s\n", tmp.c_str(),
                     std::strerror(errno));
      }
      fs::remove(tmp, ec);
      return;
    }
  }
  fs::rename(tmp, path, ec);
  if (ec) {
    if (options_.log != nullptr) {
      std::fprintf(options_.log, "sluice: warning: could not write the loading report %s: %s\n", path.c_str(),
                   ec.message().c_str());
    }
    return;
  }
  report_path_ = path;
}

core::Status ReportSink::finish() {
  // The job finishes the sink on success and its caller may finish it again after a failure.
  if (finished_called_) return core::ok();
  auto st = inner_->finish();
  if (!st) add_error(st.error().message);
  finished_ = std::chrono::steady_clock::now();
  finished_called_ = true;
  write_report();
  if (options_.log != nullptr && options_.summary) std::fprintf(options_.log, "%s\n", summary_line().c_str());
  return st;
}

}  // namespace sluice::job
