#pragma once
/// PARTIAL_UPDATE_ROWS_EVENT after images (MySQL binlog_row_value_options=PARTIAL_JSON).
/// The after image starts with `value_options` (packed integer; bit 0 = partial JSON);
/// when set, a bitmap with one bit per JSON column of the after image (LSB first) says
/// which JSON cells hold a diff list instead of a document. Such a cell is a length
/// (the column's length-prefix size) and then diffs, each: operation (1 byte: 0 REPLACE,
/// 1 INSERT, 2 REMOVE), path (packed length + text), and for all but REMOVE a value
/// (packed length + binary JSON: type byte, then data).
/// https://dev.mysql.com/doc/dev/mysql-server/latest/classbinary__log_1_1Rows__event.html
///
/// Applying a diff to the before document is the value decoders' job: the row path calls
/// a JsonDiffApplier (seam) with the before cell and the parsed diffs.

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "binlog/table_layout.h"
#include "change/json_diff.h"
#include "core/arena.h"
#include "core/result.h"
#include "core/value.h"

namespace sluice::binlog {

/// The operation of a diff: change::JsonDiffOp (the document editor is change/json_diff.h).
using JsonDiffOp = change::JsonDiffOp;

/// One diff; views point into the event buffer.
struct JsonDiff {
  JsonDiffOp op = JsonDiffOp::kReplace;
  std::string_view path;   ///< MySQL JSON path text, e.g. "$.a[1]"
  uint8_t value_type = 0;  ///< binary JSON type byte (not for kRemove)
  std::string_view value;  ///< binary JSON value data after the type byte
};

/// Applies `diffs` in order to `before` (a kJson Value holding JSON text) and writes the
/// resulting document into `out` (text in `arena`). Errors: path not found, bad value.
using JsonDiffApplier = core::Status (*)(const core::Value& before, std::span<const JsonDiff> diffs,
                                         core::Arena& arena, core::Value& out);

/// Parses the diff list of one partial cell (`len` bytes at `p`) into `out` (cleared first).
core::Status parse_json_diffs(const uint8_t* p, size_t len, std::vector<JsonDiff>& out);

/// Decodes a PARTIAL_UPDATE after image like decode_row_image, resolving partial JSON
/// cells against `before` with `apply` (an error when null and a diff is present).
core::Result<size_t> decode_partial_after_image(const TableLayout& layout, const uint8_t* present,
                                                const uint8_t* p, size_t avail, core::Arena& arena,
                                                std::span<const core::Value> before, JsonDiffApplier apply,
                                                std::vector<JsonDiff>& scratch, std::span<core::Value> out);

}  // namespace sluice::binlog
