#pragma once
/// Renders a PreflightReport for people (an aligned table) and machines (JSON).

#include <string>

#include "preflight/check_result.h"

namespace sluice::preflight {

/// One line per check: status, name, detail and `fix: ...`, then a summary line.
std::string format_table(const PreflightReport& report);

/// {"ok": bool, "server": "...", "methods": [...], "summary": {...}, "checks": [{...}]}.
std::string format_json(const PreflightReport& report);

}  // namespace sluice::preflight
