#pragma once
// What the verify tests read in `sluice verify`'s output.
#include <algorithm>
#include <string>
#include <vector>

#include "support/test_util.h"

namespace sluice::test {

/// verify's row lines ("  missing {...}", "  extra ...", "  changed ...", "  pending ..."), sorted,
/// without their indent.
inline std::vector<std::string> row_lines(const std::string& out) {
  std::vector<std::string> rows;
  for (const std::string& line : split_lines(out)) {
    for (const char* kind : {"  missing ", "  extra ", "  changed ", "  pending "}) {
      if (line.starts_with(kind)) rows.push_back(line.substr(2));
    }
  }
  std::sort(rows.begin(), rows.end());
  return rows;
}

}  // namespace sluice::test
