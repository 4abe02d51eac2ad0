#pragma once
/// The target's tables as the applier writes them: columns in ordinal order (a record's images
/// are laid out the same way: DDL reaches the target in source order, so the two definitions
/// agree column for column), which are generated (never written), and the key rows are found
/// by: the primary key, else the first unique key of NOT NULL columns, else none (the whole
/// row, NULL-safe, LIMIT 1). Read from information_schema on first use, forgotten after DDL.

#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include "core/result.h"
#include "mysql/connection.h"

namespace sluice::replicate {

struct TargetTable {
  std::string name;                  ///< `db`.`table`, quoted
  std::string display;               ///< db.table, for messages
  std::vector<std::string> columns;  ///< quoted names, ordinal order
  std::vector<bool> generated;
  std::vector<bool> json;  ///< a JSON column (MySQL's type): bytes go in as utf8mb4 text
  std::vector<size_t> key;  ///< column indexes; empty: rows are found by their whole image
  std::string column_list;  ///< "(`a`,`b`)" of the written (not generated) columns
};

class TargetTables {
 public:
  /// The table `db`.`table` of the target, read once. kNotFound naming it when it does not exist.
  core::Result<const TargetTable*> get(mysql::Connection& conn, const std::string& db,
                                       const std::string& table);
  void clear() { tables_.clear(); }

 private:
  std::map<std::string, TargetTable> tables_;
};

}  // namespace sluice::replicate
