#pragma once
/// An Avro object container file written by sluice itself (Avro 1.11 specification, "Object
/// Container Files"), because Debian's avro-c 1.11.1 drops logical types and custom attributes
/// from the header it writes:
///
///   header: "Obj" 0x01, metadata map {avro.schema: the schema JSON text, avro.codec:
///           "deflate" | "null"} (a long count, string keys, bytes values, a 0 count), then
///           a 16-byte random sync marker;
///   blocks: long record count, long byte size, the records (raw deflate when the codec is
///           deflate: RFC 1951, no zlib header), the sync marker.
///
/// Records are appended already encoded (avro_record.h); a block is written when it reaches
/// block_bytes or on flush(). sync() makes everything written durable (fsync). One thread.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.h"

struct libdeflate_compressor;

namespace sluice::sinks::avro {

enum class Codec : uint8_t { kNull = 0, kDeflate = 1 };

class AvroFileWriter {
 public:
  AvroFileWriter() = default;
  ~AvroFileWriter();
  AvroFileWriter(const AvroFileWriter&) = delete;
  AvroFileWriter& operator=(const AvroFileWriter&) = delete;

  /// Extra header metadata (key, value) after avro.schema and avro.codec.
  using Metadata = std::vector<std::pair<std::string, std::string>>;
  /// Creates `path` (it must not exist) and writes the header.
  core::Status open(const std::string& path, std::string_view schema_json, Codec codec, size_t block_bytes,
                    const Metadata& metadata = {});
  /// Appends one encoded record; writes a block when the buffer is full.
  core::Status append(std::string_view record);
  /// Writes the buffered records as one block (nothing when none).
  core::Status flush();
  /// flush(), then fsync.
  core::Status sync();
  /// sync(), then closes. Safe to call when not open.
  core::Status close();

  bool is_open() const { return fd_ >= 0; }
  const std::string& path() const { return path_; }
  /// Bytes written to the file so far (header and complete blocks).
  uint64_t file_bytes() const { return file_bytes_; }

 private:
  core::Status write_all(std::string_view bytes);
  core::Status io_error(const char* what);

  int fd_ = -1;
  std::string path_;
  Codec codec_ = Codec::kDeflate;
  size_t block_bytes_ = 0;
  char sync_[16] = {};
  std::string block_;       ///< encoded records of the open block
  int64_t block_count_ = 0;
  std::string out_;         ///< the framed block being written (reused)
  std::string compressed_;  ///< deflate output (reused)
  struct FreeCompressor {
    void operator()(libdeflate_compressor* c) const;
  };
  std::unique_ptr<libdeflate_compressor, FreeCompressor> deflater_;  ///< made at the first block
  uint64_t file_bytes_ = 0;
};

}  // namespace sluice::sinks::avro
