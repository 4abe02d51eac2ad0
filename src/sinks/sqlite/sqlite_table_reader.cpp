#include "sinks/sqlite/sqlite_table_reader.h"

#include <limits>

#include "sinks/sqlite/sqlite_db.h"

namespace sluice::sinks {
namespace {

std::string param(int n) { return "?" + std::to_string(n); }

int bind_json(sqlite3_stmt* stmt, int index, const nlohmann::ordered_json& v, std::string& scratch) {
  if (v.is_number_integer() && !v.is_number_unsigned())
    return sqlite3_bind_int64(stmt, index, v.get<int64_t>());
  if (v.is_number_unsigned()) {
    uint64_t u = v.get<uint64_t>();
    if (u <= static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
      return sqlite3_bind_int64(stmt, index, static_cast<sqlite3_int64>(u));
    }
    scratch = std::to_string(u);
    return sqlite3_bind_text64(stmt, index, scratch.data(), scratch.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
  }
  if (v.is_number_float()) return sqlite3_bind_double(stmt, index, v.get<double>());
  if (v.is_boolean()) return sqlite3_bind_int64(stmt, index, v.get<bool>() ? 1 : 0);
  if (v.is_string()) {
    const std::string& s = v.get_ref<const std::string&>();
    return sqlite3_bind_text64(stmt, index, s.data(), s.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
  }
  return sqlite3_bind_null(stmt, index);
}

}  // namespace

struct SqliteTableReader::Impl {
  sqlite::Db db;
  std::string select;                  ///< SELECT cols FROM t WHERE _sdc_deleted_at IS NULL
  std::vector<std::string> key_names;  ///< source names of the key columns
  std::vector<std::string> key_quoted;
  std::vector<ReadCell> cells;
  std::string scratch;

  core::Status run(const std::string& sql, const std::vector<const nlohmann::ordered_json*>& params,
                   const ReadRowFn& fn) {
    auto stmt = db.prepare(sql, "reading the destination table");
    if (!stmt) return core::fail(stmt.error());
    for (size_t i = 0; i < params.size(); ++i) {
      int rc = bind_json(stmt->get(), static_cast<int>(i + 1), *params[i], scratch);
      if (rc != SQLITE_OK) return core::fail(db.error(rc, "binding a key"));
    }
    int rc;
    while ((rc = sqlite3_step(stmt->get())) == SQLITE_ROW) {
      for (size_t c = 0; c < cells.size(); ++c) cells[c] = cell(stmt->get(), static_cast<int>(c));
      SLUICE_TRY(fn(cells));
    }
    if (rc != SQLITE_DONE) return core::fail(db.error(rc, "reading the destination table"));
    return core::ok();
  }

  static ReadCell cell(sqlite3_stmt* s, int c) {
    ReadCell out;
    switch (sqlite3_column_type(s, c)) {
      case SQLITE_INTEGER:
        out.kind = ReadCell::Kind::kInt;
        out.i = sqlite3_column_int64(s, c);
        break;
      case SQLITE_FLOAT:
        out.kind = ReadCell::Kind::kDouble;
        out.d = sqlite3_column_double(s, c);
        break;
      case SQLITE_TEXT:
        out.kind = ReadCell::Kind::kText;
        out.text = {reinterpret_cast<const char*>(sqlite3_column_text(s, c)),
                    static_cast<size_t>(sqlite3_column_bytes(s, c))};
        break;
      case SQLITE_BLOB: {
        out.kind = ReadCell::Kind::kBytes;
        const void* p = sqlite3_column_blob(s, c);
        out.text = {p ? static_cast<const char*>(p) : "", static_cast<size_t>(sqlite3_column_bytes(s, c))};
        break;
      }
      default:
        break;
    }
    return out;
  }
};

SqliteTableReader::SqliteTableReader(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
SqliteTableReader::~SqliteTableReader() = default;

core::Result<std::unique_ptr<SqliteTableReader>> SqliteTableReader::open(const std::string& path,
                                                                         const StreamInfo& info) {
  auto impl = std::make_unique<Impl>();
  SLUICE_TRY(impl->db.open(path, /*create=*/false, /*read_only=*/true));
  auto find = impl->db.prepare("SELECT table_name FROM _sluice_streams WHERE stream_id = ?1",
                               "reading _sluice_streams");
  if (!find) return core::fail(find.error());
  sqlite3_bind_text64(find->get(), 1, info.stream_id.data(), info.stream_id.size(), SQLITE_STATIC,
                      SQLITE_UTF8);
  if (sqlite3_step(find->get()) != SQLITE_ROW) {
    return core::fail(core::ErrorCode::kNotFound, "SQLite destination " + path + " has no table for stream " +
                                                      info.stream_id + " (run 'sluice sync' into it first)");
  }
  std::string table = reinterpret_cast<const char*>(sqlite3_column_text(find->get(), 0));
  std::string cols;
  for (const auto& c : info.columns) cols += (cols.empty() ? "" : ", ") + sqlite::quote_ident(c.name);
  impl->select = "SELECT " + cols + " FROM " + sqlite::quote_ident(table) + " WHERE _sdc_deleted_at IS NULL";
  impl->key_names = info.key_properties;
  for (const auto& k : info.key_properties) impl->key_quoted.push_back(sqlite::quote_ident(k));
  impl->cells.resize(info.columns.size());
  return std::unique_ptr<SqliteTableReader>(new SqliteTableReader(std::move(impl)));
}

core::Status SqliteTableReader::read_range(const nlohmann::ordered_json& after,
                                           const nlohmann::ordered_json& upto, const ReadRowFn& fn) {
  std::string where = key_range_sql(impl_->key_quoted, !after.is_null(), !upto.is_null(), param);
  std::vector<const nlohmann::ordered_json*> params;
  for (const auto* key : {&after, &upto}) {
    if (key->is_null()) continue;
    for (const auto* v : key_values(*key, impl_->key_names)) params.push_back(v);
  }
  return impl_->run(impl_->select + (where.empty() ? "" : " AND " + where), params, fn);
}

core::Status SqliteTableReader::read_keys(std::span<const nlohmann::ordered_json> keys, const ReadRowFn& fn) {
  if (keys.empty()) return core::ok();
  std::vector<const nlohmann::ordered_json*> params;
  for (const auto& key : keys) {
    for (const auto* v : key_values(key, impl_->key_names)) params.push_back(v);
  }
  return impl_->run(impl_->select + " AND (" + key_list_sql(impl_->key_quoted, keys.size(), param) + ")",
                    params, fn);
}

}  // namespace sluice::sinks
