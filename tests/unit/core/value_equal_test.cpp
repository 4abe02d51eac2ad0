#include "core/value_equal.h"

#include <gtest/gtest.h>

namespace sluice::core {
namespace {

TEST(SameValue, ComparesKindAndContent) {
  EXPECT_TRUE(same_value(Value::from_int(5), Value::from_int(5)));
  EXPECT_FALSE(same_value(Value::from_int(5), Value::from_int(6)));
  EXPECT_FALSE(same_value(Value::from_int(5), Value::from_uint(5)));  // another kind
  EXPECT_TRUE(same_value(Value::null(), Value::null()));
  EXPECT_FALSE(same_value(Value::null(), Value::absent()));
  std::string a = "abc", b = "abc";
  EXPECT_TRUE(same_value(Value::with_text(ValueKind::kString, a), Value::with_text(ValueKind::kString, b)));
  // A case-insensitive collation calls these equal; a destination's key does not.
  EXPECT_FALSE(
      same_value(Value::with_text(ValueKind::kString, "a"), Value::with_text(ValueKind::kString, "A")));
  EXPECT_FALSE(same_value(Value::with_text(ValueKind::kDecimal, "1.50"),
                          Value::with_text(ValueKind::kDecimal, "1.51")));
  Value d1, d2;
  d1.kind = d2.kind = ValueKind::kDateTime;
  d1.t = d2.t = Temporal{2024, 2, 29, 4, 5, 3, 123456, false};
  EXPECT_TRUE(same_value(d1, d2));
  d2.t.micro = 123457;
  EXPECT_FALSE(same_value(d1, d2));
  Value t1, t2;
  t1.kind = t2.kind = ValueKind::kTimestamp;
  t1.ts = t2.ts = EpochTime{1700000000, 5};
  EXPECT_TRUE(same_value(t1, t2));
  t2.ts.seconds = 1700000001;
  EXPECT_FALSE(same_value(t1, t2));
}

}  // namespace
}  // namespace sluice::core
