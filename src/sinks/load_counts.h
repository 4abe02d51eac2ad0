#pragma once
/// What a row did at the destination, counted per stream for the loading report. A sink that
/// knows (an upsert that inserted or updated, a hard delete that found its row) implements
/// LoadCountSource; for other sinks the report counts by row operation.

#include <cstdint>

#include "sinks/sink.h"

namespace sluice::sinks {

/// Per-stream counters; every field only grows during a job.
struct LoadCounts {
  uint64_t inserted = 0;  ///< rows that did not exist at the destination (appends included)
  uint64_t updated = 0;   ///< rows that replaced an existing row (soft deletes are updates)
  uint64_t deleted = 0;   ///< delete rows delivered (soft or hard)
};

/// Implemented by sinks that know whether each write inserted or updated.
class LoadCountSource {
 public:
  virtual ~LoadCountSource() = default;
  /// Counts of rows written to `stream` so far in this job (committed or not).
  virtual LoadCounts load_counts(StreamHandle stream) const = 0;
};

}  // namespace sluice::sinks
