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
    if (!msg.is_discarded() && msg.is_object() && msg.value("type", "") == "STATE") last = std::move(msg);
  }
  if (!last) {
    if (text.find_first_not_of(" \t\r\n") == std::string::npos) return State();
    return core::fail(core::ErrorCode::kConfig, path + ": not valid JSON and no STATE message found");
  }
  return parse_state(*last, path);
}

}  // namespace sluice::config
