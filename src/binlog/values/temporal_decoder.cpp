#include "binlog/values/temporal_decoder.h"

#include "binlog/values/cell_bytes.h"
#include "binlog/values/decoders.h"

namespace sluice::binlog::values {
namespace {

constexpr int64_t kPackedFactor = int64_t{1} << 24;

size_t frac_bytes(unsigned fsp) { return (fsp + 1) / 2; }

// Fraction of `fsp` digits stored big-endian in frac_bytes(fsp) bytes, as microseconds.
uint32_t read_fraction(const uint8_t* p, unsigned fsp) {
  switch (frac_bytes(fsp)) {
    case 1: return static_cast<uint32_t>(p[0]) * 10000;
    case 2: return static_cast<uint32_t>(load_be(p, 2)) * 100;
    case 3: return static_cast<uint32_t>(load_be(p, 3));
    default: return 0;
  }
}

core::Result<unsigned> checked_fsp(const ColumnDef& col, std::string_view what) {
  if (col.meta > 6) return bad_cell(what, "fractional second precision above 6 in TABLE_MAP");
  return static_cast<unsigned>(col.meta);
}

bool valid_clock(const core::Temporal& t, uint32_t max_hour) {
  return t.hour <= max_hour && t.minute < 60 && t.second < 60 && t.micro < 1000000;
}

bool valid_date_fields(const core::Temporal& t) {
  return t.year <= 9999 && t.month <= 12 && t.day <= 31;
}

core::Value temporal_value(core::ValueKind kind, const core::Temporal& t, unsigned fsp) {
  core::Value v;
  v.kind = kind;
  v.t = t;
  v.fsp = static_cast<uint8_t>(fsp);
  return v;
}

}  // namespace

core::Temporal unpack_datetime_packed(int64_t packed) {
  core::Temporal t{};
  uint64_t tmp = packed < 0 ? 0 - static_cast<uint64_t>(packed) : static_cast<uint64_t>(packed);
  t.micro = static_cast<uint32_t>(tmp % static_cast<uint64_t>(kPackedFactor));
  uint64_t ymdhms = tmp >> 24;
  uint64_t ymd = ymdhms >> 17;
  uint64_t ym = ymd >> 5;
  uint64_t hms = ymdhms % (1 << 17);
  t.day = static_cast<uint8_t>(ymd % 32);
  t.month = static_cast<uint8_t>(ym % 13);
  t.year = static_cast<int32_t>(ym / 13 % 100000);
  t.second = static_cast<uint8_t>(hms % 64);
  t.minute = static_cast<uint8_t>((hms >> 6) % 64);
  t.hour = static_cast<uint32_t>(hms >> 12);
  return t;
}

core::Temporal unpack_time_packed(int64_t packed) {
  core::Temporal t{};
  t.negative = packed < 0;
  uint64_t tmp = packed < 0 ? 0 - static_cast<uint64_t>(packed) : static_cast<uint64_t>(packed);
  t.micro = static_cast<uint32_t>(tmp % static_cast<uint64_t>(kPackedFactor));
  uint64_t hms = tmp >> 24;
  t.hour = static_cast<uint32_t>((hms >> 12) % (1 << 10));
  t.minute = static_cast<uint8_t>((hms >> 6) % 64);
  t.second = static_cast<uint8_t>(hms % 64);
  return t;
}

core::Result<size_t> decode_date(const ColumnDef&, const uint8_t* p, size_t avail, core::Arena&,
                                 core::Value& out) {
  if (avail < 3) return short_cell("DATE", 3, avail);
  auto v = static_cast<uint32_t>(load_le(p, 3));
  core::Temporal t{};
  t.day = static_cast<uint8_t>(v & 31);
  t.month = static_cast<uint8_t>((v >> 5) & 15);
  t.year = static_cast<int32_t>(v >> 9);
  if (!valid_date_fields(t)) return bad_cell("DATE", "month or year out of range");
  out = temporal_value(core::ValueKind::kDate, t, 0);
  return 3;
}

core::Result<size_t> decode_time_old(const ColumnDef&, const uint8_t* p, size_t avail,
                                     core::Arena&, core::Value& out) {
  if (avail < 3) return short_cell("TIME", 3, avail);
  auto raw = static_cast<uint32_t>(load_le(p, 3));
  int32_t v = static_cast<int32_t>(raw << 8) >> 8;
  core::Temporal t{};
  t.negative = v < 0;
  uint32_t a = static_cast<uint32_t>(v < 0 ? -v : v);
  t.hour = a / 10000;
  t.minute = static_cast<uint8_t>(a / 100 % 100);
  t.second = static_cast<uint8_t>(a % 100);
  if (!valid_clock(t, 838)) return bad_cell("TIME", "field out of range");
  out = temporal_value(core::ValueKind::kTime, t, 0);
  return 3;
}

core::Result<size_t> decode_time2(const ColumnDef& col, const uint8_t* p, size_t avail,
                                  core::Arena&, core::Value& out) {
  auto fsp = checked_fsp(col, "TIME");
  if (!fsp) return core::fail(fsp.error());
  size_t n = 3 + frac_bytes(*fsp);
  if (avail < n) return short_cell("TIME", n, avail);
  int64_t packed;
  if (*fsp >= 5) {
    packed = static_cast<int64_t>(load_be(p, 6)) - 0x800000000000LL;
  } else {
    int64_t intpart = static_cast<int64_t>(load_be(p, 3)) - 0x800000;
    int64_t frac = 0;
    if (*fsp >= 1) {
      size_t fb = frac_bytes(*fsp);
      frac = static_cast<int64_t>(load_be(p + 3, fb));
      // A negative value stores its fraction as a complement borrowing from the int part.
      if (intpart < 0 && frac != 0) {
        intpart += 1;
        frac -= fb == 1 ? 0x100 : 0x10000;
      }
      frac *= fb == 1 ? 10000 : 100;
    }
    packed = intpart * kPackedFactor + frac;
  }
  core::Temporal t = unpack_time_packed(packed);
  if (!valid_clock(t, 838)) return bad_cell("TIME", "field out of range");
  out = temporal_value(core::ValueKind::kTime, t, *fsp);
  return n;
}

core::Result<size_t> decode_datetime_old(const ColumnDef&, const uint8_t* p, size_t avail,
                                         core::Arena&, core::Value& out) {
  if (avail < 8) return short_cell("DATETIME", 8, avail);
  uint64_t v = load_le(p, 8);
  uint64_t d = v / 1000000;
  uint64_t c = v % 1000000;
  core::Temporal t{};
  if (d / 10000 > 9999) return bad_cell("DATETIME", "year out of range");
  t.year = static_cast<int32_t>(d / 10000);
  t.month = static_cast<uint8_t>(d / 100 % 100);
  t.day = static_cast<uint8_t>(d % 100);
  t.hour = static_cast<uint32_t>(c / 10000);
  t.minute = static_cast<uint8_t>(c / 100 % 100);
  t.second = static_cast<uint8_t>(c % 100);
  if (!valid_date_fields(t) || !valid_clock(t, 23)) return bad_cell("DATETIME", "field out of range");
  out = temporal_value(core::ValueKind::kDateTime, t, 0);
  return 8;
}

core::Result<size_t> decode_datetime2(const ColumnDef& col, const uint8_t* p, size_t avail,
                                      core::Arena&, core::Value& out) {
  auto fsp = checked_fsp(col, "DATETIME");
  if (!fsp) return core::fail(fsp.error());
  size_t n = 5 + frac_bytes(*fsp);
  if (avail < n) return short_cell("DATETIME", n, avail);
  int64_t intpart = static_cast<int64_t>(load_be(p, 5)) - 0x8000000000LL;
  if (intpart < 0) return bad_cell("DATETIME", "negative value");
  int64_t packed = intpart * kPackedFactor + read_fraction(p + 5, *fsp);
  core::Temporal t = unpack_datetime_packed(packed);
  if (!valid_date_fields(t) || !valid_clock(t, 23)) return bad_cell("DATETIME", "field out of range");
  out = temporal_value(core::ValueKind::kDateTime, t, *fsp);
  return n;
}

core::Result<size_t> decode_timestamp_old(const ColumnDef&, const uint8_t* p, size_t avail,
                                          core::Arena&, core::Value& out) {
  if (avail < 4) return short_cell("TIMESTAMP", 4, avail);
  core::Value v;
  v.kind = core::ValueKind::kTimestamp;
  v.ts = core::EpochTime{static_cast<int64_t>(load_le(p, 4)), 0};
  out = v;
  return 4;
}

core::Result<size_t> decode_timestamp2(const ColumnDef& col, const uint8_t* p, size_t avail,
                                       core::Arena&, core::Value& out) {
  auto fsp = checked_fsp(col, "TIMESTAMP");
  if (!fsp) return core::fail(fsp.error());
  size_t n = 4 + frac_bytes(*fsp);
  if (avail < n) return short_cell("TIMESTAMP", n, avail);
  core::Value v;
  v.kind = core::ValueKind::kTimestamp;
  v.ts = core::EpochTime{static_cast<int64_t>(load_be(p, 4)), read_fraction(p + 4, *fsp)};
  if (v.ts.micro >= 1000000) return bad_cell("TIMESTAMP", "fraction out of range");
  v.fsp = static_cast<uint8_t>(*fsp);
  out = v;
  return n;
}

// MariaDB's own fractional formats ("hires"), of TIME/DATETIME/TIMESTAMP columns created with
// mysql56_temporal_format=OFF (the only format before 10.1). The TABLE_MAP shows them as the
// old types with no metadata: `meta` is the fsp 1..6 the schema history knows. All big-endian;
// a value of fsp digits is the microsecond value divided by 10^(6 - fsp).
//   TIME(fsp): {-,4,4,5,5,5,6}[fsp] bytes, unsigned; minus (838:59:59 + 1 s) in fsp units it
//     is the signed time (hours * 3600 + minutes * 60 + seconds) * 10^6 + microseconds.
//   DATETIME(fsp): {-,6,6,7,7,7,8}[fsp] bytes: ((((year * 13 + month) * 32 + day) * 24 +
//     hour) * 60 + minute) * 60 + second) * 10^6 + microseconds.
//   TIMESTAMP(fsp): 4 bytes of seconds since the epoch, then {-,1,1,2,2,3,3}[fsp] bytes of
//     fraction.
namespace {

constexpr uint8_t kTimeHiresBytes[7] = {3, 4, 4, 5, 5, 5, 6};
constexpr uint8_t kDatetimeHiresBytes[7] = {5, 6, 6, 7, 7, 7, 8};
constexpr uint8_t kTimestampHiresFracBytes[7] = {0, 1, 1, 2, 2, 3, 3};
constexpr int64_t kPow10[7] = {1, 10, 100, 1000, 10000, 100000, 1000000};
constexpr int64_t kTimeHiresZero = (838 * 3600 + 59 * 60 + 59 + 1) * int64_t{1000000};

}  // namespace

core::Result<size_t> decode_time_hires(const ColumnDef& col, const uint8_t* p, size_t avail, core::Arena&,
                                       core::Value& out) {
  auto fsp = checked_fsp(col, "TIME");
  if (!fsp) return core::fail(fsp.error());
  size_t n = kTimeHiresBytes[*fsp];
  if (avail < n) return short_cell("TIME", n, avail);
  const int64_t unit = kPow10[6 - *fsp];
  int64_t micros = (static_cast<int64_t>(load_be(p, n)) - kTimeHiresZero / unit) * unit;
  core::Temporal t{};
  t.negative = micros < 0;
  uint64_t a = micros < 0 ? 0 - static_cast<uint64_t>(micros) : static_cast<uint64_t>(micros);
  t.micro = static_cast<uint32_t>(a % 1000000);
  uint64_t secs = a / 1000000;
  if (secs / 3600 > 838) return bad_cell("TIME", "field out of range");
  t.hour = static_cast<uint32_t>(secs / 3600);
  t.minute = static_cast<uint8_t>(secs / 60 % 60);
  t.second = static_cast<uint8_t>(secs % 60);
  out = temporal_value(core::ValueKind::kTime, t, *fsp);
  return n;
}

core::Result<size_t> decode_datetime_hires(const ColumnDef& col, const uint8_t* p, size_t avail, core::Arena&,
                                           core::Value& out) {
  auto fsp = checked_fsp(col, "DATETIME");
  if (!fsp) return core::fail(fsp.error());
  size_t n = kDatetimeHiresBytes[*fsp];
  if (avail < n) return short_cell("DATETIME", n, avail);
  uint64_t v = load_be(p, n) * static_cast<uint64_t>(kPow10[6 - *fsp]);
  core::Temporal t{};
  t.micro = static_cast<uint32_t>(v % 1000000);
  v /= 1000000;
  t.second = static_cast<uint8_t>(v % 60);
  v /= 60;
  t.minute = static_cast<uint8_t>(v % 60);
  v /= 60;
  t.hour = static_cast<uint32_t>(v % 24);
  v /= 24;
  t.day = static_cast<uint8_t>(v % 32);
  v /= 32;
  t.month = static_cast<uint8_t>(v % 13);
  if (v / 13 > 9999) return bad_cell("DATETIME", "year out of range");
  t.year = static_cast<int32_t>(v / 13);
  out = temporal_value(core::ValueKind::kDateTime, t, *fsp);
  return n;
}

core::Result<size_t> decode_timestamp_hires(const ColumnDef& col, const uint8_t* p, size_t avail,
                                            core::Arena&, core::Value& out) {
  auto fsp = checked_fsp(col, "TIMESTAMP");
  if (!fsp) return core::fail(fsp.error());
  size_t fb = kTimestampHiresFracBytes[*fsp];
  if (avail < 4 + fb) return short_cell("TIMESTAMP", 4 + fb, avail);
  uint64_t frac = load_be(p + 4, fb) * static_cast<uint64_t>(kPow10[6 - *fsp]);
  if (frac >= 1000000) return bad_cell("TIMESTAMP", "fraction out of range");
  core::Value v;
  v.kind = core::ValueKind::kTimestamp;
  v.ts = core::EpochTime{static_cast<int64_t>(load_be(p, 4)), static_cast<uint32_t>(frac)};
  v.fsp = static_cast<uint8_t>(*fsp);
  out = v;
  return 4 + fb;
}

}  // namespace sluice::binlog::values
