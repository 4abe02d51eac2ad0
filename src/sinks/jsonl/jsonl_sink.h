#pragma once
/// The JSON lines sink: one directory, files per stream named `<stream_id>-NNNNNN.jsonl`
/// (characters other than [A-Za-z0-9_.-] escaped as %XX), rotated to the next part once a file
/// holds `max_file_bytes`. Each line is one row: the columns in the JSON-lines value form of
/// docs/types.md, then `_sdc_extracted_at`, `_sdc_deleted_at` (log-based streams and deletes),
/// `_sdc_sequence` (increasing across lines and jobs) and `_sdc_table_version` (when the stream
/// has a version). Format details: docs/destinations.md.
///
/// Durability: checkpoint() writes the buffered lines, fsyncs every file written since the last
/// checkpoint (and the directory when files were created), then replaces
/// `_sluice_checkpoint.json` atomically (tmp + fsync + rename + directory fsync) with the state,
/// the committed size of every file and the activated table versions. Bytes past a file's
/// committed size belong to no checkpoint: open_stream() and finish() cut them off, so a job
/// resumed from the saved state leaves no duplicate and no torn line. One thread.

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/value_format.h"
#include "sinks/sink.h"

namespace sluice::sinks {

struct JsonlSinkOptions {
  std::string dir;                                  ///< created when missing (its parent must exist)
  uint64_t max_file_bytes = uint64_t{256} << 20;    ///< 0 = never rotate
  size_t buffer_bytes = size_t{1} << 20;            ///< per-stream write buffer
  int64_t job_start_ms = 0;                         ///< base of `_sdc_sequence`; 0 = now
};

class JsonlSink final : public Sink {
 public:
  /// Opens the directory and reads its checkpoint file. Errors name the path and the fix.
  static core::Result<std::unique_ptr<JsonlSink>> open(const JsonlSinkOptions& options);
  ~JsonlSink() override;

  core::Result<StreamHandle> open_stream(const StreamInfo& info) override;
  core::Status update_stream(StreamHandle stream, const StreamInfo& info) override;
  core::Status activate_version(StreamHandle stream, int64_t version) override;
  core::Status write_row(StreamHandle stream, const change::RowChange& row) override;
  core::Status truncate_stream(StreamHandle stream, int64_t version, core::EpochTime commit_time) override;
  core::Status checkpoint(std::string_view state_json) override;
  core::Status finish() override;

  /// The file name prefix of a stream: `stream_id` with unsafe characters escaped.
  static std::string file_stem(std::string_view stream_id);
  /// The file a stream currently writes to (after open_stream), for tests and reports.
  std::string current_file(StreamHandle stream) const;

 private:
  struct Stream;
  explicit JsonlSink(JsonlSinkOptions options);
  core::Status load_checkpoint();
  core::Status restore(Stream& s);
  core::Status open_part(Stream& s);
  core::Status write_out(Stream& s);
  core::Status rotate_if_full(Stream& s);
  core::Status write_checkpoint_file(std::string_view state_json, const std::map<std::string, uint64_t>& files);
  core::Status fail_with(core::Error error);
  void prepare_keys(Stream& s);

  JsonlSinkOptions options_;
  std::vector<std::unique_ptr<Stream>> streams_;
  std::map<std::string, uint64_t> committed_;  ///< file name -> size at the last checkpoint
  std::map<std::string, uint64_t> written_;    ///< file name -> size written in this job
  std::map<std::string, int64_t> versions_;    ///< stream_id -> activated version
  std::string last_state_ = "null";
  std::optional<core::Error> failed_;
  bool dir_dirty_ = false;
  bool finished_ = false;
  uint64_t sequence_ = 0;
  core::ValueFormat fmt_;

  friend core::Result<std::optional<std::string>> load_jsonl_state(const std::string& dir);
};

/// The state saved by the last checkpoint in `dir` (nullopt when there is none).
core::Result<std::optional<std::string>> load_jsonl_state(const std::string& dir);

}  // namespace sluice::sinks
