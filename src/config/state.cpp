#include "config/state.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace sluice::config {

using nlohmann::ordered_json;

State::State() : doc_(ordered_json::object()) {
  doc_["currently_syncing"] = nullptr;
  doc_["bookmarks"] = ordered_json::object();
}

std::optional<std::string> State::currently_syncing() const {
  auto it = doc_.find("currently_syncing");
  if (it == doc_.end() || !it->is_string()) return std::nullopt;
  return it->get<std::string>();
}

void State::set_currently_syncing(std::optional<std::string> stream_id) {
  if (stream_id) {
    doc_["currently_syncing"] = *stream_id;
  } else {
    doc_["currently_syncing"] = nullptr;
  }
}

ordered_json& State::bookmark(const std::string& stream_id) {
  ordered_json& b = doc_["bookmarks"][stream_id];
  if (!b.is_object()) b = ordered_json::object();
  return b;
}

const ordered_json* State::find_bookmark(const std::string& stream_id) const {
  auto bs = doc_.find("bookmarks");
  if (bs == doc_.end() || !bs->is_object()) return nullptr;
  auto it = bs->find(stream_id);
  if (it == bs->end() || !it->is_object()) return nullptr;
  return &*it;
}

void State::clear(const std::string& stream_id, std::string_view key) {
  auto bs = doc_.find("bookmarks");
  if (bs == doc_.end() || !bs->is_object()) return;
  auto it = bs->find(stream_id);
  if (it != bs->end() && it->is_object()) it->erase(std::string(key));
}

void State::keep_only(const std::string& stream_id, std::initializer_list<std::string_view> keys) {
  ordered_json& b = bookmark(stream_id);
  ordered_json kept = ordered_json::object();
  for (auto it = b.begin(); it != b.end(); ++it) {
    for (std::string_view k : keys) {
      if (it.key() == k) kept[it.key()] = it.value();
    }
  }
  b = std::move(kept);
}

std::string State::dump() const { return doc_.dump(-1, ' ', false, ordered_json::error_handler_t::replace); }

namespace {

// The JSON type names a user reads in an error.
const char* type_name(const ordered_json& v) {
  switch (v.type()) {
    case ordered_json::value_t::null:
      return "null";
    case ordered_json::value_t::boolean:
      return "a boolean";
    case ordered_json::value_t::string:
      return "a string";
    case ordered_json::value_t::array:
      return "an array";
    case ordered_json::value_t::object:
      return "an object";
    case ordered_json::value_t::number_float:
      return "a fractional number";
    default:
      return v.is_number() ? "a number" : "something else";
  }
}

// The bookmark keys sluice and the tap read, with the JSON type each must have. A wrong type
// would otherwise surface as a JSON library exception deep in the job.
struct KeyRule {
  const char* key;
  const char* expected;
  bool (*fits)(const ordered_json&);
};

constexpr KeyRule kBookmarkKeys[] = {
    {"version", "an integer", [](const ordered_json& v) { return v.is_number_integer(); }},
    {"initial_full_table_complete", "true or false", [](const ordered_json& v) { return v.is_boolean(); }},
    {"initial_binlog_complete", "true or false", [](const ordered_json& v) { return v.is_boolean(); }},
    {"log_file", "a string (a binlog file name)", [](const ordered_json& v) { return v.is_string(); }},
    {"log_pos", "a non-negative integer", [](const ordered_json& v) { return v.is_number_unsigned(); }},
    {"gtid", "a string or null", [](const ordered_json& v) { return v.is_string() || v.is_null(); }},
    {"replication_key", "a string (a column name)", [](const ordered_json& v) { return v.is_string(); }},
    {"replication_key_value", "a string, number, boolean or null",
     [](const ordered_json& v) { return v.is_primitive(); }},
    {"last_pk_fetched", "an object of key column values",
     [](const ordered_json& v) { return v.is_object(); }},
    {"max_pk_values", "an object of key column values", [](const ordered_json& v) { return v.is_object(); }},
    {"sluice_columns", "an array of [name, type, ...] arrays",
     [](const ordered_json& v) {
       if (!v.is_array()) return false;
       for (const auto& c : v) {
         if (!c.is_array() || c.size() < 2 || !c[0].is_string() || !c[1].is_string()) return false;
       }
       return true;
     }},
};

// A key's value inside a key object (last_pk_fetched, max_pk_values) is a column value.
bool scalar_values(const ordered_json& v) {
  for (const auto& [k, x] : v.items()) {
    if (!x.is_primitive()) return false;
  }
  return true;
}

core::Status check_bookmark_types(const ordered_json& bookmarks, std::string_view origin) {
  auto bad = [&](const std::string& where, const char* expected, const ordered_json& got) {
    return core::fail(core::ErrorCode::kConfig,
                      std::string(origin) + ": " + where + " must be " + expected + ", not " +
                          type_name(got) +
                          " (fix or remove the value, or start the stream over with 'sluice reset')");
  };
  for (const auto& [stream, b] : bookmarks.items()) {
    if (!b.is_object()) return bad("the bookmark of '" + stream + "'", "an object", b);
    for (const KeyRule& rule : kBookmarkKeys) {
      auto it = b.find(rule.key);
      if (it == b.end()) continue;
      std::string where = "'" + std::string(rule.key) + "' in the bookmark of '" + stream + "'";
      if (!rule.fits(*it)) return bad(where, rule.expected, *it);
      if (it->is_object() && !scalar_values(*it)) return bad(where, "an object of column values", *it);
    }
  }
  return core::ok();
}

}  // namespace

core::Result<State> parse_state(const ordered_json& doc, std::string_view origin) {
  const ordered_json* value = &doc;
  if (doc.is_object() && doc.contains("type") && doc.contains("value")) value = &doc["value"];
  if (value->is_null()) return State();
  if (!value->is_object()) {
    return core::fail(core::ErrorCode::kConfig, std::string(origin) + ": a Singer state must be a JSON object");
  }
  State state;
  state.doc_ = *value;
  if (!state.doc_.contains("bookmarks") || state.doc_["bookmarks"].is_null()) {
    state.doc_["bookmarks"] = ordered_json::object();
  }
  if (!state.doc_["bookmarks"].is_object()) {
    return core::fail(core::ErrorCode::kConfig, std::string(origin) + ": 'bookmarks' must be an object");
  }
  if (!state.doc_.contains("currently_syncing")) state.doc_["currently_syncing"] = nullptr;
  if (const auto& cs = state.doc_["currently_syncing"]; !cs.is_string() && !cs.is_null()) {
    return core::fail(core::ErrorCode::kConfig, std::string(origin) +
                                                    ": 'currently_syncing' must be a stream id "
                                                    "string or null, not " +
                                                    type_name(cs));
  }
  if (auto st = check_bookmark_types(state.doc_["bookmarks"], origin); !st) return core::fail(st.error());
  return state;
}

core::Result<State> load_state(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return core::fail(core::ErrorCode::kConfig,
                      "cannot read " + path + ": " + std::strerror(errno) + " (check the path)");
  }
  std::stringstream buf;
  buf << in.rdbuf();
  std::string text = buf.str();
  auto doc = ordered_json::parse(text, nullptr, false);
  if (!doc.is_discarded()) return parse_state(doc, path);
  // Several lines (captured stdout of a job): the last STATE message wins.
  std::istringstream lines(text);
  std::string line;
  std::optional<ordered_json> last;
  while (std::getline(lines, line)) {
    auto msg = ordered_json::parse(line, nullptr, false);
    if (msg.is_discarded() || !msg.is_object()) continue;
    auto type = msg.find("type");  // any line may be any JSON: 'type' need not be a string
    if (type != msg.end() && type->is_string() && *type == "STATE") last = std::move(msg);
  }
  if (!last) {
    if (text.find_first_not_of(" \t\r\n") == std::string::npos) return State();
    return core::fail(core::ErrorCode::kConfig, path + ": not valid JSON and no STATE message found");
  }
  return parse_state(*last, path);
}

}  // namespace sluice::config
