// libFuzzer target: arbitrary bytes through the event decoder and row decoding.
// The input is split into events by their own length fields (like the file reader does);
// the first bytes choose whether a FORMAT_DESCRIPTION (MySQL 9 or MariaDB, with CRC32 on or
// off) is fed first, so deeper decoders are reached, and whether events arrive in pieces (as
// the file reader and the network hand out large ones) or whole in a block the assembler may
// hold (as the file reader hands out the others). Errors are fine; crashes, leaks and
// UB (ASan/UBSan) are bugs.
#include <cstddef>
#include <algorithm>
#include <cstdint>
#include <span>
#include <vector>

#include "binlog/byte_block.h"
#include "binlog/change_assembler.h"
#include "binlog/event_decoder.h"

namespace {

using namespace sluice;

class NullHandler : public binlog::ChangeHandler {
 public:
  core::Status on_row(const change::RowChange& c, const binlog::TableLayoutPtr&) override {
    // Touch every value so views into freed or short buffers are caught by ASan.
    for (const auto& v : c.after) sink_ += v.text.empty() ? 0 : static_cast<unsigned char>(v.text.back());
    for (const auto& v : c.before) sink_ += v.text.empty() ? 0 : static_cast<unsigned char>(v.text.front());
    return core::ok();
  }
  unsigned sink_ = 0;
};

core::Status ignore_diffs(const core::Value& before, std::span<const binlog::JsonDiff>, core::Arena&,
                          core::Value& out) {
  out = before;
  return core::ok();
}

std::vector<uint8_t> format_event(bool mariadb, bool crc) {
  std::vector<uint8_t> e(19, 0);
  e[4] = 15;
  auto put16 = [&](uint16_t v) { e.push_back(static_cast<uint8_t>(v)); e.push_back(static_cast<uint8_t>(v >> 8)); };
  put16(4);
  const char* version = mariadb ? "10.11.6-MariaDB" : "9.7.4";
  for (size_t i = 0; i < 50; ++i) e.push_back(i < std::char_traits<char>::length(version) ? static_cast<uint8_t>(version[i]) : 0);
  for (int i = 0; i < 4; ++i) e.push_back(0);
  e.push_back(19);
  for (int code = 1; code <= (mariadb ? 171 : 42); ++code) {
    uint8_t len = 0;
    switch (code) {
      case 2: case 165: len = 13; break;
      case 4: case 19: case 23: case 24: case 25: case 166: case 167: case 168: len = 8; break;
      case 30: case 31: case 32: case 39: case 169: case 170: case 171: len = 10; break;
      case 33: case 34: len = 42; break;
      case 162: len = 19; break;
      case 161: case 163: len = 4; break;
      case 26: len = 2; break;
      default: len = 0;
    }
    e.push_back(len);
  }
  e.push_back(crc ? 1 : 0);
  for (int i = 0; i < 4; ++i) e.push_back(0);  // CRC of the FDE: verification is off in the fuzzer
  uint32_t size = static_cast<uint32_t>(e.size());
  for (int i = 0; i < 4; ++i) e[9 + i] = static_cast<uint8_t>(size >> (8 * i));
  return e;
}

// The rest of an event in pieces of `piece` bytes.
struct SpanPieces : binlog::EventPieces {
  SpanPieces(std::span<const uint8_t> r, size_t p) : rest(r), piece(p) {}
  core::Result<std::span<const uint8_t>> next_piece() override {
    std::span<const uint8_t> out = rest.first(std::min(piece, rest.size()));
    rest = rest.subspan(out.size());
    return out;
  }
  std::span<const uint8_t> rest;
  size_t piece;
};

// No more pieces: the event is whole, in a block a consumer may hold (as the file reader
// hands events out), so the assembler keeps views into it instead of copies.
struct InBlock : binlog::EventPieces {
  explicit InBlock(binlog::ByteBlock* b) : block(b) {}
  core::Result<std::span<const uint8_t>> next_piece() override { return std::span<const uint8_t>(); }
  binlog::ByteBlock* head_block() const override { return block; }
  binlog::ByteBlock* block;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  uint8_t mode = data[0];
  ++data;
  --size;
  NullHandler handler;
  binlog::AssemblerOptions ao;
  ao.json_diff = (mode & 8) ? ignore_diffs : nullptr;
  binlog::ChangeAssembler assembler(handler, ao);
  binlog::DecoderOptions opts;
  opts.max_event_size = size_t{16} << 20;
  opts.verify_checksums = false;  // let random bytes reach the decoders
  binlog::EventDecoder decoder(opts);
  decoder.set_file("fuzz.000001");
  if (mode & 1) {
    auto fde = format_event((mode & 2) != 0, (mode & 4) != 0);
    if (!decoder.feed(fde, 4, assembler)) return 0;
  }
  binlog::BlockRef block = binlog::BlockRef::create(size);
  std::copy(data, data + size, block->data());
  InBlock in_block(block.get());
  size_t off = 0;
  while (size - off >= 19) {
    uint32_t len = static_cast<uint32_t>(data[off + 9]) | static_cast<uint32_t>(data[off + 10]) << 8 |
                   static_cast<uint32_t>(data[off + 11]) << 16 | static_cast<uint32_t>(data[off + 12]) << 24;
    if (len < 19 || len > size - off) break;
    std::span<const uint8_t> ev(data + off, len);
    if (mode & 16) {
      size_t head = std::min<size_t>(len, 19 + static_cast<size_t>(mode >> 5) * 7);
      SpanPieces rest(ev.subspan(head), 1 + static_cast<size_t>(mode >> 5) * 13);
      if (!decoder.feed(ev.first(head), 4 + off, rest, assembler)) break;
    } else if (!decoder.feed(std::span<const uint8_t>(block->data() + off, len), 4 + off, in_block, assembler)) {
      break;
    }
    off += len;
  }
  (void)assembler.finish();
  return 0;
}
