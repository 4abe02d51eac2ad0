#include "core/json_writer.h"

#include <array>
#include <bit>
#include <charconv>
#include <cmath>
#include <cstring>
#include <type_traits>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace sluice::core {
namespace {

// 0: copy as is; 1: needs escaping (control, quote, backslash); 2: non-ASCII lead byte.
constexpr std::array<uint8_t, 256> make_class_table() {
  std::array<uint8_t, 256> t{};
  for (int c = 0; c < 0x20; ++c) t[static_cast<size_t>(c)] = 1;
  t['"'] = 1;
  t['\\'] = 1;
  for (int c = 0x80; c < 0x100; ++c) t[static_cast<size_t>(c)] = 2;
  return t;
}
constexpr std::array<uint8_t, 256> kClass = make_class_table();

constexpr char kHex[] = "0123456789abcdef";
constexpr std::string_view kReplacement = "\xEF\xBF\xBD";

void append_escape(std::string& out, unsigned char c) {
  switch (c) {
    case '"': out.append("\\\""); return;
    case '\\': out.append("\\\\"); return;
    case '\n': out.append("\\n"); return;
    case '\r': out.append("\\r"); return;
    case '\t': out.append("\\t"); return;
    case '\b': out.append("\\b"); return;
    case '\f': out.append("\\f"); return;
    default: {
      char buf[6] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 15]};
      out.append(buf, 6);
    }
  }
}

}  // namespace

/// Length of the valid UTF-8 sequence starting at s[i] (a non-ASCII lead byte), or 0.
static size_t utf8_sequence_length(const unsigned char* s, size_t n, size_t i) {
  unsigned char c = s[i];
  size_t len;
  unsigned char lo = 0x80, hi = 0xBF;  // bounds of the second byte
  if (c >= 0xC2 && c <= 0xDF) {
    len = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    len = 3;
    if (c == 0xE0) lo = 0xA0;
    if (c == 0xED) hi = 0x9F;  // no surrogates
  } else if (c >= 0xF0 && c <= 0xF4) {
    len = 4;
    if (c == 0xF0) lo = 0x90;
    if (c == 0xF4) hi = 0x8F;
  } else {
    return 0;
  }
  if (n - i < len) return 0;
  if (s[i + 1] < lo || s[i + 1] > hi) return 0;
  for (size_t k = 2; k < len; ++k) {
    if ((s[i + k] & 0xC0) != 0x80) return 0;
  }
  return len;
}

namespace {

#if defined(__SSE2__)
inline __m128i load16(const unsigned char* p) { return _mm_loadu_si128(reinterpret_cast<const __m128i*>(p)); }

// Bytes that need attention in a JSON string (control, quote, backslash, non-ASCII) as 0xff:
// a signed compare with 0x20 catches both the controls and the bytes >= 0x80.
inline __m128i special16(__m128i v) {
  return _mm_or_si128(_mm_cmplt_epi8(v, _mm_set1_epi8(0x20)),
                      _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('"')), _mm_cmpeq_epi8(v, _mm_set1_epi8('\\'))));
}

// True when the 64 bytes at `p` are all ASCII.
inline bool ascii64(const unsigned char* p) {
  __m128i v = _mm_or_si128(_mm_or_si128(load16(p), load16(p + 16)), _mm_or_si128(load16(p + 32), load16(p + 48)));
  return _mm_movemask_epi8(v) == 0;
}

// True when none of the 64 bytes at `p` needs attention.
inline bool plain64(const unsigned char* p) {
  __m128i v = _mm_or_si128(_mm_or_si128(special16(load16(p)), special16(load16(p + 16))),
                           _mm_or_si128(special16(load16(p + 32)), special16(load16(p + 48))));
  return _mm_movemask_epi8(v) == 0;
}

// Bit i set: byte i of `v` is a control character, quote or backslash (unsigned "< 0x20" as
// min(v, 0x1f) == v).
inline unsigned control_quote_mask(__m128i v) {
  __m128i ctl = _mm_cmpeq_epi8(_mm_min_epu8(v, _mm_set1_epi8(0x1f)), v);
  __m128i m = _mm_or_si128(ctl, _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('"')), _mm_cmpeq_epi8(v, _mm_set1_epi8('\\'))));
  return static_cast<unsigned>(_mm_movemask_epi8(m));
}

// Bit i set: byte i of the 16 at `p` is non-ASCII.
inline unsigned non_ascii_mask16(const unsigned char* p) {
  return static_cast<unsigned>(_mm_movemask_epi8(load16(p)));
}
// Bit i set: byte i of the 16 at `p` needs attention.
inline unsigned special_mask16(const unsigned char* p) {
  return static_cast<unsigned>(_mm_movemask_epi8(special16(load16(p))));
}

#if defined(__x86_64__)
bool have_avx2() {
  static const bool yes = __builtin_cpu_supports("avx2");
  return yes;
}

// With AVX2: copies s[0, n) to `w` 32 bytes at a time while no chunk holds a quote, backslash
// or control; returns how many bytes passed (a multiple of 32; the failing chunk is copied too).
__attribute__((target("avx2"))) size_t copy_plain32(const unsigned char* s, size_t n, char* w) {
  const __m256i quote = _mm256_set1_epi8('"'), backslash = _mm256_set1_epi8('\\'), c1f = _mm256_set1_epi8(0x1f);
  size_t i = 0;
  while (n - i >= 32) {
    __m256i v = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(s + i));
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(w + i), v);
    __m256i m = _mm256_or_si256(_mm256_cmpeq_epi8(_mm256_min_epu8(v, c1f), v),
                                _mm256_or_si256(_mm256_cmpeq_epi8(v, quote), _mm256_cmpeq_epi8(v, backslash)));
    if (_mm256_movemask_epi8(m) != 0) break;
    i += 32;
  }
  return i;
}

// With AVX2: the length of the all-ASCII prefix of s[0, n), in whole 64-byte chunks.
__attribute__((target("avx2"))) size_t ascii_prefix64(const unsigned char* s, size_t n) {
  size_t i = 0;
  while (n - i >= 64) {
    __m256i v = _mm256_or_si256(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(s + i)),
                                _mm256_loadu_si256(reinterpret_cast<const __m256i*>(s + i + 32)));
    if (_mm256_movemask_epi8(v) != 0) break;
    i += 64;
  }
  return i;
}
#endif

// The last min(n, 16) bytes of s[0, n) (n > 0) as a 16-byte chunk: the last 16 bytes when
// n >= 16, else the n bytes followed by 'a's (plain ASCII: they change no check).
inline __m128i pad16_tail(const unsigned char* s, size_t n) {
  if (n >= 16) return load16(s + n - 16);
  alignas(16) unsigned char buf[16];
  std::memset(buf, 'a', sizeof buf);
  std::memcpy(buf, s, n);
  return _mm_load_si128(reinterpret_cast<const __m128i*>(buf));
}
#endif

}  // namespace

bool is_valid_utf8(std::string_view sv) {
  const auto* s = reinterpret_cast<const unsigned char*>(sv.data());
  size_t n = sv.size();
  size_t i = 0;
#if defined(__x86_64__)
  if (n >= 128 && have_avx2()) i = ascii_prefix64(s, n);  // long text starts with ASCII mostly
#endif
  while (i < n) {
#if defined(__SSE2__)
    if (n - i >= 64 && ascii64(s + i)) {
      i += 64;
      continue;
    }
    if (n - i >= 16) {  // skip ASCII 16 bytes at a time, up to the first non-ASCII byte
      unsigned m = non_ascii_mask16(s + i);
      if (m == 0) {
        i += 16;
        continue;
      }
      i += static_cast<size_t>(std::countr_zero(m));
    } else {  // the last bytes as one chunk: done if all ASCII, else up to the first non-ASCII
      unsigned m = static_cast<unsigned>(_mm_movemask_epi8(pad16_tail(s, n)));
      m = n >= 16 ? m >> (16 - (n - i)) : m >> i;
      if (m == 0) return true;
      i += static_cast<size_t>(std::countr_zero(m));
    }
#endif
    if (s[i] < 0x80) {
      ++i;
      continue;
    }
    size_t len = utf8_sequence_length(s, n, i);
    if (len == 0) return false;
    i += len;
  }
  return true;
}

void json_append_escaped(std::string& out, std::string_view sv) {
  const auto* s = reinterpret_cast<const unsigned char*>(sv.data());
  size_t n = sv.size();
  size_t run = 0;  // start of the pending run of bytes copied verbatim
  size_t i = 0;
  while (i < n) {
#if defined(__SSE2__)
    if (n - i >= 64 && plain64(s + i)) {
      i += 64;
      continue;
    }
    if (n - i >= 16) {  // plain bytes 16 at a time, up to the first one needing attention
      unsigned m = special_mask16(s + i);
      if (m == 0) {
        i += 16;
        continue;
      }
      i += static_cast<size_t>(std::countr_zero(m));
    }
#endif
    uint8_t cls = kClass[s[i]];
    if (cls == 0) {
      ++i;
      continue;
    }
    if (cls == 2) {
      size_t len = utf8_sequence_length(s, n, i);
      if (len != 0) {
        i += len;
        continue;
      }
      out.append(sv.data() + run, i - run);
      out.append(kReplacement);
      run = ++i;
      continue;
    }
    out.append(sv.data() + run, i - run);
    append_escape(out, s[i]);
    run = ++i;
  }
  out.append(sv.data() + run, n - run);
}

void json_append_valid_utf8_string(std::string& out, std::string_view sv) {
  const auto* s = reinterpret_cast<const unsigned char*>(sv.data());
  const size_t n = sv.size();
  size_t i = 0;
#if defined(__SSE2__)
  // Copy 16 bytes at a time straight into the string while none needs escaping (most text),
  // so the text is read once; the last (n % 16) bytes go as one more 16-byte chunk (the
  // string's last 16 bytes, overlapping, or a padded copy of a short string). The first chunk
  // that needs escaping goes to the loop below.
  const size_t old = out.size();
  bool done = false;
  out.resize_and_overwrite(old + n + 2 + 16, [&](char* d, size_t) {
    char* w = d + old;
    *w++ = '"';
#if defined(__x86_64__)
    if (n >= 64 && have_avx2()) {
      i = copy_plain32(s, n, w);
      w += i;
    }
#endif
    while (n - i >= 16) {
      __m128i v = load16(s + i);
      _mm_storeu_si128(reinterpret_cast<__m128i*>(w), v);
      if (control_quote_mask(v) != 0) return static_cast<size_t>(w - d);
      i += 16;
      w += 16;
    }
    const size_t left = n - i;
    if (left > 0) {
      // The bytes before the tail passed already, so the whole chunk must be plain.
      __m128i v = pad16_tail(s, n);
      if (control_quote_mask(v) != 0) return static_cast<size_t>(w - d);
      _mm_storeu_si128(reinterpret_cast<__m128i*>(w + left - (n >= 16 ? 16 : left)), v);
      i = n;
      w += left;
    }
    *w++ = '"';
    done = true;
    return static_cast<size_t>(w - d);
  });
  if (done) return;
#else
  out.push_back('"');
#endif
  size_t run = i;
  while (i < n) {
#if defined(__SSE2__)
    if (n - i >= 16) {  // only quote, backslash and controls matter: bytes >= 0x80 are copied
      unsigned m = control_quote_mask(load16(s + i));
      if (m == 0) {
        i += 16;
        continue;
      }
      i += static_cast<size_t>(std::countr_zero(m));
    }
#endif
    if (kClass[s[i]] != 1) {
      ++i;
      continue;
    }
    out.append(sv.data() + run, i - run);
    append_escape(out, s[i]);
    run = ++i;
  }
  out.append(sv.data() + run, n - run);
  out.push_back('"');
}

void json_append_string(std::string& out, std::string_view s) {
  out.push_back('"');
  json_append_escaped(out, s);
  out.push_back('"');
}

namespace {

// Integers and shortest round-trip floating point through std::to_chars.
template <typename T>
void append_number(std::string& out, T v) {
  if constexpr (std::is_floating_point_v<T>) {
    if (!std::isfinite(v)) {
      out.append("null");
      return;
    }
  }
  char buf[32];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, static_cast<size_t>(r.ptr - buf));
}

}  // namespace

void json_append_int(std::string& out, int64_t v) { append_number(out, v); }
void json_append_uint(std::string& out, uint64_t v) { append_number(out, v); }
void json_append_double(std::string& out, double v) { append_number(out, v); }
void json_append_float(std::string& out, float v) { append_number(out, v); }

void json_append_double_mysql(std::string& out, double v) {
  if (!std::isfinite(v)) {
    out.append("null");
    return;
  }
  char sci[40];  // "-d.dddde-308": shortest digits in scientific form
  auto r = std::to_chars(sci, sci + sizeof sci, v, std::chars_format::scientific);
  const char* p = sci;
  if (*p == '-') out.push_back(*p++);
  char digits[20];
  size_t n = 0;
  for (; p < r.ptr && *p != 'e'; ++p) {
    if (*p != '.') digits[n++] = *p;
  }
  int exp = 0;
  std::from_chars(p + (p[1] == '+' ? 2 : 1), r.ptr, exp);
  int decpt = exp + 1;              // value = 0.digits x 10^decpt
  if (decpt > 15 || decpt < -14) {  // MySQL's my_gcvt: exponent form
    out.push_back(digits[0]);
    if (n > 1) {
      out.push_back('.');
      out.append(digits + 1, n - 1);
    }
    out.push_back('e');
    append_number(out, exp);
    return;
  }
  if (decpt <= 0) {
    out.append("0.");
    out.append(static_cast<size_t>(-decpt), '0');
    out.append(digits, n);
    return;
  }
  auto whole = static_cast<size_t>(decpt);
  if (n <= whole) {
    out.append(digits, n);
    out.append(whole - n, '0');
    out.append(".0");
    return;
  }
  out.append(digits, whole);
  out.push_back('.');
  out.append(digits + whole, n - whole);
}

namespace {
constexpr char kBase64Alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

// The two characters of every 12-bit group, so three input bytes take two lookups (the encoder is
// the hot part of printing a value of unknown charset: each TEXT/BLOB cell of a NO_LOG binlog).
constexpr std::array<std::array<char, 2>, 4096> make_base64_pairs() {
  std::array<std::array<char, 2>, 4096> t{};
  for (size_t i = 0; i < t.size(); ++i) t[i] = {kBase64Alphabet[i >> 6], kBase64Alphabet[i & 63]};
  return t;
}
constexpr auto kBase64Pairs = make_base64_pairs();

#if defined(__x86_64__)
// With AVX2: encodes s[0, n) 24 bytes at a time into 32 characters at `d`; returns how many input
// bytes it took (a multiple of 24, leaving at least 4 so the second 16-byte load stays in s).
// Each 128-bit lane takes 12 bytes: a shuffle puts each 3-byte group into a 32-bit word as
// [b1 b0 b2 b1], two 16-bit multiplies move its four 6-bit fields into the four bytes, and a
// 16-entry table of offsets (picked by the field's range: A-Z, a-z, 0-9, '+', '/') turns fields
// into characters.
__attribute__((target("avx2"))) size_t base64_encode24(const unsigned char* s, size_t n, char* d) {
  const __m256i groups =
      _mm256_broadcastsi128_si256(_mm_setr_epi8(1, 0, 2, 1, 4, 3, 5, 4, 7, 6, 8, 7, 10, 9, 11, 10));
  const __m256i offsets = _mm256_broadcastsi128_si256(
      _mm_setr_epi8('a' - 26, '0' - 52, '0' - 52, '0' - 52, '0' - 52, '0' - 52, '0' - 52, '0' - 52, '0' - 52,
                    '0' - 52, '0' - 52, '+' - 62, '/' - 63, 'A', 0, 0));
  size_t i = 0;
  for (; n - i >= 28; i += 24, d += 32) {
    __m256i in = _mm256_inserti128_si256(
        _mm256_castsi128_si256(_mm_loadu_si128(reinterpret_cast<const __m128i*>(s + i))),
        _mm_loadu_si128(reinterpret_cast<const __m128i*>(s + i + 12)), 1);
    in = _mm256_shuffle_epi8(in, groups);
    // Fields 0 and 2 (bits 10-15 of b0's pair, 6-11 of the high pair) by a high multiply,
    // fields 1 and 3 by a low one.
    __m256i hi = _mm256_mulhi_epu16(_mm256_and_si256(in, _mm256_set1_epi32(0x0fc0fc00)),
                                    _mm256_set1_epi32(0x04000040));
    __m256i lo = _mm256_mullo_epi16(_mm256_and_si256(in, _mm256_set1_epi32(0x003f03f0)),
                                    _mm256_set1_epi32(0x01000010));
    __m256i fields = _mm256_or_si256(hi, lo);
    __m256i pick = _mm256_subs_epu8(fields, _mm256_set1_epi8(51));    // 52..63 -> 1..12, else 0
    __m256i upper = _mm256_cmpgt_epi8(_mm256_set1_epi8(26), fields);  // 0..25: 'A'..'Z' -> 13
    pick = _mm256_or_si256(pick, _mm256_and_si256(upper, _mm256_set1_epi8(13)));
    __m256i chars = _mm256_add_epi8(fields, _mm256_shuffle_epi8(offsets, pick));
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(d), chars);
  }
  return i;
}
#endif
}  // namespace

void base64_append(std::string& out, std::string_view bytes) {
  const auto* s = reinterpret_cast<const unsigned char*>(bytes.data());
  size_t n = bytes.size();
  size_t start = out.size();
  out.resize(start + (n + 2) / 3 * 4);
  char* d = out.data() + start;
  size_t i = 0;
#if defined(__x86_64__)
  if (n >= 28 && have_avx2()) {
    i = base64_encode24(s, n, d);
    d += i / 3 * 4;
  }
#endif
  for (; i + 3 <= n; i += 3, d += 4) {
    uint32_t v = (uint32_t{s[i]} << 16) | (uint32_t{s[i + 1]} << 8) | s[i + 2];
    std::memcpy(d, kBase64Pairs[v >> 12].data(), 2);
    std::memcpy(d + 2, kBase64Pairs[v & 4095].data(), 2);
  }
  if (n - i == 1) {
    uint32_t v = uint32_t{s[i]} << 16;
    d[0] = kBase64Alphabet[(v >> 18) & 63];
    d[1] = kBase64Alphabet[(v >> 12) & 63];
    d[2] = '=';
    d[3] = '=';
  } else if (n - i == 2) {
    uint32_t v = (uint32_t{s[i]} << 16) | (uint32_t{s[i + 1]} << 8);
    d[0] = kBase64Alphabet[(v >> 18) & 63];
    d[1] = kBase64Alphabet[(v >> 12) & 63];
    d[2] = kBase64Alphabet[(v >> 6) & 63];
    d[3] = '=';
  }
}

void JsonWriter::value_prefix() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  uint64_t bit = uint64_t{1} << depth_;
  if (depth_ > 0 && !(first_ & bit)) out_.push_back(',');
  first_ &= ~bit;
}

void JsonWriter::key(std::string_view k) {
  value_prefix();
  json_append_string(out_, k);
  out_.push_back(':');
  after_key_ = true;
}

}  // namespace sluice::core
