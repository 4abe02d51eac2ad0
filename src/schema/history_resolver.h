#pragma once
/// The binlog decoder's SchemaResolver on top of a SchemaHistory: for a TABLE_MAP at
/// position P it takes the version of the table in effect at P, fills column names,
/// ENUM/SET labels, MariaDB INET6/UUID, and (when the TABLE_MAP has no optional metadata)
/// UNSIGNED integers and the binary charset of byte strings, so every reader of the binlog
/// decodes them alike (`binlog stream --schema-history`, sync's catch-up); and it checks the
/// binlog against the history: same column
/// count, each column's type family (and DECIMAL precision/scale, temporal fractions, BIT
/// width). Any disagreement is ErrorCode::kSchemaMismatch: decoding stops instead of shifting
/// values. When binlog_row_metadata=FULL named the columns, the names decide: a version that
/// disagrees with them (or has no known schema) is corrected from the TABLE_MAP, with a warning
/// (HistoryOptions::warn), so later DDL applies to the right columns.
///
///   schema::HistoryResolver resolver(history);          // history outlives the decoder
///   binlog::DecoderOptions opts; opts.resolver = &resolver;
///
/// Tables outside the history's filters are left as the binlog describes them ("@N").
/// Runs on the decoding thread, like the history it reads.

#include "binlog/table_layout.h"
#include "schema/schema_history.h"

namespace sluice::schema {

class HistoryResolver : public binlog::SchemaResolver {
 public:
  explicit HistoryResolver(SchemaHistory& history) : history_(history) {}

  core::Status resolve(std::string_view db, std::string_view table, std::string_view position,
                       std::span<binlog::ColumnDef> columns) override;

 private:
  SchemaHistory& history_;
};

/// Why `binlog_column` (from TABLE_MAP) cannot hold values of `column` (from the history),
/// or an empty string when they agree.
std::string column_disagreement(const ColumnSchema& column, const binlog::ColumnDef& binlog_column);

}  // namespace sluice::schema
