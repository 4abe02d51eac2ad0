#include "sinks/avro/avro_schema.h"

#include <avro.h>

#include <algorithm>
#include <array>

#include <nlohmann/json.hpp>

#include "schema/avro_names.h"

namespace sluice::sinks::avro {
namespace {

using nlohmann::ordered_json;
using schema::ColumnKind;
using schema::ColumnSchema;

const std::array<std::string, 3> kReserved = {"_sdc_extracted_at", "_sdc_deleted_at", "_sdc_table_version"};

// Integer kinds: int32 when every value fits, else int64, else decimal(20,0).
FieldEncoding integer_encoding(const ColumnSchema& c) {
  switch (c.kind) {
    case ColumnKind::kTinyInt:
    case ColumnKind::kSmallInt:
    case ColumnKind::kMediumInt:
      return FieldEncoding::kInt;
    case ColumnKind::kInt:
      return c.is_unsigned ? FieldEncoding::kLong : FieldEncoding::kInt;
    default:
      return c.is_unsigned ? FieldEncoding::kDecimal : FieldEncoding::kLong;
  }
}

core::Result<FieldEncoding> encoding_for(const ColumnSchema& c) {
  switch (c.kind) {
    case ColumnKind::kTinyInt:
      if (c.is_boolean) return FieldEncoding::kBoolean;
      [[fallthrough]];
    case ColumnKind::kSmallInt:
    case ColumnKind::kMediumInt:
    case ColumnKind::kInt:
    case ColumnKind::kBigInt:
      return integer_encoding(c);
    case ColumnKind::kDecimal: return FieldEncoding::kDecimal;
    case ColumnKind::kFloat: return FieldEncoding::kFloat;
    case ColumnKind::kDouble: return FieldEncoding::kDouble;
    case ColumnKind::kBit:
      if (c.precision <= 1) return FieldEncoding::kBoolean;
      return c.precision < 64 ? FieldEncoding::kLong : FieldEncoding::kDecimal;
    case ColumnKind::kYear: return FieldEncoding::kInt;
    case ColumnKind::kDate: return FieldEncoding::kDate;
    case ColumnKind::kTime: return FieldEncoding::kTimeMicros;
    case ColumnKind::kDateTime: return FieldEncoding::kLocalTimestamp;
    case ColumnKind::kTimestamp: return FieldEncoding::kTimestamp;
    case ColumnKind::kBinary:
    case ColumnKind::kVarbinary:
    case ColumnKind::kBlob:
      return FieldEncoding::kBytes;
    case ColumnKind::kChar:
    case ColumnKind::kVarchar:
    case ColumnKind::kText:
      return c.charset == "binary" ? FieldEncoding::kBytes : FieldEncoding::kString;
    case ColumnKind::kEnum:
    case ColumnKind::kSet:
    case ColumnKind::kJson:
    case ColumnKind::kGeometry:
    case ColumnKind::kInet4:
    case ColumnKind::kInet6:
    case ColumnKind::kUuid:
      return FieldEncoding::kString;
    case ColumnKind::kVector: return FieldEncoding::kFloatArray;
    case ColumnKind::kUnknown: break;
  }
  return core::fail(core::ErrorCode::kUnsupported,
                    "column '" + c.name + "' has type " + c.column_type + ", which has no Avro form; deselect it");
}

ordered_json logical(const char* base, const char* logical_type) {
  return ordered_json{{"type", base}, {"logicalType", logical_type}};
}

ordered_json type_json(const FieldPlan& f, const ColumnSchema& c) {
  switch (f.encoding) {
    case FieldEncoding::kBoolean: return "boolean";
    case FieldEncoding::kInt: return "int";
    case FieldEncoding::kLong: return "long";
    case FieldEncoding::kDecimal:
      return ordered_json{{"type", "bytes"}, {"logicalType", "decimal"}, {"precision", f.precision},
                          {"scale", f.scale}};
    case FieldEncoding::kFloat: return "float";
    case FieldEncoding::kDouble: return "double";
    case FieldEncoding::kString:
      if (c.kind == ColumnKind::kJson) return ordered_json{{"type", "string"}, {"sqlType", "json"}};
      return "string";
    case FieldEncoding::kBytes: return "bytes";
    case FieldEncoding::kDate: return logical("int", "date");
    case FieldEncoding::kTimeMicros:
      // MySQL TIME is a signed duration up to 838 h; time-micros is a time of day (readers such
      // as python3-avro fail on 25:00:00), so a plain long of microseconds, marked.
      return ordered_json{{"type", "long"}, {"sqlType", "time"}, {"unit", "microseconds"}};
    case FieldEncoding::kLocalTimestamp: return logical("long", "local-timestamp-micros");
    case FieldEncoding::kTimestamp: return logical("long", "timestamp-micros");
    case FieldEncoding::kFloatArray: return ordered_json{{"type", "array"}, {"items", "float"}};
  }
  return "null";
}

ordered_json field_json(const FieldPlan& f, const ColumnSchema& c) {
  ordered_json type = type_json(f, c);
  ordered_json field;
  field["name"] = f.name;
  field["type"] = f.nullable ? ordered_json::array({"null", type}) : type;
  if (f.nullable) field["default"] = nullptr;
  std::string doc = "MySQL column `" + c.name + "` " + c.column_type;
  if (f.name != c.name) doc += " (renamed to be a valid Avro name)";
  field["doc"] = doc;
  field["sqlName"] = c.name;
  field["sqlType"] = c.column_type;
  return field;
}

ordered_json metadata_field(const char* name, bool timestamp, const char* doc) {
  ordered_json type = timestamp ? logical("long", "timestamp-micros") : ordered_json("long");
  return ordered_json{{"name", name}, {"type", ordered_json::array({"null", type})}, {"default", nullptr},
                      {"doc", doc}};
}

core::Status check_with_avro_c(const std::string& json, const std::string& table) {
  avro_schema_t parsed = nullptr;
  if (avro_schema_from_json_length(json.data(), json.size(), &parsed) != 0) {
    return core::fail(core::ErrorCode::kInternal,
                      "the Avro schema built for " + table + " does not parse: " + avro_strerror());
  }
  avro_schema_decref(parsed);
  return core::ok();
}

}  // namespace

core::Result<SchemaPlan> build_schema(const StreamInfo& info) {
  SchemaPlan plan;
  std::vector<std::string> originals;
  originals.reserve(info.columns.size());
  for (const ColumnSchema& c : info.columns) originals.push_back(c.name);
  std::vector<std::string> names = schema::avro_field_names(originals, kReserved);

  ordered_json fields = ordered_json::array();
  for (size_t i = 0; i < info.columns.size(); ++i) {
    const ColumnSchema& c = info.columns[i];
    auto enc = encoding_for(c);
    if (!enc) return core::fail(enc.error().with_context(info.database + "." + info.table));
    FieldPlan f;
    f.name = names[i];
    f.original = c.name;
    f.encoding = *enc;
    // Zero dates ("0000-00-00") have no Avro form and become null, so temporal columns that
    // carry a date are nullable whatever the column says.
    bool has_date = *enc == FieldEncoding::kDate || *enc == FieldEncoding::kLocalTimestamp ||
                    *enc == FieldEncoding::kTimestamp;
    f.nullable = c.nullable || has_date;
    if (*enc == FieldEncoding::kDecimal) {
      bool exact = c.kind == ColumnKind::kDecimal;
      f.precision = exact ? std::max<uint32_t>(c.precision, 1) : 20;
      f.scale = exact ? c.scale : 0;
    }
    fields.push_back(field_json(f, c));
    plan.columns.push_back(std::move(f));
  }
  for (const std::string& key : info.key_properties) {
    for (size_t i = 0; i < info.columns.size(); ++i) {
      if (info.columns[i].name == key) plan.key_columns.push_back(i);
    }
  }
  fields.push_back(metadata_field("_sdc_extracted_at", true, "when sluice read the row (UTC)"));
  plan.deleted_at = info.deleted_at_column;
  if (plan.deleted_at) {
    fields.push_back(metadata_field("_sdc_deleted_at", true, "commit time of the delete; null otherwise"));
  }
  plan.version = info.version;
  plan.table_version = info.version != 0;
  if (plan.table_version) {
    fields.push_back(metadata_field("_sdc_table_version", false, "Singer table version of the load"));
  }

  ordered_json record;
  record["type"] = "record";
  record["name"] = schema::avro_safe_name(info.table);
  record["namespace"] = schema::avro_safe_name(info.database);
  record["doc"] = "MySQL table `" + info.database + "`.`" + info.table + "`";
  record["sqlName"] = info.database + "." + info.table;
  record["fields"] = std::move(fields);
  plan.json = record.dump(-1, ' ', false, ordered_json::error_handler_t::replace);
  SLUICE_TRY(check_with_avro_c(plan.json, info.database + "." + info.table));
  return plan;
}

}  // namespace sluice::sinks::avro
