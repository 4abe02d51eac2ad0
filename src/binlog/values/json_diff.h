#pragma once
/// Applies MySQL PARTIAL_JSON diffs (binlog_row_value_options=PARTIAL_JSON) to the before
/// image of a JSON column, giving the full after document as JSON text.
///
/// Usage by the row decoder (binlog/partial_json.h): parse the diff list of a partial cell
/// with parse_json_diffs(), then call apply_json_diffs(before, diffs, arena, out) — its
/// signature is binlog::JsonDiffApplier, so `&values::apply_json_diffs` is the applier to
/// pass to decode_partial_after_image(). `before` must be the decoded kJson Value of the
/// same column in the before image (JSON text, as decode_json made it).
///
/// The diffs are applied by change::JsonDocument (change/json_diff.h: MySQL's semantics, member
/// order and errors); the binary values are turned into JSON text here.
/// Thread-safe; allocates while applying (partial updates are rare and small); the result
/// text is copied into `arena`.

#include <span>

#include "binlog/partial_json.h"
#include "core/arena.h"
#include "core/result.h"
#include "core/value.h"

namespace sluice::binlog::values {

/// Applies `diffs` in order to `before` (kJson text) and sets `out` to a kJson Value whose
/// text lives in `arena`. When `before` is absent (binlog_row_image=MINIMAL: the document is not
/// in the event), `out` is the diff list itself (render_json_diffs).
core::Status apply_json_diffs(const core::Value& before, std::span<const JsonDiff> diffs,
                              core::Arena& arena, core::Value& out);

/// Sets `out` to a kJson Value flagged core::kValueFlagJsonDiff whose text (in `arena`) is the
/// diff list as JSON: [{"op":"replace","path":"$.a","value":2},{"op":"remove","path":"$.b[0]"}].
core::Status render_json_diffs(std::span<const JsonDiff> diffs, core::Arena& arena, core::Value& out);

}  // namespace sluice::binlog::values
