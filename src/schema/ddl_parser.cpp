#include "schema/ddl_parser.h"

#include "schema/ddl_cursor.h"

namespace sluice::schema {
namespace {

using ddl::Cursor;

void unparsed(DdlStatement& out, std::string why) {
  out.kind = DdlKind::kUnparsed;
  out.reason = std::move(why);
}

// A table constraint inside CREATE TABLE (...); false when the item is a column.
bool read_table_constraint(Cursor& c, DdlStatement& out, bool& ok) {
  ok = true;
  bool constraint = c.accept("constraint");
  if (constraint && !c.is("primary") && !c.is("unique") && !c.is("foreign") && !c.is("check")) c.ident();
  if (c.accept_all({"primary", "key"})) {
    ddl::skip_key_name(c, nullptr);
    ok = ddl::read_key_columns(c, out.table.primary_key);
  } else if (c.accept("unique")) {
    if (!c.accept("key")) c.accept("index");
    KeySchema key;
    ddl::skip_key_name(c, &key.name);
    ok = ddl::read_key_columns(c, key.columns);
    if (key.name.empty() && !key.columns.empty()) key.name = key.columns[0];
    out.table.unique_keys.push_back(std::move(key));
  } else if (!constraint && !c.is("key") && !c.is("index") && !c.is("fulltext") && !c.is("spatial") &&
             !c.is("foreign") && !c.is("check") && !(c.is("period") && c.is("for", 1)) && !c.is("vector")) {
    return false;
  }
  c.skip_item();
  return true;
}

bool read_create_item(Cursor& c, DdlStatement& out) {
  bool ok = true;
  if (read_table_constraint(c, out, ok)) return ok;
  auto name = c.ident();
  AlterSpec spec;
  if (!name || !ddl::read_column_definition(c, *name, spec)) return false;
  spec.column.ordinal = static_cast<uint32_t>(out.table.columns.size() + 1);
  if (spec.primary_key) out.table.primary_key = {*name};
  if (spec.unique) out.table.unique_keys.push_back(KeySchema{*name, {*name}});
  out.table.columns.push_back(std::move(spec.column));
  return true;
}

// After the definitions: table options, partitioning, or a query (CREATE ... SELECT).
bool has_query(Cursor& c) {
  while (!c.at_end()) {
    if (c.is("select") || c.is("values") || (c.is("table") && !c.is_symbol('=', 1)) || c.is("as") ||
        (c.is_symbol('(') && c.is("select", 1))) {
      return true;
    }
    if (c.is_symbol('(')) {
      c.skip_group();
    } else {
      c.next();
    }
  }
  return false;
}

void parse_create_table(Cursor& c, std::string_view default_db, DdlStatement& out) {
  out.if_not_exists = c.accept_all({"if", "not", "exists"});
  auto name = c.table_name(default_db);
  if (!name) return unparsed(out, "CREATE TABLE without a table name");
  out.tables.push_back(*name);
  out.table.database = name->db;
  out.table.name = name->table;
  bool paren_like = c.is_symbol('(') && c.is("like", 1);
  if (paren_like) c.next();
  if (c.accept("like")) {
    auto src = c.table_name(default_db);
    if (!src) return unparsed(out, "CREATE TABLE ... LIKE");
    out.kind = DdlKind::kCreateTableLike;
    out.like = *src;
    return;
  }
  out.kind = DdlKind::kCreateTable;
  if (c.is_symbol('(') && !c.is("select", 1)) {
    c.next();
    do {
      if (!read_create_item(c, out)) {
        return unparsed(out, "column definition at offset " + std::to_string(c.offset()));
      }
    } while (c.accept_symbol(','));
    if (!c.accept_symbol(')')) return unparsed(out, "column list at offset " + std::to_string(c.offset()));
  }
  if (has_query(c)) out.kind = DdlKind::kCreateTableSelect;
  else if (out.table.columns.empty()) unparsed(out, "CREATE TABLE without columns");
}

void parse_create(Cursor& c, std::string_view default_db, DdlStatement& out) {
  out.or_replace = c.accept_all({"or", "replace"});
  out.temporary = c.accept("temporary");
  if (c.accept("table")) return parse_create_table(c, default_db, out);
  if (c.accept("database") || c.accept("schema")) {
    out.if_not_exists = c.accept_all({"if", "not", "exists"});
    out.kind = DdlKind::kCreateDatabase;
    out.database = c.ident().value_or("");
  }
}

void parse_drop(Cursor& c, std::string_view default_db, DdlStatement& out) {
  out.temporary = c.accept("temporary");
  if (c.accept("table") || c.accept("tables")) {
    c.accept_all({"if", "exists"});
    out.kind = DdlKind::kDropTable;
    do {
      auto name = c.table_name(default_db);
      if (!name) return unparsed(out, "DROP TABLE name list");
      out.tables.push_back(*name);
    } while (c.accept_symbol(','));
  } else if (c.accept("database") || c.accept("schema")) {
    c.accept_all({"if", "exists"});
    out.kind = DdlKind::kDropDatabase;
    out.database = c.ident().value_or("");
  }
}

void parse_rename(Cursor& c, std::string_view default_db, DdlStatement& out) {
  if (!c.accept("table") && !c.accept("tables")) return;
  c.accept_all({"if", "exists"});
  out.kind = DdlKind::kRenameTable;
  do {
    auto from = c.table_name(default_db);
    if (c.accept("wait")) c.next();
    else c.accept("nowait");
    auto to = c.accept("to") ? c.table_name(default_db) : std::nullopt;
    if (!from || !to) return unparsed(out, "RENAME TABLE list");
    out.tables.push_back(*from);
    out.tables.push_back(*to);
  } while (c.accept_symbol(','));
}

void parse_alter(Cursor& c, std::string_view default_db, DdlStatement& out) {
  if (!c.accept("online")) c.accept("offline");
  c.accept("ignore");
  if (!c.accept("table")) return;
  c.accept_all({"if", "exists"});
  auto name = c.table_name(default_db);
  if (!name) return unparsed(out, "ALTER TABLE without a table name");
  out.kind = DdlKind::kAlterTable;
  out.tables.push_back(*name);
  if (c.accept("wait")) c.next();
  else c.accept("nowait");
  ddl::parse_alter_specs(c, default_db, out);
  if (out.kind == DdlKind::kUnparsed) out.reason = "ALTER TABLE clause " + out.reason;
}

}  // namespace

core::Result<DdlStatement> parse_ddl(std::string_view sql, std::string_view default_db, const SqlServer& server) {
  auto tokens = tokenize_sql(sql, server);
  if (!tokens) return core::fail(tokens.error());
  Cursor c(*tokens);
  DdlStatement out;
  if (c.accept("create")) {
    parse_create(c, default_db, out);
  } else if (c.accept("alter")) {
    parse_alter(c, default_db, out);
  } else if (c.accept("drop")) {
    parse_drop(c, default_db, out);
  } else if (c.accept("rename")) {
    parse_rename(c, default_db, out);
  } else if (c.accept("truncate")) {
    c.accept("table");
    auto name = c.table_name(default_db);
    if (name) {
      out.kind = DdlKind::kTruncateTable;
      out.tables.push_back(*name);
    }
  }
  return out;
}

}  // namespace sluice::schema
