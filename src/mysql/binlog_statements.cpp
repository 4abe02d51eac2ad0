#include "mysql/binlog_statements.h"

#include <charconv>

#include "mysql/server_status.h"

namespace sluice::mysql {
namespace {

uint64_t to_u64(std::string_view s) {
  uint64_t v = 0;
  std::from_chars(s.data(), s.data() + s.size(), v);
  return v;
}

// The events of one file from `offset` (before `stop` when it is set).
core::Status read_file(Connection& conn, const std::string& file, uint64_t offset,
                       std::optional<uint64_t> stop, const EventVisitor& visit) {
  std::string sql = "SHOW BINLOG EVENTS IN " + conn.quote_string(file) + " FROM " + std::to_string(offset);
  auto result = conn.query_stream(sql);
  if (!result) {
    return core::fail(result.error().with_context(
        "reading the statements of " + file +
        " with SHOW BINLOG EVENTS (it needs REPLICATION SLAVE on MySQL, BINLOG MONITOR on MariaDB)"));
  }
  Row row;
  while (true) {
    auto more = result->next(row);
    if (!more) return core::fail(more.error().with_context("reading the statements of " + file));
    if (!*more) return core::ok();
    if (row.size() < 6 || !row[1] || !row[2] || !row[5]) continue;
    uint64_t pos = to_u64(*row[1]);
    if (stop && pos >= *stop) continue;  // the rest of the file is drained with the result
    SLUICE_TRY(visit(core::BinlogPosition{file, pos}, *row[2], *row[5]));
  }
}

}  // namespace

std::pair<std::string, std::string_view> split_query_info(std::string_view info) {
  constexpr std::string_view kUse = "use `";
  if (info.substr(0, kUse.size()) != kUse) return {std::string(), info};
  std::string db;
  size_t i = kUse.size();
  while (i < info.size()) {
    if (info[i] == '`') {
      if (i + 1 < info.size() && info[i + 1] == '`') {
        db.push_back('`');
        i += 2;
        continue;
      }
      break;
    }
    db.push_back(info[i++]);
  }
  size_t semi = info.find(';', i);
  if (semi == std::string_view::npos) return {std::string(), info};
  std::string_view rest = info.substr(semi + 1);
  while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
  return {db, rest};
}

core::Status read_binlog_statements(Connection& conn, const core::BinlogPosition& from,
                                    const core::BinlogPosition& to, const StatementVisitor& visit) {
  return read_binlog_events(
      conn, from, to, [&](const core::BinlogPosition& at, std::string_view type, std::string_view info) {
        if (type != "Query" && type != "Query_compressed") return core::ok();
        auto [db, statement] = split_query_info(info);
        return visit(at, db, statement);
      });
}

core::Status read_binlog_events(Connection& conn, const core::BinlogPosition& from,
                                const core::BinlogPosition& to, const EventVisitor& visit) {
  if (core::compare_positions(from, to) >= 0) return core::ok();
  auto files = read_binlog_files(conn);
  if (!files) return core::fail(files.error());
  bool started = false;
  for (const BinlogFile& f : *files) {
    if (f.name == from.file) started = true;
    if (!started) continue;
    uint64_t offset = f.name == from.file ? from.offset : 4;
    bool last = f.name == to.file;
    SLUICE_TRY(
        read_file(conn, f.name, offset, last ? std::optional<uint64_t>(to.offset) : std::nullopt, visit));
    if (last) return core::ok();
  }
  if (!started) {
    return core::fail(
        core::ErrorCode::kBinlogPurged,
        "the server no longer has binlog " + from.file + " (reading the statements from " + from.str() + ")");
  }
  return core::ok();
}

}  // namespace sluice::mysql
