#include "binlog/values/json_diff.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <string>
#include <vector>

#include "binlog/values/json_binary.h"
#include "core/json_writer.h"

namespace sluice::binlog::values {
namespace {

using Json = nlohmann::ordered_json;

struct PathLeg {
  bool is_member = false;
  std::string key;         ///< member name
  bool from_last = false;  ///< [last-n]
  size_t index = 0;        ///< [n] or the n of [last-n]
};

core::Status corrupt(const std::string& why) {
  return core::fail(core::ErrorCode::kCorrupt, "PARTIAL_JSON diff: " + why, false, true);
}

// Parses a quoted member name (JSON string syntax) starting at path[i] == '"'.
bool parse_quoted(std::string_view path, size_t& i, std::string& key) {
  size_t j = i + 1;
  while (j < path.size() && path[j] != '"') j += (path[j] == '\\') ? 2 : 1;
  if (j >= path.size()) return false;
  Json parsed = Json::parse(path.substr(i, j + 1 - i), nullptr, false);
  if (parsed.is_discarded() || !parsed.is_string()) return false;
  key = parsed.get<std::string>();
  i = j + 1;
  return true;
}

bool parse_index(std::string_view path, size_t& i, PathLeg& leg) {
  size_t close = path.find(']', i);
  if (close == std::string_view::npos) return false;
  std::string_view body = path.substr(i + 1, close - i - 1);
  while (!body.empty() && body.front() == ' ') body.remove_prefix(1);
  while (!body.empty() && body.back() == ' ') body.remove_suffix(1);
  if (body.starts_with("last")) {
    leg.from_last = true;
    body.remove_prefix(4);
    while (!body.empty() && body.front() == ' ') body.remove_prefix(1);
    if (body.empty()) {
      i = close + 1;
      return true;
    }
    if (body.front() != '-') return false;
    body.remove_prefix(1);
    while (!body.empty() && body.front() == ' ') body.remove_prefix(1);
  }
  if (body.empty() || body.size() > 10) return false;
  size_t n = 0;
  for (char c : body) {
    if (c < '0' || c > '9') return false;
    n = n * 10 + static_cast<size_t>(c - '0');
  }
  leg.index = n;
  i = close + 1;
  return true;
}

bool parse_path(std::string_view path, std::vector<PathLeg>& legs) {
  size_t i = 0;
  while (i < path.size() && path[i] == ' ') ++i;
  if (i >= path.size() || path[i] != '$') return false;
  ++i;
  while (i < path.size()) {
    PathLeg leg;
    if (path[i] == '.') {
      ++i;
      leg.is_member = true;
      if (i < path.size() && path[i] == '"') {
        if (!parse_quoted(path, i, leg.key)) return false;
      } else {
        size_t start = i;
        while (i < path.size() && path[i] != '.' && path[i] != '[') ++i;
        if (i == start) return false;
        leg.key = std::string(path.substr(start, i - start));
      }
    } else if (path[i] == '[') {
      if (!parse_index(path, i, leg)) return false;
    } else if (path[i] == ' ') {
      ++i;
      continue;
    } else {
      return false;
    }
    legs.push_back(std::move(leg));
  }
  return true;
}

// Array position of `leg` in an array of `size` elements (size for "past the end").
size_t array_position(const PathLeg& leg, size_t size) {
  if (!leg.from_last) return std::min(leg.index, size);
  return leg.index + 1 > size ? size : size - 1 - leg.index;
}

// The node that `legs` name, or nullptr when absent.
Json* locate(Json& doc, std::span<const PathLeg> legs) {
  Json* node = &doc;
  for (const PathLeg& leg : legs) {
    if (leg.is_member) {
      if (!node->is_object()) return nullptr;
      auto it = node->find(leg.key);
      if (it == node->end()) return nullptr;
      node = &*it;
    } else {
      // MySQL treats a scalar as a one-element array for [0].
      if (!node->is_array()) {
        if (array_position(leg, 1) != 0) return nullptr;
        continue;
      }
      size_t pos = array_position(leg, node->size());
      if (pos >= node->size()) return nullptr;
      node = &(*node)[pos];
    }
  }
  return node;
}

core::Status apply_one(Json& doc, const JsonDiff& diff) {
  std::vector<PathLeg> legs;
  if (!parse_path(diff.path, legs)) return corrupt("unparsable path '" + std::string(diff.path) + "'");
  Json value;
  if (diff.op != JsonDiffOp::kRemove) {
    std::string text;
    SLUICE_TRY(json_binary_value_to_text(diff.value_type, diff.value, text));
    value = Json::parse(text, nullptr, false);
    if (value.is_discarded()) return corrupt("value is not JSON");
  }
  if (legs.empty()) {
    if (diff.op != JsonDiffOp::kReplace) return corrupt("INSERT/REMOVE of the whole document");
    doc = std::move(value);
    return core::ok();
  }
  const std::string where = " at '" + std::string(diff.path) + "'";
  std::span<const PathLeg> all(legs);
  Json* parent = locate(doc, all.first(all.size() - 1));
  if (parent == nullptr) return corrupt("path not in the before document" + where);
  const PathLeg& last = legs.back();
  if (last.is_member) {
    if (!parent->is_object()) return corrupt("member of a non-object" + where);
    auto it = parent->find(last.key);
    if (diff.op == JsonDiffOp::kRemove) {
      if (it == parent->end()) return corrupt("removed member absent" + where);
      parent->erase(it);
    } else if (diff.op == JsonDiffOp::kReplace && it == parent->end()) {
      return corrupt("replaced member absent" + where);
    } else {
      (*parent)[last.key] = std::move(value);
    }
    return core::ok();
  }
  if (!parent->is_array()) {
    if (diff.op == JsonDiffOp::kReplace && array_position(last, 1) == 0) {
      *parent = std::move(value);
      return core::ok();
    }
    return corrupt("array element of a non-array" + where);
  }
  size_t pos = array_position(last, parent->size());
  if (diff.op == JsonDiffOp::kInsert) {
    parent->insert(parent->begin() + static_cast<long>(pos), std::move(value));
    return core::ok();
  }
  if (pos >= parent->size()) return corrupt("array element absent" + where);
  if (diff.op == JsonDiffOp::kRemove) {
    parent->erase(parent->begin() + static_cast<long>(pos));
  } else {
    (*parent)[pos] = std::move(value);
  }
  return core::ok();
}

// Compact JSON text with MySQL's member order and number forms (json_append_double_mysql: as
// json_binary.cpp writes the whole document).
void write(const Json& j, std::string& out) {
  switch (j.type()) {
    case Json::value_t::object: {
      std::vector<const std::string*> keys;
      for (auto it = j.begin(); it != j.end(); ++it) keys.push_back(&it.key());
      std::sort(keys.begin(), keys.end(), [](const std::string* a, const std::string* b) {
        return a->size() != b->size() ? a->size() < b->size() : *a < *b;
      });
      out.push_back('{');
      for (size_t i = 0; i < keys.size(); ++i) {
        if (i) out.push_back(',');
        core::json_append_string(out, *keys[i]);
        out.push_back(':');
        write(j.at(*keys[i]), out);
      }
      out.push_back('}');
      return;
    }
    case Json::value_t::array:
      out.push_back('[');
      for (size_t i = 0; i < j.size(); ++i) {
        if (i) out.push_back(',');
        write(j[i], out);
      }
      out.push_back(']');
      return;
    case Json::value_t::string: core::json_append_string(out, j.get_ref<const std::string&>()); return;
    case Json::value_t::boolean: out.append(j.get<bool>() ? "true" : "false"); return;
    case Json::value_t::number_integer: core::json_append_int(out, j.get<int64_t>()); return;
    case Json::value_t::number_unsigned: core::json_append_uint(out, j.get<uint64_t>()); return;
    case Json::value_t::number_float:
      core::json_append_double_mysql(out, j.get<double>());
      return;
    default: out.append("null"); return;
  }
}

}  // namespace

core::Status render_json_diffs(std::span<const JsonDiff> diffs, core::Arena& arena, core::Value& out) {
  static constexpr const char* kOpNames[] = {"replace", "insert", "remove"};
  std::string text = "[";
  for (const JsonDiff& diff : diffs) {
    if (text.size() > 1) text.push_back(',');
    auto op = static_cast<size_t>(diff.op);
    if (op >= std::size(kOpNames)) return corrupt("unknown operation " + std::to_string(op));
    text.append("{\"op\":\"").append(kOpNames[op]).append("\",\"path\":");
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
  std::string_view text = before.kind == core::ValueKind::kJson ? before.text : "null";
  if (text.empty()) text = "null";
  Json doc = Json::parse(text, nullptr, false);
  if (doc.is_discarded()) return corrupt("before document is not JSON");
  for (const JsonDiff& diff : diffs) SLUICE_TRY(apply_one(doc, diff));
  std::string result;
  write(doc, result);
  out = core::Value::with_text(core::ValueKind::kJson, arena.copy(result));
  return core::ok();
}

}  // namespace sluice::binlog::values
