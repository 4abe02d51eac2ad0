#include "sinks/postgres/pg_table_reader.h"

#include "sinks/postgres/pg_ddl.h"

namespace sluice::sinks {
namespace {

std::string param(int n) { return "$" + std::to_string(n); }

std::string param_text(const nlohmann::ordered_json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
  return v.dump();
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/// bytea's hex output ("\x0a1b") to bytes; false when malformed.
bool decode_bytea(std::string_view text, std::string& out) {
  out.clear();
  if (!text.starts_with("\\x") || text.size() % 2 != 0) return false;
  for (size_t i = 2; i < text.size(); i += 2) {
    int hi = hex_digit(text[i]), lo = hex_digit(text[i + 1]);
    if (hi < 0 || lo < 0) return false;
    out.push_back(static_cast<char>(hi * 16 + lo));
  }
  return true;
}

}  // namespace

core::Result<std::unique_ptr<PgTableReader>> PgTableReader::open(const PostgresSinkOptions& options,
                                                                 const StreamInfo& info) {
  auto conn = pg::PgConnection::connect(options.connect);
  if (!conn) return core::fail(conn.error());
  std::unique_ptr<PgTableReader> r(new PgTableReader(std::move(*conn)));
  // Values as verify canonicalises them: UTC, shortest exact floats, hex bytea, ISO dates.
  SLUICE_TRY(
      r->conn_.exec("SET TimeZone = 'UTC'; SET extra_float_digits = 3; SET bytea_output = 'hex'; SET "
                    "DateStyle = 'ISO, YMD'; "
                    "SET IntervalStyle = 'postgres'"));
  std::string schema =
      options.schema.empty() ? pg::pg_identifier(pg::schema_name_for(info.database)) : options.schema;
  std::string table = pg::quote_ident(schema) + "." + pg::quote_ident(pg::pg_identifier(info.table));
  auto exists = r->conn_.query("SELECT to_regclass($1)::text", {table});
  if (!exists) return core::fail(exists.error());
  if (exists->empty() || !(*exists)[0]) {
    return core::fail(core::ErrorCode::kNotFound, "PostgreSQL destination has no table " + table +
                                                      " for stream " + info.stream_id +
                                                      " (run 'sluice sync' into it first)");
  }
  std::string cols;
  for (const auto& c : info.columns) {
    cols += (cols.empty() ? "" : ", ") + pg::quote_ident(pg::pg_identifier(c.name));
    auto type = pg::pg_column_type(c);
    r->encodings_.push_back(type ? type->encoding : pg::PgEncoding::kText);
  }
  r->select_ = "SELECT " + cols + " FROM " + table + " WHERE \"_sdc_deleted_at\" IS NULL";
  r->key_names_ = info.key_properties;
  for (const auto& k : info.key_properties) r->key_quoted_.push_back(pg::quote_ident(pg::pg_identifier(k)));
  r->cells_.resize(info.columns.size());
  r->bytes_.resize(info.columns.size());
  return r;
}

core::Result<std::optional<std::string>> load_postgres_state(const PostgresSinkOptions& options) {
  auto conn = pg::PgConnection::connect(options.connect);
  if (!conn) return core::fail(conn.error());
  // Where PostgresSink keeps it (its state_schema()).
  std::string table = pg::quote_ident(options.schema.empty() ? "sluice" : options.schema) + "._sluice_state";
  auto exists = conn->query("SELECT to_regclass($1)::text", {table});
  if (!exists) return core::fail(exists.error());
  if (exists->empty() || !(*exists)[0]) return std::optional<std::string>();
  auto state = conn->query("SELECT state FROM " + table + " WHERE id = $1", {options.state_id});
  if (!state) return core::fail(state.error());
  if (state->empty() || !(*state)[0]) return std::optional<std::string>();
  return std::optional<std::string>(*(*state)[0]);
}

core::Status PgTableReader::run(const std::string& sql, const std::vector<std::string>& params,
                                const ReadRowFn& fn) {
  return conn_.query_rows(sql, params,
                          [&](std::span<const std::optional<std::string_view>> row) -> core::Status {
                            for (size_t c = 0; c < cells_.size() && c < row.size(); ++c) {
                              ReadCell& cell = cells_[c];
                              cell = ReadCell{};
                              if (!row[c]) continue;
                              cell.kind = ReadCell::Kind::kText;
                              cell.text = *row[c];
                              if (encodings_[c] == pg::PgEncoding::kBoolean) {
                                cell.kind = ReadCell::Kind::kInt;
                                cell.i = *row[c] == "t" ? 1 : 0;
                              } else if (encodings_[c] == pg::PgEncoding::kBytea) {
                                if (!decode_bytea(*row[c], bytes_[c])) {
                                  return core::fail(core::ErrorCode::kServer,
                                                    "PostgreSQL returned a bytea value not in hex form");
                                }
                                cell.kind = ReadCell::Kind::kBytes;
                                cell.text = bytes_[c];
                              }
                            }
                            return fn(cells_);
                          });
}

core::Status PgTableReader::read_range(const nlohmann::ordered_json& after,
                                       const nlohmann::ordered_json& upto, const ReadRowFn& fn) {
  std::string where = key_range_sql(key_quoted_, !after.is_null(), !upto.is_null(), param);
  std::vector<std::string> params;
  for (const auto* key : {&after, &upto}) {
    if (key->is_null()) continue;
    for (const auto* v : key_values(*key, key_names_)) params.push_back(param_text(*v));
  }
  return run(select_ + (where.empty() ? "" : " AND " + where), params, fn);
}

core::Status PgTableReader::read_keys(std::span<const nlohmann::ordered_json> keys, const ReadRowFn& fn) {
  if (keys.empty()) return core::ok();
  std::vector<std::string> params;
  for (const auto& key : keys) {
    for (const auto* v : key_values(key, key_names_)) params.push_back(param_text(*v));
  }
  return run(select_ + " AND (" + key_list_sql(key_quoted_, keys.size(), param) + ")", params, fn);
}

}  // namespace sluice::sinks
