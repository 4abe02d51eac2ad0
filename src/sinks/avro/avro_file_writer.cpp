#include "sinks/avro/avro_file_writer.h"

#include <fcntl.h>
#include <unistd.h>
#include <libdeflate.h>

#include <cerrno>
#include <cstring>
#include <random>

#include "sinks/avro/avro_binary.h"

namespace sluice::sinks::avro {
namespace {

// Raw deflate (RFC 1951) of `in` into `out`, as the Avro deflate codec requires, by libdeflate
// (whole-buffer compression, which is what an Avro block is). Level 1: on the bench table it
// compresses as well as zlib's level 1 (15x) in less than half of zlib's time; zlib level 1 made
// deflate half of an Avro job's CPU, level 6 made the job 3x slower than the same job to /dev/null.
bool deflate_raw(libdeflate_compressor* c, std::string_view in, std::string& out) {
  out.resize(libdeflate_deflate_compress_bound(c, in.size()));
  size_t n = libdeflate_deflate_compress(c, in.data(), in.size(), out.data(), out.size());
  out.resize(n);
  return n > 0 || in.empty();
}

}  // namespace

void AvroFileWriter::FreeCompressor::operator()(libdeflate_compressor* c) const { libdeflate_free_compressor(c); }

AvroFileWriter::~AvroFileWriter() {
  if (fd_ >= 0) ::close(fd_);
}

core::Status AvroFileWriter::io_error(const char* what) {
  return core::fail(core::ErrorCode::kIo,
                    std::string(what) + " " + path_ + ": " + std::strerror(errno), /*retryable=*/false);
}

core::Status AvroFileWriter::write_all(std::string_view bytes) {
  while (!bytes.empty()) {
    ssize_t n = ::write(fd_, bytes.data(), bytes.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return io_error("cannot write");
    }
    bytes.remove_prefix(static_cast<size_t>(n));
    file_bytes_ += static_cast<uint64_t>(n);
  }
  return core::ok();
}

core::Status AvroFileWriter::open(const std::string& path, std::string_view schema_json, Codec codec,
                                  size_t block_bytes, const Metadata& metadata) {
  path_ = path;
  codec_ = codec;
  block_bytes_ = block_bytes;
  fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd_ < 0) return io_error("cannot create");
  std::random_device rd;
  for (size_t i = 0; i < sizeof sync_; i += 4) {
    uint32_t r = rd();
    std::memcpy(sync_ + i, &r, 4);
  }
  out_.assign("Obj\x01", 4);
  put_long(out_, 2 + static_cast<int64_t>(metadata.size()));
  put_bytes(out_, "avro.schema");
  put_bytes(out_, schema_json);
  put_bytes(out_, "avro.codec");
  put_bytes(out_, codec == Codec::kDeflate ? "deflate" : "null");
  for (const auto& [key, value] : metadata) {
    put_bytes(out_, key);
    put_bytes(out_, value);
  }
  put_long(out_, 0);
  out_.append(sync_, sizeof sync_);
  file_bytes_ = 0;
  return write_all(out_);
}

core::Status AvroFileWriter::append(std::string_view record) {
  block_.append(record);
  ++block_count_;
  if (block_.size() >= block_bytes_) return flush();
  return core::ok();
}

core::Status AvroFileWriter::flush() {
  if (block_count_ == 0 || fd_ < 0) return core::ok();
  std::string_view data = block_;
  if (codec_ == Codec::kDeflate) {
    if (!deflater_) deflater_.reset(libdeflate_alloc_compressor(1));
    if (!deflater_ || !deflate_raw(deflater_.get(), block_, compressed_)) {
      return core::fail(core::ErrorCode::kInternal, "deflate failed for a block of " + path_);
    }
    data = compressed_;
  }
  out_.clear();
  put_long(out_, block_count_);
  put_long(out_, static_cast<int64_t>(data.size()));
  out_.append(data);
  out_.append(sync_, sizeof sync_);
  SLUICE_TRY(write_all(out_));
  block_.clear();
  block_count_ = 0;
  // Keep the buffers of one block, give back what a huge row made them grow to.
  if (block_.capacity() > 4 * block_bytes_ + (1u << 20)) std::string().swap(block_);
  if (out_.capacity() > 4 * block_bytes_ + (1u << 20)) std::string().swap(out_);
  if (compressed_.capacity() > 4 * block_bytes_ + (1u << 20)) std::string().swap(compressed_);
  return core::ok();
}

core::Status AvroFileWriter::sync() {
  SLUICE_TRY(flush());
  if (fd_ >= 0 && ::fsync(fd_) != 0) return io_error("cannot fsync");
  return core::ok();
}

core::Status AvroFileWriter::close() {
  if (fd_ < 0) return core::ok();
  auto st = sync();
  ::close(fd_);
  fd_ = -1;
  return st;
}

}  // namespace sluice::sinks::avro
