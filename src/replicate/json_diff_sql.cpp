#include "replicate/json_diff_sql.h"

#include <nlohmann/json.hpp>
#include <vector>

#include "core/value.h"
#include "replicate/sql_value.h"

namespace sluice::replicate {
namespace {

struct Diff {
  std::string op, path;
  std::string_view value;  // raw JSON text (a DECIMAL's digits kept as the binlog wrote them)
};

core::Status bad_list(const std::string& why) {
  return core::fail(core::ErrorCode::kCorrupt, "PARTIAL_JSON diff list: " + why, false, true);
}

void skip_space(std::string_view s, size_t& i) {
  while (i < s.size() && (s[i] == ' ' || s[i] == '\n' || s[i] == '\t' || s[i] == '\r')) ++i;
}

// The span of the JSON value at s[i] (after spaces); i moves past it. Empty when malformed.
std::string_view skip_value(std::string_view s, size_t& i) {
  skip_space(s, i);
  const size_t start = i;
  int depth = 0;
  while (i < s.size()) {
    const char c = s[i];
    if (c == '"') {
      for (++i; i < s.size() && s[i] != '"'; ++i) i += s[i] == '\\' ? 1 : 0;
      if (i >= s.size()) return {};
      ++i;
    } else if (c == '{' || c == '[') {
      ++depth;
      ++i;
    } else if (c == '}' || c == ']') {
      if (depth == 0) break;
      --depth;
      ++i;
    } else if (depth == 0 && (c == ',' || c == ':' || c == ' ' || c == '\n' || c == '\t' || c == '\r')) {
      break;
    } else {
      ++i;
    }
    if (depth == 0 && (c == '"' || c == '}' || c == ']')) break;  // a string or a container ended
  }
  return s.substr(start, i - start);
}

bool expect(std::string_view s, size_t& i, char c) {
  skip_space(s, i);
  if (i >= s.size() || s[i] != c) return false;
  ++i;
  return true;
}

bool string_of(std::string_view raw, std::string& out) {
  const nlohmann::json j = nlohmann::json::parse(raw, nullptr, false);
  if (j.is_discarded() || !j.is_string()) return false;
  out = j.get<std::string>();
  return true;
}

// The list binlog/values/json_diff.cpp writes: [{"op":"replace","path":"$.a","value":2}, ...].
core::Status parse_diffs(std::string_view s, std::vector<Diff>& diffs) {
  size_t i = 0;
  if (!expect(s, i, '[')) return bad_list("not a JSON array");
  for (;;) {
    Diff d;
    if (!expect(s, i, '{')) return bad_list("a diff is not an object");
    for (;;) {
      std::string key;
      if (!string_of(skip_value(s, i), key) || !expect(s, i, ':')) return bad_list("a malformed member");
      const std::string_view value = skip_value(s, i);
      const bool ok = key == "op"     ? string_of(value, d.op)
                      : key == "path" ? string_of(value, d.path)
                                      : (d.value = value, nlohmann::json::accept(value));
      if (!ok) return bad_list("a malformed \"" + key + "\"");
      if (expect(s, i, '}')) break;
      if (!expect(s, i, ',')) return bad_list("a malformed diff");
    }
    if (d.path.empty()) return bad_list("a diff without a path");
    diffs.push_back(std::move(d));
    if (expect(s, i, ']')) return core::ok();
    if (!expect(s, i, ',')) return bad_list("a malformed list");
  }
}

}  // namespace

core::Status append_json_diff_sql(std::string& out, std::string_view column, std::string_view diff_list) {
  std::vector<Diff> diffs;
  SLUICE_TRY(parse_diffs(diff_list, diffs));
  // Built inside out: each diff wraps the expression of the ones before it.
  std::string expr(column);
  for (const Diff& d : diffs) {
    const bool array_leg = d.path.back() == ']';
    const char* fn = nullptr;
    if (d.op == "replace") {
      fn = "JSON_REPLACE(";
    } else if (d.op == "insert") {
      fn = array_leg ? "JSON_ARRAY_INSERT(" : "JSON_INSERT(";
    } else if (d.op == "remove") {
      fn = "JSON_REMOVE(";
    } else {
      return bad_list("unknown operation '" + d.op + "'");
    }
    std::string next(fn);
    next.append(expr).append(", ");
    append_sql_value(next, core::Value::with_text(core::ValueKind::kString, d.path));
    if (d.op != "remove") {
      if (d.value.empty()) return bad_list("a " + d.op + " without a value");
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
