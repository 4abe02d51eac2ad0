#include "extract/snapshot_reader.h"

#include "extract/key_literal.h"
#include "extract/snapshot_sql.h"
#include "extract/text_value.h"

namespace sluice::extract {
namespace {

using nlohmann::ordered_json;

std::optional<size_t> column_index(const schema::TableSchema& t, std::string_view name) {
  for (size_t i = 0; i < t.columns.size(); ++i) {
    if (t.columns[i].name == name) return i;
  }
  return std::nullopt;
}

class ChunkRunner {
 public:
  ChunkRunner(mysql::Connection& conn, const SnapshotSpec& spec, SnapshotConsumer& out)
      : conn_(conn), spec_(spec), out_(out), list_(select_list(spec)) {
    for (size_t k : spec.key) {
      for (size_t i = 0; i < list_.size(); ++i) {
        if (list_[i] == k) key_pos_.push_back(i);
      }
    }
    values_.resize(list_.size());
    key_text_.resize(spec.key.size());
    key_null_.resize(spec.key.size());
  }

  std::string base_sql() const { return select_sql(*spec_.table, list_, spec_.exact_floats); }

  // Streams one query; returns the number of rows delivered.
  core::Result<size_t> run_query(const std::string& sql) {
    auto res = conn_.query_stream(sql);
    if (!res) return core::fail(res.error().with_context("reading " + spec_.table->stream_id()));
    mysql::Row row;
    size_t n = 0;
    const schema::TableSchema& t = *spec_.table;
    for (;;) {
      auto more = next_snapshot_row(*res, row, t, list_.size());
      if (!more) return core::fail(more.error());
      if (!*more) break;
      for (size_t i = 0; i < list_.size(); ++i) {
        auto v = value_from_text(t.columns[list_[i]], row[i]);
        if (!v) return core::fail(v.error().with_context("reading " + t.stream_id()));
        values_[i] = *v;
      }
      for (size_t i = 0; i < key_pos_.size(); ++i) {
        const auto& cell = row[key_pos_[i]];
        key_null_[i] = !cell.has_value();
        key_text_[i].assign(cell ? *cell : std::string_view());
      }
      have_key_ = true;
      SLUICE_TRY(out_.on_row(values_));
      ++n;
      if ((n & 255) == 0 && out_.checkpoint_due()) SLUICE_TRY(out_.on_checkpoint(last_key()));
    }
    return n;
  }

  ordered_json last_key() const {
    if (spec_.key.empty() || !have_key_) return nullptr;
    std::vector<std::optional<std::string_view>> cells(spec_.key.size());
    for (size_t i = 0; i < cells.size(); ++i) {
      if (!key_null_[i]) cells[i] = std::string_view(key_text_[i]);
    }
    return key_json(*spec_.table, spec_.key, cells);
  }

  core::Status run() {
    const schema::TableSchema& t = *spec_.table;
    if (spec_.key.empty()) {
      std::string sql = base_sql();
      if (!spec_.where.empty()) sql += " WHERE " + spec_.where;
      sql += order_clause(t, spec_.order_by);
      auto n = run_query(sql);
      if (!n) return core::fail(n.error());
      return out_.on_checkpoint(nullptr);
    }
    ordered_json after = spec_.after;
    for (;;) {
      auto where = key_range_predicate(conn_, t, spec_.key, after, spec_.upto);
      if (!where) return core::fail(where.error());
      std::string sql = base_sql();
      if (!where->empty()) sql += " WHERE " + *where;
      sql += order_clause(t, spec_.key) + " LIMIT " + std::to_string(spec_.chunk_rows);
      auto n = run_query(sql);
      if (!n) return core::fail(n.error());
      if (*n == 0) return core::ok();
      after = last_key();
      SLUICE_TRY(out_.on_checkpoint(after));
      if (*n < spec_.chunk_rows) return core::ok();
    }
  }

 private:
  mysql::Connection& conn_;
  const SnapshotSpec& spec_;
  SnapshotConsumer& out_;
  std::vector<size_t> list_;
  std::vector<size_t> key_pos_;
  std::vector<core::Value> values_;
  std::vector<std::string> key_text_;
  std::vector<uint8_t> key_null_;
  bool have_key_ = false;
};

}  // namespace

std::string qualified_name(const schema::TableSchema& table) {
  return mysql::Connection::quote_identifier(table.database) + "." + mysql::Connection::quote_identifier(table.name);
}

std::vector<size_t> choose_chunk_key(const schema::TableSchema& table) {
  std::vector<size_t> key;
  auto resolve = [&table](const std::vector<std::string>& names, bool need_not_null) {
    std::vector<size_t> out;
    for (const std::string& n : names) {
      auto i = column_index(table, n);
      if (!i || (need_not_null && table.columns[*i].nullable)) return std::vector<size_t>{};
      out.push_back(*i);
    }
    return out;
  };
  if (!table.primary_key.empty()) key = resolve(table.primary_key, false);
  if (!key.empty()) return key;
  for (const schema::KeySchema& k : table.unique_keys) {
    key = resolve(k.columns, true);
    if (!key.empty()) return key;
  }
  return {};
}

core::Status read_snapshot(mysql::Connection& conn, const SnapshotSpec& spec, SnapshotConsumer& out) {
  if (spec.table == nullptr || spec.chunk_rows == 0) {
    return core::fail(core::ErrorCode::kInternal, "read_snapshot: no table or zero chunk size");
  }
  ChunkRunner runner(conn, spec, out);
  return runner.run();
}

core::Result<ordered_json> max_key(mysql::Connection& conn, const schema::TableSchema& table,
                                   std::span<const size_t> key) {
  if (key.empty()) return ordered_json(nullptr);
  std::string sql = "SELECT ";
  std::string order;
  for (size_t i = 0; i < key.size(); ++i) {
    std::string name = mysql::Connection::quote_identifier(table.columns[key[i]].name);
    sql += (i ? ", " : "") + name;
    order += (i ? ", " : "") + name + " DESC";
  }
  sql += " FROM " + qualified_name(table) + " ORDER BY " + order + " LIMIT 1";
  auto rows = conn.query(sql);
  if (!rows) return core::fail(rows.error().with_context("reading the largest key of " + table.stream_id()));
  if (rows->empty()) return ordered_json(nullptr);
  ordered_json j = ordered_json::object();
  for (size_t i = 0; i < key.size(); ++i) {
    const schema::ColumnSchema& c = table.columns[key[i]];
    const auto& cell = (*rows)[0][i];
    std::optional<std::string_view> view;
    if (cell) view = std::string_view(*cell);
    auto v = value_from_text(c, view);
    if (!v) return core::fail(v.error());
    j[c.name] = bookmark_json(c, *v);
  }
  return j;
}

}  // namespace sluice::extract
