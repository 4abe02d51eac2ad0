#include "binlog/binlog_files.h"

#include "binlog/binlog_file_reader.h"

namespace sluice::binlog {
namespace {

constexpr size_t kPieceSize = size_t{1} << 20;

// Only the FORMAT_DESCRIPTION of the part before --start-position is decoded.
class FormatOnly : public EventHandler {
 public:
  explicit FormatOnly(EventHandler& inner) : inner_(inner) {}
  core::Status on_event(const Event& e) override {
    if (e.header.type == EventType::kFormatDescription) return inner_.on_event(e);
    return core::ok();
  }

 private:
  EventHandler& inner_;
};

}  // namespace

core::Status read_binlog_files(const std::vector<std::string>& paths, const FileReadOptions& options,
                               EventDecoder& decoder, EventHandler& handler) {
  for (size_t f = 0; f < paths.size(); ++f) {
    auto reader = BinlogFileReader::open(paths[f]);
    if (!reader) return core::fail(reader.error());
    decoder.set_file((*reader)->name());
    (*reader)->set_piece_size(kPieceSize);  // a huge compressed transaction streams through the decoder
    bool first = f == 0, last = f + 1 == paths.size();
    uint64_t pos = 0;
    if (first && options.start_position > 4) {
      auto ev = (*reader)->next(pos);  // the FORMAT_DESCRIPTION at offset 4
      if (!ev) return core::fail(ev.error());
      FormatOnly fmt(handler);
      if (!ev->empty()) SLUICE_TRY(decoder.feed(*ev, pos, **reader, fmt));
      SLUICE_TRY((*reader)->seek(options.start_position));
    }
    while (true) {
      auto ev = (*reader)->next(pos);
      if (!ev) return core::fail(ev.error());
      if (ev->empty()) break;
      if (last && pos >= options.stop_position) break;
      SLUICE_TRY(decoder.feed(*ev, pos, **reader, handler));
    }
  }
  return core::ok();
}

}  // namespace sluice::binlog
