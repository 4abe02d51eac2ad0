#include "sinks/singer/singer_sink.h"

#include <cerrno>
#include <cstring>

#include <nlohmann/json.hpp>

#include "core/json_writer.h"
#include "schema/json_schema.h"

namespace sluice::sinks {
namespace {

using nlohmann::ordered_json;

std::string dump(const ordered_json& j) { return j.dump(-1, ' ', false, ordered_json::error_handler_t::replace); }

// How write_row renders a column's values, decided once per stream.
enum Render : uint8_t {
  kValue = 0,          // append_value_json
  kBoolean = 1,        // TINYINT(1): true/false
  kJsonInline = 2,     // JSON; MariaDB's (a LONGTEXT) from the binlog arrives as text
  kJsonText = 3,       // value_forms "tap": JSON as a string of its text, as stored (MariaDB)
  kJsonMysqlText = 4,  // value_forms "tap": MySQL JSON as a string of the text SELECT prints
  kTimeDateTime = 5,   // value_forms "tap": TIME as a date-time on 1970-01-01
};

Render render_of(const schema::ColumnSchema& c, core::ValueFormat::Forms forms) {
  bool tap = forms == core::ValueFormat::Forms::kTap;
  switch (c.kind) {
    case schema::ColumnKind::kTinyInt:
      return c.is_boolean ? kBoolean : kValue;
    case schema::ColumnKind::kJson:
      if (!tap) return kJsonInline;
      return c.data_type == "json" ? kJsonMysqlText : kJsonText;
    case schema::ColumnKind::kTime:
      return tap ? kTimeDateTime : kValue;
    default:
      return kValue;
  }
}

}  // namespace

SingerSink::SingerSink(std::FILE* out, SingerSinkOptions options) : out_(out), options_(options) {
  fmt_.mode = core::ValueFormat::Mode::kSingerRecord;
  fmt_.zero_dates = options.zero_dates;
  buf_.reserve(options_.flush_bytes + (64 << 10));
}

std::string SingerSink::schema_message(const StreamInfo& info, core::ValueFormat::Forms forms) {
  ordered_json props = ordered_json::object();
  for (const schema::ColumnSchema& c : info.columns) {
    bool is_key = false;
    for (const std::string& k : info.key_properties) is_key = is_key || k == c.name;
    props[c.name] = schema::column_json_schema(c, is_key, forms == core::ValueFormat::Forms::kTap);
  }
  if (info.deleted_at_column) {
    props["_sdc_deleted_at"] = ordered_json{{"format", "date-time"}, {"type", ordered_json::array({"null", "string"})}};
  }
  ordered_json msg = ordered_json::object();
  msg["type"] = "SCHEMA";
  msg["stream"] = info.stream;
  msg["schema"] = ordered_json{{"properties", props}, {"type", "object"}};
  msg["key_properties"] = info.key_properties;
  if (info.replication_key) msg["bookmark_properties"] = ordered_json::array({*info.replication_key});
  return dump(msg);
}

void SingerSink::prepare(Stream& s) {
  s.keys.clear();
  s.render.clear();
  for (const schema::ColumnSchema& c : s.info.columns) {
    std::string k;
    core::json_append_string(k, c.name);
    k.push_back(':');
    s.keys.push_back(std::move(k));
    s.render.push_back(render_of(c, options_.forms));
  }
  s.prefix = "{\"type\":\"RECORD\",\"stream\":";
  core::json_append_string(s.prefix, s.info.stream);
  s.prefix += ",\"record\":{";
}

core::Result<StreamHandle> SingerSink::open_stream(const StreamInfo& info) {
  StreamHandle h = 0;
  for (; h < streams_.size(); ++h) {
    if (streams_[h].info.stream_id == info.stream_id) break;
  }
  if (h == streams_.size()) streams_.push_back(Stream{});
  streams_[h].info = info;
  prepare(streams_[h]);
  buf_ += schema_message(info, options_.forms);
  buf_.push_back('\n');
  SLUICE_TRY(maybe_flush());
  return h;
}

core::Status SingerSink::update_stream(StreamHandle stream, const StreamInfo& info) {
  if (stream >= streams_.size()) return core::fail(core::ErrorCode::kInternal, "update_stream: unknown stream");
  streams_[stream].info = info;
  prepare(streams_[stream]);
  buf_ += schema_message(info, options_.forms);
  buf_.push_back('\n');
  return maybe_flush();
}

core::Status SingerSink::activate_version(StreamHandle stream, int64_t version) {
  if (stream >= streams_.size()) return core::fail(core::ErrorCode::kInternal, "activate_version: unknown stream");
  buf_ += "{\"type\":\"ACTIVATE_VERSION\",\"stream\":";
  core::json_append_string(buf_, streams_[stream].info.stream);
  buf_ += ",\"version\":";
  core::json_append_int(buf_, version);
  buf_ += "}\n";
  return maybe_flush();
}

// A TRUNCATE: a new, empty version is activated at once (targets drop the older versions' rows);
// later records carry it.
core::Status SingerSink::truncate_stream(StreamHandle stream, int64_t version, core::EpochTime) {
  if (stream >= streams_.size())
    return core::fail(core::ErrorCode::kInternal, "truncate_stream: unknown stream");
  streams_[stream].info.version = version;
  return activate_version(stream, version);
}

void SingerSink::append_time(core::EpochTime t) {
  if (t.seconds != cached_time_.seconds || t.micro != cached_time_.micro) {
    cached_time_ = t;
    char tmp[40];
    size_t n = core::format_datetime(tmp, core::temporal_from_epoch(t), 6, 'T');
    tmp[n++] = 'Z';
    cached_time_text_.assign(tmp, n);
  }
  buf_.push_back('"');
  buf_ += cached_time_text_;
  buf_.push_back('"');
}

// The forms of kJsonInline and the value_forms "tap" renders; false: append_value_json's form.
bool SingerSink::append_special(uint8_t render, const core::Value& v) {
  bool text = v.kind == core::ValueKind::kString;  // MariaDB JSON (a LONGTEXT) from the binlog
  switch (render) {
    case kJsonInline:
      if (!text) return false;
      buf_ += v.text;
      return true;
    case kJsonText:
    case kJsonMysqlText:
      if (!text && v.kind != core::ValueKind::kJson) return false;
      core::append_json_as_tap_string(buf_, v.text, render == kJsonMysqlText, json_scratch_);
      return true;
    case kTimeDateTime:
      if (v.kind != core::ValueKind::kTime) return false;
      core::append_time_as_tap_datetime(buf_, v.t);
      return true;
    default:
      return false;
  }
}

core::Status SingerSink::write_row(StreamHandle stream, const change::RowChange& row) {
  const std::span<const core::Value> values = row.values();
  if (stream >= streams_.size()) return core::fail(core::ErrorCode::kInternal, "write_row: unknown stream");
  Stream& s = streams_[stream];
  size_t n = std::min(values.size(), s.keys.size());
  buf_ += s.prefix;
  bool first = true;
  for (size_t i = 0; i < n; ++i) {
    const core::Value& v = values[i];
    if (v.is_absent()) continue;
    if (!first) buf_.push_back(',');
    first = false;
    buf_ += s.keys[i];
    const uint8_t render = s.render[i];
    if (render >= kJsonInline && !v.is_null()) {
      if (append_special(render, v)) continue;
    }
    fmt_.as_boolean = render == kBoolean;
    core::append_value_json(buf_, v, fmt_);
  }
  if (s.info.deleted_at_column) {
    buf_ += first ? "\"_sdc_deleted_at\":" : ",\"_sdc_deleted_at\":";
    if (row.op == change::Op::kDelete) {
      char tmp[40];
      size_t len = core::format_datetime(tmp, core::temporal_from_epoch(row.commit_time), 6, 'T');
      tmp[len++] = 'Z';
      buf_.push_back('"');
      buf_.append(tmp, len);
      buf_.push_back('"');
    } else {
      buf_ += "null";
    }
  }
  buf_ += '}';
  if (s.info.version != 0) {
    buf_ += ",\"version\":";
    core::json_append_int(buf_, s.info.version);
  }
  buf_ += ",\"time_extracted\":";
  append_time(row.extracted);
  buf_ += "}\n";
  return maybe_flush();
}

core::Status SingerSink::checkpoint(std::string_view state_json) {
  buf_ += "{\"type\":\"STATE\",\"value\":";
  buf_ += state_json;
  buf_ += "}\n";
  SLUICE_TRY(flush());
  if (std::fflush(out_) != 0) {
    return core::fail(core::ErrorCode::kIo, std::string("writing Singer messages to stdout: ") + std::strerror(errno));
  }
  return core::ok();
}

core::Status SingerSink::maybe_flush() {
  if (buf_.size() >= options_.flush_bytes) return flush();
  return core::ok();
}

core::Status SingerSink::flush() {
  if (buf_.empty()) return core::ok();
  if (std::fwrite(buf_.data(), 1, buf_.size(), out_) != buf_.size()) {
    return core::fail(core::ErrorCode::kIo, std::string("writing Singer messages to stdout: ") + std::strerror(errno));
  }
  buf_.clear();
  return core::ok();
}

core::Status SingerSink::finish() {
  SLUICE_TRY(flush());
  if (std::fflush(out_) != 0) {
    return core::fail(core::ErrorCode::kIo, std::string("writing Singer messages to stdout: ") + std::strerror(errno));
  }
  return core::ok();
}

}  // namespace sluice::sinks
