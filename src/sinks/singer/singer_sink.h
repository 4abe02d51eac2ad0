#pragma once
/// The Singer sink: SCHEMA, RECORD, STATE and ACTIVATE_VERSION messages, one JSON object per
/// line, on stdout (or any FILE*), as the Singer MySQL tap writes them (same message keys and
/// meanings; compact JSON; values in the Singer RECORD form of docs/types.md).
/// Rows are formatted into one buffer that is written in large blocks; checkpoint() writes the
/// STATE line after the buffered records and flushes, so a STATE is never visible before the
/// records it covers. One thread.

#include <cstdio>
#include <string>
#include <vector>

#include "core/value_format.h"
#include "sinks/sink.h"

namespace sluice::sinks {

struct SingerSinkOptions {
  core::ValueFormat::ZeroDates zero_dates = core::ValueFormat::ZeroDates::kNull;
  /// `value_forms`: sluice's forms, or the tap's where they lose nothing (JSON, TIME).
  core::ValueFormat::Forms forms = core::ValueFormat::Forms::kSluice;
  size_t flush_bytes = size_t{1} << 20;  ///< buffered bytes that trigger a write
};

class SingerSink final : public Sink {
 public:
  /// Writes to `out` (not owned; stdout in production).
  explicit SingerSink(std::FILE* out, SingerSinkOptions options = {});

  core::Result<StreamHandle> open_stream(const StreamInfo& info) override;
  core::Status update_stream(StreamHandle stream, const StreamInfo& info) override;
  core::Status activate_version(StreamHandle stream, int64_t version) override;
  core::Status write_row(StreamHandle stream, const change::RowChange& row) override;
  core::Status truncate_stream(StreamHandle stream, int64_t version, core::EpochTime commit_time) override;
  core::Status checkpoint(std::string_view state_json) override;
  core::Status finish() override;

  /// The SCHEMA message of `info` (without the newline), for tests.
  static std::string schema_message(const StreamInfo& info,
                                    core::ValueFormat::Forms forms = core::ValueFormat::Forms::kSluice);

 private:
  struct Stream {
    StreamInfo info;
    std::vector<std::string> keys;  ///< per column: `"name":` already escaped
    std::vector<uint8_t> render;    ///< per column: a Render (singer_sink.cpp)
    std::string prefix;             ///< `{"type":"RECORD","stream":"x","record":{`
  };
  void prepare(Stream& s);
  bool append_special(uint8_t render, const core::Value& v);
  core::Status maybe_flush();
  core::Status flush();
  void append_time(core::EpochTime t);

  std::FILE* out_;
  SingerSinkOptions options_;
  std::vector<Stream> streams_;
  std::string buf_;
  core::ValueFormat fmt_;
  core::EpochTime cached_time_{-1, 0};
  std::string cached_time_text_;
  std::string json_scratch_;  ///< value_forms "tap": a MySQL JSON document laid out as SELECT prints it
};

}  // namespace sluice::sinks
