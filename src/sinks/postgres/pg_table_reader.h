#pragma once
/// sinks::TableReader over a PostgreSQL destination: the table the PostgreSQL sink writes for a
/// stream (same schema and names as postgres_sink.h), rows with `_sdc_deleted_at` NULL, read in
/// text format in a session set to UTC and exact float output. For `sluice verify`. One thread.

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sinks/postgres/pg_connection.h"
#include "sinks/postgres/postgres_sink.h"
#include "sinks/postgres/postgres_types.h"
#include "sinks/table_reader.h"

namespace sluice::sinks {

class PgTableReader final : public TableReader {
 public:
  /// Connects and checks that the stream's table exists (kNotFound naming it when not).
  static core::Result<std::unique_ptr<PgTableReader>> open(const PostgresSinkOptions& options,
                                                           const StreamInfo& info);

  core::Status read_range(const nlohmann::ordered_json& after, const nlohmann::ordered_json& upto,
                          const ReadRowFn& fn) override;
  core::Status read_keys(std::span<const nlohmann::ordered_json> keys, const ReadRowFn& fn) override;

 private:
  PgTableReader(pg::PgConnection conn) : conn_(std::move(conn)) {}
  core::Status run(const std::string& sql, const std::vector<std::string>& params, const ReadRowFn& fn);

  pg::PgConnection conn_;
  std::string select_;  ///< SELECT cols FROM t WHERE _sdc_deleted_at IS NULL
  std::vector<std::string> key_names_;
  std::vector<std::string> key_quoted_;
  std::vector<pg::PgEncoding> encodings_;
  std::vector<ReadCell> cells_;
  std::vector<std::string> bytes_;  ///< decoded bytea, per column
};

/// The state a job committed into this destination (`<schema>._sluice_state`, the row of
/// `options.state_id`), read without the job lock; nullopt when none. For verify's bookmarks.
core::Result<std::optional<std::string>> load_postgres_state(const PostgresSinkOptions& options);

}  // namespace sluice::sinks
