#include "preflight/preflight.h"

#include "preflight/fact_collector.h"
#include "preflight/rules.h"
#include "preflight/target_collector.h"
#include "preflight/target_rules.h"

namespace sluice::preflight {

core::Result<PreflightReport> run_preflight(const mysql::ConnectOptions& options, const PreflightRequest& request) {
  auto conn = mysql::Connection::connect(options);
  if (!conn) return core::fail(conn.error());
  auto facts = collect_facts(**conn, request);
  if (!facts) return core::fail(facts.error());
  return evaluate(*facts, request);
}

core::Result<PreflightReport> run_pipeline_preflight(const mysql::ConnectOptions& source,
                                                     const PreflightRequest& request,
                                                     const mysql::ConnectOptions& target,
                                                     TargetRequest target_request) {
  auto conn = mysql::Connection::connect(source);
  if (!conn) return core::fail(conn.error());
  auto facts = collect_facts(**conn, request);
  if (!facts) return core::fail(facts.error());
  PreflightReport report = evaluate(*facts, request);
  if (target_request.databases.empty()) target_request.databases = facts->databases;
  SourceShape shape = collect_source_shape(**conn, target_request.databases);
  auto target_conn = mysql::Connection::connect(target);
  core::Result<TargetFacts> target_facts = target_conn
                                               ? collect_target_facts(**target_conn)
                                               : core::Result<TargetFacts>(core::fail(target_conn.error()));
  if (!target_facts) {
    report.checks.push_back({CheckStatus::kFailed, "target_server",
                             "cannot reach the target: " + target_facts.error().message,
                             "check host, port, user and password of the config's \"target\" part"});
    return report;
  }
  report.target = describe_server(target_facts->server);
  evaluate_target(*target_facts, *facts, shape, target_request, report);
  return report;
}

}  // namespace sluice::preflight
