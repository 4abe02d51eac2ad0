#pragma once
// Helpers for the `sluice sync` integration tests: catalogs with chosen methods, parsed Singer
// output, the independent validator (singer_validate.py with python3-jsonschema).

#include <cstdint>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "support/test_servers.h"
#include "support/test_util.h"

namespace sluice::test::sync {

/// Discovers `db` with `sluice discover` and selects `methods` (table -> "FULL_TABLE"...);
/// `replication_keys` names INCREMENTAL keys. Returns the catalog file path.
std::string make_catalog(const std::string& config, const std::string& db,
                         const std::map<std::string, std::string>& methods,
                         const std::map<std::string, std::string>& replication_keys = {});

/// Parsed messages of one run. `lines` keeps the raw text (exact DECIMAL digits).
struct SyncRun {
  int exit_code = -1;
  std::string err;
  std::vector<std::string> lines;
  std::vector<nlohmann::json> messages;
  std::string out_path;  ///< stdout saved to a file (for --state and the validator)

  /// RECORD messages of `stream`, in order.
  std::vector<nlohmann::json> records(const std::string& stream) const;
  /// Raw lines of RECORD messages of `stream`.
  std::vector<std::string> record_lines(const std::string& stream) const;
  /// The last STATE value.
  nlohmann::json last_state() const;
};

/// Runs `sluice sync` with the args; saves stdout.
SyncRun run_sync(const std::string& config, const std::string& catalog, const std::string& state = "",
             const std::vector<std::string>& extra = {});

/// Like run_sync (no --state), but the job stops itself right after its `checkpoint`th checkpoint
/// (stop_env; with `rows`, once that many more rows were written after it), `while_stopped` runs,
/// and then the job goes on to its end.
SyncRun run_sync_paused(const std::string& config, const std::string& catalog,
                        const std::vector<std::string>& extra, uint64_t checkpoint,
                        const std::function<void()>& while_stopped, uint64_t rows = 0);

/// Starts `sluice sync --config C --catalog K --quiet` plus `extra`, stdout to a file, and kills it
/// (SIGKILL) right after the STATE of its `states`th snapshot chunk was flushed (stop_env: the
/// job stops itself there, however fast it runs). Returns what it wrote.
std::string sync_killed_after_states(const std::string& config, const std::string& catalog,
                                     const std::vector<std::string>& extra, size_t states);

/// What a killed job wrote: the ids of its RECORDs (field `id`) and its last STATE line (a line
/// cut by the kill is skipped).
struct KilledOutput {
  std::set<int64_t> ids;
  std::string last_state;
};
KilledOutput parse_killed_output(const std::string& text);

/// Runs singer_validate.py on `path`; returns its output, sets `ok`.
std::string validate(const std::string& path, bool& ok);

/// The raw JSON text of `key`'s value in a record line (`"key":VALUE`), for exact comparisons.
std::string raw_value(const std::string& line, const std::string& key);

}  // namespace sluice::test::sync
