#pragma once
// Helpers shared by the `binlog stream` integration tests: binlog positions and GTID state read
// with the server's own client, configs with a server_id, the ids of printed row changes.
#include <chrono>
#include <functional>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "core/binlog_position.h"
#include "support/test_servers.h"
#include "support/test_util.h"

namespace sluice::test {

inline std::string status_sql(const ServerInfo& s) {
  return s.is_mysql() ? "SHOW BINARY LOG STATUS" : "SHOW MASTER STATUS";
}

inline core::BinlogPosition current_pos(const ServerInfo& s) {
  auto lines = split_lines(admin_sql(s, status_sql(s)));
  if (lines.empty()) throw std::runtime_error("no binlog status on " + s.name);
  auto tab = lines[0].find('\t');
  auto tab2 = lines[0].find('\t', tab + 1);
  return {lines[0].substr(0, tab), std::stoull(lines[0].substr(tab + 1, tab2 - tab - 1))};
}

inline std::string gtid_state(const ServerInfo& s) {
  auto lines =
      split_lines(admin_sql(s, s.is_mysql() ? "SELECT @@global.gtid_executed" : "SELECT @@gtid_binlog_pos"));
  std::string out;
  for (const auto& l : lines) out += l;  // MySQL wraps long sets over lines
  return out;
}

inline std::string config_for(const ServerInfo& s, uint32_t server_id, const std::string& extra = "") {
  std::string fields = "\"server_id\": " + std::to_string(server_id);
  if (!extra.empty()) fields += ", " + extra;
  return write_config(s, fields);
}

inline std::string from_arg(const core::BinlogPosition& p) { return p.str(); }

// Row-change lines of table `table` → the "id" of each (after image, or before for deletes).
inline std::vector<int64_t> ids_of(const std::vector<std::string>& lines, const std::string& table) {
  std::vector<int64_t> ids;
  for (const auto& l : lines) {
    auto j = nlohmann::json::parse(l, nullptr, false);
    if (j.is_discarded() || !j.contains("table") || j["table"] != table) continue;
    const auto& img = j["op"] == "delete" ? j["before"] : j["after"];
    // Column names come with binlog_row_metadata=FULL; "@1" is the first column otherwise.
    ids.push_back(img.contains("id") ? img["id"].get<int64_t>() : img["@1"].get<int64_t>());
  }
  return ids;
}

inline std::vector<int64_t> iota_ids(int64_t from, int64_t to) {
  std::vector<int64_t> v;
  for (int64_t i = from; i <= to; ++i) v.push_back(i);
  return v;
}

// Polls `done` every 20 ms until it holds or `seconds` pass; returns whether it held.
inline bool wait_for(const std::function<bool()>& done, int seconds) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return true;
}

}  // namespace sluice::test
