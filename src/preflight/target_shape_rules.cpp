// Rules about what the target must hold of the source: stored functions, name case, collations,
// row size, sql_mode, TIMESTAMP handling, flavour-specific types. See docs/preflight.md.
#include <algorithm>
#include <set>
#include <sstream>
#include <tuple>

#include "mysql/collation_map.h"
#include "preflight/collect_util.h"
#include "preflight/rules.h"
#include "preflight/target_rules.h"

namespace sluice::preflight {
namespace {

using S = CheckStatus;
using Kind = TypeMapping::Kind;

constexpr uint64_t kMaxPacket = 1073741824;  // the largest max_allowed_packet a server accepts

std::string where(const SourceColumn& c) { return c.schema + "." + c.table + "." + c.column; }

std::optional<CheckResult> shape_unreadable(const SourceShape& shape, const std::string& name) {
  if (shape.error.empty()) return std::nullopt;
  return CheckResult{S::kWarning, name, "cannot read the source's column definitions (" + shape.error + ")",
                     "GRANT SELECT ON each replicated database TO the source account"};
}

std::set<std::string> modes_of(const std::string& sql_mode) {
  std::set<std::string> out;
  std::stringstream in(sql_mode);
  for (std::string m; std::getline(in, m, ',');) {
    if (!m.empty()) out.insert(m);
  }
  return out;
}

bool has_upper(const std::string& s) {
  return std::any_of(s.begin(), s.end(), [](char ch) { return ch >= 'A' && ch <= 'Z'; });
}

std::string effective_zone(const ServerFacts& f) {
  std::string zone = f.variable("time_zone").value_or("SYSTEM");
  if (zone == "SYSTEM") zone += " (" + f.variable("system_time_zone").value_or("?") + ")";
  return zone;
}

// A collation the target has instead of `missing`, for the fix.
std::string nearest_collation(const std::string& missing, const ServerFacts& target) {
  if (target.is_mariadb())
    return target.at_least(10, 10) ? "utf8mb4_uca1400_ai_ci" : "utf8mb4_unicode_520_ci";
  return missing.find("uca1400") != std::string::npos ? "utf8mb4_0900_ai_ci" : "utf8mb4_unicode_ci";
}

uint64_t packet_for(uint64_t bytes) {
  uint64_t mb = 1024 * 1024;
  return std::min(kMaxPacket, (bytes + mb - 1) / mb * mb);
}

}  // namespace

CheckResult check_target_function_creators(const TargetFacts& target, const SourceShape& shape,
                                           const TargetRequest& request) {
  const std::string name = "target_function_creators";
  uint64_t functions = 0;
  for (const auto& [db, n] : shape.functions) functions += n;
  if (!request.routines || functions == 0) return {S::kOk, name, "no stored function is replicated", ""};
  const ServerFacts& f = target.server;
  if (f.variable("log_bin").value_or("OFF") != "ON") {
    return {S::kOk, name,
            std::to_string(functions) + " stored function(s) replicated; the target writes no binlog", ""};
  }
  std::string trust = f.variable("log_bin_trust_function_creators").value_or("OFF");
  if (trust == "ON" || trust == "1") {
    return {S::kOk, name, "log_bin_trust_function_creators=ON: stored functions can be created without SUPER",
            ""};
  }
  return {S::kFailed, name,
          std::to_string(functions) +
              " stored function(s) are replicated into a target that writes a binlog: "
              "CREATE FUNCTION without SUPER needs log_bin_trust_function_creators=ON",
          set_variable_fix(f, "log_bin_trust_function_creators", "1", true)};
}

CheckResult check_target_lower_case(const TargetFacts& target, const ServerFacts& source,
                                    const SourceShape& shape) {
  const std::string name = "target_lower_case_table_names";
  auto src = source.variable("lower_case_table_names"),
       dst = target.server.variable("lower_case_table_names");
  if (!src || !dst || *src == *dst) {
    return {S::kOk, name, "lower_case_table_names=" + dst.value_or("?") + " on both servers", ""};
  }
  std::string fix = set_variable_fix(target.server, "lower_case_table_names", *src, false);
  if (!target.server.is_mariadb() && target.server.at_least(8, 0))
    fix += " (MySQL 8.0+: only on a new data directory)";
  std::string detail = "lower_case_table_names differs: source " + *src + ", target " + *dst;
  for (const SourceTable& t : shape.tables) {
    if (!has_upper(t.schema) && !has_upper(t.table)) continue;
    return {S::kFailed, name,
            detail + "; " + t.schema + "." + t.table +
                " has upper-case letters, so its name "
                "would not match on the target",
            fix};
  }
  return {S::kWarning, name,
          detail +
              "; every replicated name is lower case today, a new upper-case one would "
              "not match on the target",
          fix};
}

CheckResult check_target_collations(const TargetFacts& target, const SourceShape& shape) {
  const std::string name = "target_collations";
  if (auto r = shape_unreadable(shape, name)) return *r;
  std::set<std::string> known(target.collations.begin(), target.collations.end());
  std::vector<std::string> missing, mapped;
  const SourceColumn* first = nullptr;
  const mysql::CollationTarget to{target.server.is_mariadb(), target.server.at_least(10, 10)};
  for (const SourceColumn& c : shape.columns) {
    if (c.collation.empty() || known.contains(c.collation)) continue;
    // The applier rewrites it (docs/replication.md): MariaDB lists uca1400 without the charset.
    const mysql::CollationMapping m = mysql::map_collation(c.collation, to);
    if (!m.name.empty() && (known.contains(m.name) || known.contains(m.name.substr(m.name.find('_') + 1)))) {
      mapped.push_back(c.collation + " -> " + m.name + " of " + where(c));
      continue;
    }
    std::string charset = c.collation.substr(0, c.collation.find('_'));
    bool has_charset = std::any_of(known.begin(), known.end(),
                                   [&](const std::string& k) { return k.rfind(charset + "_", 0) == 0; });
    missing.push_back(c.collation + (has_charset ? "" : " (character set " + charset + ")") + " of " +
                      where(c));
    if (first == nullptr) first = &c;
  }
  if (first == nullptr && !mapped.empty()) {
    return {
        S::kWarning, name,
        "replicated DDL is rewritten to the target's nearest collation (NO PAD, a newer UCA): " +
            join_items(mapped, ", ", 5),
        "nothing to change if that order suits the target's readers; else convert the tables on the source"};
  }
  if (first == nullptr) return {S::kOk, name, "the target has every collation of the replicated columns", ""};
  return {S::kFailed, name, "the target lacks " + join_items(missing, ", ", 5),
          "ALTER TABLE " + quote_identifier(first->schema) + "." + quote_identifier(first->table) +
              " CONVERT TO CHARACTER SET utf8mb4 COLLATE " +
              nearest_collation(first->collation, target.server) +
              "; on the source (each table listed), or leave the table out of the pipeline"};
}

CheckResult check_target_packet(const TargetFacts& target, const ServerFacts& source,
                                const SourceShape& shape) {
  const std::string name = "target_max_allowed_packet";
  if (auto r = shape_unreadable(shape, name)) return *r;
  uint64_t dst = detail::to_u64(target.server.variable("max_allowed_packet").value_or("")).value_or(0);
  uint64_t src = detail::to_u64(source.variable("max_allowed_packet").value_or("")).value_or(0);
  const SourceTable* largest = nullptr;
  const SourceTable* unbounded = nullptr;
  for (const SourceTable& t : shape.tables) {
    if (largest == nullptr || t.max_row_bytes > largest->max_row_bytes) largest = &t;
    if (t.unbounded && unbounded == nullptr) unbounded = &t;
  }
  std::string packet = "max_allowed_packet=" + std::to_string(dst);
  if (largest != nullptr && largest->max_row_bytes > dst) {
    return {S::kFailed, name,
            "a row of " + largest->schema + "." + largest->table + " can be " +
                std::to_string(largest->max_row_bytes) +
                " bytes by its column definitions, more than the target's " + packet,
            set_variable_fix(target.server, "max_allowed_packet",
                             std::to_string(packet_for(largest->max_row_bytes)), true)};
  }
  if (unbounded != nullptr && src > dst) {
    return {S::kWarning, name,
            unbounded->schema + "." + unbounded->table +
                " has LONGTEXT/LONGBLOB/JSON columns: its rows can be as "
                "large as the source's max_allowed_packet=" +
                std::to_string(src) + ", more than the target's " + packet,
            set_variable_fix(target.server, "max_allowed_packet", std::to_string(packet_for(src)), true)};
  }
  std::string size = largest == nullptr
                         ? "no replicated table"
                         : "largest row by definition " + std::to_string(largest->max_row_bytes) + " bytes";
  return {S::kOk, name,
          size + (unbounded != nullptr ? " (long columns up to the source's packet)" : "") + ", target's " +
              packet,
          ""};
}

CheckResult check_target_sql_mode(const TargetFacts& target, const ServerFacts& source) {
  const std::string name = "target_sql_mode";
  std::string src_text = source.variable("sql_mode").value_or(""),
              dst_text = target.server.variable("sql_mode").value_or("");
  std::set<std::string> src = modes_of(src_text), dst = modes_of(dst_text);
  if (src == dst) return {S::kOk, name, "sql_mode is the same on both servers ('" + dst_text + "')", ""};
  // Modes that make the target refuse or read differently what the source accepted.
  static const std::vector<std::string> kRisky = {
      "STRICT_TRANS_TABLES", "STRICT_ALL_TABLES",    "NO_ZERO_DATE",           "NO_ZERO_IN_DATE",
      "ANSI_QUOTES",         "NO_BACKSLASH_ESCAPES", "PAD_CHAR_TO_FULL_LENGTH"};
  std::vector<std::string> risky;
  for (const std::string& m : kRisky) {
    if (dst.contains(m) && !src.contains(m)) risky.push_back(m);
  }
  if (risky.empty()) {
    return {S::kInfo, name,
            "sql_mode differs (source '" + src_text + "', target '" + dst_text +
                "') in modes that do not change replicated values",
            ""};
  }
  std::string kept;
  for (const std::string& m : dst) {
    if (std::find(risky.begin(), risky.end(), m) == risky.end()) kept += (kept.empty() ? "" : ",") + m;
  }
  return {S::kWarning, name,
          "the target's sql_mode has " + join_items(risky, ", ") +
              " and the source's has not: rows the source "
              "accepted (zero dates, truncated values) can be "
              "refused or read differently on the target",
          set_variable_fix(target.server, "sql_mode", "'" + kept + "'", true)};
}

CheckResult check_target_time_zone(const TargetFacts& target, const ServerFacts& source,
                                   const SourceShape& shape) {
  const std::string name = "target_timestamps";
  bool timestamps = std::any_of(shape.tables.begin(), shape.tables.end(),
                                [](const SourceTable& t) { return t.has_timestamp; });
  if (!timestamps) return {S::kOk, name, "no TIMESTAMP column replicated", ""};
  const ServerFacts& f = target.server;
  if (source.variable("explicit_defaults_for_timestamp").value_or("ON") == "ON" &&
      f.variable("explicit_defaults_for_timestamp").value_or("ON") == "OFF") {
    return {
        S::kWarning, name,
        "explicit_defaults_for_timestamp=OFF on the target only: a replicated CREATE TABLE gives its first "
        "TIMESTAMP NOT NULL column DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP there",
        set_variable_fix(f, "explicit_defaults_for_timestamp", "ON", true)};
  }
  std::string src = effective_zone(source), dst = effective_zone(f);
  if (src == dst) return {S::kOk, name, "time_zone " + dst + " on both servers", ""};
  return {S::kInfo, name,
          "time_zone differs (source " + src + ", target " + dst +
              "): TIMESTAMP values replicate as the same UTC "
              "instants and each server shows them in its own "
              "zone; DATETIME values are copied as written",
          ""};
}

TypeMapping map_type(const SourceColumn& column, const ServerFacts& source, const ServerFacts& target) {
  const std::string& t = column.data_type;
  bool maria = target.is_mariadb();
  auto none = [](std::string why) { return TypeMapping{Kind::kNone, std::move(why)}; };
  if (t == "json") {
    if (maria && !source.is_mariadb()) {
      return {Kind::kMapped, "LONGTEXT with a JSON_VALID check (MariaDB's JSON): documents arrive as text"};
    }
    return {};
  }
  if (t == "vector") {
    if (!maria && target.at_least(9, 0)) return {};
    if (maria && target.at_least(11, 7)) return {Kind::kMapped, "MariaDB's VECTOR (float32, same length)"};
    return none("the target has no VECTOR type; nearest: VARBINARY of 4 bytes per dimension");
  }
  // Into MySQL the applier writes INET4/INET6 as BINARY(4)/(16): the bytes the binlog carries.
  if (!maria && (t == "inet4" || t == "inet6")) {
    return {Kind::kMapped, std::string(t == "inet4" ? "BINARY(4)" : "BINARY(16)") +
                               " of the address's bytes (INET6_NTOA(column) reads it back)"};
  }
  static const std::vector<std::tuple<std::string, uint32_t, uint32_t, std::string>> kMariaDbTypes = {
      {"uuid", 10, 7, "CHAR(36)"}, {"inet6", 10, 5, "VARCHAR(39)"}, {"inet4", 10, 10, "VARCHAR(15)"}};
  for (const auto& [type, ma, mi, nearest] : kMariaDbTypes) {
    if (t != type) continue;
    if (maria && target.at_least(ma, mi)) return {};
    return none("the target has no " + type + " type (MariaDB " + std::to_string(ma) + "." +
                std::to_string(mi) + "+ only); nearest: " + nearest);
  }
  return {};
}

CheckResult check_target_types(const TargetFacts& target, const ServerFacts& source,
                               const SourceShape& shape) {
  const std::string name = "target_types";
  if (auto r = shape_unreadable(shape, name)) return *r;
  std::vector<std::string> refused, mapped;
  const SourceColumn* first = nullptr;
  std::string first_why;
  for (const SourceColumn& c : shape.columns) {
    TypeMapping m = map_type(c, source, target.server);
    if (m.kind == Kind::kMapped) mapped.push_back(where(c) + " " + c.column_type + " -> " + m.note);
    if (m.kind != Kind::kNone) continue;
    refused.push_back(where(c) + " " + c.column_type);
    if (first == nullptr) first = &c, first_why = m.note;
  }
  if (first != nullptr) {
    return {S::kFailed, name,
            "no faithful mapping on the target for " + join_items(refused, ", ", 5) + ": " + first_why,
            "leave " + first->schema + "." + first->table + " out of the pipeline, or change " +
                quote_identifier(first->column) + " on the source to the nearest type named"};
  }
  if (!mapped.empty()) {
    return {S::kWarning, name, "mapped, not identical: " + join_items(mapped, "; ", 5),
            "nothing to change if these forms suit the target's readers; else leave the tables out"};
  }
  return {S::kOk, name, "every replicated column type exists on the target", ""};
}

}  // namespace sluice::preflight
