#include "config/catalog.h"

#include "config/json_file.h"

namespace sluice::config {
namespace {

using nlohmann::json;

core::Error bad(std::string_view origin, const std::string& where, const std::string& what) {
  return core::Error{core::ErrorCode::kConfig, std::string(origin) + ": " + where + ": " + what};
}

std::optional<bool> opt_bool(const json& md, const char* key) {
  auto it = md.find(key);
  if (it == md.end() || !it->is_boolean()) return std::nullopt;
  return it->get<bool>();
}

std::optional<std::string> opt_string(const json& md, const char* key) {
  auto it = md.find(key);
  if (it == md.end() || !it->is_string()) return std::nullopt;
  return it->get<std::string>();
}

core::Result<std::vector<std::string>> string_list(const json& md, const char* key, std::string_view origin,
                                                   const std::string& where) {
  std::vector<std::string> out;
  auto it = md.find(key);
  if (it == md.end() || it->is_null()) return out;
  if (!it->is_array()) return core::fail(bad(origin, where, std::string("'") + key + "' must be a list of column names"));
  for (const json& v : *it) {
    if (!v.is_string()) return core::fail(bad(origin, where, std::string("'") + key + "' must hold strings"));
    out.push_back(v.get<std::string>());
  }
  return out;
}

core::Status apply_table_metadata(CatalogStream& s, const json& md, std::string_view origin,
                                  const std::string& where) {
  if (auto v = opt_bool(md, "selected")) s.selected = *v;
  if (auto v = opt_bool(md, "is-view")) s.is_view = *v;
  if (auto v = opt_string(md, "database-name")) s.database = *v;
  s.replication_method = opt_string(md, "replication-method");
  s.replication_key = opt_string(md, "replication-key");
  auto rc = md.find("row-count");
  if (rc != md.end() && rc->is_number_integer() && rc->get<int64_t>() >= 0) s.row_count = rc->get<uint64_t>();
  auto tkp = string_list(md, "table-key-properties", origin, where);
  if (!tkp) return core::fail(tkp.error());
  auto vkp = string_list(md, "view-key-properties", origin, where);
  if (!vkp) return core::fail(vkp.error());
  s.has_view_key_properties = md.contains("view-key-properties");
  s.key_properties = s.is_view || tkp->empty() ? (vkp->empty() ? *tkp : *vkp) : *tkp;
  return core::ok();
}

CatalogColumn& column_named(CatalogStream& s, const std::string& name) {
  for (CatalogColumn& c : s.columns) {
    if (c.name == name) return c;
  }
  s.columns.push_back(CatalogColumn{});
  s.columns.back().name = name;
  return s.columns.back();
}

core::Status apply_metadata(CatalogStream& s, const json& metadata, std::string_view origin, const std::string& where) {
  if (metadata.is_null()) return core::ok();
  if (!metadata.is_array()) return core::fail(bad(origin, where, "'metadata' must be a list"));
  for (const json& entry : metadata) {
    if (!entry.is_object()) return core::fail(bad(origin, where, "each metadata entry must be an object"));
    auto bc = entry.find("breadcrumb");
    auto md = entry.find("metadata");
    if (bc == entry.end() || !bc->is_array() || md == entry.end() || !md->is_object()) {
      return core::fail(bad(origin, where, "a metadata entry needs 'breadcrumb' (list) and 'metadata' (object)"));
    }
    if (bc->empty()) {
      SLUICE_TRY(apply_table_metadata(s, *md, origin, where));
      continue;
    }
    if (bc->size() != 2 || !(*bc)[0].is_string() || !(*bc)[1].is_string()) continue;  // nested: ignored
    CatalogColumn& c = column_named(s, (*bc)[1].get<std::string>());
    c.selected = opt_bool(*md, "selected");
    c.selected_by_default = opt_bool(*md, "selected-by-default");
    if (auto inc = opt_string(*md, "inclusion")) c.inclusion = *inc;
    if (auto t = opt_string(*md, "sql-datatype")) c.sql_datatype = *t;
  }
  return core::ok();
}

core::Result<CatalogStream> parse_stream(const json& js, size_t index, std::string_view origin) {
  std::string where = "stream #" + std::to_string(index + 1);
  if (!js.is_object()) return core::fail(bad(origin, where, "must be an object"));
  CatalogStream s;
  if (auto v = opt_string(js, "tap_stream_id")) s.tap_stream_id = *v;
  if (auto v = opt_string(js, "table_name")) s.table_name = *v;
  if (auto v = opt_string(js, "stream")) s.stream = *v;
  if (s.table_name.empty()) s.table_name = s.stream;
  if (s.stream.empty()) s.stream = s.table_name;
  if (s.tap_stream_id.empty() || s.table_name.empty()) {
    return core::fail(bad(origin, where, "needs 'tap_stream_id' and 'table_name' (or 'stream')"));
  }
  where = "stream '" + s.tap_stream_id + "'";
  auto schema = js.find("schema");
  if (schema != js.end() && schema->is_object()) {
    if (auto sel = opt_bool(*schema, "selected")) s.selected = *sel;  // legacy catalogs
    auto props = schema->find("properties");
    if (props != schema->end() && props->is_object()) {
      for (auto it = props->begin(); it != props->end(); ++it) {
        CatalogColumn& c = column_named(s, it.key());
        c.schema = it.value();
        if (it.value().is_object()) {
          if (auto inc = opt_string(it.value(), "inclusion")) c.inclusion = *inc;
          if (auto sel = opt_bool(it.value(), "selected")) c.selected = *sel;
        }
      }
    }
  }
  auto md = js.find("metadata");
  if (md != js.end()) SLUICE_TRY(apply_metadata(s, *md, origin, where));
  if (s.database.empty()) {
    // Older catalogs carry no database-name: the tap_stream_id is "db-table".
    std::string suffix = "-" + s.table_name;
    if (s.tap_stream_id.size() > suffix.size() &&
        s.tap_stream_id.compare(s.tap_stream_id.size() - suffix.size(), suffix.size(), suffix) == 0) {
      s.database = s.tap_stream_id.substr(0, s.tap_stream_id.size() - suffix.size());
    }
  }
  return s;
}

}  // namespace

const CatalogColumn* CatalogStream::find_column(std::string_view name) const {
  for (const CatalogColumn& c : columns) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

bool column_selected(const CatalogColumn& column) {
  if (column.inclusion == "automatic") return true;
  if (column.selected) return *column.selected;
  if (column.inclusion == "unsupported") return false;
  if (column.selected_by_default) return *column.selected_by_default;
  return true;
}

core::Result<Catalog> parse_catalog(const nlohmann::json& doc, std::string_view origin) {
  if (!doc.is_object() || !doc.contains("streams") || !doc["streams"].is_array()) {
    return core::fail(core::ErrorCode::kConfig,
                      std::string(origin) + ": not a Singer catalog: expected {\"streams\": [...]} "
                                            "(write one with 'sluice discover')");
  }
  Catalog catalog;
  const json& streams = doc["streams"];
  for (size_t i = 0; i < streams.size(); ++i) {
    auto s = parse_stream(streams[i], i, origin);
    if (!s) return core::fail(s.error());
    catalog.streams.push_back(std::move(*s));
  }
  return catalog;
}

core::Result<Catalog> load_catalog(const std::string& path) {
  auto doc = read_json_file(path);
  if (!doc) return core::fail(doc.error());
  return parse_catalog(*doc, path);
}

}  // namespace sluice::config
