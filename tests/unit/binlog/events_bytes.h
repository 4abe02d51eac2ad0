#pragma once
// Hand-built binlog events for the events_*_test.cpp files: a v4 header, bodies built byte
// by byte, CRC32 trailers, and a handler that records what the decoder delivered.
#include <zlib.h>
#include <zstd.h>

#include <cstdint>
#include <string>
#include <vector>

#include "binlog/event_decoder.h"

namespace sluice::binlog::test_events {

using Bytes = std::vector<uint8_t>;

inline void put_le(Bytes& b, uint64_t v, size_t n) {
  for (size_t i = 0; i < n; ++i) b.push_back(static_cast<uint8_t>(v >> (8 * i)));
}
inline void put_str(Bytes& b, std::string_view s) { b.insert(b.end(), s.begin(), s.end()); }

/// One event: header (timestamp 1700000000, server id 1, log_pos = pos + size) + body,
/// with a CRC32 trailer when `crc`. `size_override` replaces the header's event_size.
inline Bytes event(uint8_t type, const Bytes& body, bool crc = true, uint64_t pos = 4,
                   int64_t size_override = -1) {
  Bytes e;
  size_t size = 19 + body.size() + (crc ? 4 : 0);
  put_le(e, 1700000000, 4);
  e.push_back(type);
  put_le(e, 1, 4);
  put_le(e, size_override >= 0 ? static_cast<uint64_t>(size_override) : size, 4);
  put_le(e, pos + size, 4);
  put_le(e, 0, 2);
  e.insert(e.end(), body.begin(), body.end());
  if (crc) put_le(e, crc32(0L, e.data(), static_cast<uInt>(e.size())), 4);
  return e;
}

/// FORMAT_DESCRIPTION body of a MySQL 8 server with CRC32, and the post-header lengths
/// of types 1..N given (defaults: those MySQL 8.0 writes).
inline Bytes fde_body(Bytes post_lens = {}, const char* version = "8.0.40-log") {
  if (post_lens.empty()) {
    post_lens = {0, 13, 0, 8, 0, 0, 0, 0, 4, 0, 4, 0, 0, 0, 99, 0, 4, 26, 8, 0, 0, 0, 0, 0, 0, 2, 0,
                 0, 0, 10, 10, 10, 42, 42, 0, 18, 52, 0, 10, 40, 0, 0};  // as MySQL 9.7 writes them
  }
  Bytes b;
  put_le(b, 4, 2);
  std::string v(version);
  v.resize(50, '\0');
  put_str(b, v);
  put_le(b, 0, 4);
  b.push_back(19);
  b.insert(b.end(), post_lens.begin(), post_lens.end());
  b.push_back(1);  // checksum algorithm CRC32
  return b;
}

/// Records every delivered event's type and body kind.
struct Recorder : EventHandler {
  std::vector<EventType> types;
  std::vector<size_t> kinds;  // EventBody::index()
  std::vector<Gtid> gtids;        // views (tag) cleared: they die with the event
  std::vector<std::string> tags;  // each GTID's tag, copied
  core::Status on_event(const Event& e) override {
    types.push_back(e.header.type);
    kinds.push_back(e.body.index());
    if (auto* g = std::get_if<Gtid>(&e.body)) {
      gtids.push_back(*g);
      gtids.back().tag = {};
      tags.emplace_back(g->tag);
    }
    return core::ok();
  }
};

/// A decoder that has seen a FORMAT_DESCRIPTION (with CRC32) for file "f.000001".
inline core::Status start(EventDecoder& dec, Recorder& rec, Bytes post_lens = {}) {
  dec.set_file("f.000001");
  return dec.feed(event(15, fde_body(std::move(post_lens))), 4, rec);
}

/// A length-encoded integer (1, 3, 4 or 9 bytes).
inline void put_packed(Bytes& b, uint64_t v) {
  if (v < 251) {
    b.push_back(static_cast<uint8_t>(v));
  } else if (v < 65536) {
    b.push_back(0xfc);
    put_le(b, v, 2);
  } else if (v < (1u << 24)) {
    b.push_back(0xfd);
    put_le(b, v, 3);
  } else {
    b.push_back(0xfe);
    put_le(b, v, 8);
  }
}

/// The inner events of a small transaction: n XID events without checksums.
inline Bytes inner_events(size_t n) {
  Bytes all;
  for (size_t i = 0; i < n; ++i) {
    Bytes x = event(16, Bytes(8, static_cast<uint8_t>(i)), false);
    all.insert(all.end(), x.begin(), x.end());
  }
  return all;
}

/// `in` as one zstd frame (level 3).
inline Bytes zstd_of(const Bytes& in) {
  Bytes out(ZSTD_compressBound(in.size()));
  size_t n = ZSTD_compress(out.data(), out.size(), in.data(), in.size(), 3);
  if (ZSTD_isError(n)) return {};
  out.resize(n);
  return out;
}

/// A TRANSACTION_PAYLOAD body: the field list (compressed size, compression, uncompressed
/// size) followed by `compressed`.
inline Bytes payload_body(const Bytes& compressed, uint64_t claimed, uint64_t compression = 0) {
  Bytes b, v;
  auto field = [&](uint64_t type, uint64_t value) {
    v.clear();
    put_packed(v, value);
    put_packed(b, type);
    put_packed(b, v.size());
    b.insert(b.end(), v.begin(), v.end());
  };
  field(1, compressed.size());
  field(2, compression);
  field(3, claimed);
  b.push_back(0);
  b.insert(b.end(), compressed.begin(), compressed.end());
  return b;
}

}  // namespace sluice::binlog::test_events
