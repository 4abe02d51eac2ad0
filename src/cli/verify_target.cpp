#include "cli/verify_target.h"

#include <thread>

#include "mysql/binlog_statements.h"
#include "mysql/server_status.h"
#include "replicate/row_writer.h"
#include "replicate/target_tables.h"
#include "schema/discovery.h"
#include "verify/table_verify.h"

namespace sluice::cli {
namespace {

constexpr size_t kKeysPerQuery = 200;
constexpr unsigned kNoSuchTable = 1146;
// Events of the source's binlog read past the target's position before giving up on proving
// that they hold nothing followed.
constexpr uint64_t kGapEvents = 100000;

/// The applier's own session for DML (replicate/applier.cpp): zero dates and a source's 0 in an
/// AUTO_INCREMENT column taken as they are, no foreign key checks (rows arrive in source order).
constexpr const char* kRepairSession[] = {
    "SET SESSION sql_mode = 'NO_AUTO_VALUE_ON_ZERO,NO_ENGINE_SUBSTITUTION'",
    "SET SESSION foreign_key_checks = 0",
    "START TRANSACTION",
};

bool named(const std::set<std::string>& tables, const schema::TableSchema& t) {
  return tables.empty() || tables.contains(t.database + "." + t.name) || tables.contains(t.stream_id());
}

/// The before image of a delete by key: the key's values, the other columns absent.
std::vector<core::Value> key_image(const verify::TableJob& job, const verify::RowDiff& d) {
  std::vector<core::Value> image(job.columns.size(), core::Value::absent());
  for (size_t i = 0; i < job.columns.size(); ++i) {
    const schema::ColumnSchema& c = job.table->columns[job.columns[i]];
    if (auto v = d.key.find(c.name); v != d.key.end()) image[i] = verify::key_value(c, *v);
  }
  return image;
}

core::Status write_repair(mysql::Connection& source, const verify::TableJob& job,
                          const replicate::TargetTable& table, std::span<const verify::RowDiff> diffs,
                          replicate::RowWriter& writer, verify::RepairCounts& counts) {
  std::vector<nlohmann::ordered_json> keys;
  for (const verify::RowDiff& d : diffs) {
    if (d.kind != verify::RowDiff::Kind::kMissing) {
      change::RowChange row;
      row.op = change::Op::kDelete;
      std::vector<core::Value> image = key_image(job, d);
      row.before = image;
      SLUICE_TRY(writer.add(table, row));
      counts.deleted += d.kind == verify::RowDiff::Kind::kExtra ? 1 : 0;
    }
    if (d.kind != verify::RowDiff::Kind::kExtra) keys.push_back(d.key);
  }
  SLUICE_TRY(writer.flush());
  for (size_t at = 0; at < keys.size(); at += kKeysPerQuery) {
    std::span<const nlohmann::ordered_json> batch(keys.data() + at,
                                                  std::min(kKeysPerQuery, keys.size() - at));
    SLUICE_TRY(verify::read_source_keys(source, job, batch, [&](std::span<const core::Value> values) {
      change::RowChange row;
      row.op = change::Op::kInsert;
      row.after = values;
      ++counts.written;
      return writer.add(table, row);
    }));
    SLUICE_TRY(writer.flush());
  }
  return core::ok();
}

}  // namespace

ReplicaTarget::ReplicaTarget(std::unique_ptr<mysql::Connection> conn, const config::TargetConfig& target,
                             const config::ReplicateSettings& settings)
    : conn_(std::move(conn)), filter_(settings.include, settings.exclude, settings.rename) {
  position_sql_ = "SELECT source_file, source_pos FROM " +
                  mysql::Connection::quote_identifier(target.position_schema) +
                  ".`apply_position` WHERE name = " + conn_->quote_string(settings.name);
}

core::Result<ReplicaTarget> ReplicaTarget::connect(const config::TargetConfig& target,
                                                   const config::ReplicateSettings& settings) {
  auto conn = mysql::Connection::connect(target.connection);
  if (!conn) return core::fail(conn.error().with_context("connecting to the target"));
  return ReplicaTarget(std::move(*conn), target, settings);
}

core::Result<std::vector<schema::TableSchema>> ReplicaTarget::followed_tables(
    mysql::Connection& source, const std::set<std::string>& tables) const {
  schema::DiscoveryOptions options;
  options.databases = filter_.exact_databases();
  auto found = schema::discover(source, options);
  if (!found) return core::fail(found.error());
  std::vector<schema::TableSchema> out;
  for (auto& t : *found) {
    if (!t.is_view && filter_.follows(t.database, t.name) && named(tables, t)) out.push_back(std::move(t));
  }
  return out;
}

schema::TableSchema ReplicaTarget::table_for(const schema::TableSchema& source) const {
  schema::TableSchema t = source;
  t.database = std::string(filter_.target_db(source.database));
  return t;
}

core::Result<std::optional<core::BinlogPosition>> ReplicaTarget::applied() {
  auto rows = conn_->query(position_sql_);
  if (!rows) {
    if (conn_->last_errno() == kNoSuchTable) return std::optional<core::BinlogPosition>();
    return core::fail(rows.error().with_context("reading the target's position table"));
  }
  if (rows->empty() || !rows->front()[0] || rows->front()[0]->empty()) {
    return std::optional<core::BinlogPosition>();
  }
  return std::optional<core::BinlogPosition>(
      core::BinlogPosition{*rows->front()[0], std::stoull(rows->front()[1].value_or("0"))});
}

core::Result<bool> ReplicaTarget::gap_is_unfollowed(mysql::Connection& source,
                                                    const core::BinlogPosition& from,
                                                    const core::BinlogPosition& to) const {
  uint64_t events = 0;
  bool followed = false;
  core::Status st = mysql::read_binlog_events(
      source, from, to, [&](const core::BinlogPosition&, std::string_view type, std::string_view info) {
        if (++events > kGapEvents) followed = true;
        if (type == "Table_map") {
          // "table_id: 92 (db.table)"
          size_t open = info.rfind('(');
          std::string_view name = open == std::string_view::npos ? info : info.substr(open + 1);
          if (!name.empty() && name.back() == ')') name.remove_suffix(1);
          size_t dot = name.find('.');
          followed = followed || dot == std::string_view::npos ||
                     filter_.follows(name.substr(0, dot), name.substr(dot + 1));
        } else if (type == "Query" || type == "Query_compressed") {
          auto [db, sql] = mysql::split_query_info(info);
          // Transaction brackets only; any other statement (DDL) may be followed: assume it is.
          followed =
              followed || !(sql.starts_with("BEGIN") || sql.starts_with("COMMIT") || sql.starts_with("XA "));
        }
        return followed ? core::fail(core::ErrorCode::kCancelled, "followed") : core::ok();
      });
  if (followed) return false;
  if (!st)
    return core::fail(st.error().with_context("reading the source's binlog after the target's position"));
  return true;
}

core::Result<bool> ReplicaTarget::caught_up(mysql::Connection& source, std::chrono::milliseconds wait) {
  auto end = mysql::read_binlog_status(source);
  if (!end) return core::fail(end.error());
  const auto deadline = std::chrono::steady_clock::now() + wait;
  for (;;) {
    auto at = applied();
    if (!at) return core::fail(at.error());
    if (!*at || core::compare_positions(**at, end->position) >= 0) return true;
    // The extractor logs a transaction of nothing followed only now and then (an empty record):
    // behind the binlog's end by such transactions alone, the target holds everything.
    auto unfollowed = gap_is_unfollowed(source, **at, end->position);
    if (!unfollowed) return core::fail(unfollowed.error());
    if (*unfollowed) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
}

core::Result<verify::RepairCounts> ReplicaTarget::repair(mysql::Connection& source,
                                                         const verify::TableJob& job,
                                                         std::span<const verify::RowDiff> diffs) {
  replicate::TargetTables tables;
  auto table = tables.get(*conn_, std::string(filter_.target_db(job.table->database)), job.table->name);
  if (!table) return core::fail(table.error());
  for (const char* sql : kRepairSession) SLUICE_TRY(conn_->execute(sql));
  replicate::RowWriter writer(*conn_);
  verify::RepairCounts counts;
  core::Status written = write_repair(source, job, **table, diffs, writer, counts);
  if (!written) {
    writer.reset();
    (void)conn_->execute("ROLLBACK");
    return core::fail(written.error().with_context("repairing " + job.table->stream_id() + " (rolled back)"));
  }
  SLUICE_TRY(conn_->execute("COMMIT"));
  return counts;
}

}  // namespace sluice::cli
