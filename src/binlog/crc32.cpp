#include "binlog/crc32.h"

#include <zlib.h>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace sluice::binlog {
namespace {

uint32_t zlib_crc(uint32_t crc, const uint8_t* p, size_t n) {
  while (n > 0) {  // zlib takes uInt lengths
    uInt chunk = n > (1u << 30) ? (1u << 30) : static_cast<uInt>(n);
    crc = static_cast<uint32_t>(crc32(crc, p, chunk));
    p += chunk;
    n -= chunk;
  }
  return crc;
}

#if defined(__x86_64__)

// Folding constants of the bit-reflected polynomial 0x104C11DB7: x^(4*128+32), x^(4*128-32)
// mod P (64-byte stride), x^(128+32), x^(128-32) mod P (16-byte stride), x^64 mod P, and the
// Barrett pair (P, floor(x^64 / P)), all bit-reflected and shifted left by one.
constexpr uint64_t kR1 = 0x154442bd4, kR2 = 0x1c6e41596;
constexpr uint64_t kR3 = 0x1751997d0, kR4 = 0x0ccaa009e;
constexpr uint64_t kR5 = 0x163cd6124;
constexpr uint64_t kPoly = 0x1db710641, kMu = 0x1f7011641;

__attribute__((target("pclmul,sse4.1"))) inline __m128i fold(__m128i x, __m128i k, __m128i next) {
  __m128i lo = _mm_clmulepi64_si128(x, k, 0x00);
  __m128i hi = _mm_clmulepi64_si128(x, k, 0x11);
  return _mm_xor_si128(_mm_xor_si128(lo, hi), next);
}

__attribute__((target("pclmul,sse4.1"))) inline __m128i load(const uint8_t* p) {
  return _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
}

// The raw (not inverted) reflected CRC of n bytes, n >= 64 and a multiple of 16.
__attribute__((target("pclmul,sse4.1"))) uint32_t clmul_crc(uint32_t crc, const uint8_t* p, size_t n) {
  __m128i x1 = _mm_xor_si128(load(p), _mm_cvtsi32_si128(static_cast<int>(crc)));
  __m128i x2 = load(p + 16), x3 = load(p + 32), x4 = load(p + 48);
  p += 64;
  n -= 64;
  const __m128i k12 = _mm_set_epi64x(static_cast<long long>(kR2), static_cast<long long>(kR1));
  while (n >= 64) {
    x1 = fold(x1, k12, load(p));
    x2 = fold(x2, k12, load(p + 16));
    x3 = fold(x3, k12, load(p + 32));
    x4 = fold(x4, k12, load(p + 48));
    p += 64;
    n -= 64;
  }
  const __m128i k34 = _mm_set_epi64x(static_cast<long long>(kR4), static_cast<long long>(kR3));
  x1 = fold(x1, k34, x2);
  x1 = fold(x1, k34, x3);
  x1 = fold(x1, k34, x4);
  while (n >= 16) {
    x1 = fold(x1, k34, load(p));
    p += 16;
    n -= 16;
  }
  // 128 -> 64 bits, 64 -> 32 bits, then Barrett reduction.
  const __m128i mask32 = _mm_set_epi32(0, 0, 0, -1);
  __m128i t = _mm_clmulepi64_si128(x1, k34, 0x10);
  x1 = _mm_xor_si128(t, _mm_srli_si128(x1, 8));
  const __m128i k5 = _mm_set_epi64x(0, static_cast<long long>(kR5));
  t = _mm_clmulepi64_si128(_mm_and_si128(x1, mask32), k5, 0x00);
  x1 = _mm_xor_si128(t, _mm_srli_si128(x1, 4));
  const __m128i pu = _mm_set_epi64x(static_cast<long long>(kMu), static_cast<long long>(kPoly));
  t = _mm_clmulepi64_si128(_mm_and_si128(x1, mask32), pu, 0x10);
  t = _mm_clmulepi64_si128(_mm_and_si128(t, mask32), pu, 0x00);
  x1 = _mm_xor_si128(x1, t);
  return static_cast<uint32_t>(_mm_extract_epi32(x1, 1));
}

bool have_clmul() {
  static const bool yes = __builtin_cpu_supports("pclmul") && __builtin_cpu_supports("sse4.1");
  return yes;
}

#endif

}  // namespace

uint32_t crc32_ieee(uint32_t crc, const uint8_t* p, size_t n) {
#if defined(__x86_64__)
  if (n >= 64 && have_clmul()) {
    size_t bulk = n & ~size_t{15};
    crc = ~clmul_crc(~crc, p, bulk);
    p += bulk;
    n -= bulk;
  }
#endif
  return zlib_crc(crc, p, n);
}

}  // namespace sluice::binlog
