#include "core/spelling.h"

#include <gtest/gtest.h>

namespace sluice::core {
namespace {

TEST(Spelling, ClosestKnownNameWithinTwoEditsForLongNames) {
  constexpr const char* kKnown[] = {"path", "deletes", "report", "report_dir"};
  EXPECT_EQ(edit_distance("delets", "deletes"), 1U);
  EXPECT_EQ(closest_name("delets", kKnown).value_or(""), "deletes");
  EXPECT_EQ(closest_name("DELETES", kKnown).value_or(""), "deletes");
  EXPECT_EQ(closest_name("reprot_dir", kKnown).value_or(""), "report_dir");
  EXPECT_EQ(closest_name("pth", kKnown).value_or(""), "path");
  EXPECT_FALSE(closest_name("pt", kKnown));  // 2 edits on a short name: not a typo
  EXPECT_FALSE(closest_name("colour", kKnown));
  EXPECT_EQ(did_you_mean("delets", kKnown), "; did you mean 'deletes'?");
  EXPECT_EQ(did_you_mean("zzz", kKnown), "");
}

}  // namespace
}  // namespace sluice::core
