// A table's schema before a range of DDL, by undoing the statements newest first (history_rewind.h).
#include "schema/history_rewind.h"

#include <algorithm>

#include "schema/ddl_parser.h"
#include "schema/schema_history.h"

namespace sluice::schema {
namespace {

using Op = AlterSpec::Op;

bool same_table(const TableName& n, const TableSchema& t) { return n.db == t.database && n.table == t.name; }

// Adds to `undo` the specification that undoes `s` (none for key changes: keys are left as they
// are now, decoding does not use them); returns why there is none when the binlog does not say
// what `s` replaced, else "".
std::string add_inverse(const AlterSpec& s, std::vector<AlterSpec>& undo) {
  AlterSpec u;
  switch (s.op) {
    case Op::kAddColumn:
      if (s.if_exists)
        return "ADD COLUMN IF NOT EXISTS `" + s.column.name + "`: whether it existed before is not known";
      u.op = Op::kDropColumn;
      u.name = s.column.name;
      undo.push_back(std::move(u));
      return {};
    case Op::kRenameColumn:
      u.op = Op::kRenameColumn;
      u.name = s.new_name;
      u.new_name = s.name;
      undo.push_back(std::move(u));
      return {};
    case Op::kDropColumn:
      return "DROP COLUMN `" + s.name + "`: its type and place before the DROP are not in the binlog";
    case Op::kChangeColumn:
      return "MODIFY/CHANGE of `" + s.name + "`: its definition before the statement is not in the binlog";
    case Op::kConvertCharset:
      return "CONVERT TO CHARACTER SET: the columns' character sets before it are not in the binlog";
    case Op::kRenameTable:
      return "RENAME TO `" + s.new_table.str() + "`: the table had another name or identity before";
    case Op::kAddPrimaryKey:
    case Op::kDropPrimaryKey:
    case Op::kAddUniqueKey:
    case Op::kDropIndex:
      return {};
  }
  return {};
}

// Undoes the specifications of an ALTER of `t`, last first, as an ALTER of its own
// (apply_alter_specs); returns why it cannot, or "".
std::string undo_alter(TableSchema& t, const std::vector<AlterSpec>& specs) {
  std::vector<AlterSpec> undo;
  for (auto s = specs.rbegin(); s != specs.rend(); ++s) {
    std::string why = add_inverse(*s, undo);
    if (!why.empty()) return why;
  }
  auto applied = apply_alter_specs(t, undo);
  return applied ? std::string() : applied.error().message + " (the table now does not match the statement)";
}

bool names_table(const std::vector<TableName>& names, const TableSchema& t) {
  return std::any_of(names.begin(), names.end(), [&](const TableName& n) { return same_table(n, t); });
}

// Undoes one parsed statement on `t`; returns why it cannot be undone, or "".
std::string undo_statement(TableSchema& t, const DdlStatement& st) {
  switch (st.kind) {
    case DdlKind::kAlterTable: {
      bool renamed_here = std::any_of(st.specs.begin(), st.specs.end(), [&](const AlterSpec& s) {
        return s.op == Op::kRenameTable && same_table(s.new_table, t);
      });
      if (renamed_here) return "the table was renamed to its current name";
      if (st.tables.empty() || !same_table(st.tables[0], t)) return {};
      return undo_alter(t, st.specs);
    }
    case DdlKind::kCreateTable:
    case DdlKind::kCreateTableLike:
    case DdlKind::kCreateTableSelect:
      if (st.temporary) return {};
      if (names_table(st.tables, t) || (st.table.database == t.database && st.table.name == t.name)) {
        return "the table was created in the range: what was there before is not known";
      }
      return {};
    case DdlKind::kDropTable:
      return !st.temporary && names_table(st.tables, t)
                 ? "the table was dropped (and created again) in the range"
                 : "";
    case DdlKind::kRenameTable:
      return names_table(st.tables, t) ? "the table was renamed in the range" : "";
    case DdlKind::kDropDatabase:
      return st.database == t.database ? "its database was dropped in the range" : "";
    case DdlKind::kUnparsed:
      return !st.tables.empty() && same_table(st.tables[0], t)
                 ? "a statement sluice does not follow (" + st.reason + ")"
                 : "";
    case DdlKind::kOther:
    case DdlKind::kTruncateTable:
    case DdlKind::kCreateDatabase:
      return {};
  }
  return {};
}

}  // namespace

Rewound rewind_table(TableSchema later, std::span<const RangeStatement> range, const SqlServer& server) {
  Rewound r;
  r.table = std::move(later);
  for (auto it = range.rbegin(); it != range.rend(); ++it) {
    auto parsed = parse_ddl(it->sql, it->default_db, server);
    if (!parsed) continue;  // not SQL the parser can read at all: not DDL of a table
    const TableSchema after = r.table;
    std::string why = undo_statement(r.table, *parsed);
    if (!why.empty()) {
      r.known_after = parsed->kind == DdlKind::kAlterTable &&
                      std::none_of(parsed->specs.begin(), parsed->specs.end(),
                                   [](const AlterSpec& sp) { return sp.op == Op::kRenameTable; });
      r.table = after;  // an ALTER may have been undone in part
      r.unknown = std::move(why);
      r.statement = &*it;
      break;
    }
  }
  for (size_t i = 0; i < r.table.columns.size(); ++i)
    r.table.columns[i].ordinal = static_cast<uint32_t>(i + 1);
  return r;
}

bool may_change_columns(std::string_view sql, std::string_view default_db, const SqlServer& server) {
  auto parsed = parse_ddl(sql, default_db, server);
  if (!parsed) return false;
  return parsed->kind != DdlKind::kOther && parsed->kind != DdlKind::kTruncateTable &&
         parsed->kind != DdlKind::kCreateDatabase;
}

}  // namespace sluice::schema
