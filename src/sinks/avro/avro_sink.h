#pragma once
/// The Avro destination: one Avro object container file per stream and table version, in one
/// directory (docs/avro.md). Files are named `<stream_id>.<seq>.avro` (stream id bytes outside
/// [A-Za-z0-9_.-] percent-encoded, seq a 6-digit counter that only grows), so listing them in
/// name order gives each stream's files in write order.
///
/// - open_stream: builds the table's Avro schema (avro_schema.h); the file opens at the
///   first row. update_stream (a schema change) closes the file; the next row starts a new
///   file with the new schema. A file rotates when it passes max_file_bytes. truncate_stream
///   starts a file at once, `sluice.truncated_at` in its header.
/// - write_row: validates and encodes the row (avro_record.h); a value that does not fit
///   stops the job with the table, key and column named (ErrorCode::kSchemaMismatch).
/// - checkpoint(state): writes the open blocks, fsyncs every file, then replaces
///   `_sluice_avro_state.json` atomically (temp file, fsync, rename, fsync directory) with
///   the state and the committed length of every file.
/// - On open, files are cut back to that state: bytes past a file's committed length are
///   truncated and files created after the last checkpoint are removed, so a job resumed from
///   committed_state() after kill -9 writes no row twice.
///
/// One thread (the job's).

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sinks/avro/avro_file_writer.h"
#include "sinks/avro/avro_record.h"
#include "sinks/avro/avro_schema.h"
#include "sinks/sink.h"

namespace sluice::sinks {

struct AvroSinkOptions {
  std::string directory;                         ///< created when missing
  avro::Codec codec = avro::Codec::kDeflate;
  size_t block_bytes = size_t{256} << 10;        ///< uncompressed bytes per block
  uint64_t max_file_bytes = uint64_t{128} << 20;  ///< rotate after this many bytes
};

class AvroSink final : public Sink {
 public:
  /// Opens the directory, recovers it to its last checkpoint (see above).
  static core::Result<std::unique_ptr<AvroSink>> open(AvroSinkOptions options);
  ~AvroSink() override;

  core::Result<StreamHandle> open_stream(const StreamInfo& info) override;
  core::Status update_stream(StreamHandle stream, const StreamInfo& info) override;
  core::Status activate_version(StreamHandle stream, int64_t version) override;
  core::Status write_row(StreamHandle stream, const change::RowChange& row) override;
  core::Status truncate_stream(StreamHandle stream, int64_t version, core::EpochTime commit_time) override;
  core::Status checkpoint(std::string_view state_json) override;
  core::Status finish() override;

  /// The state recorded by the last checkpoint (this run's or a previous one's), if any: a
  /// job that resumes from it writes every row exactly once.
  const std::optional<std::string>& committed_state() const { return committed_state_; }

  /// The name of the state file inside the directory.
  static constexpr const char* kStateFile = "_sluice_avro_state.json";

 private:
  struct Stream {
    StreamInfo info;
    avro::SchemaPlan plan;
    avro::AvroFileWriter file;
    std::string file_name;
  };
  explicit AvroSink(AvroSinkOptions options) : options_(std::move(options)) {}
  core::Status recover();
  core::Status close_file(Stream& s);
  core::Status open_file(Stream& s, const avro::AvroFileWriter::Metadata& metadata = {});
  core::Status write_state_file(std::string_view state_json);
  std::string key_description(const Stream& s, const change::RowChange& row) const;

  AvroSinkOptions options_;
  std::vector<std::unique_ptr<Stream>> streams_;
  std::map<std::string, uint64_t> files_;  ///< file name -> length made durable
  uint64_t next_seq_ = 1;
  avro::RecordEncoder encoder_;
  std::string record_;
  std::optional<std::string> committed_state_;
};

}  // namespace sluice::sinks
