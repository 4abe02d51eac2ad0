#include "binlog/values/json_binary.h"

#include <bit>

#include "binlog/values/cell_bytes.h"
#include "binlog/values/decimal_decoder.h"
#include "binlog/values/temporal_decoder.h"
#include "core/json_writer.h"
#include "core/value_format.h"

namespace sluice::binlog::values {
namespace {

enum JsonType : uint8_t {
  kSmallObject = 0x00, kLargeObject = 0x01, kSmallArray = 0x02, kLargeArray = 0x03,
  kLiteral = 0x04, kInt16 = 0x05, kUInt16 = 0x06, kInt32 = 0x07, kUInt32 = 0x08,
  kInt64 = 0x09, kUInt64 = 0x0A, kDouble = 0x0B, kString = 0x0C, kOpaque = 0x0F,
};

// MySQL field types that opaque values carry and that have a text form.
enum FieldType : uint8_t {
  kFieldTimestamp = 7, kFieldDate = 10, kFieldTime = 11, kFieldDateTime = 12, kFieldNewDate = 14,
  kFieldTimestamp2 = 17, kFieldDateTime2 = 18, kFieldTime2 = 19, kFieldNewDecimal = 246,
};

core::Status corrupt(std::string_view why) {
  return core::fail(core::ErrorCode::kCorrupt, "binary JSON: " + std::string(why), false, true);
}

class JsonTextWriter {
 public:
  explicit JsonTextWriter(std::string& out) : out_(out) {}

  core::Status value(uint8_t type, const uint8_t* p, size_t n, int depth);

 private:
  core::Status container(bool object, bool large, const uint8_t* p, size_t n, int depth);
  core::Status entry_value(uint8_t type, bool large, const uint8_t* entry, const uint8_t* base,
                           size_t size, int depth);
  core::Status string(const uint8_t* p, size_t n);
  core::Status opaque(const uint8_t* p, size_t n);
  core::Status opaque_text(uint8_t field_type, const uint8_t* p, size_t len);

  std::string& out_;
};

// Reads the variable-length length at p (n bytes available): sets len and used.
bool read_varlen(const uint8_t* p, size_t n, size_t& len, size_t& used) {
  uint64_t v = 0;
  for (size_t i = 0; i < 5 && i < n; ++i) {
    v |= uint64_t{p[i] & 0x7Fu} << (7 * i);
    if ((p[i] & 0x80) == 0) {
      if (v > 0xFFFFFFFFu) return false;
      len = static_cast<size_t>(v);
      used = i + 1;
      return true;
    }
  }
  return false;
}

bool is_inlined(uint8_t type, bool large) {
  switch (type) {
    case kLiteral: case kInt16: case kUInt16: return true;
    case kInt32: case kUInt32: return large;
    default: return false;
  }
}

core::Status JsonTextWriter::value(uint8_t type, const uint8_t* p, size_t n, int depth) {
  if (depth > kJsonMaxDepth) return corrupt("nested deeper than " + std::to_string(kJsonMaxDepth));
  auto need = [&](size_t k) { return n >= k; };
  switch (type) {
    case kSmallObject: return container(true, false, p, n, depth);
    case kLargeObject: return container(true, true, p, n, depth);
    case kSmallArray: return container(false, false, p, n, depth);
    case kLargeArray: return container(false, true, p, n, depth);
    case kLiteral:
      if (!need(1)) break;
      if (p[0] == 0) { out_.append("null"); return core::ok(); }
      if (p[0] == 1) { out_.append("true"); return core::ok(); }
      if (p[0] == 2) { out_.append("false"); return core::ok(); }
      return corrupt("unknown literal " + std::to_string(p[0]));
    case kInt16:
      if (!need(2)) break;
      core::json_append_int(out_, static_cast<int16_t>(load_le(p, 2)));
      return core::ok();
    case kUInt16:
      if (!need(2)) break;
      core::json_append_uint(out_, load_le(p, 2));
      return core::ok();
    case kInt32:
      if (!need(4)) break;
      core::json_append_int(out_, static_cast<int32_t>(load_le(p, 4)));
      return core::ok();
    case kUInt32:
      if (!need(4)) break;
      core::json_append_uint(out_, load_le(p, 4));
      return core::ok();
    case kInt64:
      if (!need(8)) break;
      core::json_append_int(out_, static_cast<int64_t>(load_le(p, 8)));
      return core::ok();
    case kUInt64:
      if (!need(8)) break;
      core::json_append_uint(out_, load_le(p, 8));
      return core::ok();
    case kDouble:
      if (!need(8)) break;
      core::json_append_double_mysql(out_, std::bit_cast<double>(load_le(p, 8)));
      return core::ok();
    case kString: return string(p, n);
    case kOpaque: return opaque(p, n);
    default: return corrupt("unknown value type " + std::to_string(type));
  }
  return corrupt("value of type " + std::to_string(type) + " truncated");
}

core::Status JsonTextWriter::container(bool object, bool large, const uint8_t* p, size_t n,
                                       int depth) {
  size_t w = large ? 4 : 2;  // width of counts, sizes and offsets
  if (n < 2 * w) return corrupt("container header truncated");
  size_t count = static_cast<size_t>(load_le(p, w));
  size_t size = static_cast<size_t>(load_le(p + w, w));
  if (size > n || size < 2 * w) return corrupt("container size beyond the document");
  size_t key_entry = w + 2;
  size_t value_entry = 1 + w;
  size_t per_element = (object ? key_entry : 0) + value_entry;
  if ((size - 2 * w) / per_element < count) return corrupt("element count beyond the container");
  const uint8_t* keys = p + 2 * w;
  const uint8_t* values = keys + (object ? count * key_entry : 0);
  out_.push_back(object ? '{' : '[');
  for (size_t i = 0; i < count; ++i) {
    if (i) out_.push_back(',');
    if (object) {
      size_t koff = static_cast<size_t>(load_le(keys + i * key_entry, w));
      size_t klen = static_cast<size_t>(load_le(keys + i * key_entry + w, 2));
      if (koff > size || size - koff < klen) return corrupt("object key beyond the container");
      core::json_append_string(out_, {reinterpret_cast<const char*>(p + koff), klen});
      out_.push_back(':');
    }
    const uint8_t* entry = values + i * value_entry;
    SLUICE_TRY(entry_value(entry[0], large, entry + 1, p, size, depth));
  }
  out_.push_back(object ? '}' : ']');
  return core::ok();
}

core::Status JsonTextWriter::entry_value(uint8_t type, bool large, const uint8_t* entry,
                                         const uint8_t* base, size_t size, int depth) {
  size_t w = large ? 4 : 2;
  if (is_inlined(type, large)) return value(type, entry, w, depth + 1);
  size_t off = static_cast<size_t>(load_le(entry, w));
  if (off >= size) return corrupt("value offset beyond the container");
  return value(type, base + off, size - off, depth + 1);
}

core::Status JsonTextWriter::string(const uint8_t* p, size_t n) {
  size_t len = 0, used = 0;
  if (!read_varlen(p, n, len, used) || n - used < len) return corrupt("string beyond the document");
  core::json_append_string(out_, {reinterpret_cast<const char*>(p + used), len});
  return core::ok();
}

core::Status JsonTextWriter::opaque(const uint8_t* p, size_t n) {
  if (n < 1) return corrupt("opaque value truncated");
  size_t len = 0, used = 0;
  if (!read_varlen(p + 1, n - 1, len, used) || n - 1 - used < len) {
    return corrupt("opaque value beyond the document");
  }
  return opaque_text(p[0], p + 1 + used, len);
}

core::Status JsonTextWriter::opaque_text(uint8_t field_type, const uint8_t* p, size_t len) {
  char buf[kDecimalTextMax];
  size_t n = 0;
  switch (field_type) {
    case kFieldNewDecimal: {
      if (len < 2) return corrupt("opaque DECIMAL truncated");
      auto used = decode_decimal_text(p + 2, len - 2, p[0], p[1], buf, n);
      if (!used) return corrupt("opaque DECIMAL: " + used.error().message);
      // A JSON number with the exact digits, as MySQL's own JSON text (and SELECT) shows it.
      out_.append(buf, n);
      return core::ok();
    }
    case kFieldDate: case kFieldNewDate:
    case kFieldTime: case kFieldTime2:
    case kFieldDateTime: case kFieldDateTime2:
    case kFieldTimestamp: case kFieldTimestamp2: {
      if (len < 8) return corrupt("opaque temporal value truncated");
      auto packed = static_cast<int64_t>(load_le(p, 8));
      bool is_time = field_type == kFieldTime || field_type == kFieldTime2;
      core::Temporal t = is_time ? unpack_time_packed(packed) : unpack_datetime_packed(packed);
      if (is_time) {
        n = core::format_time(buf, t, 6);
      } else if (field_type == kFieldDate || field_type == kFieldNewDate) {
        n = core::format_date(buf, t);
      } else {
        n = core::format_datetime(buf, t, 6);
      }
      break;
    }
    default:
      out_.append("\"base64:type");
      core::json_append_uint(out_, field_type);
      out_.push_back(':');
      core::base64_append(out_, {reinterpret_cast<const char*>(p), len});
      out_.push_back('"');
      return core::ok();
  }
  out_.push_back('"');
  out_.append(buf, n);
  out_.push_back('"');
  return core::ok();
}

}  // namespace

core::Status json_binary_value_to_text(uint8_t type, std::string_view data, std::string& out) {
  size_t start = out.size();
  JsonTextWriter writer(out);
  auto st = writer.value(type, reinterpret_cast<const uint8_t*>(data.data()), data.size(), 0);
  if (!st) out.resize(start);
  return st;
}

core::Status json_binary_to_text(std::string_view doc, std::string& out) {
  if (doc.empty()) {
    out.append("null");
    return core::ok();
  }
  return json_binary_value_to_text(static_cast<uint8_t>(doc[0]), doc.substr(1), out);
}

}  // namespace sluice::binlog::values
