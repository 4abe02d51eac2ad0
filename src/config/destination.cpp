#include "config/destination.h"

#include <array>
#include <span>

#include "config/json_file.h"
#include "core/spelling.h"

namespace sluice::config {
namespace {

using nlohmann::json;

struct TypeName {
  DestinationType type;
  std::string_view name;
};
constexpr std::array<TypeName, 5> kTypes{{{DestinationType::kSinger, "singer"},
                                          {DestinationType::kJsonl, "jsonl"},
                                          {DestinationType::kSqlite, "sqlite"},
                                          {DestinationType::kAvro, "avro"},
                                          {DestinationType::kPostgres, "postgres"}}};

std::optional<DestinationType> type_from_name(std::string_view name) {
  for (const TypeName& t : kTypes) {
    if (t.name == name) return t.type;
  }
  return std::nullopt;
}

std::string type_list() {
  std::string out;
  for (const TypeName& t : kTypes) {
    if (!out.empty()) out += ", ";
    out += '"';
    out += t.name;
    out += '"';
  }
  return out;
}

std::string shown(const json& v) { return v.dump(-1, ' ', false, json::error_handler_t::replace); }

// What a value is, without its text: a destination section may hold a password.
std::string kind_of(const json& v) {
  if (v.is_string()) return "a string";
  if (v.is_array()) return "an array";
  if (v.is_number()) return "a number";
  if (v.is_boolean()) return "a boolean";
  return "null";
}

// Keys the JSON-lines and SQLite destinations read; avro and postgres have their own parsers
// (destination_options.cpp: an unknown key is an error there, with its own "did you mean").
constexpr const char* kCommonKeys[] = {"type", "report", "report_dir"};
constexpr const char* kJsonlKeys[] = {"type", "report", "report_dir", "path", "max_file_bytes"};
constexpr const char* kSqliteKeys[] = {"type", "report", "report_dir", "path", "deletes"};

std::span<const char* const> known_keys(DestinationType type) {
  if (type == DestinationType::kJsonl) return kJsonlKeys;
  if (type == DestinationType::kSqlite) return kSqliteKeys;
  return kCommonKeys;
}

bool known_key(DestinationType type, const std::string& key) {
  if (type == DestinationType::kAvro || type == DestinationType::kPostgres) return true;
  for (const char* k : known_keys(type)) {
    if (key == k) return true;
  }
  return false;
}

bool needs_path(DestinationType type) {
  return type == DestinationType::kJsonl || type == DestinationType::kSqlite || type == DestinationType::kAvro;
}

/// Reads the typed keys; appends one line per problem to `errors`.
void read_keys(const json& section, const std::string& where, DestinationConfig& out, std::string& errors) {
  auto problem = [&](const std::string& key, const std::string& what, const json& got) {
    errors += where + ": '" + key + "' must be " + what + ", got " + shown(got) + "\n";
  };
  if (auto it = section.find("path"); it != section.end()) {
    if (!it->is_string() || it->get<std::string>().empty()) {
      problem("path", "a non-empty string (a file or directory)", *it);
    } else {
      out.path = it->get<std::string>();
    }
  } else if (needs_path(out.type)) {
    errors += where + ": '" + std::string(destination_type_name(out.type)) +
              "' needs 'path' (the " + (out.type == DestinationType::kSqlite ? "database file" : "output directory") +
              ")\n";
  }
  if (auto it = section.find("deletes"); it != section.end()) {
    if (it->is_string() && it->get<std::string>() == "soft") {
      out.deletes = DeleteMode::kSoft;
    } else if (it->is_string() && it->get<std::string>() == "hard") {
      out.deletes = DeleteMode::kHard;
    } else {
      problem("deletes", "\"soft\" or \"hard\"", *it);
    }
  }
  if (auto it = section.find("max_file_bytes"); it != section.end()) {
    if (it->is_number_unsigned()) {
      out.max_file_bytes = it->get<uint64_t>();
    } else {
      problem("max_file_bytes", "a whole number of bytes (0 = never rotate)", *it);
    }
  }
  if (auto it = section.find("report"); it != section.end()) {
    if (it->is_boolean()) {
      out.report = it->get<bool>();
    } else {
      problem("report", "true or false", *it);
    }
  }
  if (auto it = section.find("report_dir"); it != section.end()) {
    if (it->is_string() && !it->get<std::string>().empty()) {
      out.report_dir = it->get<std::string>();
    } else {
      problem("report_dir", "a non-empty directory path", *it);
    }
  }
}

// The keys of the destinations that have their own (avro, postgres).
core::Status read_sink_keys(const json& section, DestinationConfig& out) {
  if (out.type == DestinationType::kAvro) {
    auto avro = parse_avro_settings(section);
    if (!avro) return core::fail(avro.error());
    out.avro = *avro;
  } else if (out.type == DestinationType::kPostgres) {
    auto pg = parse_postgres_settings(section);
    if (!pg) return core::fail(pg.error());
    out.postgres = std::move(*pg);
  }
  return core::ok();
}

}  // namespace

std::string_view destination_type_name(DestinationType type) {
  for (const TypeName& t : kTypes) {
    if (t.type == type) return t.name;
  }
  return "singer";
}

core::Result<DestinationConfig> parse_destination(const json& section, std::string_view origin) {
  std::string where(origin);
  if (!section.is_object()) {
    return core::fail(
        core::ErrorCode::kConfig,
        where +
            ": the destination must be a JSON object like {\"type\": \"sqlite\", \"path\": \"sluice.db\"}, "
            "not " +
            kind_of(section));
  }
  auto type_it = section.find("type");
  if (type_it == section.end()) {
    return core::fail(core::ErrorCode::kConfig, where + ": 'type' is missing; use one of " + type_list());
  }
  std::optional<DestinationType> type;
  if (type_it->is_string()) type = type_from_name(type_it->get<std::string>());
  if (!type) {
    return core::fail(core::ErrorCode::kConfig,
                      where + ": 'type' must be one of " + type_list() + ", got " + shown(*type_it));
  }
  DestinationConfig out;
  out.type = *type;
  out.origin = where;
  std::string errors;
  read_keys(section, where, out, errors);
  if (!errors.empty()) {
    errors.pop_back();
    return core::fail(core::ErrorCode::kConfig, errors);
  }
  SLUICE_TRY(read_sink_keys(section, out));
  for (const auto& [key, value] : section.items()) {
    if (!known_key(out.type, key)) {
      out.warnings.push_back(where + ": unknown key '" + key + "' for a " +
                             std::string(destination_type_name(out.type)) + " destination is ignored" +
                             core::did_you_mean(key, known_keys(out.type)));
    }
  }
  return out;
}

core::Result<std::optional<DestinationConfig>> destination_from_config(const json& config_doc,
                                                                       std::string_view origin) {
  if (!config_doc.is_object()) return std::optional<DestinationConfig>{};
  auto it = config_doc.find("destination");
  if (it == config_doc.end() || it->is_null()) return std::optional<DestinationConfig>{};
  auto parsed = parse_destination(*it, std::string(origin) + ": destination");
  if (!parsed) return core::fail(parsed.error());
  return std::optional<DestinationConfig>(std::move(*parsed));
}

core::Result<DestinationConfig> parse_destination_arg(std::string_view arg) {
  size_t start = arg.find_first_not_of(" \t\r\n");
  if (start == std::string_view::npos) {
    return core::fail(core::ErrorCode::kInvalidArgument,
                      "--destination is empty; give JSON, a JSON file, or TYPE:PATH such as sqlite:sluice.db");
  }
  if (arg[start] == '{') {
    auto doc = parse_json_text(arg, "--destination");
    if (!doc) return core::fail(doc.error());
    return parse_destination(*doc, "--destination");
  }
  size_t colon = arg.find(':');
  if (colon != std::string_view::npos) {
    if (auto type = type_from_name(arg.substr(0, colon))) {
      json section = json::object();
      section["type"] = std::string(destination_type_name(*type));
      if (colon + 1 < arg.size()) section["path"] = std::string(arg.substr(colon + 1));
      return parse_destination(section, "--destination");
    }
  }
  if (auto type = type_from_name(arg)) {
    json section = json::object();
    section["type"] = std::string(destination_type_name(*type));
    return parse_destination(section, "--destination");
  }
  auto doc = read_json_file(std::string(arg));
  if (!doc) {
    return core::fail(doc.error().code,
                      doc.error().message + " (--destination takes JSON, a JSON file, or TYPE:PATH with TYPE one of " +
                          type_list() + ")");
  }
  return parse_destination(*doc, std::string(arg));
}

}  // namespace sluice::config
