// `sluice binlog read FILE...`: binlog files to JSON lines (docs/json-lines.md).
#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdio>
#include <optional>
#include <sstream>

#include "binlog/binlog_files.h"
#include "binlog/change_assembler.h"
#include "binlog/change_printer.h"
#include "binlog/parallel_printer.h"
#include "cli/binlog_stream_command.h"
#include "cli/cli_context.h"
#include "config/job_config.h"
#include "schema/history_resolver.h"
#include "schema/history_setup.h"
#include "schema/history_tracker.h"

namespace sluice::cli {
namespace {

struct ReadArgs {
  std::vector<std::string> files;
  bool verbose = false;
  bool no_ddl = false;
  std::string databases, tables;
  uint64_t start = 0;
  uint64_t stop = ~uint64_t{0};
  std::string schema_from, schema_history;  // docs/schema-changes.md
};

std::vector<std::string> split_list(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream in(s);
  std::string item;
  while (std::getline(in, item, ',')) {
    if (!item.empty()) out.push_back(item);
  }
  return out;
}

void debug_line(void*, std::string_view line) {
  std::fprintf(stderr, "sluice: debug: %.*s\n", static_cast<int>(line.size()), line.data());
}

// The schema history for --schema-from / --schema-history, valid from the first file's start.
core::Result<schema::SchemaHistory> open_read_history(const ReadArgs& a) {
  schema::HistorySetup setup;
  setup.history_path = a.schema_history;
  setup.databases = split_list(a.databases);
  if (!a.schema_from.empty()) {
    auto config = config::load_job_config(a.schema_from);
    if (!config) return core::fail(config.error());
    print_warnings(config->warnings);
    setup.seed_server = config->source.connection;
    if (setup.databases.empty()) setup.databases = config->source.filter_dbs;
  }
  if (a.verbose) setup.debug = [](std::string_view line) { debug_line(nullptr, line); };
  setup.warn = [](std::string_view line) {
    std::fprintf(stderr, "sluice: warning: %.*s\n", static_cast<int>(line.size()), line.data());
  };
  std::string first = a.files.front().substr(a.files.front().rfind('/') + 1);
  return schema::open_history(setup, core::BinlogPosition{first, std::max<uint64_t>(a.start, 4)});
}

int run_read(const ReadArgs& a) {
  binlog::PrinterOptions popts;
  popts.types = a.verbose;
  popts.statements = !a.no_ddl;
  std::optional<binlog::ChangePrinter> serial;
  std::optional<binlog::ParallelPrinter> parallel;
  binlog::AssemblerOptions aopts;
  aopts.databases = split_list(a.databases);
  aopts.tables = split_list(a.tables);
  if (size_t workers = binlog_print_workers(); workers > 0) {
    parallel.emplace(stdout, popts, binlog::ParallelOptions{.workers = workers});
    aopts.rows_sink = &*parallel;
  } else {
    serial.emplace(stdout, popts);
  }
  binlog::ChangeHandler& printer = parallel ? static_cast<binlog::ChangeHandler&>(*parallel) : *serial;
  binlog::DecoderOptions dopts;
  std::optional<schema::SchemaHistory> history;
  std::optional<schema::HistoryResolver> resolver;
  std::optional<schema::HistoryTracker> tracker;
  if (!a.schema_from.empty() || !a.schema_history.empty()) {
    auto h = open_read_history(a);
    if (!h) return report_error(h.error());
    history.emplace(std::move(*h));
    resolver.emplace(*history);
    tracker.emplace(*history, printer);
    dopts.resolver = &*resolver;
  }
  binlog::PreparedXa prepared;  // two-phase XA transactions, printed at their XA COMMIT
  aopts.prepared_xa = &prepared;
  binlog::ChangeAssembler assembler(tracker ? static_cast<binlog::ChangeHandler&>(*tracker) : printer, aopts);
  if (a.verbose) dopts.debug = debug_line;
  // Rows events' CRC32 checked by the workers (before any later line is written). Not with
  // --verbose: its debug lines for later events would reach stderr before a mismatch.
  if (parallel && !a.verbose) dopts.checksum_sink = &*parallel;
  binlog::EventDecoder decoder(dopts);
  binlog::FileReadOptions fopts{a.start, a.stop};
  auto s = binlog::read_binlog_files(a.files, fopts, decoder, assembler);
  if (s) s = assembler.finish();
  auto f = parallel ? parallel->finish() : serial->flush();
  // The workers' error (a row, the output) comes first in stream order.
  if (!f && parallel) return report_error(f.error());
  if (!s) return report_error(s.error());
  if (!f) return report_error(f.error());
  for (const binlog::PreparedXa::Txn* t = prepared.oldest(); t != nullptr; t = prepared.oldest()) {
    std::fprintf(
        stderr,
        "sluice: XA transaction %s prepared at %s:%llu has no XA COMMIT or XA ROLLBACK in the files read: "
        "its %zu rows events are not printed\n",
        t->xid.c_str(), t->file.c_str(), static_cast<unsigned long long>(t->begin_pos), t->rows.size());
    binlog::PreparedXa::Txn gone;
    prepared.take(t->xid, gone);
  }
  if (history && !a.schema_history.empty()) {
    auto saved = history->save(a.schema_history);
    if (!saved) return report_error(saved.error());
  }
  return kExitOk;
}

}  // namespace

void register_binlog(CLI::App& app, CliContext& ctx) {
  auto* cmd = app.add_subcommand("binlog", "Binlog tools: decode binlog files to JSON lines");
  cmd->require_subcommand(1);
  auto args = std::make_shared<ReadArgs>();
  auto* read = cmd->add_subcommand("read", "Print the row changes of binlog FILEs as JSON lines (docs/json-lines.md)");
  read->add_option("FILE", args->files, "binlog files, in order")->required();
  read->add_flag("--verbose", args->verbose, "add \"types\" to each line; debug lines for skipped events on stderr");
  read->add_option("--databases", args->databases, "only these databases (comma-separated)");
  read->add_option("--tables", args->tables, "only these tables, as db.table (comma-separated)");
  read->add_option("--start-position", args->start, "skip events before this position of the first file");
  read->add_option("--stop-position", args->stop, "stop at the first event at or past this position of the last file");
  read->add_flag("--no-ddl", args->no_ddl, "do not print statements (op \"ddl\")");
  read->add_option("--schema-from", args->schema_from,
                   "CONFIG: seed the schema history by discovery on this server (its schema must be the one at the "
                   "start position); names columns when binlog_row_metadata is MINIMAL");
  read->add_option("--schema-history", args->schema_history,
                   "FILE: load the schema history from FILE (or seed it with --schema-from), save it back after");
  read->callback([&ctx, args] { ctx.exit_code = run_read(*args); });
  add_binlog_stream(*cmd, ctx);
}

}  // namespace sluice::cli
