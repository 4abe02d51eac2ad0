#pragma once
/// An owned copy of a RowChange (change.h), for a consumer that keeps a change beyond the
/// callback that delivered it: names, transaction and every value's bytes live in the copy.
/// One copy costs two allocations; a consumer copying many rows at a time packs them itself
/// (sinks::ThreadedSink keeps whole batches in a few buffers).

#include <vector>

#include "change/change.h"

namespace sluice::change {

class OwnedChange {
 public:
  OwnedChange() = default;
  explicit OwnedChange(const RowChange& change) { assign(change); }
  OwnedChange(OwnedChange&& other) noexcept;
  OwnedChange& operator=(OwnedChange&& other) noexcept;
  OwnedChange(const OwnedChange&) = delete;
  OwnedChange& operator=(const OwnedChange&) = delete;

  /// Replaces the copy with `change` (its transaction too, when it has one).
  void assign(const RowChange& change);

  /// The copy; its views stay valid while this object lives (moves keep them valid).
  const RowChange& get() const { return change_; }

 private:
  std::vector<char> bytes_;          // names, transaction strings and value payloads
  std::vector<core::Value> values_;  // before image, then after image
  Transaction txn_;
  RowChange change_;
};

}  // namespace sluice::change
