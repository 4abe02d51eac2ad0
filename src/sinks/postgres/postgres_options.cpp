// Destination options of the PostgreSQL sink and its factory.
#include "core/spelling.h"
#include "sinks/postgres/pg_ddl.h"
#include "sinks/postgres/postgres_sink.h"

namespace sluice::sinks {
namespace {

core::Status config_error(const std::string& msg) {
  return core::fail(core::ErrorCode::kConfig, "postgres destination: " + msg);
}

core::Status read_string(const nlohmann::json& o, const char* key, std::string& out) {
  auto it = o.find(key);
  if (it == o.end()) return core::ok();
  if (it->is_number_integer()) {
    out = std::to_string(it->get<int64_t>());
    return core::ok();
  }
  if (!it->is_string()) return config_error(std::string("'") + key + "' must be a string");
  out = it->get<std::string>();
  return core::ok();
}

}  // namespace

core::Result<PostgresSinkOptions> parse_postgres_options(const nlohmann::json& options) {
  if (!options.is_object()) return core::fail(config_error("options must be an object").error());
  static const char* kKeys[] = {"type",   "host",        "port",       "user",     "password",
                                "dbname", "database",    "sslmode",    "conninfo", "integration_name",
                                "schema", "hard_delete", "batch_bytes", "state_id", "connect_timeout"};
  for (auto it = options.begin(); it != options.end(); ++it) {
    bool known = false;
    for (const char* k : kKeys) known = known || it.key() == k;
    if (!known)
      return core::fail(
          config_error("unknown option '" + it.key() + "'" + core::did_you_mean(it.key(), kKeys)).error());
  }
  PostgresSinkOptions out;
  pg::PgConnectOptions& c = out.connect;
  SLUICE_TRY(read_string(options, "host", c.host));
  SLUICE_TRY(read_string(options, "port", c.port));
  SLUICE_TRY(read_string(options, "user", c.user));
  SLUICE_TRY(read_string(options, "password", c.password));
  SLUICE_TRY(read_string(options, "database", c.dbname));
  SLUICE_TRY(read_string(options, "dbname", c.dbname));
  SLUICE_TRY(read_string(options, "sslmode", c.sslmode));
  SLUICE_TRY(read_string(options, "conninfo", c.conninfo));
  std::string integration;
  SLUICE_TRY(read_string(options, "integration_name", integration));
  SLUICE_TRY(read_string(options, "schema", out.schema));
  if (out.schema.empty() && !integration.empty()) out.schema = pg::schema_name_for(integration);
  out.schema = pg::pg_identifier(out.schema);  // PostgreSQL would cut a longer name silently
  SLUICE_TRY(read_string(options, "state_id", out.state_id));
  if (out.state_id.empty()) return core::fail(config_error("'state_id' must not be empty").error());
  if (auto it = options.find("hard_delete"); it != options.end()) {
    if (!it->is_boolean()) return core::fail(config_error("'hard_delete' must be true or false").error());
    out.hard_delete = it->get<bool>();
  }
  if (auto it = options.find("batch_bytes"); it != options.end()) {
    if (!it->is_number_integer() || it->get<int64_t>() <= 0) {
      return core::fail(config_error("'batch_bytes' must be a positive integer").error());
    }
    out.batch_bytes = static_cast<size_t>(it->get<uint64_t>());
  }
  if (auto it = options.find("connect_timeout"); it != options.end()) {
    if (!it->is_number_integer() || it->get<int64_t>() < 0 || it->get<int64_t>() > 3600) {
      return core::fail(config_error("'connect_timeout' must be seconds between 0 and 3600").error());
    }
    c.connect_timeout_s = static_cast<int>(it->get<uint64_t>());
  }
  if (c.conninfo.empty() && c.user.empty()) {
    return core::fail(config_error("'user' (or 'conninfo') is required").error());
  }
  return out;
}

core::Result<std::unique_ptr<Sink>> make_postgres_sink(const nlohmann::json& options) {
  auto parsed = parse_postgres_options(options);
  if (!parsed) return core::fail(parsed.error());
  auto sink = PostgresSink::open(std::move(*parsed));
  if (!sink) return core::fail(sink.error());
  return std::unique_ptr<Sink>(std::move(*sink));
}

}  // namespace sluice::sinks
