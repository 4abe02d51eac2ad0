// decoder_for: one CellDecoder per ColumnDef, chosen once per TABLE_MAP (column_def.h).

#include <string>

#include "binlog/values/column_def.h"
#include "binlog/values/decoders.h"

namespace sluice::binlog {

core::Result<CellDecoder> decoder_for(const ColumnDef& col) {
  using T = ColumnType;
  namespace v = values;
  switch (col.type) {
    case T::kTiny: return &v::decode_tiny;
    case T::kShort: return &v::decode_short;
    case T::kInt24: return &v::decode_int24;
    case T::kLong: return &v::decode_long;
    case T::kLongLong: return &v::decode_longlong;
    case T::kYear: return &v::decode_year;
    case T::kFloat: return &v::decode_float;
    case T::kDouble: return &v::decode_double;
    case T::kNewDecimal: return &v::decode_newdecimal;
    case T::kDate:
    case T::kNewDate: return &v::decode_date;
    case T::kTime: return col.meta == 0 ? &v::decode_time_old : &v::decode_time_hires;
    case T::kTime2: return &v::decode_time2;
    case T::kDateTime: return col.meta == 0 ? &v::decode_datetime_old : &v::decode_datetime_hires;
    case T::kDateTime2: return &v::decode_datetime2;
    case T::kTimestamp: return col.meta == 0 ? &v::decode_timestamp_old : &v::decode_timestamp_hires;
    case T::kTimestamp2: return &v::decode_timestamp2;
    case T::kVarchar:
    case T::kVarString: return &v::decode_varchar;
    case T::kString:
      if (col.extended_type == ExtendedType::kInet6) return &v::decode_inet6;
      if (col.extended_type == ExtendedType::kUuid) return &v::decode_uuid;
      return &v::decode_char;
    case T::kTinyBlob:
    case T::kMediumBlob:
    case T::kLongBlob:
    case T::kBlob:
      return col.extended_type == ExtendedType::kJsonText ? &v::decode_json_text : &v::decode_blob;
    case T::kBit: return &v::decode_bit;
    case T::kEnum: return &v::decode_enum;
    case T::kSet: return &v::decode_set;
    case T::kJson: return &v::decode_json;
    case T::kGeometry: return &v::decode_geometry;
    case T::kVector: return &v::decode_vector;
    default: break;
  }
  return core::fail(core::ErrorCode::kUnsupported,
                    "column type " + std::to_string(static_cast<int>(col.type)) +
                        " cannot be decoded (old pre-5.0 DECIMAL, NULL or typed-array column)",
                    false, true);
}

}  // namespace sluice::binlog
