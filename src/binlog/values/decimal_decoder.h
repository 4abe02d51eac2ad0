#pragma once
/// MySQL's packed binary DECIMAL (strings/decimal.cc, decimal2bin), to exact text.
///
/// Layout of DECIMAL(P,S): intg = P-S integer digits and S fraction digits, each side cut
/// into groups of 9 digits stored as 4-byte big-endian integers; the leftover digits of
/// the integer side come first (leading partial group), those of the fraction side last
/// (trailing partial group), in dig2bytes[n] = {0,1,1,2,2,3,3,4,4,4}[n] bytes. The first
/// bit of the first byte is inverted (1 = non-negative); a negative value has all its
/// bytes inverted as well. Example: DECIMAL(4,2) 12.50 -> 0x8C 0x32, -12.50 -> 0x73 0xCD.
/// Never goes through a double; any precision 1..65.

#include <cstddef>
#include <cstdint>

#include "core/result.h"

namespace sluice::binlog::values {

/// The longest text decode_decimal_text writes: sign, "0" or 65 digits, '.', 65 digits.
inline constexpr size_t kDecimalTextMax = 136;

/// Bytes a DECIMAL(precision, scale) takes in a row image.
size_t decimal_binary_size(unsigned precision, unsigned scale);

/// Decodes the packed DECIMAL(precision, scale) at `p` into `buf` (kDecimalTextMax bytes):
/// "[-]digits[.scale digits]", no leading zeros, exactly `scale` fraction digits, "0" for
/// an empty integer part. Sets `text_len`; returns the bytes consumed. Errors (kCorrupt):
/// precision 0 or > 65, scale > precision, too few bytes, a group of 9 digits above 999999999.
core::Result<size_t> decode_decimal_text(const uint8_t* p, size_t avail, unsigned precision,
                                         unsigned scale, char* buf, size_t& text_len);

}  // namespace sluice::binlog::values
