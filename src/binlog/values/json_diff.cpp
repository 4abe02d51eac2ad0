#include "binlog/values/json_diff.h"

#include <string>

#include "binlog/values/json_binary.h"
#include "change/json_diff.h"
#include "core/json_writer.h"

namespace sluice::binlog::values {
namespace {

core::Status corrupt(const std::string& why) {
  return core::fail(core::ErrorCode::kCorrupt, "PARTIAL_JSON diff: " + why, false, true);
}

}  // namespace

core::Status render_json_diffs(std::span<const JsonDiff> diffs, core::Arena& arena, core::Value& out) {
  std::string text = "[";
  for (const JsonDiff& diff : diffs) {
    if (text.size() > 1) text.push_back(',');
    if (static_cast<uint8_t>(diff.op) > static_cast<uint8_t>(JsonDiffOp::kRemove)) {
      return corrupt("unknown operation " + std::to_string(static_cast<unsigned>(diff.op)));
    }
    text.append("{\"op\":\"").append(change::json_diff_op_name(diff.op)).append("\",\"path\":");
    core::json_append_string(text, diff.path);
    if (diff.op != JsonDiffOp::kRemove) {
      text.append(",\"value\":");
      SLUICE_TRY(json_binary_value_to_text(diff.value_type, diff.value, text));
    }
    text.push_back('}');
  }
  text.push_back(']');
  out = core::Value::with_text(core::ValueKind::kJson, arena.copy(text));
  out.flags = core::kValueFlagJsonDiff;
  return core::ok();
}

core::Status apply_json_diffs(const core::Value& before, std::span<const JsonDiff> diffs,
                              core::Arena& arena, core::Value& out) {
  if (before.is_absent()) return render_json_diffs(diffs, arena, out);
  if (before.kind != core::ValueKind::kJson && before.kind != core::ValueKind::kNull) {
    return corrupt("before image of the column is not JSON");
  }
  auto doc = change::JsonDocument::parse(before.kind == core::ValueKind::kJson ? before.text : "null");
  if (!doc) return corrupt("before document is not JSON");
  std::string value;
  for (const JsonDiff& diff : diffs) {
    value.clear();
    if (diff.op != JsonDiffOp::kRemove)
      SLUICE_TRY(json_binary_value_to_text(diff.value_type, diff.value, value));
    SLUICE_TRY(doc->apply(diff.op, diff.path, value));
  }
  std::string result;
  doc->write(result);
  out = core::Value::with_text(core::ValueKind::kJson, arena.copy(result));
  return core::ok();
}

}  // namespace sluice::binlog::values
