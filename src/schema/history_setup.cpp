#include "schema/history_setup.h"

#include <sys/stat.h>

#include "mysql/connection.h"
#include "schema/discovery.h"

namespace sluice::schema {
namespace {

bool file_exists(const std::string& path) {
  struct stat st {};
  return !path.empty() && ::stat(path.c_str(), &st) == 0;
}

core::Result<SchemaHistory> seed_from_server(const HistorySetup& setup, const core::BinlogPosition& start) {
  auto conn = mysql::Connection::connect(*setup.seed_server);
  if (!conn) return core::fail(conn.error());
  HistoryOptions options;
  options.databases = setup.databases;
  options.debug = setup.debug;
  options.warn = setup.warn;
  DiscoveryOptions discovery;
  discovery.databases = options.databases;
  auto tables = discover(**conn, discovery);
  if (!tables) return core::fail(tables.error().with_context("seeding the schema history"));
  SchemaHistory history(std::move(options));
  history.seed(std::move(*tables), start);
  return history;
}

}  // namespace

core::Result<SchemaHistory> open_history(const HistorySetup& setup, const core::BinlogPosition& start) {
  if (file_exists(setup.history_path)) {
    HistoryOptions options;
    options.debug = setup.debug;
    options.warn = setup.warn;
    auto loaded = SchemaHistory::load(setup.history_path, std::move(options));
    if (!loaded) return loaded;
    if (core::compare_positions(loaded->seeded_at(), start) > 0) {
      return core::fail(core::ErrorCode::kSchemaMismatch,
                        "the schema history " + setup.history_path + " starts at " + loaded->seeded_at().str() +
                            ", after " + start.str() + "; seed a new one at or before the start position");
    }
    return loaded;
  }
  if (!setup.seed_server) {
    return core::fail(core::ErrorCode::kInvalidArgument,
                      "no schema history at '" + setup.history_path + "'; give --schema-from CONFIG to seed one");
  }
  return seed_from_server(setup, start);
}

}  // namespace sluice::schema
