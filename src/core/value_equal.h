#pragma once
/// Equality of two core::Value cells (value.h), apart from value.h so that its users need not
/// recompile when this grows.

#include "core/value.h"

namespace sluice::core {

/// True when `a` and `b` are the same value, byte for byte (a key as a destination compares it:
/// 'a' and 'A' differ whatever the source's collation). Views are compared by content.
inline bool same_value(const Value& a, const Value& b) {
  if (a.kind != b.kind) return false;
  switch (a.kind) {
    case ValueKind::kAbsent:
    case ValueKind::kNull:
      return true;
    case ValueKind::kInt:
      return a.i == b.i;
    case ValueKind::kFloat:
      return a.f == b.f;
    case ValueKind::kDouble:
      return a.d == b.d;
    case ValueKind::kDate:
    case ValueKind::kTime:
    case ValueKind::kDateTime:
      return a.t.year == b.t.year && a.t.month == b.t.month && a.t.day == b.t.day && a.t.hour == b.t.hour &&
             a.t.minute == b.t.minute && a.t.second == b.t.second && a.t.micro == b.t.micro &&
             a.t.negative == b.t.negative;
    case ValueKind::kTimestamp:
      return a.ts.seconds == b.ts.seconds && a.ts.micro == b.ts.micro;
    case ValueKind::kUInt:
    case ValueKind::kYear:
    case ValueKind::kBit:
      return a.u == b.u;
    case ValueKind::kEnum:
    case ValueKind::kSet:
      return a.u == b.u && a.text == b.text;
    default:
      return a.text == b.text;  // DECIMAL digits, strings, bytes, JSON, geometry, vector
  }
}

}  // namespace sluice::core
