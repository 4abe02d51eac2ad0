#include "sinks/jsonl/jsonl_sink.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>

#include <nlohmann/json.hpp>

#include "core/json_writer.h"

namespace sluice::sinks {
namespace {

namespace fs = std::filesystem;
constexpr const char* kCheckpointFile = "_sluice_checkpoint.json";

core::Error io_error(const std::string& what, const std::string& path, int err) {
  std::string msg = "JSONL destination: " + what + " " + path + ": " + std::strerror(err);
  if (err == ENOSPC || err == EFBIG || err == EDQUOT) {
    msg += " (free disk space or raise the file size limit, then run the job again; the bookmark was not advanced)";
  } else if (err == EACCES || err == EROFS || err == EPERM) {
    msg += " (make the directory writable or choose another path)";
  }
  return core::Error{core::ErrorCode::kIo, std::move(msg), err == ENOSPC || err == EFBIG, false};
}

/// Writes all of `data`; false with errno set on failure.
bool write_all(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

core::Status fsync_dir(const std::string& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return core::fail(io_error("opening directory", dir, errno));
  int rc = ::fsync(fd);
  int err = errno;
  ::close(fd);
  if (rc != 0) return core::fail(io_error("syncing directory", dir, err));
  return core::ok();
}

/// The part number of `name` when it is `<stem>-NNNNNN.jsonl`, else 0.
uint32_t part_of(const std::string& name, const std::string& stem) {
  constexpr size_t kSuffix = 1 + 6 + 6;  // "-NNNNNN.jsonl"
  if (name.size() != stem.size() + kSuffix || !name.starts_with(stem) || !name.ends_with(".jsonl")) return 0;
  if (name[stem.size()] != '-') return 0;
  uint32_t part = 0;
  for (size_t i = stem.size() + 1; i < stem.size() + 7; ++i) {
    if (name[i] < '0' || name[i] > '9') return 0;
    part = part * 10 + static_cast<uint32_t>(name[i] - '0');
  }
  return part;
}

std::string part_name(const std::string& stem, uint32_t part) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "-%06u.jsonl", part);
  return stem + buf;
}

void append_time(std::string& out, core::EpochTime t) {
  char buf[40];
  size_t n = core::format_datetime(buf, core::temporal_from_epoch(t), 6);
  out.push_back('"');
  out.append(buf, n);
  out.push_back('"');
}

}  // namespace

struct JsonlSink::Stream {
  StreamInfo info;
  std::string stem;
  std::vector<std::string> keys;  ///< per column: `"name":`
  uint32_t part = 1;
  int fd = -1;
  uint64_t size = 0;  ///< bytes in the current part on disk
  bool dirty = false; ///< written since the last fsync
  std::string buf;
};

JsonlSink::JsonlSink(JsonlSinkOptions options) : options_(std::move(options)) {
  fmt_.mode = core::ValueFormat::Mode::kJsonLines;
  if (options_.job_start_ms == 0) {
    options_.job_start_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                                std::chrono::system_clock::now().time_since_epoch())
                                .count();
  }
}

JsonlSink::~JsonlSink() {
  for (auto& s : streams_) {
    if (s->fd >= 0) ::close(s->fd);
  }
}

std::string JsonlSink::file_stem(std::string_view stream_id) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (size_t i = 0; i < stream_id.size(); ++i) {
    auto c = static_cast<unsigned char>(stream_id[i]);
    bool safe = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
                c == '-' || (c == '.' && i > 0);
    if (safe) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out.empty() ? std::string("%") : out;
}

core::Result<std::unique_ptr<JsonlSink>> JsonlSink::open(const JsonlSinkOptions& options) {
  std::unique_ptr<JsonlSink> sink(new JsonlSink(options));
  const std::string& dir = sink->options_.dir;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    fs::path parent = fs::path(dir).parent_path();
    if (!parent.empty() && !fs::is_directory(parent, ec)) {
      return core::fail(core::ErrorCode::kIo, "JSONL destination " + dir + ": directory " + parent.string() +
                                                  " does not exist: create it or choose another path");
    }
    if (::mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST) return core::fail(io_error("creating directory", dir, errno));
  }
  if (::access(dir.c_str(), W_OK) != 0) return core::fail(io_error("cannot write into directory", dir, errno));
  SLUICE_TRY(sink->load_checkpoint());
  return sink;
}

core::Status JsonlSink::load_checkpoint() {
  std::string path = options_.dir + "/" + kCheckpointFile;
  std::error_code ec;
  if (!fs::exists(path, ec)) return core::ok();
  std::string text;
  {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return core::fail(io_error("reading", path, errno));
    char buf[65536];
    ssize_t n;
    while ((n = ::read(fd, buf, sizeof buf)) > 0) text.append(buf, static_cast<size_t>(n));
    ::close(fd);
  }
  nlohmann::json doc = nlohmann::json::parse(text, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) {
    return core::fail(core::ErrorCode::kCorrupt, "JSONL destination: " + path + " is not valid JSON; it was written "
                                                 "atomically, so something else changed it: restore or remove it");
  }
  if (auto it = doc.find("state"); it != doc.end()) last_state_ = it->dump();
  if (auto it = doc.find("files"); it != doc.end() && it->is_object()) {
    for (const auto& [name, size] : it->items()) {
      if (size.is_number_unsigned()) committed_[name] = size.get<uint64_t>();
    }
  }
  if (auto it = doc.find("versions"); it != doc.end() && it->is_object()) {
    for (const auto& [id, v] : it->items()) {
      if (v.is_number_integer()) versions_[id] = v.get<int64_t>();
    }
  }
  return core::ok();
}

core::Status JsonlSink::fail_with(core::Error error) {
  failed_ = error;
  return core::fail(std::move(error));
}

/// Cuts the stream's files back to their committed sizes and removes parts no checkpoint knows.
core::Status JsonlSink::restore(Stream& s) {
  if (s.fd >= 0) {
    ::close(s.fd);
    s.fd = -1;
  }
  s.buf.clear();
  uint32_t last = 0;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(options_.dir, ec)) {
    std::string name = entry.path().filename().string();
    uint32_t part = part_of(name, s.stem);
    if (part == 0) continue;
    std::string path = entry.path().string();
    auto it = committed_.find(name);
    if (it == committed_.end()) {
      if (::unlink(path.c_str()) != 0) return core::fail(io_error("removing uncommitted file", path, errno));
      dir_dirty_ = true;
      continue;
    }
    uint64_t size = entry.file_size(ec);
    if (size < it->second) {
      return core::fail(core::ErrorCode::kCorrupt,
                        "JSONL destination: " + path + " is shorter (" + std::to_string(size) + " bytes) than its checkpoint (" +
                            std::to_string(it->second) + "); lines were lost outside sluice: restore the file",
                        false, true);
    }
    if (size > it->second && ::truncate(path.c_str(), static_cast<off_t>(it->second)) != 0) {
      return core::fail(io_error("cutting uncommitted lines from", path, errno));
    }
    last = std::max(last, part);
  }
  s.part = last == 0 ? 1 : last;
  return core::ok();
}

core::Status JsonlSink::open_part(Stream& s) {
  std::string path = options_.dir + "/" + part_name(s.stem, s.part);
  s.fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (s.fd < 0) return core::fail(io_error("opening", path, errno));
  struct stat st{};
  if (::fstat(s.fd, &st) != 0) return core::fail(io_error("reading the size of", path, errno));
  s.size = static_cast<uint64_t>(st.st_size);
  if (s.size == 0) dir_dirty_ = true;
  return core::ok();
}

void JsonlSink::prepare_keys(Stream& s) {
  s.keys.clear();
  for (const schema::ColumnSchema& c : s.info.columns) {
    std::string k;
    core::json_append_string(k, c.name);
    k.push_back(':');
    s.keys.push_back(std::move(k));
  }
}

core::Result<StreamHandle> JsonlSink::open_stream(const StreamInfo& info) {
  if (failed_) return core::fail(*failed_);
  for (StreamHandle h = 0; h < streams_.size(); ++h) {
    if (streams_[h]->info.stream_id == info.stream_id) {
      SLUICE_TRY(update_stream(h, info));
      return h;
    }
  }
  auto s = std::make_unique<Stream>();
  s->info = info;
  s->stem = file_stem(info.stream_id);
  prepare_keys(*s);
  s->buf.reserve(options_.buffer_bytes + (64 << 10));
  if (auto st = restore(*s); !st) return core::fail(fail_with(st.error()).error());
  if (auto st = open_part(*s); !st) return core::fail(fail_with(st.error()).error());
  streams_.push_back(std::move(s));
  return static_cast<StreamHandle>(streams_.size() - 1);
}

core::Status JsonlSink::update_stream(StreamHandle stream, const StreamInfo& info) {
  if (failed_) return core::fail(*failed_);
  if (stream >= streams_.size()) return core::fail(core::ErrorCode::kInternal, "update_stream: unknown stream");
  streams_[stream]->info = info;
  prepare_keys(*streams_[stream]);
  return core::ok();
}

core::Status JsonlSink::activate_version(StreamHandle stream, int64_t version) {
  if (failed_) return core::fail(*failed_);
  if (stream >= streams_.size()) return core::fail(core::ErrorCode::kInternal, "activate_version: unknown stream");
  versions_[streams_[stream]->info.stream_id] = version;
  return core::ok();
}

core::Status JsonlSink::write_out(Stream& s) {
  if (s.buf.empty()) return core::ok();
  if (!write_all(s.fd, s.buf)) {
    return fail_with(io_error("writing", options_.dir + "/" + part_name(s.stem, s.part), errno));
  }
  s.size += s.buf.size();
  s.dirty = true;
  s.buf.clear();
  return core::ok();
}

core::Status JsonlSink::rotate_if_full(Stream& s) {
  if (options_.max_file_bytes == 0 || s.size + s.buf.size() < options_.max_file_bytes) return core::ok();
  SLUICE_TRY(write_out(s));
  // The finished part is synced now; its final size is committed by the next checkpoint.
  std::string name = part_name(s.stem, s.part);
  if (::fsync(s.fd) != 0) return fail_with(io_error("syncing", options_.dir + "/" + name, errno));
  ::close(s.fd);
  s.fd = -1;
  s.dirty = false;
  written_[name] = s.size;
  ++s.part;
  if (auto st = open_part(s); !st) return fail_with(st.error());
  return core::ok();
}

core::Status JsonlSink::write_row(StreamHandle stream, const change::RowChange& row) {
  const std::span<const core::Value> values = row.values();
  if (failed_) return core::fail(*failed_);
  if (stream >= streams_.size()) return core::fail(core::ErrorCode::kInternal, "write_row: unknown stream");
  Stream& s = *streams_[stream];
  std::string& out = s.buf;
  out.push_back('{');
  size_t n = std::min(values.size(), s.keys.size());
  for (size_t i = 0; i < n; ++i) {
    const core::Value& v = values[i];
    if (v.is_absent()) continue;
    out += s.keys[i];
    core::append_value_json(out, v, fmt_);
    out.push_back(',');
  }
  out += "\"_sdc_extracted_at\":";
  append_time(out, row.extracted);
  if (row.op == change::Op::kDelete) {
    out += ",\"_sdc_deleted_at\":";
    append_time(out, row.commit_time);
  } else if (s.info.deleted_at_column) {
    out += ",\"_sdc_deleted_at\":null";
  }
  out += ",\"_sdc_sequence\":";
  core::json_append_int(out, options_.job_start_ms * 1000000 + static_cast<int64_t>(sequence_++));
  if (s.info.version != 0) {
    out += ",\"_sdc_table_version\":";
    core::json_append_int(out, s.info.version);
  }
  out += "}\n";
  SLUICE_TRY(rotate_if_full(s));
  if (out.size() >= options_.buffer_bytes) return write_out(s);
  return core::ok();
}

// A TRUNCATE: one line without columns, `_sdc_truncated_at` first (docs/destinations.md); the
// stream goes on under the new version, recorded as activated (older lines are obsolete).
core::Status JsonlSink::truncate_stream(StreamHandle stream, int64_t version, core::EpochTime commit_time) {
  if (failed_) return core::fail(*failed_);
  if (stream >= streams_.size())
    return core::fail(core::ErrorCode::kInternal, "truncate_stream: unknown stream");
  Stream& s = *streams_[stream];
  s.info.version = version;
  versions_[s.info.stream_id] = version;
  std::string& out = s.buf;
  out += "{\"_sdc_truncated_at\":";
  append_time(out, commit_time);
  out += ",\"_sdc_sequence\":";
  core::json_append_int(out, options_.job_start_ms * 1000000 + static_cast<int64_t>(sequence_++));
  out += ",\"_sdc_table_version\":";
  core::json_append_int(out, version);
  out += "}\n";
  SLUICE_TRY(rotate_if_full(s));
  if (out.size() >= options_.buffer_bytes) return write_out(s);
  return core::ok();
}

core::Status JsonlSink::checkpoint(std::string_view state_json) {
  if (failed_) return core::fail(*failed_);
  for (auto& sp : streams_) {
    Stream& s = *sp;
    SLUICE_TRY(write_out(s));
    if (s.dirty && ::fsync(s.fd) != 0) {
      return fail_with(io_error("syncing", options_.dir + "/" + part_name(s.stem, s.part), errno));
    }
    s.dirty = false;
    written_[part_name(s.stem, s.part)] = s.size;
  }
  if (dir_dirty_) {
    if (auto st = fsync_dir(options_.dir); !st) return fail_with(st.error());
    dir_dirty_ = false;
  }
  std::map<std::string, uint64_t> next = committed_;
  for (const auto& [name, size] : written_) next[name] = size;
  if (auto st = write_checkpoint_file(state_json, next); !st) return fail_with(st.error());
  committed_ = std::move(next);
  last_state_ = std::string(state_json);
  return core::ok();
}

core::Status JsonlSink::write_checkpoint_file(std::string_view state_json,
                                              const std::map<std::string, uint64_t>& files) {
  nlohmann::json state = nlohmann::json::parse(state_json, nullptr, false);
  if (state.is_discarded()) {
    return core::fail(core::ErrorCode::kInternal, "JSONL destination: the job's state is not valid JSON");
  }
  nlohmann::json doc = nlohmann::json::object();
  doc["state"] = std::move(state);
  doc["files"] = files;
  doc["versions"] = versions_;
  std::string text = doc.dump(1, ' ', false, nlohmann::json::error_handler_t::replace);
  text.push_back('\n');
  std::string path = options_.dir + "/" + kCheckpointFile;
  std::string tmp = path + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return core::fail(io_error("creating", tmp, errno));
  bool ok = write_all(fd, text) && ::fsync(fd) == 0;
  int err = errno;
  ::close(fd);
  if (!ok) {
    ::unlink(tmp.c_str());
    return core::fail(io_error("writing", tmp, err));
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) return core::fail(io_error("replacing", path, errno));
  return fsync_dir(options_.dir);
}

core::Status JsonlSink::finish() {
  if (finished_) return core::ok();
  finished_ = true;
  // Lines after the last checkpoint belong to no saved state: cut them off, as a rollback.
  core::Status result = core::ok();
  for (auto& s : streams_) {
    auto st = restore(*s);
    if (!st && result) result = st;
  }
  if (dir_dirty_ && result) result = fsync_dir(options_.dir);
  return result;
}

std::string JsonlSink::current_file(StreamHandle stream) const {
  if (stream >= streams_.size()) return {};
  return options_.dir + "/" + part_name(streams_[stream]->stem, streams_[stream]->part);
}

core::Result<std::optional<std::string>> load_jsonl_state(const std::string& dir) {
  std::error_code ec;
  if (!fs::exists(fs::path(dir) / kCheckpointFile, ec)) return std::optional<std::string>{};
  JsonlSinkOptions options;
  options.dir = dir;
  std::unique_ptr<JsonlSink> probe(new JsonlSink(options));
  SLUICE_TRY(probe->load_checkpoint());
  if (probe->last_state_ == "null") return std::optional<std::string>{};
  return std::optional<std::string>(probe->last_state_);
}

}  // namespace sluice::sinks
