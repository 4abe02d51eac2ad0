#pragma once
/// Every column value decoder, one group per type family (one .cpp each). All have the
/// CellDecoder signature of column_def.h: decode one non-NULL cell at `p` (`avail` bytes
/// left in the row image), fill `out`, return the bytes consumed or a kCorrupt error.
/// decoder_for() in decoder_for.cpp picks one per ColumnDef.

#include "binlog/values/column_def.h"

namespace sluice::binlog::values {

#define SLUICE_CELL_DECODER(name)                                                        \
  core::Result<size_t> name(const ColumnDef& col, const uint8_t* p, size_t avail,        \
                            core::Arena& arena, core::Value& out)

// integer_decoder.cpp: TINY/SHORT/INT24/LONG/LONGLONG (signedness from col), YEAR.
SLUICE_CELL_DECODER(decode_tiny);
SLUICE_CELL_DECODER(decode_short);
SLUICE_CELL_DECODER(decode_int24);
SLUICE_CELL_DECODER(decode_long);
SLUICE_CELL_DECODER(decode_longlong);
SLUICE_CELL_DECODER(decode_year);

// float_decoder.cpp: FLOAT (4 bytes) and DOUBLE (8 bytes), little-endian IEEE 754.
SLUICE_CELL_DECODER(decode_float);
SLUICE_CELL_DECODER(decode_double);

// decimal_decoder.cpp: NEWDECIMAL, to exact text.
SLUICE_CELL_DECODER(decode_newdecimal);

// temporal_decoder.cpp.
SLUICE_CELL_DECODER(decode_date);
SLUICE_CELL_DECODER(decode_time_old);
SLUICE_CELL_DECODER(decode_time2);
SLUICE_CELL_DECODER(decode_datetime_old);
SLUICE_CELL_DECODER(decode_datetime2);
SLUICE_CELL_DECODER(decode_timestamp_old);
SLUICE_CELL_DECODER(decode_timestamp2);
// MariaDB's pre-10.1 fractional TIME/DATETIME/TIMESTAMP: old types with `meta` = fsp 1..6.
SLUICE_CELL_DECODER(decode_time_hires);
SLUICE_CELL_DECODER(decode_datetime_hires);
SLUICE_CELL_DECODER(decode_timestamp_hires);

// string_decoder.cpp: VARCHAR/VAR_STRING, STRING (CHAR/BINARY), the BLOB/TEXT family.
SLUICE_CELL_DECODER(decode_varchar);
SLUICE_CELL_DECODER(decode_char);
SLUICE_CELL_DECODER(decode_blob);

// bit_decoder.cpp and enum_set_decoder.cpp.
SLUICE_CELL_DECODER(decode_bit);
SLUICE_CELL_DECODER(decode_enum);
SLUICE_CELL_DECODER(decode_set);

// json_decoder.cpp: MySQL binary JSON column -> JSON text.
SLUICE_CELL_DECODER(decode_json);

// geometry_decoder.cpp: GEOMETRY (SRID + WKB kept as bytes) and VECTOR (float32 array).
SLUICE_CELL_DECODER(decode_geometry);
SLUICE_CELL_DECODER(decode_vector);

// mariadb_types.cpp: MariaDB INET6 and UUID (BINARY(16) in the binlog) to canonical text.
SLUICE_CELL_DECODER(decode_inet6);
SLUICE_CELL_DECODER(decode_uuid);
// MariaDB JSON (a LONGTEXT): the text as a JSON value, as the snapshot reads the same column.
SLUICE_CELL_DECODER(decode_json_text);

#undef SLUICE_CELL_DECODER

}  // namespace sluice::binlog::values
