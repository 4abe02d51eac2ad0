// SchemaHistory persistence: one JSON document, written atomically (schema_history.h).
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "schema/schema_history.h"
#include "schema/type_mapping.h"

namespace sluice::schema {

namespace {

using nlohmann::json;
constexpr std::string_view kFormat = "sluice-schema-history";
constexpr int kFormatVersion = 1;

constexpr std::string_view kStateNames[] = {"known", "unknown", "dropped"};

json column_json(const ColumnSchema& c) {
  json j = {{"name", c.name}, {"data_type", c.data_type}, {"column_type", c.column_type}, {"nullable", c.nullable}};
  if (c.auto_increment) j["auto_increment"] = true;
  if (c.generated) j["generated"] = true;
  if (!c.charset.empty()) j["charset"] = c.charset;
  if (!c.collation.empty()) j["collation"] = c.collation;
  if (c.max_length) j["max_length"] = *c.max_length;
  if (c.octet_length) j["octet_length"] = *c.octet_length;
  if (c.precision) j["precision"] = c.precision;
  if (c.scale) j["scale"] = c.scale;
  if (c.fsp) j["fsp"] = c.fsp;
  if (c.kind == ColumnKind::kJson) j["json"] = true;  // MariaDB JSON: a longtext with json_valid()
  if (!c.enum_values.empty()) j["values"] = c.enum_values;
  if (c.srid) j["srid"] = *c.srid;
  return j;
}

// Rebuilds a column from its JSON: the type text decides the kind, then the stored facts.
ColumnSchema column_from_json(const json& j, uint32_t ordinal) {
  ColumnSchema c = column_from_type(j.at("name").get<std::string>(), j.at("data_type").get<std::string>(),
                                    j.at("column_type").get<std::string>());
  c.ordinal = ordinal;
  c.nullable = j.value("nullable", true);
  c.auto_increment = j.value("auto_increment", false);
  c.generated = j.value("generated", false);
  c.charset = j.value("charset", "");
  c.collation = j.value("collation", "");
  if (j.contains("max_length")) c.max_length = j["max_length"].get<uint64_t>();
  if (j.contains("octet_length")) c.octet_length = j["octet_length"].get<uint64_t>();
  c.precision = j.value("precision", c.precision);
  c.scale = j.value("scale", c.scale);
  c.fsp = j.value("fsp", c.fsp);
  if (j.value("json", false)) c.kind = ColumnKind::kJson;
  if (j.contains("values")) c.enum_values = j["values"].get<std::vector<std::string>>();
  if (j.contains("srid")) c.srid = j["srid"].get<uint32_t>();
  return c;
}

json table_json(const TableSchema& t) {
  json cols = json::array();
  for (const ColumnSchema& c : t.columns) cols.push_back(column_json(c));
  json uniques = json::array();
  for (const KeySchema& k : t.unique_keys) uniques.push_back({{"name", k.name}, {"columns", k.columns}});
  return {{"engine", t.engine}, {"columns", cols}, {"primary_key", t.primary_key}, {"unique_keys", uniques}};
}

TableSchema table_from_json(const json& j, const std::string& db, const std::string& name) {
  TableSchema t;
  t.database = db;
  t.name = name;
  t.engine = j.value("engine", "");
  for (const json& c : j.at("columns")) t.columns.push_back(column_from_json(c, static_cast<uint32_t>(t.columns.size() + 1)));
  t.primary_key = j.value("primary_key", std::vector<std::string>{});
  for (const json& k : j.value("unique_keys", json::array())) {
    t.unique_keys.push_back(KeySchema{k.at("name").get<std::string>(), k.at("columns").get<std::vector<std::string>>()});
  }
  return t;
}

core::Error io_error(const std::string& what, const std::string& path) {
  return core::Error{core::ErrorCode::kIo, what + " " + path + ": " + std::strerror(errno)};
}

core::Status write_all(int fd, std::string_view data, const std::string& path) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return core::fail(io_error("cannot write", path));
    data.remove_prefix(static_cast<size_t>(n));
  }
  return core::ok();
}

}  // namespace

struct HistoryJson {
  static json dump(const SchemaHistory& h) {
    json tables = json::array();
    for (const auto& [key, vs] : h.tables_) {
      json versions = json::array();
      for (const SchemaVersion& v : vs) {
        json jv = {{"position", v.position.str()}, {"state", kStateNames[static_cast<size_t>(v.state)]}};
        if (!v.gtid.empty()) jv["gtid"] = v.gtid;
        if (!v.statement.empty()) jv["statement"] = v.statement;
        if (!v.reason.empty()) jv["reason"] = v.reason;
        jv["schema"] = table_json(v.table);
        versions.push_back(std::move(jv));
      }
      tables.push_back({{"database", key.first}, {"table", key.second}, {"versions", versions}});
    }
    return {{"format", kFormat},
            {"format_version", kFormatVersion},
            {"seeded_at", h.seeded_at_.str()},
            {"valid_up_to", h.valid_up_to_.str()},
            {"databases", h.options_.databases},
            {"tables_filter", h.options_.tables},
            {"tables", tables}};
  }

  static core::Result<SchemaVersion> version(const json& jv, const std::string& db, const std::string& name) {
    SchemaVersion v;
    auto pos = core::BinlogPosition::parse(jv.at("position").get<std::string>());
    if (!pos) return core::fail(pos.error());
    v.position = *pos;
    std::string state = jv.at("state").get<std::string>();
    if (state == "unknown") v.state = SchemaVersion::State::kUnknown;
    else if (state == "dropped") v.state = SchemaVersion::State::kDropped;
    else if (state != "known") return core::fail(core::ErrorCode::kConfig, "unknown version state '" + state + "'");
    v.gtid = jv.value("gtid", "");
    v.statement = jv.value("statement", "");
    v.reason = jv.value("reason", "");
    v.table = table_from_json(jv.at("schema"), db, name);
    return v;
  }

  static core::Result<SchemaHistory> load(const json& j, HistoryOptions options) {
    if (j.value("format", "") != kFormat) return core::fail(core::ErrorCode::kConfig, "not a sluice schema history");
    if (j.value("format_version", 0) != kFormatVersion) {
      return core::fail(core::ErrorCode::kConfig, "unsupported schema history format_version");
    }
    options.databases = j.value("databases", std::vector<std::string>{});
    options.tables = j.value("tables_filter", std::vector<std::string>{});
    SchemaHistory h(std::move(options));
    auto seeded = core::BinlogPosition::parse(j.at("seeded_at").get<std::string>());
    auto valid = core::BinlogPosition::parse(j.at("valid_up_to").get<std::string>());
    if (!seeded) return core::fail(seeded.error());
    if (!valid) return core::fail(valid.error());
    h.seeded_at_ = *seeded;
    h.valid_up_to_ = *valid;
    for (const json& jt : j.at("tables")) {
      std::string db = jt.at("database").get<std::string>(), name = jt.at("table").get<std::string>();
      auto& vs = h.tables_[SchemaHistory::Key{db, name}];
      for (const json& jv : jt.at("versions")) {
        auto v = version(jv, db, name);
        if (!v) return core::fail(v.error().with_context(db + "." + name));
        vs.push_back(std::move(*v));
      }
    }
    return h;
  }
};

std::string SchemaHistory::to_json() const { return HistoryJson::dump(*this).dump(1) + "\n"; }

core::Result<SchemaHistory> SchemaHistory::from_json(std::string_view text, HistoryOptions options) {
  try {
    return HistoryJson::load(json::parse(text), std::move(options));
  } catch (const json::exception& e) {
    // "[json.exception.type_error.302] type must be string, but is number": keep what was wrong.
    std::string_view what(e.what());
    if (auto end = what.find("] "); what.starts_with("[json.") && end != std::string_view::npos) {
      what.remove_prefix(end + 2);
    }
    return core::fail(
        core::ErrorCode::kConfig,
        "malformed schema history (" + std::string(what) +
            "): restore a good copy, or delete it to seed a new one from the server's current tables");
  }
}

core::Status SchemaHistory::save(const std::string& path) const {
  std::string text = to_json();
  std::string tmp = path + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return core::fail(io_error("cannot create", tmp));
  auto written = write_all(fd, text, tmp);
  bool synced = written && ::fsync(fd) == 0;
  int saved_errno = errno;
  ::close(fd);
  errno = saved_errno;
  if (!written) return written;
  if (!synced) return core::fail(io_error("cannot fsync", tmp));
  if (::rename(tmp.c_str(), path.c_str()) != 0) return core::fail(io_error("cannot rename to", path));
  size_t slash = path.rfind('/');
  std::string dir = slash == std::string::npos ? "." : slash == 0 ? "/" : path.substr(0, slash);
  int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {  // make the rename durable
    ::fsync(dfd);
    ::close(dfd);
  }
  return core::ok();
}

core::Result<SchemaHistory> SchemaHistory::load(const std::string& path, HistoryOptions options) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return core::fail(io_error("cannot open schema history", path));
  std::stringstream buf;
  buf << in.rdbuf();
  auto h = from_json(buf.str(), std::move(options));
  if (!h) return core::fail(h.error().with_context(path));
  return h;
}

}  // namespace sluice::schema
