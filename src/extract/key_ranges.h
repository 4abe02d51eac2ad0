#pragma once
/// Splits the key range of a parallel snapshot (parallel_snapshot.h) into consecutive ranges
/// `lo < key <= hi`, handed out in key order to whichever reader asks next:
///
/// - a single-column integer key: by arithmetic from MIN(key) (or the resume key) to the
///   snapshot's upper bound (`max_pk_values`), in about max(estimated rows / chunk_rows,
///   4 × readers) equal key spans. Free on the server; a skewed key distribution only makes
///   ranges uneven.
/// - any other key (composite, string, temporal, DECIMAL...): by probing the next boundary,
///   `SELECT key ... WHERE key > cursor AND key <= max ORDER BY key LIMIT 1 OFFSET chunk_rows-1`:
///   exact ranges of chunk_rows rows; the server walks chunk_rows primary-key entries per probe
///   (~20 ms per 50,000 rows measured on MariaDB 10.11), run by the reader that asks, on its own
///   connection.
///
/// Thread-safe: next() is serialised by a mutex.

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>

#include <nlohmann/json.hpp>

#include "core/result.h"
#include "extract/snapshot_reader.h"
#include "mysql/connection.h"

namespace sluice::extract {

/// Rows with lo < key <= hi (bookmark keys, {"col": v}).
struct KeyRange {
  size_t index = 0;           ///< 0, 1, 2... in key order
  nlohmann::ordered_json lo;  ///< null: from the table's first key
  nlohmann::ordered_json hi;  ///< never null
};

class KeyRangePlanner {
 public:
  /// Plans ranges for `spec` (key non-empty, upto set) read by `readers` connections. Reads
  /// MIN(key) on `conn` for integer keys (calling thread).
  static core::Result<std::unique_ptr<KeyRangePlanner>> make(mysql::Connection& conn, const SnapshotSpec& spec,
                                                             size_t readers);

  /// Any reader thread: the next range (a probe runs on `conn` when needed); nullopt when the
  /// whole key range was handed out.
  core::Result<std::optional<KeyRange>> next(mysql::Connection& conn);

 private:
  explicit KeyRangePlanner(const SnapshotSpec& spec) : spec_(spec) {}
  std::optional<KeyRange> next_integer();
  core::Result<std::optional<KeyRange>> next_probed(mysql::Connection& conn);
  nlohmann::ordered_json integer_key(uint64_t ordered) const;

  const SnapshotSpec& spec_;
  std::mutex mu_;
  size_t index_ = 0;
  bool done_ = false;
  nlohmann::ordered_json cursor_;  ///< the last hi handed out (or the resume key); null: start
  // Integer keys: values mapped to unsigned order (signed ones offset by 2^63).
  bool integer_ = false;
  bool is_signed_ = false;
  uint64_t next_lo_ = 0;  ///< first key of the next range (ordered)
  uint64_t end_ = 0;      ///< upto (ordered)
  uint64_t step_ = 1;
};

}  // namespace sluice::extract
