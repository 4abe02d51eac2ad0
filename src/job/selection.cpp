#include "job/selection.h"

#include <algorithm>
#include <cctype>

#include "schema/type_mapping.h"

namespace sluice::job {
namespace {

const schema::TableSchema* find_table(const std::vector<schema::TableSchema>& live, const config::CatalogStream& s) {
  for (const schema::TableSchema& t : live) {
    if (t.name == s.table_name && (s.database.empty() || t.database == s.database)) return &t;
  }
  return nullptr;
}

bool contains(const std::vector<std::string>& v, const std::string& x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

void select_columns(const config::CatalogStream& cs, const SelectionDefaults& defaults, SelectedStream& out,
                    std::vector<std::string>& warnings) {
  const schema::TableSchema& t = out.table;
  const std::string& id = cs.tap_stream_id;
  for (size_t i = 0; i < t.columns.size(); ++i) {
    const schema::ColumnSchema& c = t.columns[i];
    const config::CatalogColumn* cc = cs.find_column(c.name);
    bool key = contains(out.key_properties, c.name) || (out.replication_key && *out.replication_key == c.name);
    if (!cc && !key && !(defaults.select_new_columns && c.kind != schema::ColumnKind::kUnknown)) {
      warnings.push_back(new_column_warning(c.name, out, defaults.reset_command));
      continue;
    }
    if (cc && !key && !config::column_selected(*cc)) {
      if (cc->selected.value_or(true) && cc->inclusion == "unsupported" && c.kind != schema::ColumnKind::kUnknown) {
        warnings.push_back("column '" + c.name + "' of " + id + " is marked unsupported in the catalog but sluice reads " +
                           c.column_type + ": select it (or run 'sluice discover') to sync it");
      }
      continue;
    }
    if (c.kind == schema::ColumnKind::kUnknown) {
      warnings.push_back("column '" + c.name + "' of " + id + " has a type sluice cannot read (" + c.column_type +
                         "): not synced");
      continue;
    }
    if (cc && cc->inclusion == "unsupported") {
      warnings.push_back("note: column '" + c.name + "' of " + id + " is marked unsupported in the catalog; sluice reads " +
                         c.column_type + " and syncs it");
    }
    if (!cc && !key) out.added.push_back(c.name);
    out.columns.push_back(i);
  }
  for (const config::CatalogColumn& cc : cs.columns) {
    if (t.find_column(cc.name) == nullptr && config::column_selected(cc)) {
      out.vanished.push_back(cc.name);
      warnings.push_back("column '" + cc.name + "' of " + id +
                         " is selected in the catalog but no longer exists in the table: not synced");
    }
  }
}

core::Status check_method(const config::CatalogStream& cs, SelectedStream& s, std::vector<std::string>& warnings) {
  const std::string& id = cs.tap_stream_id;
  if (s.method == change::Method::kLogBased && s.table.is_view) {
    return core::fail(core::ErrorCode::kConfig, "catalog: " + id +
                                                    " is a view, which has no binlog: use FULL_TABLE or INCREMENTAL");
  }
  if (s.method == change::Method::kIncremental) {
    if (!cs.replication_key || cs.replication_key->empty()) {
      return core::fail(core::ErrorCode::kConfig, "catalog: " + id +
                                                      " uses INCREMENTAL but names no 'replication-key': add one");
    }
    const schema::ColumnSchema* c = s.table.find_column(*cs.replication_key);
    if (!c) {
      return core::fail(core::ErrorCode::kConfig, "catalog: replication-key '" + *cs.replication_key + "' of " + id +
                                                      " is not a column of the table");
    }
    if (!schema::can_be_replication_key(*c)) {
      return core::fail(core::ErrorCode::kConfig, "catalog: replication-key '" + c->name + "' of " + id + " is " +
                                                      c->column_type + ", which cannot order a replication key");
    }
    s.replication_key = cs.replication_key;
    if (c->nullable) {
      warnings.push_back("replication key '" + c->name + "' of " + id +
                         " allows NULL: rows whose key is NULL are sent by the first job only (see docs/replication-methods.md)");
    }
  }
  if (s.method != change::Method::kFullTable && s.key_properties.empty() && !s.table.is_view) {
    warnings.push_back(id + " has no primary key: " + std::string(change::method_name(s.method)) +
                       " cannot tell rows apart downstream (duplicates on re-sync; deletes not matched)");
  }
  return core::ok();
}

}  // namespace

std::string new_column_warning(const std::string& column, const SelectedStream& s,
                               const std::string& reset_command) {
  std::string line =
      "column '" + column + "' of " + s.stream_id +
      " is not in the catalog (added after discovery?): its values are not delivered; select it in the "
      "catalog ('sluice discover') or set \"select_new_columns\": true in the config";
  if (s.method == change::Method::kFullTable) return line + ", and the next job reads it";
  return line + ", then back-fill the rows written so far with `" + reset_command + " " + s.table.database +
         "." + s.table.name + "`";
}

std::optional<change::Method> parse_method(std::string_view text) {
  std::string up(text);
  for (char& c : up) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (up == "FULL_TABLE") return change::Method::kFullTable;
  if (up == "INCREMENTAL" || up == "KEY_BASED") return change::Method::kIncremental;
  if (up == "LOG_BASED") return change::Method::kLogBased;
  return std::nullopt;
}

core::Result<Selection> select_streams(const config::Catalog& catalog, const std::vector<schema::TableSchema>& live,
                                       const SelectionDefaults& defaults) {
  Selection sel;
  for (const config::CatalogStream& cs : catalog.streams) {
    if (!cs.selected) continue;
    const schema::TableSchema* t = find_table(live, cs);
    if (!t) {
      sel.missing.push_back(&cs);
      continue;
    }
    SelectedStream s;
    s.table = *t;
    s.stream_id = cs.tap_stream_id;
    s.stream = cs.stream;
    s.key_properties = t->is_view ? cs.key_properties : t->primary_key;
    if (cs.replication_method) {
      auto m = parse_method(*cs.replication_method);
      if (!m) {
        return core::fail(core::ErrorCode::kConfig, "catalog: " + cs.tap_stream_id + " has replication-method '" +
                                                        *cs.replication_method +
                                                        "': use FULL_TABLE, INCREMENTAL or LOG_BASED");
      }
      s.method = *m;
    } else {
      s.method = t->is_view && defaults.method == change::Method::kLogBased ? change::Method::kFullTable
                                                                            : defaults.method;
    }
    SLUICE_TRY(check_method(cs, s, sel.warnings));
    for (const std::string& k : s.key_properties) {
      if (!t->find_column(k)) {
        return core::fail(core::ErrorCode::kConfig,
                          "catalog: key property '" + k + "' of " + cs.tap_stream_id + " is not a column");
      }
    }
    select_columns(cs, defaults, s, sel.warnings);
    sel.streams.push_back(std::move(s));
  }
  return sel;
}

SelectedStream missing_stream(const config::CatalogStream& cs, change::Method method) {
  SelectedStream s;
  s.missing = true;
  s.stream_id = cs.tap_stream_id;
  s.stream = cs.stream;
  s.method = method;
  s.key_properties = cs.key_properties;
  s.table.database = cs.database;
  s.table.name = cs.table_name;
  uint32_t ordinal = 0;
  for (const config::CatalogColumn& cc : cs.columns) {
    if (cc.sql_datatype.empty()) continue;
    schema::ColumnSchema c = schema::column_from_type(cc.name, "", cc.sql_datatype);
    c.ordinal = ++ordinal;
    if (config::column_selected(cc) || contains(s.key_properties, cc.name))
      s.columns.push_back(s.table.columns.size());
    s.table.columns.push_back(std::move(c));
  }
  s.table.primary_key = cs.key_properties;
  return s;
}

sinks::StreamInfo stream_info(const SelectedStream& s) {
  sinks::StreamInfo info;
  info.stream_id = s.stream_id;
  info.stream = s.stream;
  info.database = s.table.database;
  info.table = s.table.name;
  info.is_view = s.table.is_view;
  for (size_t i : s.columns) info.columns.push_back(s.table.columns[i]);
  info.key_properties = s.key_properties;
  info.replication_key = s.replication_key;
  info.method = s.method;
  info.deleted_at_column = s.method == change::Method::kLogBased;
  return info;
}

}  // namespace sluice::job
