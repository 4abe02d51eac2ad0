#pragma once
// Where sluice's catalog for the reference schema (tests/data/tap_reference/schema.sql) differs
// from the Singer MySQL tap's (data/catalog.discovered.json), column by column, as
// docs/types.md documents. Shared by unit_schema and integration_discover.

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

namespace sluice::test {

using OJson = nlohmann::ordered_json;

/// The tap's catalog for the reference schema (MariaDB 10.11).
inline OJson tap_reference_catalog() {
  std::ifstream in(std::string(SLUICE_SOURCE_DIR) + "/tests/data/tap_reference/catalog.discovered.json");
  std::stringstream ss;
  ss << in.rdbuf();
  return OJson::parse(ss.str());
}

/// Column name -> sluice's schema property where the tap drops or mistypes the type.
inline std::map<std::string, OJson> sluice_property_differences() {
  auto str = [](OJson extra) {
    OJson p = {{"inclusion", "available"}};
    for (auto& [k, v] : extra.items()) p[k] = v;
    p["type"] = {"null", "string"};
    return p;
  };
  return {
      // TIME: "-838:59:59" is no date-time; the tap's format makes it a 1970 date.
      {"c_time", str(OJson::object())},
      {"c_time6", str(OJson::object())},
      // Dropped by the tap ("unsupported"), mapped by sluice.
      {"c_year", OJson{{"inclusion", "available"}, {"minimum", 0}, {"maximum", 2155}, {"type", {"null", "integer"}}}},
      {"c_binary", str(OJson{{"contentEncoding", "base64"}})},
      {"c_varbinary", str(OJson{{"contentEncoding", "base64"}})},
      {"c_blob", str(OJson{{"contentEncoding", "base64"}})},
      {"c_set", str(OJson{{"maxLength", 5}})},
      {"c_point", str(OJson::object())},
      // BIT(8) is a number, not a boolean (the tap turns 0xAA into true).
      {"c_bit8", OJson{{"inclusion", "available"}, {"minimum", 0}, {"maximum", 255}, {"type", {"null", "integer"}}}},
      // MariaDB JSON (LONGTEXT + json_valid CHECK): a JSON value, not a string.
      {"c_json",
       OJson{{"inclusion", "available"}, {"type", {"null", "object", "array", "string", "number", "boolean"}}}},
  };
}

/// `tap_stream` with sluice's documented differences applied (schema and selected-by-default).
inline OJson expected_sluice_stream(const OJson& tap_stream) {
  OJson s = tap_stream;
  auto diffs = sluice_property_differences();
  for (auto& [name, prop] : s["schema"]["properties"].items()) {
    if (auto it = diffs.find(name); it != diffs.end()) prop = it->second;
  }
  for (auto& m : s["metadata"]) {
    if (m["breadcrumb"].size() == 2 && diffs.contains(m["breadcrumb"][1].get<std::string>())) {
      m["metadata"]["selected-by-default"] = true;
    }
  }
  return s;
}

}  // namespace sluice::test
