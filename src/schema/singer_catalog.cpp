#include "schema/singer_catalog.h"

#include <algorithm>

#include "schema/json_schema.h"
#include "schema/type_mapping.h"

namespace sluice::schema {
namespace {

using Json = nlohmann::ordered_json;

Json breadcrumb_entry(Json breadcrumb, Json metadata) {
  Json e = Json::object();
  e["breadcrumb"] = std::move(breadcrumb);
  e["metadata"] = std::move(metadata);
  return e;
}

Json table_metadata(const TableSchema& t) {
  Json m = Json::object();
  m["selected-by-default"] = false;
  m["database-name"] = t.database;
  if (!t.is_view && t.row_count) m["row-count"] = *t.row_count;
  m["is-view"] = t.is_view;
  if (!t.is_view) {
    // The tap lists key columns in column order, not key order; so do we, for identical catalogs.
    Json keys = Json::array();
    for (const ColumnSchema& c : t.columns) {
      if (t.in_primary_key(c.name)) keys.push_back(c.name);
    }
    m["table-key-properties"] = std::move(keys);
  }
  // A view has no binlog and, without an orderable column, no replication key either:
  // Full Table is then the only method that can work.
  if (t.is_view && std::none_of(t.columns.begin(), t.columns.end(), can_be_replication_key)) {
    m["forced-replication-method"] = "FULL_TABLE";
  }
  return m;
}

}  // namespace

nlohmann::ordered_json singer_stream(const TableSchema& table) {
  Json properties = Json::object();
  Json metadata = Json::array();
  metadata.push_back(breadcrumb_entry(Json::array(), table_metadata(table)));
  for (const ColumnSchema& c : table.columns) {
    bool is_key = !table.is_view && table.in_primary_key(c.name);
    properties[c.name] = column_json_schema(c, is_key);
    Json m = Json::object();
    m["selected-by-default"] = column_inclusion(c, is_key) != Inclusion::kUnsupported;
    m["sql-datatype"] = c.column_type;
    metadata.push_back(breadcrumb_entry(Json::array({"properties", c.name}), std::move(m)));
  }
  Json schema = Json::object();
  schema["properties"] = std::move(properties);
  schema["type"] = "object";

  Json stream = Json::object();
  stream["tap_stream_id"] = table.stream_id();
  stream["table_name"] = table.name;
  stream["schema"] = std::move(schema);
  stream["stream"] = table.name;
  stream["metadata"] = std::move(metadata);
  return stream;
}

nlohmann::ordered_json singer_catalog(const std::vector<TableSchema>& tables) {
  std::vector<const TableSchema*> sorted;
  sorted.reserve(tables.size());
  for (const TableSchema& t : tables) sorted.push_back(&t);
  std::sort(sorted.begin(), sorted.end(), [](const TableSchema* a, const TableSchema* b) {
    return a->database != b->database ? a->database < b->database : a->name < b->name;
  });
  Json streams = Json::array();
  for (const TableSchema* t : sorted) streams.push_back(singer_stream(*t));
  Json catalog = Json::object();
  catalog["streams"] = std::move(streams);
  return catalog;
}

std::string render_catalog(const nlohmann::ordered_json& catalog) {
  std::string text = catalog.dump(2, ' ', true, nlohmann::ordered_json::error_handler_t::replace);
  text += '\n';
  return text;
}

}  // namespace sluice::schema
