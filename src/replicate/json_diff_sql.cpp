#include "replicate/json_diff_sql.h"

#include "change/json_diff.h"
#include "core/value.h"
#include "replicate/sql_value.h"

namespace sluice::replicate {

core::Status append_json_diff_sql(std::string& out, std::string_view column, std::string_view diff_list) {
  auto diffs = change::parse_json_diff_list(diff_list);
  if (!diffs) return core::fail(diffs.error());
  // Built inside out: each diff wraps the expression of the ones before it.
  std::string expr(column);
  for (const change::JsonDiff& d : *diffs) {
    const bool array_leg = !d.path.empty() && d.path.back() == ']';
    const char* fn = d.op == change::JsonDiffOp::kReplace  ? "JSON_REPLACE("
                     : d.op == change::JsonDiffOp::kRemove ? "JSON_REMOVE("
                     : array_leg                           ? "JSON_ARRAY_INSERT("
                                                           : "JSON_INSERT(";
    std::string next(fn);
    next.append(expr).append(", ");
    append_sql_value(next, core::Value::with_text(core::ValueKind::kString, d.path));
    if (d.op != change::JsonDiffOp::kRemove) {
      next.append(", JSON_EXTRACT(");
      append_sql_value(next, core::Value::with_text(core::ValueKind::kString, d.value));
      next.append(", '$')");
    }
    next.push_back(')');
    expr = std::move(next);
  }
  out.append(expr);
  return core::ok();
}

}  // namespace sluice::replicate
