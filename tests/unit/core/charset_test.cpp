#include "core/charset.h"

#include <gtest/gtest.h>

namespace sluice::core {
namespace {

TEST(Charset, NamesGiveTheCharsetAndACollationOfIt) {
  for (auto cs : {Charset::kBinary, Charset::kUtf8mb4, Charset::kUtf8mb3, Charset::kLatin1, Charset::kCp1251,
                  Charset::kUtf16le, Charset::kGb18030}) {
    EXPECT_EQ(charset_by_name(charset_name(cs)), cs) << charset_name(cs);
    uint32_t id = collation_of(cs);
    EXPECT_NE(id, 0u) << charset_name(cs);
    EXPECT_EQ(charset_for_collation(id), cs) << charset_name(cs);
  }
  EXPECT_EQ(collation_of(Charset::kLatin1), 5u);  // latin1_german1_ci, the lowest latin1 id
  EXPECT_EQ(collation_of(Charset::kBinary), 63u);
  EXPECT_EQ(charset_by_name("utf8"), Charset::kUtf8mb3);
  EXPECT_EQ(charset_by_name("klingon"), Charset::kUnknown);
  EXPECT_EQ(charset_by_name(""), Charset::kUnknown);
  EXPECT_EQ(collation_of(Charset::kUnknown), 0u);
}

}  // namespace
}  // namespace sluice::core
