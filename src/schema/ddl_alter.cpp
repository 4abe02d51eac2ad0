// ALTER TABLE specifications (see ddl_cursor.h, ddl_parser.h).
#include <array>

#include "schema/ddl_cursor.h"

namespace sluice::schema::ddl {
namespace {

using Op = AlterSpec::Op;

// Clauses that never change columns: table options, algorithm/lock, partitioning,
// tablespace and maintenance clauses. They are skipped to the next top-level comma.
constexpr std::array<std::string_view, 58> kNoColumnClauses = {
    "algorithm", "lock", "engine", "auto_increment", "default", "character", "charset", "collate",
    "comment", "row_format", "key_block_size", "stats_persistent", "stats_auto_recalc",
    "stats_sample_pages", "pack_keys", "checksum", "delay_key_write", "max_rows", "min_rows",
    "avg_row_length", "compression", "encryption", "encrypted", "encryption_key_id", "page_compressed",
    "page_compression_level", "tablespace", "data", "index", "insert_method", "union", "force", "enable",
    "disable", "discard", "import", "order", "partition", "partitions", "subpartition", "subpartitions",
    "remove", "truncate", "coalesce", "reorganize", "exchange", "analyze", "check", "optimize", "rebuild",
    "repair", "with", "without", "secondary_engine", "secondary_load", "secondary_unload", "nowait", "wait",
};

bool no_column_clause(const Cursor& c) {
  for (std::string_view kw : kNoColumnClauses) {
    if (c.is(kw)) return true;
  }
  return c.is("transactional") || c.is("page_checksum") || c.is("upgrade") || c.is("engine_attribute") ||
         c.is("secondary_engine_attribute") || c.is("autoextend_size") || c.is("sequence");
}

void read_placement(Cursor& c, AlterSpec& s) {
  if (c.accept("first")) {
    s.placement = Placement::kFirst;
  } else if (c.accept("after")) {
    s.placement = Placement::kAfter;
    s.after = c.ident().value_or("");
  }
}

void unparsed(DdlStatement& out, std::string why) {
  if (out.kind != DdlKind::kUnparsed) out.reason = std::move(why);
  out.kind = DdlKind::kUnparsed;
}

// "name definition [FIRST|AFTER x]" of ADD / MODIFY / CHANGE.
bool read_column_spec(Cursor& c, AlterSpec& s) {
  auto name = c.ident();
  if (!name || !read_column_definition(c, *name, s)) return false;
  read_placement(c, s);
  return true;
}

void add_keyish(Cursor& c, DdlStatement& out) {
  AlterSpec s;
  if (c.accept("constraint") && !c.is("primary") && !c.is("unique") && !c.is("foreign") && !c.is("check")) {
    s.name = c.ident().value_or("");  // the constraint's name names a UNIQUE index too
  }
  if (c.accept_all({"primary", "key"})) {
    s.op = Op::kAddPrimaryKey;
    skip_key_name(c, nullptr);
    if (read_key_columns(c, s.key_columns)) out.specs.push_back(std::move(s));
    else unparsed(out, "ADD PRIMARY KEY");
  } else if (c.accept("unique")) {
    if (!c.accept("key")) c.accept("index");
    c.accept_all({"if", "not", "exists"});
    s.op = Op::kAddUniqueKey;
    skip_key_name(c, &s.name);
    if (read_key_columns(c, s.key_columns)) {
      if (s.name.empty() && !s.key_columns.empty()) s.name = s.key_columns[0];
      out.specs.push_back(std::move(s));
    }
  }
  c.skip_item();  // index options, or a whole INDEX/FOREIGN KEY/CHECK/PERIOD clause
}

void parse_add(Cursor& c, DdlStatement& out) {
  bool column = c.accept("column");
  bool if_not_exists = c.accept_all({"if", "not", "exists"});
  if (!column && c.is("system") && c.is("versioning", 1)) return unparsed(out, "ADD SYSTEM VERSIONING");
  if (!column && (c.is("constraint") || c.is("primary") || c.is("unique") || c.is("index") || c.is("key") ||
                  c.is("fulltext") || c.is("spatial") || c.is("foreign") || c.is("check") ||
                  c.is("partition") || c.is("period") || c.is("vector"))) {
    return add_keyish(c, out);
  }
  if (c.accept_symbol('(')) {  // ADD [COLUMN] (a INT, b INT): appended in order
    do {
      AlterSpec s;
      s.op = Op::kAddColumn;
      s.if_exists = if_not_exists;
      s.placement = Placement::kLast;
      auto name = c.ident();
      if (!name || !read_column_definition(c, *name, s)) return unparsed(out, "ADD COLUMN (...)");
      out.specs.push_back(std::move(s));
    } while (c.accept_symbol(','));
    if (!c.accept_symbol(')')) unparsed(out, "ADD COLUMN (...)");
    return;
  }
  AlterSpec s;
  s.op = Op::kAddColumn;
  s.if_exists = if_not_exists;
  s.placement = Placement::kLast;
  if (!read_column_spec(c, s)) return unparsed(out, "ADD COLUMN");
  out.specs.push_back(std::move(s));
}

void parse_drop(Cursor& c, DdlStatement& out) {
  AlterSpec s;
  if (c.accept_all({"primary", "key"})) {
    s.op = Op::kDropPrimaryKey;
  } else if (c.accept("index") || c.accept("key") || c.accept("constraint") || c.accept("unique")) {
    s.op = Op::kDropIndex;
    s.if_exists = c.accept_all({"if", "exists"});
    s.name = c.ident().value_or("");
  } else if (c.is("system") && c.is("versioning", 1)) {
    return unparsed(out, "DROP SYSTEM VERSIONING");
  } else if (c.is("partition")) {
    out.rows_without_events = "DROP PARTITION";
    c.skip_item();
    return;
  } else if (c.is("foreign") || c.is("check") || c.is("period")) {
    c.skip_item();
    return;
  } else {
    c.accept("column");
    s.op = Op::kDropColumn;
    s.if_exists = c.accept_all({"if", "exists"});
    auto name = c.ident();
    if (!name) return unparsed(out, "DROP COLUMN");
    s.name = *name;
    if (!c.accept("restrict")) c.accept("cascade");
  }
  out.specs.push_back(std::move(s));
}

void parse_change(Cursor& c, DdlStatement& out, bool has_old_name) {
  c.accept("column");
  AlterSpec s;
  s.op = Op::kChangeColumn;
  s.if_exists = c.accept_all({"if", "exists"});
  if (has_old_name) {
    auto old = c.ident();
    if (!old) return unparsed(out, "CHANGE COLUMN");
    s.name = *old;
  }
  if (!read_column_spec(c, s)) return unparsed(out, has_old_name ? "CHANGE COLUMN" : "MODIFY COLUMN");
  if (!has_old_name) s.name = s.column.name;
  out.specs.push_back(std::move(s));
}

void parse_rename(Cursor& c, std::string_view default_db, DdlStatement& out) {
  AlterSpec s;
  if (c.accept("column")) {
    s.op = Op::kRenameColumn;
    auto from = c.ident();
    auto to = c.accept("to") ? c.ident() : std::nullopt;
    if (!from || !to) return unparsed(out, "RENAME COLUMN");
    s.name = *from;
    s.new_name = *to;
  } else if (c.is("index") || c.is("key")) {
    c.skip_item();
    return;
  } else {
    if (!c.accept("to") && !c.accept("as")) c.accept_symbol('=');
    auto name = c.table_name(default_db);
    if (!name) return unparsed(out, "RENAME TO");
    s.op = Op::kRenameTable;
    s.new_table = *name;
  }
  out.specs.push_back(std::move(s));
}

// A partition clause that moves rows without row events: recorded, with the other table it
// names ("... WITH TABLE t", "... TO TABLE t"), and skipped.
void skip_partition_clause(Cursor& c, std::string_view default_db, std::string_view clause, DdlStatement& out) {
  out.rows_without_events = std::string(clause);
  while (!c.at_end() && !c.is_symbol(',') && !c.is_symbol(';') && !c.is_symbol(')')) {
    if (c.accept("table")) {
      if (auto name = c.table_name(default_db)) out.exchanged_with = *name;
    } else if (c.is_symbol('(')) {
      if (!c.skip_group()) return;
    } else {
      c.next();
    }
  }
}

void parse_convert(Cursor& c, std::string_view default_db, DdlStatement& out) {
  // MariaDB 10.7+: CONVERT PARTITION p TO TABLE t2 / CONVERT TABLE t2 TO PARTITION p ...
  if (c.is("partition")) return skip_partition_clause(c, default_db, "CONVERT PARTITION", out);
  if (c.is("table")) return skip_partition_clause(c, default_db, "CONVERT TABLE", out);
  AlterSpec s;
  s.op = Op::kConvertCharset;
  if (!c.accept_all({"to", "character", "set"}) && !c.accept_all({"to", "charset"})) {
    return unparsed(out, "CONVERT TO CHARACTER SET");
  }
  s.charset = ascii_lower(c.ident().value_or(""));
  if (c.accept("collate")) s.collation = ascii_lower(c.ident().value_or(""));
  out.specs.push_back(std::move(s));
}

void parse_one_spec(Cursor& c, std::string_view default_db, DdlStatement& out) {
  if (c.accept("add")) return parse_add(c, out);
  if (c.accept("drop")) return parse_drop(c, out);
  if (c.accept("modify")) return parse_change(c, out, false);
  if (c.accept("change")) return parse_change(c, out, true);
  if (c.accept("rename")) return parse_rename(c, default_db, out);
  if (c.accept("convert")) return parse_convert(c, default_db, out);
  if ((c.is("truncate") || c.is("exchange")) && c.is("partition", 1)) {
    return skip_partition_clause(c, default_db, c.is("truncate") ? "TRUNCATE PARTITION" : "EXCHANGE PARTITION", out);
  }
  if (c.accept("alter")) {  // ALTER [COLUMN] c SET/DROP DEFAULT, SET VISIBLE; ALTER INDEX ...
    c.skip_item();
    return;
  }
  if (!no_column_clause(c)) {
    out.notes.push_back("unrecognised ALTER TABLE clause '" + c.peek().text + "' skipped");
  }
  c.skip_item();
}

}  // namespace

void parse_alter_specs(Cursor& c, std::string_view default_db, DdlStatement& out) {
  while (!c.at_end() && !c.is_symbol(';')) {
    if (c.accept_symbol(',')) continue;
    if (c.is_symbol(')')) {  // stray: cannot be a spec
      unparsed(out, "unexpected ')'");
      return;
    }
    parse_one_spec(c, default_db, out);
    if (out.kind == DdlKind::kUnparsed) return;
  }
}

}  // namespace sluice::schema::ddl
