#include "sinks/avro/avro_sink.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include "core/json_writer.h"
#include "core/value_format.h"

namespace sluice::sinks {
namespace {

namespace fs = std::filesystem;

core::Status io_error(const std::string& what, const std::string& path) {
  return core::fail(core::ErrorCode::kIo, what + " " + path + ": " + std::strerror(errno));
}

// Stream ids may hold any character; file names keep [A-Za-z0-9_.-] and %XX the rest.
std::string file_stem(std::string_view stream_id) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (char c : stream_id) {
    auto b = static_cast<unsigned char>(c);
    if ((b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || (b >= '0' && b <= '9') || b == '_' || b == '-' ||
        (b == '.' && !out.empty())) {
      out.push_back(c);
    } else {
      out.push_back('%');
      out.push_back(kHex[b >> 4]);
      out.push_back(kHex[b & 15]);
    }
  }
  return out;
}

// "<stem>.<6+ digits>.avro" -> the sequence number; 0 when the name is not one of ours.
uint64_t file_seq(const std::string& name) {
  static constexpr std::string_view kExt = ".avro";
  if (name.size() <= kExt.size() || !name.ends_with(kExt)) return 0;
  std::string_view base(name.data(), name.size() - kExt.size());
  size_t dot = base.rfind('.');
  if (dot == std::string_view::npos || base.size() - dot - 1 < 6) return 0;
  uint64_t seq = 0;
  for (char c : base.substr(dot + 1)) {
    if (c < '0' || c > '9') return 0;
    seq = seq * 10 + static_cast<uint64_t>(c - '0');
  }
  return seq;
}

core::Status fsync_path(const std::string& path, int flags) {
  int fd = ::open(path.c_str(), flags | O_CLOEXEC);
  if (fd < 0) return io_error("cannot open", path);
  int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) return io_error("cannot fsync", path);
  return core::ok();
}

}  // namespace

core::Result<std::unique_ptr<AvroSink>> AvroSink::open(AvroSinkOptions options) {
  std::error_code ec;
  fs::create_directories(options.directory, ec);
  if (ec) {
    return core::fail(core::ErrorCode::kIo,
                      "avro destination: cannot create directory " + options.directory + ": " + ec.message());
  }
  std::unique_ptr<AvroSink> sink(new AvroSink(std::move(options)));
  SLUICE_TRY(sink->recover());
  return sink;
}

AvroSink::~AvroSink() = default;

core::Status AvroSink::recover() {
  const std::string& dir = options_.directory;
  std::string state_path = dir + "/" + kStateFile;
  std::error_code ec;
  if (fs::exists(state_path, ec)) {
    std::FILE* f = std::fopen(state_path.c_str(), "rb");
    if (!f) return io_error("cannot read", state_path);
    std::string text;
    char buf[8192];
    for (size_t n; (n = std::fread(buf, 1, sizeof buf, f)) > 0;) text.append(buf, n);
    std::fclose(f);
    auto doc = nlohmann::json::parse(text, nullptr, false);
    if (doc.is_discarded() || !doc.is_object() || !doc.contains("files") || !doc["files"].is_object()) {
      return core::fail(core::ErrorCode::kCorrupt, "avro destination: " + state_path +
                                                       " is not a sluice state file; move it away to start over");
    }
    for (auto it = doc["files"].begin(); it != doc["files"].end(); ++it) {
      if (it->is_number_unsigned()) files_[it.key()] = it->get<uint64_t>();
    }
    if (doc.contains("state")) committed_state_ = doc["state"].dump();
  }
  std::map<std::string, uint64_t> present;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    std::string name = entry.path().filename().string();
    uint64_t seq = file_seq(name);
    if (seq == 0 || !entry.is_regular_file(ec)) continue;
    if (seq >= next_seq_) next_seq_ = seq + 1;
    std::string path = dir + "/" + name;
    auto known = files_.find(name);
    if (known == files_.end()) {
      // Created after the last checkpoint: its rows will be delivered again.
      if (::unlink(path.c_str()) != 0) return io_error("cannot remove uncommitted file", path);
      continue;
    }
    uint64_t size = entry.file_size(ec);
    if (!ec && size > known->second && ::truncate(path.c_str(), static_cast<off_t>(known->second)) != 0) {
      return io_error("cannot truncate uncommitted rows of", path);
    }
    present.insert(*known);
  }
  if (ec) return core::fail(core::ErrorCode::kIo, "avro destination: cannot list " + dir + ": " + ec.message());
  files_ = std::move(present);
  return fsync_path(dir, O_RDONLY | O_DIRECTORY);
}

core::Result<StreamHandle> AvroSink::open_stream(const StreamInfo& info) {
  for (size_t i = 0; i < streams_.size(); ++i) {
    if (streams_[i]->info.stream_id == info.stream_id) {
      // A later phase of the stream: a new version or new columns mean a new schema.
      SLUICE_TRY(update_stream(static_cast<StreamHandle>(i), info));
      return static_cast<StreamHandle>(i);
    }
  }
  auto plan = avro::build_schema(info);
  if (!plan) return core::fail(plan.error().with_context("avro destination"));
  auto s = std::make_unique<Stream>();
  s->info = info;
  s->plan = std::move(*plan);
  streams_.push_back(std::move(s));
  return static_cast<StreamHandle>(streams_.size() - 1);
}

core::Status AvroSink::update_stream(StreamHandle stream, const StreamInfo& info) {
  if (stream >= streams_.size()) return core::fail(core::ErrorCode::kInternal, "avro: unknown stream handle");
  Stream& s = *streams_[stream];
  auto plan = avro::build_schema(info);
  if (!plan) return core::fail(plan.error().with_context("avro destination"));
  if (plan->json == s.plan.json) return core::ok();
  SLUICE_TRY(close_file(s));
  s.info = info;
  s.plan = std::move(*plan);
  return core::ok();
}

core::Status AvroSink::activate_version(StreamHandle stream, int64_t version) {
  if (stream >= streams_.size()) return core::fail(core::ErrorCode::kInternal, "avro: unknown stream handle");
  // Files are append-only: each record carries `_sdc_table_version`; readers keep the rows
  // of the newest activated version (docs/avro.md).
  (void)version;
  return core::ok();
}

core::Status AvroSink::open_file(Stream& s, const avro::AvroFileWriter::Metadata& metadata) {
  char seq[24];
  std::snprintf(seq, sizeof seq, "%06llu", static_cast<unsigned long long>(next_seq_++));
  s.file_name = file_stem(s.info.stream_id) + "." + seq + ".avro";
  SLUICE_TRY(s.file.open(options_.directory + "/" + s.file_name, s.plan.json, options_.codec,
                         options_.block_bytes, metadata));
  files_[s.file_name] = 0;
  return core::ok();
}

core::Status AvroSink::close_file(Stream& s) {
  if (!s.file.is_open()) return core::ok();
  SLUICE_TRY(s.file.close());
  files_[s.file_name] = s.file.file_bytes();
  return core::ok();
}

// A TRUNCATE: a new file begins at once, for the new version, with `sluice.truncated_at` (the
// commit time, UTC) in its header: the rows of the stream's earlier files are gone (docs/avro.md).
core::Status AvroSink::truncate_stream(StreamHandle stream, int64_t version, core::EpochTime commit_time) {
  if (stream >= streams_.size()) return core::fail(core::ErrorCode::kInternal, "avro: unknown stream handle");
  Stream& s = *streams_[stream];
  SLUICE_TRY(close_file(s));
  s.info.version = version;
  auto plan = avro::build_schema(s.info);
  if (!plan) return core::fail(plan.error().with_context("avro destination"));
  s.plan = std::move(*plan);
  char at[40];
  size_t n = core::format_datetime(at, core::temporal_from_epoch(commit_time), 6, 'T');
  at[n++] = 'Z';
  return open_file(s, {{"sluice.truncated_at", std::string(at, n)}});
}

std::string AvroSink::key_description(const Stream& s, const change::RowChange& row) const {
  const std::span<const core::Value> values = row.values();
  std::string out;
  core::ValueFormat fmt;
  for (size_t k : s.plan.key_columns) {
    if (k >= values.size()) continue;
    if (!out.empty()) out += ", ";
    out += s.info.columns[k].name + "=";
    core::append_value_json(out, values[k], fmt);
  }
  return out.empty() ? "(no key)" : out;
}

core::Status AvroSink::write_row(StreamHandle stream, const change::RowChange& row) {
  if (stream >= streams_.size()) return core::fail(core::ErrorCode::kInternal, "avro: unknown stream handle");
  Stream& s = *streams_[stream];
  record_.clear();
  auto st = encoder_.encode(s.plan, row, record_);
  if (!st) {
    return core::fail(st.error().with_context("avro destination: table " + s.info.database + "." + s.info.table +
                                              ", key " + key_description(s, row)));
  }
  if (!s.file.is_open()) SLUICE_TRY(open_file(s));
  SLUICE_TRY(s.file.append(record_));
  if (s.file.file_bytes() >= options_.max_file_bytes) SLUICE_TRY(close_file(s));
  return core::ok();
}

core::Status AvroSink::write_state_file(std::string_view state_json) {
  std::string text = "{\"files\":{";
  bool first = true;
  for (const auto& [name, bytes] : files_) {
    if (!first) text.push_back(',');
    first = false;
    core::json_append_string(text, name);
    text.push_back(':');
    core::json_append_uint(text, bytes);
  }
  text += "},\"state\":";
  text.append(state_json.empty() ? std::string_view("null") : state_json);
  text += "}\n";
  std::string path = options_.directory + "/" + kStateFile;
  std::string tmp = path + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return io_error("cannot create", tmp);
  std::string_view rest = text;
  while (!rest.empty()) {
    ssize_t n = ::write(fd, rest.data(), rest.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      auto err = io_error("cannot write", tmp);
      ::close(fd);
      return err;
    }
    rest.remove_prefix(static_cast<size_t>(n));
  }
  if (::fsync(fd) != 0) {
    auto err = io_error("cannot fsync", tmp);
    ::close(fd);
    return err;
  }
  ::close(fd);
  if (::rename(tmp.c_str(), path.c_str()) != 0) return io_error("cannot replace", path);
  return fsync_path(options_.directory, O_RDONLY | O_DIRECTORY);
}

core::Status AvroSink::checkpoint(std::string_view state_json) {
  for (auto& s : streams_) {
    if (!s->file.is_open()) continue;
    SLUICE_TRY(s->file.sync());
    files_[s->file_name] = s->file.file_bytes();
  }
  SLUICE_TRY(write_state_file(state_json));
  committed_state_ = std::string(state_json);
  return core::ok();
}

core::Status AvroSink::finish() {
  // Rows after the last checkpoint are flushed but not committed: a resumed job sends them again.
  core::Status result = core::ok();
  for (auto& s : streams_) {
    auto st = close_file(*s);
    if (!st && result) result = st;
  }
  return result;
}

}  // namespace sluice::sinks
