#include "schema/schema_history.h"

#include <algorithm>

#include "binlog/change_handler.h"
#include "schema/ddl_lexer.h"

namespace sluice::schema {
namespace {

bool is_system_schema(std::string_view db) {
  return iequals(db, "mysql") || iequals(db, "information_schema") || iequals(db, "performance_schema") ||
         iequals(db, "sys");
}

}  // namespace

std::string one_line(std::string_view sql) {
  std::string s;
  for (char c : sql.substr(0, 300)) s.push_back(c == '\n' || c == '\r' || c == '\t' ? ' ' : c);
  if (sql.size() > 300) s += "...";
  return s;
}

SchemaHistory::SchemaHistory(HistoryOptions options) : options_(std::move(options)) {}

void SchemaHistory::note(const std::string& line) const {
  if (options_.debug) options_.debug(line);
}

bool SchemaHistory::tracks(std::string_view db, std::string_view table) const {
  if (db.empty() || is_system_schema(db)) return false;
  if (!options_.databases.empty() &&
      std::find(options_.databases.begin(), options_.databases.end(), db) == options_.databases.end()) {
    return false;
  }
  if (table.empty() || options_.tables.empty()) return true;
  std::string full = std::string(db) + "." + std::string(table);
  return std::find(options_.tables.begin(), options_.tables.end(), full) != options_.tables.end();
}

void SchemaHistory::seed(std::vector<TableSchema> tables, core::BinlogPosition at, std::string gtid) {
  tables_.clear();
  known_from_.clear();
  for (TableSchema& t : tables) {
    if (t.is_view || !tracks(t.database, t.name)) continue;
    SchemaVersion v;
    v.position = at;
    v.gtid = gtid;
    Key key{t.database, t.name};
    v.table = std::move(t);
    tables_[std::move(key)].push_back(std::move(v));
  }
  seeded_at_ = at;
  valid_up_to_ = std::move(at);
}

void SchemaHistory::seed_unknown(const TableName& name, std::string message,
                                 core::BinlogPosition known_from) {
  Key key{name.db, name.table};
  auto it = tables_.find(key);
  if (it == tables_.end() || it->second.empty()) return;
  SchemaVersion& v = it->second.front();
  v.state = SchemaVersion::State::kUnknown;
  v.reason = std::move(message);
  if (!known_from.empty()) known_from_[std::move(key)] = std::move(known_from);
}

const SchemaVersion& SchemaHistory::correct(std::string_view db, std::string_view table_name,
                                            const core::BinlogPosition& at, TableSchema table,
                                            const std::string& why) {
  if (options_.warn) options_.warn(why);
  note(why);
  auto& vs = tables_[Key{std::string(db), std::string(table_name)}];
  auto it = std::find_if(vs.rbegin(), vs.rend(), [&](const SchemaVersion& v) {
    return core::compare_positions(v.position, at) <= 0;
  });
  table.database = std::string(db);
  table.name = std::string(table_name);
  if (it == vs.rend()) {  // cannot happen for a version the resolver found; kept total
    SchemaVersion v;
    v.position = at;
    v.table = std::move(table);
    vs.insert(vs.begin(), std::move(v));
    return vs.front();
  }
  it->state = SchemaVersion::State::kKnown;
  it->reason.clear();
  it->table = std::move(table);
  return *it;
}

void SchemaHistory::advance(const core::BinlogPosition& to) {
  if (valid_up_to_.empty() || core::compare_positions(to, valid_up_to_) > 0) valid_up_to_ = to;
}

const std::vector<SchemaVersion>& SchemaHistory::versions(std::string_view db, std::string_view table) const {
  static const std::vector<SchemaVersion> kNone;
  auto it = tables_.find(Key{std::string(db), std::string(table)});
  return it == tables_.end() ? kNone : it->second;
}

const SchemaVersion* SchemaHistory::version_at(std::string_view db, std::string_view table,
                                               const core::BinlogPosition& at) const {
  const auto& vs = versions(db, table);
  for (auto it = vs.rbegin(); it != vs.rend(); ++it) {
    if (core::compare_positions(it->position, at) <= 0) return &*it;
  }
  return nullptr;
}

const SchemaVersion* SchemaHistory::latest(std::string_view db, std::string_view table) const {
  const auto& vs = versions(db, table);
  return vs.empty() ? nullptr : &vs.back();
}

std::vector<std::string> SchemaHistory::table_names() const {
  std::vector<std::string> out;
  for (const auto& [key, vs] : tables_) out.push_back(key.first + "." + key.second);
  return out;
}

void SchemaHistory::add_version(const TableName& name, SchemaVersion v) {
  v.table.database = name.db;
  v.table.name = name.table;
  tables_[Key{name.db, name.table}].push_back(std::move(v));
}

void SchemaHistory::mark_unknown(const TableName& name, const SchemaVersion& base, std::string reason) {
  note("schema history: " + name.str() + " is unknown from " + base.position.str() + ": " + reason);
  SchemaVersion v = base;
  if (const SchemaVersion* prev = latest(name.db, name.table)) v.table = prev->table;
  v.state = SchemaVersion::State::kUnknown;
  v.reason = std::move(reason);
  add_version(name, std::move(v));
}

core::Status SchemaHistory::apply(const binlog::StatementChange& change) {
  core::BinlogPosition at{change.txn ? std::string(change.txn->file) : std::string(), change.pos};
  std::string_view gtid = change.txn ? change.txn->gtid : std::string_view();
  SqlServer server = change.status ? parse_server_version(change.status->server_version) : SqlServer{};
  SLUICE_TRY(apply_statement(change.db, change.sql, at, gtid, server));
  if (change.txn && change.txn->end_pos > change.pos) advance({at.file, change.txn->end_pos});
  return core::ok();
}

core::Status SchemaHistory::apply_statement(std::string_view default_db, std::string_view sql,
                                            const core::BinlogPosition& at, std::string_view gtid,
                                            const SqlServer& server) {
  if (seeded_at_.empty()) {
    return core::fail(core::ErrorCode::kInternal, "schema history used before it was seeded");
  }
  if (core::compare_positions(at, valid_up_to_) < 0) return core::ok();  // already reflected
  advance({at.file, at.offset + 1});
  auto parsed = parse_ddl(sql, default_db, server);
  if (!parsed) {
    note("schema history: statement at " + at.str() + " is not SQL (" + parsed.error().message + "): " + one_line(sql));
    return core::ok();
  }
  SchemaVersion base;
  base.position = at;
  base.gtid.assign(gtid);
  base.statement = one_line(sql);
  for (const std::string& n : parsed->notes) note("schema history: " + at.str() + ": " + n + ": " + base.statement);
  apply_parsed(*parsed, base);
  return core::ok();
}

void SchemaHistory::apply_rename(const TableName& from, const TableName& to, const SchemaVersion& base) {
  const SchemaVersion* prev = latest(from.db, from.table);
  SchemaVersion moved = base;
  bool known = prev != nullptr && prev->state != SchemaVersion::State::kDropped;
  if (known) {
    moved.state = prev->state;
    moved.reason = prev->reason;
    moved.table = prev->table;
    SchemaVersion gone = base;
    gone.state = SchemaVersion::State::kDropped;
    gone.table = prev->table;
    add_version(from, std::move(gone));
  }
  if (!tracks(to.db, to.table)) return;
  if (known) add_version(to, std::move(moved));
  else mark_unknown(to, base, "renamed from " + from.str() + ", whose schema the history does not hold");
}

void SchemaHistory::apply_alter(const DdlStatement& st, const SchemaVersion& base) {
  const TableName& name = st.tables[0];
  const SchemaVersion* prev = latest(name.db, name.table);
  if (prev == nullptr || prev->state == SchemaVersion::State::kDropped) {
    return mark_unknown(name, base, "ALTER TABLE of a table the history does not hold");
  }
  if (prev->state == SchemaVersion::State::kUnknown) {
    // Stays unknown until re-seeded, unless seed_unknown() said this ALTER yields the seeded table.
    auto k = known_from_.find(Key{name.db, name.table});
    if (k == known_from_.end() || k->second != base.position) return;
    known_from_.erase(k);
    SchemaVersion v = base;
    v.table = prev->table;
    add_version(name, std::move(v));
    return;
  }
  SchemaVersion v = base;
  v.table = prev->table;
  auto applied = apply_alter_specs(v.table, st.specs);
  if (!applied) return mark_unknown(name, base, applied.error().message);
  const TableName* rename_to = nullptr;
  for (const AlterSpec& s : st.specs) {
    if (s.op == AlterSpec::Op::kRenameTable) rename_to = &s.new_table;
  }
  add_version(name, std::move(v));
  if (rename_to && (rename_to->db != name.db || rename_to->table != name.table)) {
    apply_rename(name, *rename_to, base);
  }
}

void SchemaHistory::apply_parsed(const DdlStatement& st, const SchemaVersion& base) {
  if (st.temporary) return;
  auto tracked = [&](const TableName& n) { return tracks(n.db, n.table); };
  switch (st.kind) {
    case DdlKind::kOther:
    case DdlKind::kTruncateTable:
    case DdlKind::kCreateDatabase:
      return;
    case DdlKind::kCreateTable: {
      const TableName& name = st.tables[0];
      if (!tracked(name)) return;
      const SchemaVersion* prev = latest(name.db, name.table);
      if (st.if_not_exists && prev && prev->state != SchemaVersion::State::kDropped) return;
      SchemaVersion v = base;
      v.table = st.table;
      return add_version(name, std::move(v));
    }
    case DdlKind::kCreateTableLike: {
      const TableName& name = st.tables[0];
      if (!tracked(name)) return;
      const SchemaVersion* src = latest(st.like.db, st.like.table);
      if (!src || src->state != SchemaVersion::State::kKnown) {
        return mark_unknown(name, base, "CREATE TABLE ... LIKE " + st.like.str() + ", whose schema the history does not hold");
      }
      SchemaVersion v = base;
      v.table = src->table;
      return add_version(name, std::move(v));
    }
    case DdlKind::kCreateTableSelect:
      if (!tracked(st.tables[0])) return;
      return mark_unknown(st.tables[0], base, "CREATE TABLE ... SELECT takes its columns from a query");
    case DdlKind::kAlterTable:
      if (tracked(st.tables[0])) apply_alter(st, base);
      return;
    case DdlKind::kDropTable:
      for (const TableName& n : st.tables) {
        const SchemaVersion* prev = latest(n.db, n.table);
        if (!prev || prev->state == SchemaVersion::State::kDropped) continue;
        SchemaVersion v = base;
        v.state = SchemaVersion::State::kDropped;
        v.table = prev->table;
        add_version(n, std::move(v));
      }
      return;
    case DdlKind::kRenameTable:
      for (size_t i = 0; i + 1 < st.tables.size(); i += 2) apply_rename(st.tables[i], st.tables[i + 1], base);
      return;
    case DdlKind::kDropDatabase: {
      std::vector<TableName> gone;
      for (const auto& [key, vs] : tables_) {
        if (key.first == st.database && vs.back().state != SchemaVersion::State::kDropped) {
          gone.push_back(TableName{key.first, key.second});
        }
      }
      DdlStatement drop;
      drop.kind = DdlKind::kDropTable;
      drop.tables = std::move(gone);
      return apply_parsed(drop, base);
    }
    case DdlKind::kUnparsed:
      if (!st.tables.empty() && tracked(st.tables[0])) {
        mark_unknown(st.tables[0], base, "could not parse the " + st.reason);
      } else {
        note("schema history: " + base.position.str() + ": DDL not understood (" + st.reason + "): " + base.statement);
      }
      return;
  }
}

size_t SchemaHistory::compact(const core::BinlogPosition& keep_from) {
  size_t removed = 0;
  for (auto it = tables_.begin(); it != tables_.end();) {
    auto& vs = it->second;
    size_t first_kept = 0;
    for (size_t i = 0; i < vs.size(); ++i) {
      if (core::compare_positions(vs[i].position, keep_from) <= 0) first_kept = i;
    }
    removed += first_kept;
    vs.erase(vs.begin(), vs.begin() + static_cast<std::ptrdiff_t>(first_kept));
    if (vs.size() == 1 && vs[0].state == SchemaVersion::State::kDropped &&
        core::compare_positions(vs[0].position, keep_from) <= 0) {
      ++removed;
      it = tables_.erase(it);
    } else {
      ++it;
    }
  }
  return removed;
}

}  // namespace sluice::schema
