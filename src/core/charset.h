#pragma once
/// MySQL/MariaDB character sets: collation id -> charset, and conversion of column bytes
/// to UTF-8. The id table was built from `SELECT id, character_set_name FROM
/// information_schema.collations` on MySQL 9.7 and MariaDB 10.11 (plus MariaDB's
/// COLLATION_CHARACTER_SET_APPLICABILITY for its 2048+ UCA-14 ids); both servers agree
/// on every id they share. Conversion is glibc iconv for the legacy charsets (one cached
/// handle per charset per thread), hand-written for utf8/ascii/latin1.

#include <cstdint>
#include <string_view>

#include "core/arena.h"

namespace sluice::core {

/// A server character set. kUnknown: an id neither server knows (treated as utf8mb4).
enum class Charset : uint8_t {
  kUnknown = 0,
  kBinary,
  kUtf8mb4,
  kUtf8mb3,
  kAscii,
  kLatin1,  ///< MySQL's latin1 is cp1252 with 0x81 0x8D 0x8F 0x90 0x9D as C1 controls
  kUcs2,
  kUtf16,
  kUtf16le,
  kUtf32,
  kArmscii8, kBig5, kCp1250, kCp1251, kCp1256, kCp1257, kCp850, kCp852, kCp866, kCp932,
  kDec8, kEucjpms, kEuckr, kGb18030, kGb2312, kGbk, kGeostd8, kGreek, kHebrew, kHp8,
  kKeybcs2, kKoi8r, kKoi8u, kLatin2, kLatin5, kLatin7, kMacce, kMacroman, kSjis, kSwe7,
  kTis620, kUjis,
  kCount_,
};

/// The charset of collation `id` (0 and unknown ids give kUnknown).
Charset charset_for_collation(uint32_t id);

/// The server's name of `cs` ("utf8mb4", "latin1", ...; "unknown").
std::string_view charset_name(Charset cs);

/// The charset the server names `name` ("latin1", "utf8mb4"; "utf8" is utf8mb3, as both servers
/// read it today); kUnknown when neither server has it.
Charset charset_by_name(std::string_view name);

/// The lowest collation id of `cs` (0 for kUnknown): for a column whose TABLE_MAP carries no
/// collation (MariaDB's binlog_row_metadata=NO_LOG), so its bytes decode in the charset the
/// schema history names.
uint16_t collation_of(Charset cs);

/// Converts `in`, encoded in `cs`, to UTF-8. Returns `in` itself when it already is valid
/// UTF-8 in a UTF-8-compatible charset (no copy), else a view into `arena`. Bytes invalid
/// in `cs` become U+FFFD; this never fails. kBinary returns `in` unchanged (callers treat
/// binary as bytes, not text); kUnknown is treated as utf8mb4.
std::string_view to_utf8(Charset cs, std::string_view in, Arena& arena);

}  // namespace sluice::core
