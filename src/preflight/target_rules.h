#pragma once
/// The checks of a replication target (`sluice check` of a config with a `target`): pure
/// functions from the target's facts, the source's facts and shape, and the pipeline's request
/// (target_facts.h) to check results named `target_*`, each with a one-line fix in the target
/// platform's wording (DB parameter group on RDS/Aurora). No I/O: unit tests feed facts by hand.

#include <string>
#include <vector>

#include "preflight/check_result.h"
#include "preflight/target_facts.h"

namespace sluice::preflight {

/// Appends every target check to `report`, in report order.
void evaluate_target(const TargetFacts& target, const ServerFacts& source, const SourceShape& shape,
                     const TargetRequest& request, PreflightReport& report);

/// The privileges the applier needs on each replicated target database (routines: with
/// CREATE ROUTINE and ALTER ROUTINE), and on the position schema. Nothing global.
std::vector<std::string> target_data_privileges(const TargetRequest& request);
std::vector<std::string> target_position_privileges();

// Account and role of the target (target_rules.cpp).
CheckResult check_target_server(const TargetFacts& target);
CheckResult check_target_privileges(const TargetFacts& target, const TargetRequest& request);
CheckResult check_target_position_privileges(const TargetFacts& target, const TargetRequest& request);
CheckResult check_target_no_admin(const TargetFacts& target);
CheckResult check_target_writable(const TargetFacts& target);
CheckResult check_target_replication(const TargetFacts& target, const TargetRequest& request);

// What the target must hold of the source (target_shape_rules.cpp).
CheckResult check_target_function_creators(const TargetFacts& target, const SourceShape& shape,
                                           const TargetRequest& request);
CheckResult check_target_lower_case(const TargetFacts& target, const ServerFacts& source,
                                    const SourceShape& shape);
CheckResult check_target_collations(const TargetFacts& target, const SourceShape& shape);
CheckResult check_target_packet(const TargetFacts& target, const ServerFacts& source,
                                const SourceShape& shape);
CheckResult check_target_sql_mode(const TargetFacts& target, const ServerFacts& source);
CheckResult check_target_time_zone(const TargetFacts& target, const ServerFacts& source,
                                   const SourceShape& shape);
CheckResult check_target_types(const TargetFacts& target, const ServerFacts& source,
                               const SourceShape& shape);

/// How a source column type lands on the target: the same type, a documented mapping, or none.
struct TypeMapping {
  enum class Kind : uint8_t { kSame = 0, kMapped = 1, kNone = 2 } kind = Kind::kSame;
  std::string note;  ///< kMapped: what it becomes; kNone: why, and the nearest type to change to
};
TypeMapping map_type(const SourceColumn& column, const ServerFacts& source, const ServerFacts& target);

}  // namespace sluice::preflight
