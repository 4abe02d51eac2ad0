#pragma once
/// The JSON forms of core::Value (decided in docs/types.md): the JSON-lines form printed by
/// `sluice binlog read/stream` and the Singer RECORD form printed by `sluice sync`.
/// Everything appends to a caller-owned std::string; no per-value heap allocation beyond the
/// string's growth, no iostreams, no printf. Thread-safe (no shared state).

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/value.h"

namespace sluice::core {

/// How values are rendered. One ValueFormat may be shared by all columns; `as_boolean` is
/// per column (set it for the column's call only).
struct ValueFormat {
  enum class Mode : uint8_t {
    kJsonLines = 0,     ///< binlog read/stream: dates "YYYY-MM-DD HH:MM:SS[.f]", zero dates verbatim
    kSingerRecord = 1,  ///< sync: RFC 3339 dates with 6 digits, booleans for TINYINT(1)/BIT(1)
  };
  /// Singer only: what zero/invalid dates ("0000-00-00", "2024-02-30") become.
  enum class ZeroDates : uint8_t { kNull = 0, kString = 1 };
  /// Singer only (config `value_forms`): sluice's forms (docs/types.md), or the Singer MySQL
  /// tap's wherever they lose nothing (JSON as a string of its text, TIME as a date-time on
  /// 1970-01-01; docs/singer-compatibility.md). The Singer sink applies it per column.
  enum class Forms : uint8_t { kSluice = 0, kTap = 1 };

  Mode mode = Mode::kJsonLines;
  ZeroDates zero_dates = ZeroDates::kNull;
  /// Singer only: the column is TINYINT(1)/BOOL (known from discovery): 0 -> false, else true.
  bool as_boolean = false;
  /// kString texts are known to be valid UTF-8 (the binlog decoder converts or repairs every
  /// one): JSON escaping then skips the UTF-8 check. Leave false for text of unknown origin.
  bool utf8_checked = false;
};

/// Appends the JSON value of `v` (number, string, array, object text, true/false or null).
/// kAbsent appends `null`: callers omit the key of an absent column instead of calling this.
void append_value_json(std::string& out, const Value& v, const ValueFormat& fmt);

/// Writes "YYYY-MM-DD" (10 chars) into `buf`; returns the length.
size_t format_date(char* buf, const Temporal& t);
/// Writes "YYYY-MM-DD HH:MM:SS[.f]" with `fsp` (0..6) fraction digits, `sep` between date
/// and time; `buf` needs 26 chars. Returns the length.
size_t format_datetime(char* buf, const Temporal& t, unsigned fsp, char sep = ' ');
/// Writes "[-]HH:MM:SS[.f]" (hours up to 4 digits, at least 2); `buf` needs 20 chars.
size_t format_time(char* buf, const Temporal& t, unsigned fsp);

/// The UTC calendar fields of `ts` (year 1970.. for valid timestamps).
Temporal temporal_from_epoch(EpochTime ts);
/// True for dates MySQL keeps but no calendar has: zero year/month/day or a day past the
/// month's end ("2024-02-30" under ALLOW_INVALID_DATES).
bool is_zero_or_invalid_date(const Temporal& t);

/// Appends the WKT of MySQL's geometry bytes (4-byte little-endian SRID + WKB, either byte
/// order), prefixed "SRID=n;" when n != 0, without quotes. Returns false and appends
/// nothing when the bytes are not valid WKB.
bool append_geometry_wkt(std::string& out, std::string_view srid_wkb);

/// Appends a VECTOR (little-endian float32 array) as a JSON array of shortest floats.
void append_vector_json(std::string& out, std::string_view le_floats);

/// The tap's form of a JSON document (value_forms "tap"): its text as a JSON string; empty text
/// (the document null) is the string "null". With `mysql_layout` the text is first laid out as
/// MySQL's SELECT prints it (", " and ": " between members, no other blanks outside strings), so
/// the binlog's compact text and SELECT's give the same string; `scratch` holds that text (its
/// capacity is reused, no allocation once grown).
void append_json_as_tap_string(std::string& out, std::string_view json_text, bool mysql_layout,
                               std::string& scratch);

/// The tap's form of a TIME (value_forms "tap"): the quoted date-time 1970-01-01T00:00:00Z plus
/// the duration, 6 fraction digits: "13:14:15" -> "1970-01-01T13:14:15.000000Z". A negative or
/// 24 h and longer duration leaves 1970-01-01 ("-00:00:01.5" -> "1969-12-31T23:59:58.500000Z",
/// "25:00:00" -> "1970-01-02T01:00:00.000000Z"), as the tap's SELECT path sends it: exact (the
/// date-time minus the epoch is the duration), but no time of day.
void append_time_as_tap_datetime(std::string& out, const Temporal& t);

}  // namespace sluice::core
