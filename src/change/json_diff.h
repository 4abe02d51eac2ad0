#pragma once
/// A JSON document edited by MySQL PARTIAL_JSON diffs (binlog_row_value_options=PARTIAL_JSON):
/// the one implementation of MySQL's diff semantics, used by the binlog decoder (diffs applied to
/// the before image's document) and by the keyed sinks (diffs applied to the document they hold,
/// when the binlog carried no before image: binlog_row_image=MINIMAL).
///
/// Semantics (MySQL enum_json_diff_operation): REPLACE puts the value at the path (the whole
/// document for "$"); INSERT adds an object member or inserts into an array at the index
/// (appending when the index is past the end: MySQL's JSON_ARRAY_INSERT, not SQLite's or
/// PostgreSQL's JSON functions); REMOVE deletes the member or element. Paths are MySQL JSON path
/// text: "$", ".key", ".\"quoted key\"", "[n]", "[last]", "[last-n]". Object members are written
/// in MySQL's binary order (shorter keys first, then bytewise), as MySQL stores the document.
/// Errors: kCorrupt for an unparsable path, value or document, or a path that does not exist in
/// the document (the diff and the document disagree). Allocates (partial updates are rare).

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace sluice::change {

enum class JsonDiffOp : uint8_t { kReplace = 0, kInsert = 1, kRemove = 2 };

/// "replace", "insert", "remove": the `op` of the diff-list form (docs/json-lines.md).
std::string_view json_diff_op_name(JsonDiffOp op);

/// One parsed document; apply diffs to it in order, then write() it.
class JsonDocument {
 public:
  JsonDocument();
  ~JsonDocument();
  JsonDocument(JsonDocument&&) noexcept;
  JsonDocument& operator=(JsonDocument&&) noexcept;

  /// Parses JSON text ("" is the JSON null).
  static core::Result<JsonDocument> parse(std::string_view text);

  /// Applies one diff: `value` is JSON text (unused for kRemove).
  core::Status apply(JsonDiffOp op, std::string_view path, std::string_view value);

  /// Compact JSON text with MySQL's member order; numbers as they were written (DECIMAL 1.50 stays 1.50).
  void write(std::string& out) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// One diff of a diff list: `value` is compact JSON text, numbers as written (empty for kRemove).
struct JsonDiff {
  JsonDiffOp op = JsonDiffOp::kReplace;
  std::string path;
  std::string value;
};

/// The diffs of a diff list in its JSON form (below); kCorrupt when it is not one.
core::Result<std::vector<JsonDiff>> parse_json_diff_list(std::string_view diff_list);

/// Applies a diff list in its JSON form — [{"op":"replace","path":"$.a","value":2},
/// {"op":"remove","path":"$.b[0]"}], the text of a core::Value::is_json_diff value — to
/// `document` (JSON text), giving the new document's text.
core::Result<std::string> apply_json_diff_list(std::string_view document, std::string_view diff_list);

}  // namespace sluice::change
