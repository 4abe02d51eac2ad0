#include "schema/avro_names.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace sluice::schema {
namespace {

TEST(AvroNames, SafeNameReplacesEachCharacterOnce) {
  EXPECT_EQ(avro_safe_name("id"), "id");
  EXPECT_EQ(avro_safe_name("1st col"), "_1st_col");
  EXPECT_EQ(avro_safe_name("a-b"), "a_b");
  EXPECT_EQ(avro_safe_name("a b"), "a_b");
  EXPECT_EQ(avro_safe_name("prix (€)"), "prix____");
  EXPECT_EQ(avro_safe_name("名前"), "__");  // one '_' per character, not per byte
  EXPECT_EQ(avro_safe_name(""), "_");
  EXPECT_EQ(avro_safe_name("_x9"), "_x9");
}

TEST(AvroNames, ValidNames) {
  EXPECT_TRUE(is_valid_avro_name("_a1"));
  EXPECT_TRUE(is_valid_avro_name("Abc_9"));
  EXPECT_FALSE(is_valid_avro_name("9a"));
  EXPECT_FALSE(is_valid_avro_name("a-b"));
  EXPECT_FALSE(is_valid_avro_name(""));
}

TEST(AvroNames, FourCollidingColumnsGetFourDistinctValidNames) {
  std::vector<std::string> cols = {"1st col", "a-b", "a b", "a_b"};
  auto names = avro_field_names(cols);
  ASSERT_EQ(names.size(), 4u);
  EXPECT_EQ(names, (std::vector<std::string>{"_1st_col", "a_b", "a_b_2", "a_b_3"}));
  for (const auto& n : names) EXPECT_TRUE(is_valid_avro_name(n)) << n;
  // Stable: the same input gives the same names, run after run.
  EXPECT_EQ(avro_field_names(cols), names);
}

TEST(AvroNames, AppendingAColumnRenamesNoEarlierOne) {
  std::vector<std::string> before = {"a-b", "x"};
  std::vector<std::string> after = {"a-b", "x", "a_b"};
  auto n1 = avro_field_names(before);
  auto n2 = avro_field_names(after);
  EXPECT_EQ(n1[0], n2[0]);
  EXPECT_EQ(n2[2], "a_b_2");
}

TEST(AvroNames, ReservedNamesAndSuffixCollisions) {
  std::vector<std::string> reserved = {"_sdc_deleted_at"};
  std::vector<std::string> cols = {"_sdc_deleted_at", "a-b", "a b", "a_b_2"};
  auto names = avro_field_names(cols, reserved);
  EXPECT_EQ(names, (std::vector<std::string>{"_sdc_deleted_at_2", "a_b", "a_b_2", "a_b_2_2"}));
}

}  // namespace
}  // namespace sluice::schema
