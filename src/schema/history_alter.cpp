// ALTER TABLE specifications applied to a table model (schema_history.h).
#include <algorithm>

#include "schema/ddl_lexer.h"
#include "schema/schema_history.h"

namespace sluice::schema {
namespace {

using Op = AlterSpec::Op;

// Column names are case-insensitive in MySQL and MariaDB.
std::vector<ColumnSchema>::iterator find_column(TableSchema& t, std::string_view name) {
  return std::find_if(t.columns.begin(), t.columns.end(),
                      [&](const ColumnSchema& c) { return iequals(c.name, name); });
}

void renumber(TableSchema& t) {
  for (size_t i = 0; i < t.columns.size(); ++i) t.columns[i].ordinal = static_cast<uint32_t>(i + 1);
}

// Replaces `from` by `to` in every key; drops it when `to` is empty (a dropped column).
void rename_in_keys(TableSchema& t, std::string_view from, const std::string& to) {
  auto fix = [&](std::vector<std::string>& cols) {
    for (auto it = cols.begin(); it != cols.end();) {
      if (!iequals(*it, from)) {
        ++it;
      } else if (to.empty()) {
        it = cols.erase(it);
      } else {
        *it++ = to;
      }
    }
  };
  fix(t.primary_key);
  for (KeySchema& k : t.unique_keys) fix(k.columns);
  std::erase_if(t.unique_keys, [](const KeySchema& k) { return k.columns.empty(); });
}

core::Status place(TableSchema& t, ColumnSchema col, const AlterSpec& s, size_t old_index) {
  size_t at = old_index;
  if (s.placement == Placement::kFirst) {
    at = 0;
  } else if (s.placement == Placement::kLast) {
    at = t.columns.size();
  } else if (s.placement == Placement::kAfter) {
    auto it = find_column(t, s.after);
    if (it == t.columns.end()) {
      return core::fail(core::ErrorCode::kSchemaMismatch, "AFTER `" + s.after + "`: no such column");
    }
    at = static_cast<size_t>(it - t.columns.begin()) + 1;
  }
  t.columns.insert(t.columns.begin() + static_cast<std::ptrdiff_t>(std::min(at, t.columns.size())),
                   std::move(col));
  return core::ok();
}

core::Status add_column(TableSchema& t, const AlterSpec& s) {
  if (find_column(t, s.column.name) != t.columns.end()) {
    if (s.if_exists) return core::ok();  // ADD COLUMN IF NOT EXISTS of an existing column
    return core::fail(core::ErrorCode::kSchemaMismatch, "ADD COLUMN `" + s.column.name + "`: it exists already");
  }
  SLUICE_TRY(place(t, s.column, s, t.columns.size()));
  if (s.primary_key) t.primary_key = {s.column.name};
  if (s.unique) t.unique_keys.push_back(KeySchema{s.column.name, {s.column.name}});
  return core::ok();
}

core::Status change_column(TableSchema& t, const AlterSpec& s) {
  auto it = find_column(t, s.name);
  if (it == t.columns.end()) {
    if (s.if_exists) return core::ok();
    return core::fail(core::ErrorCode::kSchemaMismatch, "CHANGE/MODIFY `" + s.name + "`: no such column");
  }
  auto index = static_cast<size_t>(it - t.columns.begin());
  t.columns.erase(it);
  SLUICE_TRY(place(t, s.column, s, index));
  if (s.name != s.column.name) rename_in_keys(t, s.name, s.column.name);
  if (s.primary_key) t.primary_key = {s.column.name};
  if (s.unique) t.unique_keys.push_back(KeySchema{s.column.name, {s.column.name}});
  return core::ok();
}

core::Status apply_one(TableSchema& t, const AlterSpec& s) {
  switch (s.op) {
    case Op::kAddColumn:
      return add_column(t, s);
    case Op::kChangeColumn:
      return change_column(t, s);
    case Op::kDropColumn: {
      auto it = find_column(t, s.name);
      if (it == t.columns.end()) {
        if (s.if_exists) return core::ok();
        return core::fail(core::ErrorCode::kSchemaMismatch, "DROP COLUMN `" + s.name + "`: no such column");
      }
      t.columns.erase(it);
      rename_in_keys(t, s.name, "");
      return core::ok();
    }
    case Op::kRenameColumn: {
      auto it = find_column(t, s.name);
      if (it == t.columns.end()) {
        return core::fail(core::ErrorCode::kSchemaMismatch, "RENAME COLUMN `" + s.name + "`: no such column");
      }
      it->name = s.new_name;
      rename_in_keys(t, s.name, s.new_name);
      return core::ok();
    }
    case Op::kAddPrimaryKey:
      t.primary_key = s.key_columns;
      return core::ok();
    case Op::kDropPrimaryKey:
      t.primary_key.clear();
      return core::ok();
    case Op::kAddUniqueKey:
      t.unique_keys.push_back(KeySchema{s.name, s.key_columns});
      return core::ok();
    case Op::kDropIndex:
      std::erase_if(t.unique_keys, [&](const KeySchema& k) { return iequals(k.name, s.name); });
      return core::ok();
    case Op::kRenameTable:  // the history moves the version (schema_history.cpp)
      return core::ok();
    case Op::kConvertCharset:
      for (ColumnSchema& c : t.columns) {
        if (!c.charset.empty() && c.charset != "binary") {
          c.charset = s.charset;
          c.collation = s.collation;
        }
      }
      return core::ok();
  }
  return core::ok();
}

}  // namespace

core::Status apply_alter_specs(TableSchema& table, const std::vector<AlterSpec>& specs) {
  for (const AlterSpec& s : specs) {
    SLUICE_TRY(apply_one(table, s));
  }
  renumber(table);
  return core::ok();
}

}  // namespace sluice::schema
