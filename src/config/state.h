#pragma once
/// The Singer state (`--state state.json`) as the Singer MySQL tap reads and writes it:
/// `{"currently_syncing": "db-table" | null, "bookmarks": {"db-table": {...}}}`, a bookmark
/// holding any of version, initial_full_table_complete, replication_key,
/// replication_key_value, last_pk_fetched, max_pk_values, log_file, log_pos, gtid.
/// Key order is kept (ordered_json) so written states diff cleanly against the tap's.
/// Not thread-safe; the job owns one.

#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/result.h"

namespace sluice::config {

class State {
 public:
  State();

  /// The stream being synced when the state was written (resume it first), or nullopt.
  std::optional<std::string> currently_syncing() const;
  void set_currently_syncing(std::optional<std::string> stream_id);

  /// The bookmark object of `stream_id`, created empty when absent.
  nlohmann::ordered_json& bookmark(const std::string& stream_id);
  /// The bookmark of `stream_id`, or nullptr when there is none.
  const nlohmann::ordered_json* find_bookmark(const std::string& stream_id) const;
  /// Removes `key` from the bookmark of `stream_id` (nothing when absent).
  void clear(const std::string& stream_id, std::string_view key);
  /// Keeps only `keys` in the bookmark of `stream_id` (the tap's whitelist_bookmark_keys).
  void keep_only(const std::string& stream_id, std::initializer_list<std::string_view> keys);

  /// The whole state object.
  const nlohmann::ordered_json& json() const { return doc_; }
  /// Compact JSON text of the state (what a STATE message carries as "value").
  std::string dump() const;

 private:
  friend core::Result<State> parse_state(const nlohmann::ordered_json&, std::string_view);
  nlohmann::ordered_json doc_;
};

/// Parses a state document: the state object itself, or a STATE message (`{"type": "STATE",
/// "value": {...}}`, as a captured last line). `origin` names the file in errors (kConfig).
core::Result<State> parse_state(const nlohmann::ordered_json& doc, std::string_view origin);

/// Reads the state file at `path`. An empty file is an empty state. When the file has several
/// lines (a captured stdout), the last STATE message wins.
core::Result<State> load_state(const std::string& path);

}  // namespace sluice::config
