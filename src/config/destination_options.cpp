// The keys of the Avro and PostgreSQL destinations (see destination.h): typed here, so the sinks
// take typed options. Messages name the destination type and the key, as the sinks' did.
#include "config/destination.h"
#include "core/spelling.h"

namespace sluice::config {
namespace {

using nlohmann::json;

// Keys config reads for every destination (destination.cpp), allowed beside a sink's own.
bool shared_key(const std::string& key) { return key == "report" || key == "report_dir" || key == "deletes"; }

core::Status avro_error(const std::string& msg) {
  return core::fail(core::ErrorCode::kConfig, "avro destination: " + msg);
}

core::Result<uint64_t> read_positive(const json& o, const char* key, uint64_t dflt) {
  auto it = o.find(key);
  if (it == o.end()) return dflt;
  if (!it->is_number_integer() || it->get<int64_t>() <= 0) {
    return core::fail(avro_error(std::string("'") + key + "' must be a positive integer").error());
  }
  return it->get<uint64_t>();
}

core::Status pg_error(const std::string& msg) {
  return core::fail(core::ErrorCode::kConfig, "postgres destination: " + msg);
}

core::Status read_string(const json& o, const char* key, std::string& out) {
  auto it = o.find(key);
  if (it == o.end()) return core::ok();
  if (it->is_number_integer()) {
    out = std::to_string(it->get<int64_t>());
    return core::ok();
  }
  if (!it->is_string()) return pg_error(std::string("'") + key + "' must be a string");
  out = it->get<std::string>();
  return core::ok();
}

core::Status read_optional(const json& o, const char* key, std::optional<std::string>& out) {
  if (!o.contains(key)) return core::ok();
  std::string v;
  SLUICE_TRY(read_string(o, key, v));
  out = std::move(v);
  return core::ok();
}

core::Status read_pg_numbers(const json& o, PostgresSettings& out) {
  // The shared `deletes` ("soft"/"hard", checked by parse_destination) wins over `hard_delete`.
  if (auto it = o.find("deletes"); it != o.end() && it->is_string()) {
    out.hard_delete = *it == "hard";
  } else if (auto hd = o.find("hard_delete"); hd != o.end()) {
    if (!hd->is_boolean()) return pg_error("'hard_delete' must be true or false");
    out.hard_delete = hd->get<bool>();
  }
  if (auto it = o.find("batch_bytes"); it != o.end()) {
    if (!it->is_number_integer() || it->get<int64_t>() <= 0) {
      return pg_error("'batch_bytes' must be a positive integer");
    }
    out.batch_bytes = it->get<uint64_t>();
  }
  if (auto it = o.find("connect_timeout"); it != o.end()) {
    if (!it->is_number_integer() || it->get<int64_t>() < 0 || it->get<int64_t>() > 3600) {
      return pg_error("'connect_timeout' must be seconds between 0 and 3600");
    }
    out.connect_timeout_s = static_cast<int>(it->get<uint64_t>());
  }
  return core::ok();
}

}  // namespace

core::Result<AvroSettings> parse_avro_settings(const json& section) {
  if (!section.is_object()) return core::fail(avro_error("options must be an object").error());
  static const char* kKeys[] = {"type", "path", "codec", "block_bytes", "max_file_bytes"};
  for (auto it = section.begin(); it != section.end(); ++it) {
    bool known = shared_key(it.key());
    for (const char* k : kKeys) known = known || it.key() == k;
    if (!known) {
      return core::fail(avro_error("unknown option '" + it.key() +
                                   "' (known: path, codec, block_bytes, max_file_bytes)" +
                                   core::did_you_mean(it.key(), kKeys))
                            .error());
    }
  }
  auto path = section.find("path");
  if (path == section.end() || !path->is_string() || path->get<std::string>().empty()) {
    return core::fail(avro_error("'path' (the output directory) is required").error());
  }
  AvroSettings out;
  if (auto codec = section.find("codec"); codec != section.end()) {
    if (*codec != "deflate" && *codec != "null")
      return core::fail(avro_error("'codec' must be \"deflate\" or \"null\"").error());
    out.deflate = *codec == "deflate";
  }
  auto block = read_positive(section, "block_bytes", out.block_bytes);
  if (!block) return core::fail(block.error());
  out.block_bytes = *block;
  auto max_file = read_positive(section, "max_file_bytes", out.max_file_bytes);
  if (!max_file) return core::fail(max_file.error());
  out.max_file_bytes = *max_file;
  return out;
}

core::Result<PostgresSettings> parse_postgres_settings(const json& section) {
  if (!section.is_object()) return core::fail(pg_error("options must be an object").error());
  static const char* kKeys[] = {"type",   "host",        "port",        "user",     "password",
                                "dbname", "database",    "sslmode",     "conninfo", "integration_name",
                                "schema", "hard_delete", "batch_bytes", "state_id", "connect_timeout"};
  for (auto it = section.begin(); it != section.end(); ++it) {
    bool known = shared_key(it.key());
    for (const char* k : kKeys) known = known || it.key() == k;
    if (!known)
      return core::fail(
          pg_error("unknown option '" + it.key() + "'" + core::did_you_mean(it.key(), kKeys)).error());
  }
  PostgresSettings out;
  SLUICE_TRY(read_optional(section, "host", out.host));
  SLUICE_TRY(read_optional(section, "port", out.port));
  SLUICE_TRY(read_string(section, "user", out.user));
  SLUICE_TRY(read_string(section, "password", out.password));
  SLUICE_TRY(read_string(section, "database", out.dbname));
  SLUICE_TRY(read_string(section, "dbname", out.dbname));
  SLUICE_TRY(read_string(section, "sslmode", out.sslmode));
  SLUICE_TRY(read_string(section, "conninfo", out.conninfo));
  SLUICE_TRY(read_string(section, "integration_name", out.integration_name));
  SLUICE_TRY(read_string(section, "schema", out.schema));
  SLUICE_TRY(read_string(section, "state_id", out.state_id));
  if (out.state_id.empty()) return core::fail(pg_error("'state_id' must not be empty").error());
  SLUICE_TRY(read_pg_numbers(section, out));
  if (out.conninfo.empty() && out.user.empty())
    return core::fail(pg_error("'user' (or 'conninfo') is required").error());
  return out;
}

}  // namespace sluice::config
