#include "change/json_diff.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <span>
#include <vector>

#include "core/json_writer.h"

namespace sluice::change {
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

// A number with a fraction or exponent keeps its text (DECIMAL 1.50 inside a MySQL document stays
// 1.50, a double 1e300 stays 1e300): it is held as a binary value, which JSON text never parses
// to, and written back as that text. Integers are exact in nlohmann's own types.
Json raw_number(const std::string& text) {
  return Json::binary(std::vector<uint8_t>(text.begin(), text.end()));
}

// nlohmann's SAX interface building the document as its DOM parser does, numbers kept (above).
class KeepNumbers {
 public:
  using number_integer_t = Json::number_integer_t;
  using number_unsigned_t = Json::number_unsigned_t;
  using number_float_t = Json::number_float_t;
  using string_t = Json::string_t;
  using binary_t = Json::binary_t;

  bool null() { return put(Json()); }
  bool boolean(bool v) { return put(Json(v)); }
  bool number_integer(number_integer_t v) { return put(Json(v)); }
  bool number_unsigned(number_unsigned_t v) { return put(Json(v)); }
  bool number_float(number_float_t, const string_t& text) { return put(raw_number(text)); }
  bool string(string_t& v) { return put(Json(std::move(v))); }
  bool binary(binary_t&) { return false; }
  bool start_object(size_t) { return open(Json::object()); }
  bool key(string_t& k) {
    member_ = &(*open_.back())[k];
    return true;
  }
  bool end_object() { return close(); }
  bool start_array(size_t) { return open(Json::array()); }
  bool end_array() { return close(); }
  bool parse_error(size_t, const std::string&, const nlohmann::detail::exception&) { return false; }

  Json root;

 private:
  // A child is the last element of its parent, which gains no element until the child closes:
  // the pointers on open_ stay valid.
  Json* place(Json v) {
    if (open_.empty()) {
      root = std::move(v);
      return &root;
    }
    Json& parent = *open_.back();
    if (parent.is_array()) {
      parent.push_back(std::move(v));
      return &parent.back();
    }
    *member_ = std::move(v);
    return member_;
  }
  bool put(Json v) {
    place(std::move(v));
    return true;
  }
  bool open(Json v) {
    open_.push_back(place(std::move(v)));
    return true;
  }
  bool close() {
    open_.pop_back();
    return true;
  }
  std::vector<Json*> open_;
  Json* member_ = nullptr;
};

// Parses JSON text keeping its numbers' text; discarded when it is not JSON.
Json parse_keeping_numbers(std::string_view text) {
  KeepNumbers sax;
  if (!Json::sax_parse(text.begin(), text.end(), &sax)) return Json(Json::value_t::discarded);
  return std::move(sax.root);
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

core::Status apply_one(Json& doc, JsonDiffOp op, std::string_view path, std::string_view value_text) {
  std::vector<PathLeg> legs;
  if (!parse_path(path, legs)) return corrupt("unparsable path '" + std::string(path) + "'");
  Json value;
  if (op != JsonDiffOp::kRemove) {
    value = parse_keeping_numbers(value_text);
    if (value.is_discarded()) return corrupt("value is not JSON");
  }
  if (legs.empty()) {
    if (op != JsonDiffOp::kReplace) return corrupt("INSERT/REMOVE of the whole document");
    doc = std::move(value);
    return core::ok();
  }
  const std::string where = " at '" + std::string(path) + "'";
  std::span<const PathLeg> all(legs);
  Json* parent = locate(doc, all.first(all.size() - 1));
  if (parent == nullptr) return corrupt("path not in the before document" + where);
  const PathLeg& last = legs.back();
  if (last.is_member) {
    if (!parent->is_object()) return corrupt("member of a non-object" + where);
    auto it = parent->find(last.key);
    if (op == JsonDiffOp::kRemove) {
      if (it == parent->end()) return corrupt("removed member absent" + where);
      parent->erase(it);
    } else if (op == JsonDiffOp::kReplace && it == parent->end()) {
      return corrupt("replaced member absent" + where);
    } else {
      (*parent)[last.key] = std::move(value);
    }
    return core::ok();
  }
  if (!parent->is_array()) {
    if (op == JsonDiffOp::kReplace && array_position(last, 1) == 0) {
      *parent = std::move(value);
      return core::ok();
    }
    return corrupt("array element of a non-array" + where);
  }
  size_t pos = array_position(last, parent->size());
  if (op == JsonDiffOp::kInsert) {
    parent->insert(parent->begin() + static_cast<long>(pos), std::move(value));
    return core::ok();
  }
  if (pos >= parent->size()) return corrupt("array element absent" + where);
  if (op == JsonDiffOp::kRemove) {
    parent->erase(parent->begin() + static_cast<long>(pos));
  } else {
    (*parent)[pos] = std::move(value);
  }
  return core::ok();
}

// Compact JSON text with MySQL's member order and number forms (json_append_double_mysql, as
// binlog/values/json_binary.cpp writes a whole document).
void write_json(const Json& j, std::string& out) {
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
        write_json(j.at(*keys[i]), out);
      }
      out.push_back('}');
      return;
    }
    case Json::value_t::array:
      out.push_back('[');
      for (size_t i = 0; i < j.size(); ++i) {
        if (i) out.push_back(',');
        write_json(j[i], out);
      }
      out.push_back(']');
      return;
    case Json::value_t::string:
      core::json_append_string(out, j.get_ref<const std::string&>());
      return;
    case Json::value_t::boolean:
      out.append(j.get<bool>() ? "true" : "false");
      return;
    case Json::value_t::number_integer:
      core::json_append_int(out, j.get<int64_t>());
      return;
    case Json::value_t::number_unsigned:
      core::json_append_uint(out, j.get<uint64_t>());
      return;
    case Json::value_t::number_float:
      core::json_append_double_mysql(out, j.get<double>());
      return;
    case Json::value_t::binary: {
      const auto& text = j.get_binary();
      out.append(text.begin(), text.end());
      return;
    }
    default:
      out.append("null");
      return;
  }
}

}  // namespace

std::string_view json_diff_op_name(JsonDiffOp op) {
  switch (op) {
    case JsonDiffOp::kReplace:
      return "replace";
    case JsonDiffOp::kInsert:
      return "insert";
    case JsonDiffOp::kRemove:
      return "remove";
  }
  return "unknown";
}

struct JsonDocument::Impl {
  Json doc;
};

JsonDocument::JsonDocument() : impl_(std::make_unique<Impl>()) {}
JsonDocument::~JsonDocument() = default;
JsonDocument::JsonDocument(JsonDocument&&) noexcept = default;
JsonDocument& JsonDocument::operator=(JsonDocument&&) noexcept = default;

core::Result<JsonDocument> JsonDocument::parse(std::string_view text) {
  JsonDocument d;
  if (text.empty()) text = "null";
  d.impl_->doc = parse_keeping_numbers(text);
  if (d.impl_->doc.is_discarded()) return core::fail(corrupt("the document is not JSON").error());
  return d;
}

core::Status JsonDocument::apply(JsonDiffOp op, std::string_view path, std::string_view value) {
  return apply_one(impl_->doc, op, path, value);
}

void JsonDocument::write(std::string& out) const { write_json(impl_->doc, out); }

core::Result<std::vector<JsonDiff>> parse_json_diff_list(std::string_view diff_list) {
  Json list = parse_keeping_numbers(diff_list);
  if (list.is_discarded() || !list.is_array())
    return core::fail(corrupt("the diff list is not a JSON array").error());
  std::vector<JsonDiff> diffs;
  for (const Json& d : list) {
    if (!d.is_object() || !d.contains("op") || !d["op"].is_string() || !d.contains("path") ||
        !d["path"].is_string()) {
      return core::fail(corrupt("a diff without op and path").error());
    }
    const std::string& name = d["op"].get_ref<const std::string&>();
    JsonDiff diff;
    if (name == "insert") {
      diff.op = JsonDiffOp::kInsert;
    } else if (name == "remove") {
      diff.op = JsonDiffOp::kRemove;
    } else if (name != "replace") {
      return core::fail(corrupt("unknown operation '" + name + "'").error());
    }
    diff.path = d["path"].get<std::string>();
    if (diff.op != JsonDiffOp::kRemove) {
      if (!d.contains("value")) return core::fail(corrupt("a " + name + " without a value").error());
      write_json(d["value"], diff.value);
    }
    diffs.push_back(std::move(diff));
  }
  return diffs;
}

core::Result<std::string> apply_json_diff_list(std::string_view document, std::string_view diff_list) {
  auto diffs = parse_json_diff_list(diff_list);
  if (!diffs) return core::fail(diffs.error());
  auto doc = JsonDocument::parse(document);
  if (!doc) return core::fail(doc.error());
  for (const JsonDiff& d : *diffs) SLUICE_TRY(doc->apply(d.op, d.path, d.value));
  std::string out;
  doc->write(out);
  return out;
}

}  // namespace sluice::change
