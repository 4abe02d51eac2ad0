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

/// The Avro destination's own keys (docs/avro.md): {"path", "codec": "deflate"|"null",
/// "block_bytes": N, "max_file_bytes": N}.
struct AvroSettings {
  bool deflate = true;                            ///< `codec`: "deflate" (default) or "null"
  uint64_t block_bytes = uint64_t{256} << 10;     ///< uncompressed bytes per block
  uint64_t max_file_bytes = uint64_t{128} << 20;  ///< rotate a file after this many bytes
};

/// The PostgreSQL destination's own keys (docs/postgres.md). Connection fields as given (a
/// number for `port` becomes its text); unset ones keep the sink's defaults.
struct PostgresSettings {
  std::optional<std::string> host, port;
  std::string user, password, dbname, sslmode, conninfo;
  std::optional<int> connect_timeout_s;
  std::string integration_name;  ///< names the schema when `schema` is empty
  std::string schema;
  bool hard_delete = false;  ///< `hard_delete`, or `deletes` when given ("hard")
  uint64_t batch_bytes = uint64_t{8} << 20;
  std::string state_id = "default";
};

/// A validated destination: every key typed, the sinks' own keys included.
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
  /// `type` avro: its keys.
  AvroSettings avro;
  /// `type` postgres: its keys.
  PostgresSettings postgres;
  /// Where it came from, for messages: "config.json: destination", "--destination".
  std::string origin;
  /// Non-fatal remarks (an unknown key that looks like a typo).
  std::vector<std::string> warnings;
};

/// The Avro keys of a destination section; kConfig "avro destination: ..." naming the key (an
/// unknown key other than the shared ones is an error, with a "did you mean").
core::Result<AvroSettings> parse_avro_settings(const nlohmann::json& section);

/// The PostgreSQL keys of a destination section; kConfig "postgres destination: ..." naming the
/// key. `user` (or `conninfo`) is required.
core::Result<PostgresSettings> parse_postgres_settings(const nlohmann::json& section);

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
