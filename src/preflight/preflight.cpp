#include "preflight/preflight.h"

#include "preflight/fact_collector.h"
#include "preflight/rules.h"

namespace sluice::preflight {

core::Result<PreflightReport> run_preflight(const mysql::ConnectOptions& options, const PreflightRequest& request) {
  auto conn = mysql::Connection::connect(options);
  if (!conn) return core::fail(conn.error());
  auto facts = collect_facts(**conn, request);
  if (!facts) return core::fail(facts.error());
  return evaluate(*facts, request);
}

}  // namespace sluice::preflight
