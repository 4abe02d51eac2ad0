#pragma once
/// Temporal columns in row images (MySQL sql-common/my_time.cc, *_packed_from_binary) and
/// the packed 64-bit forms MySQL also uses for DATE/TIME/DATETIME inside binary JSON.
///
///   DATE        3 bytes LE: day 5 bits | month 4 bits | year rest
///   TIME (old)  3 bytes LE signed: HHMMSS as a decimal number
///   TIME2       3 bytes BE + fsp bytes: 1 sign bit (1 = non-negative), 1 unused, hour 10,
///               minute 6, second 6; value offset by 0x800000 (0x800000000000 when fsp 5-6)
///   DATETIME    8 bytes LE: YYYYMMDDhhmmss as a decimal number
///   DATETIME2   5 bytes BE + fsp bytes: sign 1, year*13+month 17, day 5, hour 5, minute 6,
///               second 6; offset 0x8000000000
///   TIMESTAMP   4 bytes LE seconds;  TIMESTAMP2: 4 bytes BE seconds + fsp bytes
/// fsp bytes: (fsp+1)/2 big-endian, holding the fraction in units of 10^-(2*bytes) s.
/// Packed forms: (int_part << 24) + microseconds, negated for negative TIME.

#include <cstdint>

#include "core/value.h"

namespace sluice::binlog::values {

/// DATETIME/DATE from MySQL's packed longlong (ymd << 17 | hms) << 24 | micro.
core::Temporal unpack_datetime_packed(int64_t packed);
/// TIME from MySQL's packed longlong (hms << 24 | micro, negated when negative).
core::Temporal unpack_time_packed(int64_t packed);

}  // namespace sluice::binlog::values
