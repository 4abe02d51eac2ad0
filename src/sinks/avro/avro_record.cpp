#include "sinks/avro/avro_record.h"

#include <array>
#include <limits>

#include "core/json_writer.h"
#include "core/value_format.h"
#include "sinks/avro/avro_binary.h"

namespace sluice::sinks::avro {
namespace {

using core::ValueKind;

core::Status mismatch(const FieldPlan& f, std::string what) {
  return core::fail(core::ErrorCode::kSchemaMismatch, "column `" + f.original + "`: " + what);
}

// A fixed-width big-endian two's-complement buffer, wide enough for DECIMAL(65).
constexpr size_t kWide = 34;
using Wide = std::array<uint8_t, kWide>;

void wide_mul10_add(Wide& w, unsigned digit) {
  unsigned carry = digit;
  for (size_t i = kWide; i-- > 0;) {
    unsigned x = w[i] * 10u + carry;
    w[i] = static_cast<uint8_t>(x & 0xFF);
    carry = x >> 8;
  }
}

void wide_negate(Wide& w) {
  unsigned carry = 1;
  for (size_t i = kWide; i-- > 0;) {
    unsigned x = static_cast<uint8_t>(~w[i]) + carry;
    w[i] = static_cast<uint8_t>(x & 0xFF);
    carry = x >> 8;
  }
}

// Appends the shortest two's-complement form (at least one byte) of the big-endian `w` as Avro bytes.
template <size_t N>
void put_minimal(std::string& out, const std::array<uint8_t, N>& w) {
  size_t start = 0;
  while (start + 1 < N) {
    bool redundant = (w[start] == 0x00 && (w[start + 1] & 0x80) == 0) ||
                     (w[start] == 0xFF && (w[start + 1] & 0x80) != 0);
    if (!redundant) break;
    ++start;
  }
  put_long(out, static_cast<int64_t>(N - start));
  out.append(reinterpret_cast<const char*>(w.data() + start), N - start);
}

// The unscaled value of up to 18 digits fits an int64: no byte-wise wide arithmetic.
void put_small_decimal(std::string& out, std::string_view int_part, std::string_view frac, uint32_t scale,
                       bool negative) {
  uint64_t u = 0;
  for (char c : int_part) u = u * 10 + static_cast<unsigned>(c - '0');
  for (char c : frac) u = u * 10 + static_cast<unsigned>(c - '0');
  for (size_t i = frac.size(); i < scale; ++i) u *= 10;
  uint64_t bits = negative ? ~u + 1 : u;
  std::array<uint8_t, 8> w{};
  for (size_t i = 0; i < 8; ++i) w[7 - i] = static_cast<uint8_t>(bits >> (8 * i));
  put_minimal(out, w);
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

const char* value_kind_name(ValueKind k) {
  static constexpr const char* kNames[] = {"absent", "null", "integer", "unsigned integer", "float", "double",
                                           "decimal", "date", "time", "datetime", "timestamp", "year",
                                           "string", "bytes", "json", "bit", "enum", "set", "geometry",
                                           "vector"};
  auto i = static_cast<size_t>(k);
  return i < std::size(kNames) ? kNames[i] : "unknown";
}

}  // namespace

int64_t days_from_civil(int64_t year, unsigned month, unsigned day) {
  // Count from 0000-03-01 so the leap day is the last day of a cycle year.
  int64_t y = year - (month <= 2 ? 1 : 0);
  int64_t era = (y >= 0 ? y : y - 399) / 400;
  int64_t yoe = y - era * 400;
  int64_t mp = month > 2 ? month - 3 : month + 9;
  int64_t doy = (153 * mp + 2) / 5 + day - 1;
  int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

core::Status append_decimal(std::string& out, std::string_view digits, uint32_t precision, uint32_t scale) {
  auto bad = [&](const char* why) {
    return core::fail(core::ErrorCode::kSchemaMismatch, "decimal " + std::string(digits) + " " + why +
                                                            " decimal(" + std::to_string(precision) + "," +
                                                            std::to_string(scale) + ")");
  };
  std::string_view s = digits;
  bool negative = !s.empty() && s[0] == '-';
  if (negative || (!s.empty() && s[0] == '+')) s.remove_prefix(1);
  size_t dot = s.find('.');
  std::string_view int_part = s.substr(0, dot);
  std::string_view frac = dot == std::string_view::npos ? std::string_view() : s.substr(dot + 1);
  if (int_part.empty() && frac.empty()) return bad("is not a number for");
  for (char c : int_part) if (!is_digit(c)) return bad("is not a number for");
  for (char c : frac) if (!is_digit(c)) return bad("is not a number for");
  while (!int_part.empty() && int_part[0] == '0') int_part.remove_prefix(1);
  while (frac.size() > scale && frac.back() == '0') frac.remove_suffix(1);
  if (frac.size() > scale) return bad("has more fraction digits than");
  if (int_part.size() + scale > precision) return bad("has more digits than");
  if (int_part.size() + scale <= 18) {
    put_small_decimal(out, int_part, frac, scale, negative);
    return core::ok();
  }
  Wide w{};
  for (char c : int_part) wide_mul10_add(w, static_cast<unsigned>(c - '0'));
  for (char c : frac) wide_mul10_add(w, static_cast<unsigned>(c - '0'));
  for (size_t i = frac.size(); i < scale; ++i) wide_mul10_add(w, 0);
  if (negative) wide_negate(w);
  put_minimal(out, w);
  return core::ok();
}

void append_unsigned_decimal(std::string& out, uint64_t value) {
  Wide w{};
  for (size_t i = 0; i < 8; ++i) w[kWide - 1 - i] = static_cast<uint8_t>(value >> (8 * i));
  put_minimal(out, w);
}

core::Status RecordEncoder::encode(const SchemaPlan& plan, const change::RowChange& row, std::string& out) {
  const std::span<const core::Value> values = row.values();
  if (values.size() != plan.columns.size()) {
    return core::fail(core::ErrorCode::kInternal, "row has " + std::to_string(values.size()) +
                                                      " values for " + std::to_string(plan.columns.size()) +
                                                      " columns");
  }
  size_t mark = out.size();
  for (size_t i = 0; i < plan.columns.size(); ++i) {
    auto st = encode_field(plan.columns[i], values[i], out);
    if (!st) {
      out.resize(mark);
      return st;
    }
  }
  auto put_time = [&](core::EpochTime t) {
    put_long(out, 1);
    put_long(out, t.seconds * 1000000 + static_cast<int64_t>(t.micro));
  };
  put_time(row.extracted);
  if (plan.deleted_at) {
    if (row.op == change::Op::kDelete) {
      put_time(row.commit_time);
    } else {
      put_long(out, 0);
    }
  }
  if (plan.table_version) {
    put_long(out, 1);
    put_long(out, plan.version);
  }
  return core::ok();
}

core::Status RecordEncoder::encode_field(const FieldPlan& f, const core::Value& v, std::string& out) {
  bool null = v.is_null() || v.is_absent();
  // Zero dates and the zero TIMESTAMP have no Avro form: null (docs/avro.md).
  // A snapshot (SELECT in a UTC session) gives TIMESTAMP as UTC date-time fields (kDateTime).
  if (!null && (f.encoding == FieldEncoding::kDate || f.encoding == FieldEncoding::kLocalTimestamp ||
                f.encoding == FieldEncoding::kTimestamp)) {
    if ((v.kind == ValueKind::kDate || v.kind == ValueKind::kDateTime) && core::is_zero_or_invalid_date(v.t)) {
      null = true;
    }
  }
  if (!null && f.encoding == FieldEncoding::kTimestamp && v.kind == ValueKind::kTimestamp &&
      v.ts.seconds == 0 && v.ts.micro == 0) {
    null = true;
  }
  if (null) {
    if (!f.nullable) {
      return mismatch(f, v.is_absent() ? "not in the binlog row image (binlog_row_image=FULL is needed)"
                                       : "NULL in a NOT NULL column");
    }
    put_long(out, 0);
    return core::ok();
  }
  if (f.nullable) put_long(out, 1);
  return encode_present(f, v, out);
}

core::Status RecordEncoder::encode_present(const FieldPlan& f, const core::Value& v, std::string& out) {
  auto wrong_kind = [&]() {
    return mismatch(f, "a " + std::string(value_kind_name(v.kind)) + " value does not fit this field");
  };
  bool is_signed = v.kind == ValueKind::kInt;
  bool is_unsigned = v.kind == ValueKind::kUInt || v.kind == ValueKind::kBit || v.kind == ValueKind::kYear;
  switch (f.encoding) {
    case FieldEncoding::kBoolean:
      if (!is_signed && !is_unsigned) return wrong_kind();
      put_boolean(out, v.u != 0);
      return core::ok();
    case FieldEncoding::kInt: {
      bool fits = is_signed ? v.i >= std::numeric_limits<int32_t>::min() && v.i <= std::numeric_limits<int32_t>::max()
                            : is_unsigned && v.u <= static_cast<uint64_t>(std::numeric_limits<int32_t>::max());
      if (!is_signed && !is_unsigned) return wrong_kind();
      if (!fits) return mismatch(f, "value out of range for an Avro int");
      put_long(out, is_signed ? v.i : static_cast<int64_t>(v.u));
      return core::ok();
    }
    case FieldEncoding::kLong:
      if (is_signed) {
        put_long(out, v.i);
      } else if (is_unsigned && v.u <= static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
        put_long(out, static_cast<int64_t>(v.u));
      } else {
        return is_unsigned ? mismatch(f, "value out of range for an Avro long") : wrong_kind();
      }
      return core::ok();
    case FieldEncoding::kDecimal:
      if (v.kind == ValueKind::kDecimal) {
        auto st = append_decimal(out, v.text, f.precision, f.scale);
        if (!st) return mismatch(f, st.error().message);
      } else if (is_unsigned) {
        append_unsigned_decimal(out, v.u);
      } else if (is_signed) {
        scratch_ = std::to_string(v.i);
        auto st = append_decimal(out, scratch_, f.precision, f.scale);
        if (!st) return mismatch(f, st.error().message);
      } else {
        return wrong_kind();
      }
      return core::ok();
    case FieldEncoding::kFloat:
      if (v.kind == ValueKind::kFloat) put_float(out, v.f);
      else if (v.kind == ValueKind::kDouble) put_float(out, static_cast<float>(v.d));
      else return wrong_kind();
      return core::ok();
    case FieldEncoding::kDouble:
      if (v.kind == ValueKind::kDouble) put_double(out, v.d);
      else if (v.kind == ValueKind::kFloat) put_double(out, static_cast<double>(v.f));
      else return wrong_kind();
      return core::ok();
    default:
      break;
  }
  return encode_text_or_time(f, v, out);
}

core::Status RecordEncoder::encode_text_or_time(const FieldPlan& f, const core::Value& v, std::string& out) {
  auto wrong_kind = [&]() {
    return mismatch(f, "a " + std::string(value_kind_name(v.kind)) + " value does not fit this field");
  };
  switch (f.encoding) {
    case FieldEncoding::kString: {
      std::string_view text = v.text;
      switch (v.kind) {
        case ValueKind::kString:
        case ValueKind::kJson:
        case ValueKind::kDecimal:
          break;
        case ValueKind::kEnum:
        case ValueKind::kSet:
          // Labels unknown (no metadata): the index or bitmask as digits.
          if ((v.flags & core::kValueFlagLabels) == 0) {
            scratch_ = std::to_string(v.u);
            text = scratch_;
          }
          break;
        case ValueKind::kGeometry:
          scratch_.clear();
          if (!core::append_geometry_wkt(scratch_, v.text)) return mismatch(f, "geometry bytes are not valid WKB");
          text = scratch_;
          break;
        case ValueKind::kInt: scratch_ = std::to_string(v.i); text = scratch_; break;
        case ValueKind::kUInt: scratch_ = std::to_string(v.u); text = scratch_; break;
        default: return wrong_kind();
      }
      if (!core::is_valid_utf8(text)) return mismatch(f, "string is not valid UTF-8");
      put_bytes(out, text);
      return core::ok();
    }
    case FieldEncoding::kBytes:
      if (v.kind != ValueKind::kBytes && v.kind != ValueKind::kString) return wrong_kind();
      put_bytes(out, v.text);
      return core::ok();
    case FieldEncoding::kDate:
      if (v.kind != ValueKind::kDate) return wrong_kind();
      put_long(out, days_from_civil(v.t.year, v.t.month, v.t.day));
      return core::ok();
    case FieldEncoding::kTimeMicros: {
      if (v.kind != ValueKind::kTime) return wrong_kind();
      int64_t us = ((int64_t{v.t.hour} * 60 + v.t.minute) * 60 + v.t.second) * 1000000 + v.t.micro;
      put_long(out, v.t.negative ? -us : us);
      return core::ok();
    }
    case FieldEncoding::kLocalTimestamp:
    case FieldEncoding::kTimestamp:
      if (v.kind == ValueKind::kDateTime) {
        // DATETIME's wall-clock fields, or a snapshot TIMESTAMP's UTC fields.
        int64_t days = days_from_civil(v.t.year, v.t.month, v.t.day);
        int64_t secs = days * 86400 + (int64_t{v.t.hour} * 60 + v.t.minute) * 60 + v.t.second;
        put_long(out, secs * 1000000 + v.t.micro);
        return core::ok();
      }
      if (v.kind != ValueKind::kTimestamp || f.encoding != FieldEncoding::kTimestamp) return wrong_kind();
      put_long(out, v.ts.seconds * 1000000 + static_cast<int64_t>(v.ts.micro));
      return core::ok();
    case FieldEncoding::kFloatArray: {
      if (v.kind != ValueKind::kVector) return wrong_kind();
      if (v.text.size() % 4 != 0) return mismatch(f, "vector bytes are not a float32 array");
      size_t n = v.text.size() / 4;
      if (n > 0) {
        put_long(out, static_cast<int64_t>(n));
        out.append(v.text);  // already little-endian float32, Avro's float encoding
      }
      put_long(out, 0);
      return core::ok();
    }
    default:
      break;
  }
  return wrong_kind();
}

}  // namespace sluice::sinks::avro
