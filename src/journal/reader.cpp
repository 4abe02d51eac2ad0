#include "journal/reader.h"

namespace sluice::journal {

core::Result<std::unique_ptr<Reader>> Reader::open(const std::string& dir, uint64_t from_lsn) {
  auto files = list_segments(dir);
  if (!files) return core::fail(files.error());
  if (files->empty())
    return core::fail(core::ErrorCode::kNotFound, "journal directory " + dir + " has no segment yet");
  if (from_lsn < files->front().first_lsn) {
    return core::fail(core::ErrorCode::kNotFound, "LSN " + std::to_string(from_lsn) +
                                                      " is no longer in journal " + dir +
                                                      ": retention deleted it, the journal starts at LSN " +
                                                      std::to_string(files->front().first_lsn));
  }
  std::unique_ptr<Reader> r(new Reader);
  r->dir_ = dir;
  r->from_lsn_ = from_lsn;
  const SegmentFile* at = &files->front();
  for (const SegmentFile& f : *files) {
    if (f.first_lsn <= from_lsn) at = &f;
  }
  SLUICE_TRY(r->open_segment(at->path));
  return r;
}

core::Status Reader::open_segment(const std::string& path) {
  SLUICE_TRY(in_.open(path));
  size_t header_size = 0;
  auto h = read_segment_header(in_, header_size);
  if (!h) return core::fail(h.error());
  offset_ = header_size;
  next_lsn_ = h->first_lsn;
  return core::ok();
}

core::Result<bool> Reader::read_record(const RecordHeader*& header, const uint8_t*& body) {
  const uint8_t* p = nullptr;
  // A record seen half-written, or with stale bytes of a cut tail in the window, is read again
  // once from the file before it counts as damage.
  for (int attempt = 0; attempt < 2; ++attempt) {
    auto got = in_.get(offset_, kRecordHeaderSize, p);
    if (!got) return core::fail(got.error());
    if (!*got) return false;
    header_ = decode_record_header(p);
    if (header_.length <= kMaxRecordBody && header_.lsn == next_lsn_) {
      got = in_.get(offset_ + kRecordHeaderSize, header_.length, body);
      if (!got) return core::fail(got.error());
      if (!*got) return false;
      if (record_crc_ok(header_, body)) {
        header = &header_;
        return true;
      }
    }
    in_.invalidate();
  }
  return core::fail(core::ErrorCode::kCorrupt,
                    in_.path() + " at offset " + std::to_string(offset_) + ": record LSN " +
                        std::to_string(next_lsn_) +
                        " is corrupt (CRC or LSN mismatch); run sluice journal verify",
                    false, true);
}

core::Result<bool> Reader::advance_segment() {
  auto files = list_segments(dir_);
  if (!files) return core::fail(files.error());
  for (const SegmentFile& f : *files) {
    if (f.first_lsn != next_lsn_ || f.path == in_.path()) continue;
    // The writer finished this segment before it made the next one: what is left of it is
    // there now, so only a complete end lets us move on.
    const uint8_t* p = nullptr;
    auto more = in_.get(offset_, 1, p);
    if (!more) return core::fail(more.error());
    if (*more) {  // records were appended meanwhile: read them first, they must be whole
      const RecordHeader* h = nullptr;
      const uint8_t* body = nullptr;
      auto whole = read_record(h, body);
      if (!whole) return core::fail(whole.error());
      if (*whole) return true;
      return core::fail(core::ErrorCode::kCorrupt,
                        in_.path() + " at offset " + std::to_string(offset_) +
                            ": truncated record before the next segment; run sluice journal verify",
                        false, true);
    }
    SLUICE_TRY(open_segment(f.path));
    return true;
  }
  return false;
}

core::Result<const Record*> Reader::next(uint64_t max_lsn) {
  for (;;) {
    if (next_lsn_ > max_lsn) return nullptr;
    const RecordHeader* h = nullptr;
    const uint8_t* body = nullptr;
    auto got = read_record(h, body);
    if (!got) return core::fail(got.error());
    if (!*got) {
      auto moved = advance_segment();
      if (!moved) return core::fail(moved.error());
      if (!*moved) return nullptr;
      continue;
    }
    offset_ += kRecordHeaderSize + h->length;
    ++next_lsn_;
    if (h->lsn < from_lsn_) continue;
    auto st = decode_record(std::span<const uint8_t>(body, h->length), h->lsn, h->flags, record_);
    if (!st) return core::fail(st.error().with_context(in_.path() + " LSN " + std::to_string(h->lsn)));
    return &record_;
  }
}

}  // namespace sluice::journal
