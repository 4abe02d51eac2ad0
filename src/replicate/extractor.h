#pragma once
/// The extract role of `sluice replicate`: source::BinlogStreamer (the one live reader) → the
/// followed tables' committed transactions, DDL included → journal::Writer, one record per
/// transaction (fragments past kFragmentBytes). Resumes from the writer's resume(): the source
/// read never restarts past a record that is not durable. A new log starts at the configured
/// start, which is kept in its first segment's header as soon as the stream has resolved it
/// (a "now" start survives a restart before the first record). docs/replication.md.

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "binlog/change_handler.h"
#include "config/replicate_config.h"
#include "config/source_config.h"
#include "core/result.h"
#include "journal/record.h"
#include "replicate/status.h"
#include "replicate/table_filter.h"

namespace sluice::replicate {

struct ExtractOptions {
  config::SourceConfig source;  ///< with its server_id
  config::ReplicateSettings settings;
  const std::atomic<bool>* stop = nullptr;    ///< set to end the stream (not owned)
  std::function<void(std::string_view)> log;  ///< one line per message (reconnects)
  unsigned backoff_max_ms = 30000;
  /// The GTID state at a FILE:POS `settings.start` (an initial copy's snapshot), "" = unknown.
  std::string start_gtid_state = "";
};

/// A record is cut into fragments once its body passes this size (memory stays bounded).
inline constexpr size_t kFragmentBytes = size_t{4} << 20;

/// Adds the decoder's row change `c` of table `t` to the record being built (the table named by
/// its layout's columns). The caller keeps the layout alive until the record is appended.
void add_logged_row(journal::RecordBuilder& builder, const change::RowChange& c, const binlog::TableLayout& t);
/// Adds the decoder's statement `s` with its session (sql_mode, charsets, time zone).
void add_logged_statement(journal::RecordBuilder& builder, const binlog::StatementChange& s);

/// Runs the extract role until `stop` or an error the streamer cannot retry. Updates `board`.
core::Status run_extract(const ExtractOptions& options, StatusBoard& board);

/// A start text of the `replicate.start` key: "now", "FILE:POS", or a GTID set/position.
struct StartText {
  enum class Kind : uint8_t { kNow = 0, kFilePos = 1, kGtid = 2 };
  Kind kind = Kind::kNow;
  std::string text;
};
core::Result<StartText> parse_start(std::string_view text);

}  // namespace sluice::replicate
