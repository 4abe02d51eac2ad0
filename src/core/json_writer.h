#pragma once
/// A fast append-only JSON writer into a caller-owned std::string (RFC 8259).
/// Free functions append one token; JsonWriter adds the commas and colons of objects and
/// arrays. Nothing here allocates except the growth of the destination string, so a
/// string reused per line gives no allocation per value. Not thread-safe per instance.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace sluice::core {

/// Appends `s` as a quoted JSON string. `s` should be UTF-8: quote, backslash and control
/// characters are escaped (\n \t ... or \u00XX), non-ASCII is copied as is, and any byte
/// sequence that is not valid UTF-8 becomes U+FFFD, so the output is always valid JSON.
void json_append_string(std::string& out, std::string_view s);

/// Appends the body of a JSON string (escaped, without the surrounding quotes).
void json_append_escaped(std::string& out, std::string_view s);

/// Like json_append_string for text already known to be valid UTF-8: only quote, backslash
/// and control characters are looked at (faster; invalid UTF-8 would pass through).
void json_append_valid_utf8_string(std::string& out, std::string_view s);

/// Appends a signed / unsigned integer in decimal.
void json_append_int(std::string& out, int64_t v);
void json_append_uint(std::string& out, uint64_t v);

/// Appends the shortest decimal that round-trips `v` (std::to_chars); NaN/Inf become null.
void json_append_double(std::string& out, double v);
/// Same for a float: 1.1f prints as 1.1.
void json_append_float(std::string& out, float v);
/// Appends `v` as MySQL prints a double inside its JSON text (what SELECT of a JSON column
/// returns): the shortest round-trip digits, fixed notation when the decimal exponent is
/// -15 < e < 16 ("100.0", "0.0000000001"), else "1.5e20" / "1e-16" (no '+'); ".0" added
/// when the text would read as an integer. NaN/Inf become null.
void json_append_double_mysql(std::string& out, double v);

/// Appends `bytes` as base64 (RFC 4648, standard alphabet, padded), without quotes.
void base64_append(std::string& out, std::string_view bytes);

/// True when `s` is valid UTF-8 (no overlongs, no surrogates, at most U+10FFFF).
bool is_valid_utf8(std::string_view s);

/// Structured writing with automatic separators. Nesting depth is limited to 64.
class JsonWriter {
 public:
  explicit JsonWriter(std::string& out) : out_(out) {}

  void begin_object() { value_prefix(); out_.push_back('{'); push(); }
  void end_object() { pop(); out_.push_back('}'); }
  void begin_array() { value_prefix(); out_.push_back('['); push(); }
  void end_array() { pop(); out_.push_back(']'); }
  /// Writes `"k":`; the next call writes its value.
  void key(std::string_view k);
  void string(std::string_view s) { value_prefix(); json_append_string(out_, s); }
  void int64(int64_t v) { value_prefix(); json_append_int(out_, v); }
  void uint64(uint64_t v) { value_prefix(); json_append_uint(out_, v); }
  void float64(double v) { value_prefix(); json_append_double(out_, v); }
  void boolean(bool v) { value_prefix(); out_.append(v ? "true" : "false"); }
  void null() { value_prefix(); out_.append("null"); }
  /// Appends already-serialized JSON text as one value.
  void raw(std::string_view json) { value_prefix(); out_.append(json); }
  /// The destination, e.g. to append a value with another formatter after key().
  std::string& out() { value_prefix(); return out_; }

 private:
  void value_prefix();
  void push() { if (depth_ < 63) ++depth_; first_ |= (uint64_t{1} << depth_); }
  void pop() { first_ &= ~(uint64_t{1} << depth_); if (depth_ > 0) --depth_; }

  std::string& out_;
  uint64_t first_ = 1;   ///< bit d set: no element written yet at depth d
  unsigned depth_ = 0;
  bool after_key_ = false;
};

}  // namespace sluice::core
