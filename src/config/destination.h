#pragma once
/// The `destination` of a job: where `sluice sync` delivers (docs/destinations.md). Read from
/// the `destination` section of config.json or from `--destination`, which takes JSON text
/// (`{"type":"sqlite","path":"shop.db"}`), the path of a JSON file, or the short form
/// `TYPE:PATH` (`sqlite:shop.db`, `jsonl:out/`). Pure functions, any thread.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/result.h"

namespace sluice::config {

/// The kinds of destination sluice delivers to.
enum class DestinationType : uint8_t { kSinger = 0, kJsonl = 1, kSqlite = 2, kAvro = 3, kPostgres = 4 };

/// The config spelling: "singer", "jsonl", "sqlite", "avro", "postgres".
std::string_view destination_type_name(DestinationType type);

/// How a sink applies deletes (SQLite; PostgreSQL may read it too).
enum class DeleteMode : uint8_t {
  kSoft = 0,  ///< keep the row, set `_sdc_deleted_at` to the delete's commit time
  kHard = 1,  ///< remove the row
};

/// A validated destination. Keys every sink shares are typed here; the whole section stays in
/// `options` for the sinks whose own keys are validated by their factory (avro, postgres).
struct DestinationConfig {
  DestinationType type = DestinationType::kSinger;
  /// `path`: the SQLite database file, the JSONL/Avro directory. Required for file sinks.
  std::string path;
  /// `deletes`: "soft" (default) or "hard".
  DeleteMode deletes = DeleteMode::kSoft;
  /// `max_file_bytes`: rotate a JSONL file once it holds this many bytes (0 = never).
  uint64_t max_file_bytes = uint64_t{256} << 20;
  /// `report`: write a loading report per job (default true; false turns it off).
  bool report = true;
  /// `report_dir`: where the report files go; empty = the default beside the destination.
  std::string report_dir;
  /// The section as given (including `type`).
  nlohmann::json options = nlohmann::json::object();
  /// Where it came from, for messages: "config.json: destination", "--destination".
  std::string origin;
  /// Non-fatal remarks (an unknown key that looks like a typo).
  std::vector<std::string> warnings;
};

/// Validates a destination object. Errors (kConfig) name the origin, the key and the fix, one
/// per line when there are several.
core::Result<DestinationConfig> parse_destination(const nlohmann::json& section, std::string_view origin);

/// The `destination` section of a config document, or nullopt when it has none.
core::Result<std::optional<DestinationConfig>> destination_from_config(const nlohmann::json& config_doc,
                                                                       std::string_view origin);

/// The value of `--destination`: JSON text when it starts with '{', `TYPE:PATH` when it starts
/// with a known type name and a colon, else the path of a JSON file.
core::Result<DestinationConfig> parse_destination_arg(std::string_view arg);

}  // namespace sluice::config
