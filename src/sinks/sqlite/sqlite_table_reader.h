#pragma once
/// sinks::TableReader over a SQLite destination file (read-only connection): the table the
/// SQLite sink gave a stream (`_sluice_streams`), rows with `_sdc_deleted_at` NULL. For
/// `sluice verify`. One thread.

#include <memory>
#include <string>
#include <vector>

#include "sinks/sink.h"
#include "sinks/table_reader.h"

namespace sluice::sinks {

class SqliteTableReader final : public TableReader {
 public:
  /// Opens `path` read-only and finds the stream's table; kNotFound when no job wrote it.
  static core::Result<std::unique_ptr<SqliteTableReader>> open(const std::string& path,
                                                               const StreamInfo& info);
  ~SqliteTableReader() override;

  core::Status read_range(const nlohmann::ordered_json& after, const nlohmann::ordered_json& upto,
                          const ReadRowFn& fn) override;
  core::Status read_keys(std::span<const nlohmann::ordered_json> keys, const ReadRowFn& fn) override;

 private:
  struct Impl;
  explicit SqliteTableReader(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace sluice::sinks
