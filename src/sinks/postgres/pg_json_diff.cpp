// PostgresSink::apply_json_diffs: a PARTIAL_JSON update logged without its document, applied to
// the document the destination holds for the row's key (Sink::applies_json_diffs).

#include "change/json_diff.h"
#include "sinks/postgres/postgres_sink.h"

namespace sluice::sinks {
namespace {

// A value in COPY text format (pg::append_copy_value) as the text a query parameter takes.
std::string unescape_copy_text(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '\\' || i + 1 == s.size()) {
      out.push_back(s[i]);
      continue;
    }
    const char c = s[++i];
    out.push_back(c == 't' ? '\t' : c == 'n' ? '\n' : c == 'r' ? '\r' : c);
  }
  return out;
}

}  // namespace

core::Status PostgresSink::apply_json_diffs(Stream& s, std::span<const core::Value> values) {
  // The document of a row still in the COPY buffer is the merged one: merge first.
  SLUICE_TRY(flush(s));
  resolved_.assign(values.begin(), values.end());
  resolved_text_.resize(values.size());
  std::vector<std::string> key_params;
  std::string where;
  for (size_t k : s.key_columns) {
    std::string copy;
    SLUICE_TRY(pg::append_copy_value(copy, s.columns[k].encoding, values[k]));
    key_params.push_back(unescape_copy_text(copy));
    where += (where.empty() ? " WHERE " : " AND ") + s.columns[k].quoted + " = $" +
             std::to_string(key_params.size());
  }
  for (size_t i = 0; i < values.size(); ++i) {
    if (!values[i].is_json_diff()) continue;
    const std::string what =
        "PostgreSQL destination: a partial JSON update (binlog_row_image=MINIMAL) of column `" +
        s.info.columns[i].name + "` of " + s.info.stream_id;
    if (s.key_columns.empty()) {
      return core::fail(core::ErrorCode::kUnsupported,
                        what +
                            " cannot find its row: the table has no primary key; set binlog_row_image=FULL "
                            "on the source, then re-snapshot the table with `sluice reset`");
    }
    auto rows = conn_.query("SELECT " + s.columns[i].quoted + "::text FROM " + s.dest + where, key_params);
    if (!rows) return core::fail(rows.error().with_context(what));
    if (rows->size() != 1 || !(*rows)[0]) {
      return core::fail(core::ErrorCode::kSchemaMismatch,
                        what + " finds no document for its key in " + s.dest +
                            " (the row is missing or NULL there); re-snapshot the table with `sluice reset`");
    }
    auto next = change::apply_json_diff_list(*(*rows)[0], values[i].text);
    if (!next) return core::fail(next.error().with_context(what));
    resolved_text_[i] = std::move(*next);
    resolved_[i] = core::Value::with_text(core::ValueKind::kJson, resolved_text_[i]);
  }
  return core::ok();
}

}  // namespace sluice::sinks
