#pragma once
/// `sluice check`: connects, collects the facts (fact_collector.h), judges them (rules.h).

#include "core/result.h"
#include "mysql/connection.h"
#include "preflight/check_result.h"
#include "preflight/server_facts.h"
#include "preflight/target_facts.h"

namespace sluice::preflight {

/// Connects with `options` and runs every check that applies to `request.methods`.
/// A connection failure is the error (the mysql module's one-line message, as is); failed
/// checks are in the report, not errors.
core::Result<PreflightReport> run_preflight(const mysql::ConnectOptions& options, const PreflightRequest& request);

/// As run_preflight, then the checks of the replication target reached with `target`
/// (target_rules.h) for the source's replicated databases (`target_request.databases`, else
/// the source's selected ones). A target that cannot be reached is a failed `target_server`
/// check, not an error: the source's report is still worth reading.
core::Result<PreflightReport> run_pipeline_preflight(const mysql::ConnectOptions& source,
                                                     const PreflightRequest& request,
                                                     const mysql::ConnectOptions& target,
                                                     TargetRequest target_request);

}  // namespace sluice::preflight
