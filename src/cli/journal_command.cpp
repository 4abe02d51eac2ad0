// `sluice journal dump|verify`: the durable transaction log (docs/transaction-log.md).
#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdio>
#include <memory>

#include "binlog/change_printer.h"
#include "cli/cli_context.h"
#include "core/json_writer.h"
#include "journal/reader.h"
#include "journal/verify.h"

namespace sluice::cli {
namespace {

struct JournalArgs {
  std::string dir;
  uint64_t from_lsn = 1;
};

// The decoder's table description for a journal table, so the lines print exactly as
// `binlog read` prints them (keys are the recorded column names).
binlog::TableLayoutPtr layout_of(const journal::RecordTable& t, size_t columns) {
  auto layout = std::make_shared<binlog::TableLayout>();
  layout->db = std::string(t.db);
  layout->table = std::string(t.table);
  layout->columns.resize(columns);
  for (size_t i = 0; i < columns; ++i) {
    layout->columns[i].key = i < t.columns.size() ? std::string(t.columns[i]) : "@" + std::to_string(i + 1);
  }
  return layout;
}

// A record without changes (every change filtered out): one line so its position shows.
void append_empty(std::string& out, const change::Transaction& txn) {
  out.append("{\"file\":");
  core::json_append_string(out, txn.file);
  out.append(",\"pos\":");
  core::json_append_uint(out, txn.begin_pos);
  out.append(",\"end_pos\":");
  core::json_append_uint(out, txn.end_pos);
  out.append(",\"gtid\":");
  if (txn.gtid.empty())
    out.append("null");
  else
    core::json_append_string(out, txn.gtid);
  out.append(",\"ts\":");
  binlog::append_commit_time(out, txn);
  out.append(",\"op\":\"commit\"}\n");
}

// The JSON lines of one record, each `{"lsn":N,` + the line `binlog read` prints.
void append_record_lines(std::string& out, const journal::Record& r, binlog::ChangePrinter& statements) {
  std::string& lines = statements.buffer();
  lines.clear();
  for (const journal::RecordEntry& e : r.entries) {
    if (e.is_statement) {
      binlog::StatementChange s{&r.txn, e.statement.pos, e.statement.db, e.statement.sql, nullptr};
      (void)statements.on_statement(s);
      continue;
    }
    size_t columns = std::max(e.row.before.size(), e.row.after.size());
    if (!e.row.before.empty()) columns = std::min(columns, e.row.before.size());
    if (!e.row.after.empty()) columns = std::min(columns, e.row.after.size());
    binlog::ChangePrinter::append_row(lines, e.row, *layout_of(r.tables[e.table], columns), false);
  }
  if (r.entries.empty()) append_empty(lines, r.txn);
  const std::string prefix = "{\"lsn\":" + std::to_string(r.lsn) + ",";
  size_t at = 0;
  while (at < lines.size()) {
    const size_t eol = lines.find('\n', at);
    out.append(prefix).append(lines, at + 1, eol - at);
    at = eol + 1;
  }
  lines.clear();
}

bool write_out(std::string& out) {
  const bool good = std::fwrite(out.data(), 1, out.size(), stdout) == out.size();
  out.clear();
  return good;
}

int run_dump(const JournalArgs& a) {
  auto reader = journal::Reader::open(a.dir, a.from_lsn);
  if (!reader) return report_error(reader.error());
  binlog::ChangePrinter statements(nullptr, binlog::PrinterOptions{false, true});
  std::string out;
  const core::Error write_failed{core::ErrorCode::kIo, "writing output failed"};
  for (;;) {
    auto r = (*reader)->next();
    if (!r) {
      (void)write_out(out);  // the lines before the damage stay valid
      return report_error(r.error());
    }
    if (*r == nullptr) break;
    append_record_lines(out, **r, statements);
    if (out.size() >= (size_t{1} << 20) && !write_out(out)) return report_error(write_failed);
  }
  if (!write_out(out) || std::fflush(stdout) != 0) return report_error(write_failed);
  return kExitOk;
}

int run_verify(const JournalArgs& a) {
  auto report = journal::verify_log(a.dir);
  if (!report) return report_error(report.error());
  for (const std::string& p : report->problems) std::printf("%s\n", p.c_str());
  if (!report->problems.empty()) {
    std::fprintf(stderr, "sluice: error: journal %s: %zu problem(s), listed above\n", a.dir.c_str(),
                 report->problems.size());
    return kExitFailure;
  }
  const journal::ResumePoint& rp = report->resume;
  std::printf(
      "journal %s: ok: %zu segment(s), %llu bytes, LSN %llu..%llu, applied LSN %llu, resume at %s%s%s\n",
      a.dir.c_str(), report->segments, static_cast<unsigned long long>(report->bytes),
      static_cast<unsigned long long>(report->first_lsn), static_cast<unsigned long long>(report->last_lsn),
      static_cast<unsigned long long>(report->applied_lsn),
      rp.position.empty() ? "(start)" : rp.position.str().c_str(), rp.gtids.empty() ? "" : ", GTIDs ",
      rp.gtids.str().c_str());
  return kExitOk;
}

}  // namespace

void register_journal(CLI::App& app, CliContext& ctx) {
  auto* cmd = app.add_subcommand(
      "journal", "The durable transaction log of `sluice replicate` (docs/transaction-log.md)");
  cmd->require_subcommand(1);
  auto args = std::make_shared<JournalArgs>();
  auto* dump = cmd->add_subcommand(
      "dump", "Print the log's records as JSON lines (the lines of binlog read, with \"lsn\")");
  dump->add_option("--dir", args->dir, "the log directory")->required();
  dump->add_option("--from-lsn", args->from_lsn, "start at this log sequence number (default 1)");
  dump->callback([&ctx, args] { ctx.exit_code = run_dump(*args); });
  auto* verify = cmd->add_subcommand(
      "verify", "Check a log: segment headers, CRCs, the LSN sequence; one line per problem");
  verify->add_option("--dir", args->dir, "the log directory")->required();
  verify->callback([&ctx, args] { ctx.exit_code = run_verify(*args); });
}

}  // namespace sluice::cli
