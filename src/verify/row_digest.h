#pragma once
/// The rows of one chunk on one side, digested: per row its canonical key, its key as bookmark
/// JSON and a hash per column; per chunk an order-independent checksum (the sum of the row
/// hashes). compare() finds the differing rows of a chunk whose checksums differ; a Reconciler
/// pairs rows that the two sides put in different chunks (their key orders differ: collations).
/// Memory: one chunk per side, plus the unpaired rows. One thread.

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "schema/table_schema.h"
#include "sinks/table_reader.h"

namespace sluice::verify {

/// One differing row.
struct RowDiff {
  enum class Kind : uint8_t { kMissing = 0, kExtra = 1, kChanged = 2 };
  Kind kind = Kind::kChanged;
  nlohmann::ordered_json key;        ///< bookmark JSON {"col": value}
  std::vector<std::string> columns;  ///< kChanged: the columns that differ
  bool pending = false;              ///< the destination is behind the source: may be in flight
};

std::string_view kind_name(RowDiff::Kind kind);

/// What is compared: the columns (source schemas) and which of them form the key.
struct RowShape {
  std::vector<schema::ColumnSchema> columns;
  std::vector<size_t> key;  ///< indexes into columns
};

class ChunkDigest {
 public:
  explicit ChunkDigest(const RowShape& shape) : shape_(&shape) {}
  /// Adds a row (one cell per shape column).
  void add(std::span<const sinks::ReadCell> cells);
  void clear();
  size_t size() const { return keys_.size(); }
  uint64_t checksum() const { return sum_; }

  struct Row {
    std::string key;
    nlohmann::ordered_json key_json;
    uint64_t hash = 0;
    std::vector<uint64_t> columns;
  };
  /// Row i (moved out by take()).
  Row take(size_t i);
  const std::string& key(size_t i) const { return keys_[i]; }
  uint64_t row_hash(size_t i) const { return hashes_[i]; }

 private:
  /// The bookmark JSON of a key as add() renders it.
  nlohmann::ordered_json key_json(std::string_view key) const;

  const RowShape* shape_;
  std::vector<std::string> keys_;
  std::vector<uint64_t> hashes_;
  std::vector<uint64_t> column_hashes_;  ///< rows x columns
  uint64_t sum_ = 0;
  std::string scratch_;
  std::string key_scratch_;
};

/// Pairs rows one side had and the other did not, across chunks.
class Reconciler {
 public:
  explicit Reconciler(const RowShape& shape) : shape_(&shape) {}
  /// Compares a chunk whose checksums differ: changed rows go to `out`, unpaired rows are kept
  /// until their other side shows up (or finish()).
  void compare(ChunkDigest& source, ChunkDigest& dest, std::vector<RowDiff>& out);
  /// The rows never paired: missing (source only) and extra (destination only).
  void finish(std::vector<RowDiff>& out);

 private:
  void unpaired(ChunkDigest::Row row, bool from_source, std::vector<RowDiff>& out);
  RowDiff changed(const ChunkDigest::Row& a, const ChunkDigest::Row& b) const;

  const RowShape* shape_;
  struct Unpaired {
    ChunkDigest::Row row;
    bool from_source = false;
  };
  std::map<std::string, Unpaired> pool_;
};

}  // namespace sluice::verify
