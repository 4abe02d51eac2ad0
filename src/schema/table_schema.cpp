#include "schema/table_schema.h"

#include <algorithm>

namespace sluice::schema {

const ColumnSchema* TableSchema::find_column(std::string_view column_name) const {
  for (const ColumnSchema& c : columns) {
    if (c.name == column_name) return &c;
  }
  return nullptr;
}

bool TableSchema::in_primary_key(std::string_view column_name) const {
  return std::find(primary_key.begin(), primary_key.end(), column_name) != primary_key.end();
}

}  // namespace sluice::schema
