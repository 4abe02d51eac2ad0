#include "core/charset.h"

#include <iconv.h>

#include <array>
#include <cerrno>
#include <cstring>

#include "core/json_writer.h"

namespace sluice::core {
namespace {

using C = Charset;

struct CollationRange {
  uint16_t first;
  uint16_t last;
  Charset cs;
};

// Contiguous id ranges of one charset, ascending (see charset.h for the source).
constexpr CollationRange kRanges[] = {
    {1, 1, C::kBig5}, {2, 2, C::kLatin2}, {3, 3, C::kDec8}, {4, 4, C::kCp850}, {5, 5, C::kLatin1},
    {6, 6, C::kHp8}, {7, 7, C::kKoi8r}, {8, 8, C::kLatin1}, {9, 9, C::kLatin2}, {10, 10, C::kSwe7},
    {11, 11, C::kAscii}, {12, 12, C::kUjis}, {13, 13, C::kSjis}, {14, 14, C::kCp1251}, {15, 15, C::kLatin1},
    {16, 16, C::kHebrew}, {18, 18, C::kTis620}, {19, 19, C::kEuckr}, {20, 20, C::kLatin7},
    {21, 21, C::kLatin2}, {22, 22, C::kKoi8u}, {23, 23, C::kCp1251}, {24, 24, C::kGb2312},
    {25, 25, C::kGreek}, {26, 26, C::kCp1250}, {27, 27, C::kLatin2}, {28, 28, C::kGbk},
    {29, 29, C::kCp1257}, {30, 30, C::kLatin5}, {31, 31, C::kLatin1}, {32, 32, C::kArmscii8},
    {33, 33, C::kUtf8mb3}, {34, 34, C::kCp1250}, {35, 35, C::kUcs2}, {36, 36, C::kCp866},
    {37, 37, C::kKeybcs2}, {38, 38, C::kMacce}, {39, 39, C::kMacroman}, {40, 40, C::kCp852},
    {41, 42, C::kLatin7}, {43, 43, C::kMacce}, {44, 44, C::kCp1250}, {45, 46, C::kUtf8mb4},
    {47, 49, C::kLatin1}, {50, 52, C::kCp1251}, {53, 53, C::kMacroman}, {54, 55, C::kUtf16},
    {56, 56, C::kUtf16le}, {57, 57, C::kCp1256}, {58, 59, C::kCp1257}, {60, 61, C::kUtf32},
    {62, 62, C::kUtf16le}, {63, 63, C::kBinary}, {64, 64, C::kArmscii8}, {65, 65, C::kAscii},
    {66, 66, C::kCp1250}, {67, 67, C::kCp1256}, {68, 68, C::kCp866}, {69, 69, C::kDec8},
    {70, 70, C::kGreek}, {71, 71, C::kHebrew}, {72, 72, C::kHp8}, {73, 73, C::kKeybcs2},
    {74, 74, C::kKoi8r}, {75, 75, C::kKoi8u}, {76, 76, C::kUtf8mb3}, {77, 77, C::kLatin2},
    {78, 78, C::kLatin5}, {79, 79, C::kLatin7}, {80, 80, C::kCp850}, {81, 81, C::kCp852},
    {82, 82, C::kSwe7}, {83, 83, C::kUtf8mb3}, {84, 84, C::kBig5}, {85, 85, C::kEuckr},
    {86, 86, C::kGb2312}, {87, 87, C::kGbk}, {88, 88, C::kSjis}, {89, 89, C::kTis620}, {90, 90, C::kUcs2},
    {91, 91, C::kUjis}, {92, 93, C::kGeostd8}, {94, 94, C::kLatin1}, {95, 96, C::kCp932},
    {97, 98, C::kEucjpms}, {99, 99, C::kCp1250}, {101, 124, C::kUtf16}, {128, 151, C::kUcs2},
    {159, 159, C::kUcs2}, {160, 183, C::kUtf32}, {192, 215, C::kUtf8mb3}, {223, 223, C::kUtf8mb3},
    {224, 247, C::kUtf8mb4}, {248, 250, C::kGb18030}, {255, 271, C::kUtf8mb4}, {273, 275, C::kUtf8mb4},
    {277, 294, C::kUtf8mb4}, {296, 298, C::kUtf8mb4}, {300, 300, C::kUtf8mb4}, {303, 323, C::kUtf8mb4},
    {576, 578, C::kUtf8mb3}, {608, 610, C::kUtf8mb4}, {640, 642, C::kUcs2}, {672, 674, C::kUtf16},
    {736, 738, C::kUtf32}, {1025, 1025, C::kBig5}, {1027, 1027, C::kDec8}, {1028, 1028, C::kCp850},
    {1030, 1030, C::kHp8}, {1031, 1031, C::kKoi8r}, {1032, 1032, C::kLatin1}, {1033, 1033, C::kLatin2},
    {1034, 1034, C::kSwe7}, {1035, 1035, C::kAscii}, {1036, 1036, C::kUjis}, {1037, 1037, C::kSjis},
    {1040, 1040, C::kHebrew}, {1042, 1042, C::kTis620}, {1043, 1043, C::kEuckr}, {1046, 1046, C::kKoi8u},
    {1048, 1048, C::kGb2312}, {1049, 1049, C::kGreek}, {1050, 1050, C::kCp1250}, {1052, 1052, C::kGbk},
    {1054, 1054, C::kLatin5}, {1056, 1056, C::kArmscii8}, {1057, 1057, C::kUtf8mb3}, {1059, 1059, C::kUcs2},
    {1060, 1060, C::kCp866}, {1061, 1061, C::kKeybcs2}, {1062, 1062, C::kMacce}, {1063, 1063, C::kMacroman},
    {1064, 1064, C::kCp852}, {1065, 1065, C::kLatin7}, {1067, 1067, C::kMacce}, {1069, 1070, C::kUtf8mb4},
    {1071, 1071, C::kLatin1}, {1074, 1075, C::kCp1251}, {1077, 1077, C::kMacroman}, {1078, 1079, C::kUtf16},
    {1080, 1080, C::kUtf16le}, {1081, 1081, C::kCp1256}, {1082, 1083, C::kCp1257}, {1084, 1085, C::kUtf32},
    {1086, 1086, C::kUtf16le}, {1088, 1088, C::kArmscii8}, {1089, 1089, C::kAscii},
    {1090, 1090, C::kCp1250}, {1091, 1091, C::kCp1256}, {1092, 1092, C::kCp866}, {1093, 1093, C::kDec8},
    {1094, 1094, C::kGreek}, {1095, 1095, C::kHebrew}, {1096, 1096, C::kHp8}, {1097, 1097, C::kKeybcs2},
    {1098, 1098, C::kKoi8r}, {1099, 1099, C::kKoi8u}, {1101, 1101, C::kLatin2}, {1102, 1102, C::kLatin5},
    {1103, 1103, C::kLatin7}, {1104, 1104, C::kCp850}, {1105, 1105, C::kCp852}, {1106, 1106, C::kSwe7},
    {1107, 1107, C::kUtf8mb3}, {1108, 1108, C::kBig5}, {1109, 1109, C::kEuckr}, {1110, 1110, C::kGb2312},
    {1111, 1111, C::kGbk}, {1112, 1112, C::kSjis}, {1113, 1113, C::kTis620}, {1114, 1114, C::kUcs2},
    {1115, 1115, C::kUjis}, {1116, 1117, C::kGeostd8}, {1119, 1120, C::kCp932}, {1121, 1122, C::kEucjpms},
    {1125, 1125, C::kUtf16}, {1147, 1147, C::kUtf16}, {1152, 1152, C::kUcs2}, {1174, 1174, C::kUcs2},
    {1184, 1184, C::kUtf32}, {1206, 1206, C::kUtf32}, {1216, 1216, C::kUtf8mb3}, {1238, 1238, C::kUtf8mb3},
    {1248, 1248, C::kUtf8mb4}, {1270, 1270, C::kUtf8mb4}, {2048, 2215, C::kUtf8mb3},
    {2232, 2247, C::kUtf8mb3}, {2304, 2471, C::kUtf8mb4}, {2488, 2503, C::kUtf8mb4}, {2560, 2727, C::kUcs2},
    {2744, 2759, C::kUcs2}, {2816, 2983, C::kUtf16}, {3000, 3015, C::kUtf16}, {3072, 3239, C::kUtf32},
    {3256, 3271, C::kUtf32},
};

struct CharsetInfo {
  std::string_view name;
  const char* iconv_name;  ///< nullptr: converted by hand
  uint8_t unit;            ///< bytes skipped after an invalid sequence
};

constexpr std::array<CharsetInfo, static_cast<size_t>(Charset::kCount_)> kInfo = {{
    {"unknown", nullptr, 1},       {"binary", nullptr, 1},          {"utf8mb4", nullptr, 1},
    {"utf8mb3", nullptr, 1},       {"ascii", nullptr, 1},           {"latin1", nullptr, 1},
    {"ucs2", "UCS-2BE", 2},        {"utf16", "UTF-16BE", 2},        {"utf16le", "UTF-16LE", 2},
    {"utf32", "UTF-32BE", 4},      {"armscii8", "ARMSCII-8", 1},    {"big5", "BIG5", 1},
    {"cp1250", "CP1250", 1},       {"cp1251", "CP1251", 1},         {"cp1256", "CP1256", 1},
    {"cp1257", "CP1257", 1},       {"cp850", "CP850", 1},           {"cp852", "CP852", 1},
    {"cp866", "CP866", 1},         {"cp932", "CP932", 1},           {"dec8", "DEC-MCS", 1},
    {"eucjpms", "EUC-JP-MS", 1},   {"euckr", "EUC-KR", 1},          {"gb18030", "GB18030", 1},
    {"gb2312", "EUC-CN", 1},       {"gbk", "GBK", 1},               {"geostd8", "GEORGIAN-PS", 1},
    {"greek", "ISO-8859-7", 1},    {"hebrew", "ISO-8859-8", 1},     {"hp8", "HP-ROMAN8", 1},
    {"keybcs2", nullptr, 1},       {"koi8r", "KOI8-R", 1},          {"koi8u", "KOI8-U", 1},
    {"latin2", "ISO-8859-2", 1},   {"latin5", "ISO-8859-9", 1},     {"latin7", "ISO-8859-13", 1},
    {"macce", "MAC-CENTRALEUROPE", 1}, {"macroman", "MACINTOSH", 1}, {"sjis", "SJIS", 1},
    {"swe7", "ISO646-SE", 1},      {"tis620", "TIS-620", 1},        {"ujis", "EUC-JP", 1},
}};

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";

// cp1252's 0x80..0x9F as MySQL's latin1 maps them (undefined cells stay C1 controls).
constexpr uint16_t kLatin1High[32] = {
    0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0x008D, 0x017D, 0x008F, 0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178};

char* put_utf8(char* d, uint32_t cp) {
  if (cp < 0x80) {
    *d++ = static_cast<char>(cp);
  } else if (cp < 0x800) {
    *d++ = static_cast<char>(0xC0 | (cp >> 6));
    *d++ = static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    *d++ = static_cast<char>(0xE0 | (cp >> 12));
    *d++ = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    *d++ = static_cast<char>(0x80 | (cp & 0x3F));
  }
  return d;
}

bool all_ascii(std::string_view in) {
  for (unsigned char c : in) {
    if (c >= 0x80) return false;
  }
  return true;
}

std::string_view finish(Arena& arena, char* begin, char* end) {
  (void)arena;
  return {begin, static_cast<size_t>(end - begin)};
}

std::string_view latin1_to_utf8(std::string_view in, Arena& arena) {
  if (all_ascii(in)) return in;
  char* begin = arena.allocate(in.size() * 3);
  char* d = begin;
  for (unsigned char c : in) {
    uint32_t cp = c;
    if (c >= 0x80 && c < 0xA0) cp = kLatin1High[c - 0x80];
    d = put_utf8(d, cp);
  }
  return finish(arena, begin, d);
}

// ASCII, and the fallback for a charset glibc cannot convert: non-ASCII -> U+FFFD.
std::string_view ascii_to_utf8(std::string_view in, Arena& arena) {
  if (all_ascii(in)) return in;
  char* begin = arena.allocate(in.size() * 3);
  char* d = begin;
  for (unsigned char c : in) {
    if (c < 0x80) {
      *d++ = static_cast<char>(c);
    } else {
      std::memcpy(d, kReplacement.data(), 3);
      d += 3;
    }
  }
  return finish(arena, begin, d);
}

std::string_view utf8_repair(std::string_view in, Arena& arena) {
  if (is_valid_utf8(in)) return in;
  // json_append_escaped replaces invalid sequences; reuse its validator on pieces here.
  char* begin = arena.allocate(in.size() * 3);
  char* d = begin;
  size_t i = 0;
  while (i < in.size()) {
    // Find the longest valid prefix starting at i, one sequence at a time.
    size_t j = i;
    while (j < in.size()) {
      size_t len = 1;
      auto c = static_cast<unsigned char>(in[j]);
      if (c >= 0xF0) len = 4; else if (c >= 0xE0) len = 3; else if (c >= 0xC0) len = 2;
      if (c >= 0x80 && (j + len > in.size() || !is_valid_utf8(in.substr(j, len)))) break;
      j += len;
    }
    std::memcpy(d, in.data() + i, j - i);
    d += j - i;
    if (j < in.size()) {
      std::memcpy(d, kReplacement.data(), 3);
      d += 3;
      ++j;
    }
    i = j;
  }
  return finish(arena, begin, d);
}

// One iconv handle per charset per thread, opened on first use, closed at thread exit.
struct IconvCache {
  std::array<iconv_t, static_cast<size_t>(Charset::kCount_)> cd;
  std::array<bool, static_cast<size_t>(Charset::kCount_)> tried{};
  IconvCache() { cd.fill(reinterpret_cast<iconv_t>(-1)); }
  ~IconvCache() {
    for (iconv_t h : cd) {
      if (h != reinterpret_cast<iconv_t>(-1)) iconv_close(h);
    }
  }
  iconv_t get(Charset cs) {
    auto i = static_cast<size_t>(cs);
    if (!tried[i]) {
      tried[i] = true;
      cd[i] = iconv_open("UTF-8", kInfo[i].iconv_name);
    }
    return cd[i];
  }
};

std::string_view iconv_to_utf8(Charset cs, std::string_view in, Arena& arena) {
  thread_local IconvCache cache;
  iconv_t cd = cache.get(cs);
  if (cd == reinterpret_cast<iconv_t>(-1)) return ascii_to_utf8(in, arena);
  size_t unit = kInfo[static_cast<size_t>(cs)].unit;
  size_t cap = in.size() * 3 + 3;
  char* begin = arena.allocate(cap);
  char* src = const_cast<char*>(in.data());
  size_t src_left = in.size();
  char* dst = begin;
  size_t dst_left = cap;
  iconv(cd, nullptr, nullptr, nullptr, nullptr);
  while (src_left > 0) {
    size_t r = iconv(cd, &src, &src_left, &dst, &dst_left);
    if (r != static_cast<size_t>(-1)) break;
    if (errno == E2BIG || dst_left < 3) break;  // cannot happen with the 3x bound
    std::memcpy(dst, kReplacement.data(), 3);
    dst += 3;
    dst_left -= 3;
    if (errno == EINVAL) break;  // truncated sequence at the end
    size_t skip = unit < src_left ? unit : src_left;
    src += skip;
    src_left -= skip;
    iconv(cd, nullptr, nullptr, nullptr, nullptr);
  }
  return finish(arena, begin, dst);
}

// glibc's SJIS reads 0x5C as U+00A5 and 0x7E as U+203E (JIS X 0201); MySQL's sjis reads
// them as ASCII, and 0x815F as U+005C where glibc says U+FF3C. Those code points only come
// from those bytes, so map them back. Rewrites the arena bytes in place (the text shrinks).
std::string_view sjis_ascii_fixup(std::string_view text) {
  char* base = const_cast<char*>(text.data());
  size_t o = 0;
  for (size_t i = 0; i < text.size();) {
    if (text.compare(i, 2, "\xC2\xA5") == 0) {
      base[o++] = '\\';
      i += 2;
    } else if (text.compare(i, 3, "\xE2\x80\xBE") == 0) {
      base[o++] = '~';
      i += 3;
    } else if (text.compare(i, 3, "\xEF\xBC\xBC") == 0) {  // 0x815F
      base[o++] = '\\';
      i += 3;
    } else {
      base[o++] = text[i++];
    }
  }
  return {base, o};
}

}  // namespace

Charset charset_for_collation(uint32_t id) {
  size_t lo = 0, hi = std::size(kRanges);
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    if (kRanges[mid].last < id) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  if (lo < std::size(kRanges) && kRanges[lo].first <= id && id <= kRanges[lo].last) {
    return kRanges[lo].cs;
  }
  return Charset::kUnknown;
}

Charset charset_by_name(std::string_view name) {
  if (name == "utf8") return Charset::kUtf8mb3;
  for (size_t i = 1; i < kInfo.size(); ++i) {
    if (kInfo[i].name == name) return static_cast<Charset>(i);
  }
  return Charset::kUnknown;
}

uint16_t collation_of(Charset cs) {
  uint16_t lowest = 0;
  for (const CollationRange& r : kRanges) {
    if (r.cs == cs && (lowest == 0 || r.first < lowest)) lowest = r.first;
  }
  return lowest;
}

std::string_view charset_name(Charset cs) {
  auto i = static_cast<size_t>(cs);
  return i < kInfo.size() ? kInfo[i].name : std::string_view("unknown");
}

std::string_view to_utf8(Charset cs, std::string_view in, Arena& arena) {
  switch (cs) {
    case Charset::kBinary:
      return in;
    case Charset::kUnknown:
    case Charset::kUtf8mb4:
    case Charset::kUtf8mb3:
      return utf8_repair(in, arena);
    case Charset::kAscii:
      return ascii_to_utf8(in, arena);
    case Charset::kLatin1:
      return latin1_to_utf8(in, arena);
    default:
      break;
  }
  if (static_cast<size_t>(cs) >= kInfo.size() || kInfo[static_cast<size_t>(cs)].iconv_name == nullptr) {
    return ascii_to_utf8(in, arena);
  }
  // Legacy charsets are ASCII supersets except the UCS/UTF-16/32 family and swe7.
  if (cs != Charset::kUcs2 && cs != Charset::kUtf16 && cs != Charset::kUtf16le &&
      cs != Charset::kUtf32 && cs != Charset::kSwe7 && all_ascii(in)) {
    return in;
  }
  std::string_view text = iconv_to_utf8(cs, in, arena);
  return cs == Charset::kSjis ? sjis_ascii_fixup(text) : text;
}

}  // namespace sluice::core
