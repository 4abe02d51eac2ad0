#pragma once
/// `sluice journal verify`: checks a log at rest (no writer appending) segment by segment:
/// headers, CRCs, the LSN sequence within and across segments, that every record decodes, and
/// tells what a writer's recovery would cut. docs/transaction-log.md.

#include <cstdint>
#include <string>
#include <vector>

#include "core/result.h"
#include "journal/resume_point.h"

namespace sluice::journal {

struct VerifyReport {
  std::vector<std::string> problems;  ///< one line each, naming the segment and offset
  size_t segments = 0;
  uint64_t first_lsn = 0, last_lsn = 0;  ///< 0 when the log holds no record
  uint64_t bytes = 0;
  uint64_t applied_lsn = 0;
  ResumePoint resume;  ///< after the last complete transaction
};

/// Checks the log in `dir`. An error only when the directory cannot be read at all.
core::Result<VerifyReport> verify_log(const std::string& dir);

}  // namespace sluice::journal
