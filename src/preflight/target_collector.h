#pragma once
/// Reads what the checks of a replication target judge (target_facts.h): the target's facts
/// through the applier's connection, and the replicated tables' shape through the source's.
/// A statement an account may not run is kept as an error in the facts, not a failure.

#include <string>
#include <vector>

#include "core/result.h"
#include "mysql/connection.h"
#include "preflight/target_facts.h"

namespace sluice::preflight {

/// The target's identity, variables, grants, collations, databases and its own replication
/// channels. Fails only when the server cannot be queried at all.
core::Result<TargetFacts> collect_target_facts(mysql::Connection& conn);

/// The column definitions and stored functions of `databases` on the source.
SourceShape collect_source_shape(mysql::Connection& conn, const std::vector<std::string>& databases);

}  // namespace sluice::preflight
