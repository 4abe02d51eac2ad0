#pragma once
/// `sluice check`: connects, collects the facts (fact_collector.h), judges them (rules.h).

#include "core/result.h"
#include "mysql/connection.h"
#include "preflight/check_result.h"
#include "preflight/server_facts.h"

namespace sluice::preflight {

/// Connects with `options` and runs every check that applies to `request.methods`.
/// A connection failure is the error (the mysql module's one-line message, as is); failed
/// checks are in the report, not errors.
core::Result<PreflightReport> run_preflight(const mysql::ConnectOptions& options, const PreflightRequest& request);

}  // namespace sluice::preflight
