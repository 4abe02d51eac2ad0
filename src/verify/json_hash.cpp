#include "verify/json_hash.h"

#include <charconv>
#include <cstring>

#include "verify/canonical.h"

namespace sluice::verify {
namespace {

constexpr int kMaxDepth = 512;

uint64_t mix(uint64_t h, uint64_t v) {
  h ^= v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
  h *= 0xff51afd7ed558ccdULL;
  return h ^ (h >> 29);
}

class Hasher {
 public:
  explicit Hasher(std::string_view s) : s_(s) {}

  bool value(uint64_t& out, int depth) {
    skip_space();
    if (at_ >= s_.size() || depth > kMaxDepth) return false;
    switch (s_[at_]) {
      case '{':
        return object(out, depth);
      case '[':
        return array(out, depth);
      case '"':
        return string(out);
      case 't':
        return word("true", 1, out);
      case 'f':
        return word("false", 2, out);
      case 'n':
        return word("null", 3, out);
      default:
        return number(out);
    }
  }

  bool at_end() {
    skip_space();
    return at_ == s_.size();
  }

 private:
  void skip_space() {
    while (at_ < s_.size() && (s_[at_] == ' ' || s_[at_] == '\t' || s_[at_] == '\n' || s_[at_] == '\r'))
      ++at_;
  }
  bool eat(char c) {
    skip_space();
    if (at_ < s_.size() && s_[at_] == c) {
      ++at_;
      return true;
    }
    return false;
  }
  bool word(std::string_view w, uint64_t tag, uint64_t& out) {
    if (s_.substr(at_, w.size()) != w) return false;
    at_ += w.size();
    out = mix(tag, 0);
    return true;
  }
  bool number(uint64_t& out) {
    double d = 0;
    auto r = std::from_chars(s_.data() + at_, s_.data() + s_.size(), d);
    if (r.ec != std::errc() || r.ptr == s_.data() + at_) return false;
    at_ = static_cast<size_t>(r.ptr - s_.data());
    if (d == 0) d = 0;  // -0 and 0 alike
    uint64_t bits = 0;
    std::memcpy(&bits, &d, sizeof bits);
    out = mix(4, bits);
    return true;
  }
  /// Appends the UTF-8 of code point `cp` to the running hash.
  void code_point(uint64_t& h, uint32_t cp) {
    char buf[4];
    size_t n = 0;
    if (cp < 0x80) {
      buf[n++] = static_cast<char>(cp);
    } else if (cp < 0x800) {
      buf[n++] = static_cast<char>(0xC0 | (cp >> 6));
      buf[n++] = static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      buf[n++] = static_cast<char>(0xE0 | (cp >> 12));
      buf[n++] = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      buf[n++] = static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      buf[n++] = static_cast<char>(0xF0 | (cp >> 18));
      buf[n++] = static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      buf[n++] = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      buf[n++] = static_cast<char>(0x80 | (cp & 0x3F));
    }
    for (size_t i = 0; i < n; ++i) h = (h ^ static_cast<unsigned char>(buf[i])) * 1099511628211ULL;
  }
  bool hex4(uint32_t& v) {
    if (at_ + 4 > s_.size()) return false;
    v = 0;
    for (int i = 0; i < 4; ++i) {
      char c = s_[at_++];
      int d = c >= '0' && c <= '9'   ? c - '0'
              : c >= 'a' && c <= 'f' ? c - 'a' + 10
              : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                     : -1;
      if (d < 0) return false;
      v = v * 16 + static_cast<uint32_t>(d);
    }
    return true;
  }
  bool escape(uint64_t& h) {
    if (at_ >= s_.size()) return false;
    char c = s_[at_++];
    static constexpr std::string_view kFrom = "\"\\/bfnrt", kTo = "\"\\/\b\f\n\r\t";
    if (size_t i = kFrom.find(c); i != std::string_view::npos) {
      code_point(h, static_cast<unsigned char>(kTo[i]));
      return true;
    }
    uint32_t cp = 0;
    if (c != 'u' || !hex4(cp)) return false;
    if (cp >= 0xD800 && cp < 0xDC00 && s_.substr(at_, 2) == "\\u") {
      at_ += 2;
      uint32_t low = 0;
      if (!hex4(low)) return false;
      cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
    }
    code_point(h, cp);
    return true;
  }
  bool string(uint64_t& out) {
    ++at_;  // the opening quote
    uint64_t h = 1469598103934665603ULL;
    while (at_ < s_.size() && s_[at_] != '"') {
      if (s_[at_] == '\\') {
        ++at_;
        if (!escape(h)) return false;
      } else {
        h = (h ^ static_cast<unsigned char>(s_[at_++])) * 1099511628211ULL;
      }
    }
    if (at_ >= s_.size()) return false;
    ++at_;
    out = mix(5, h);
    return true;
  }
  bool array(uint64_t& out, int depth) {
    ++at_;
    uint64_t h = mix(6, 0);
    if (eat(']')) return (out = h), true;
    do {
      uint64_t v = 0;
      if (!value(v, depth + 1)) return false;
      h = mix(h, v);
    } while (eat(','));
    out = h;
    return eat(']');
  }
  bool object(uint64_t& out, int depth) {
    ++at_;
    uint64_t sum = 0;  // members in any order: a sum of their hashes
    if (!eat('}')) {
      do {
        skip_space();
        uint64_t k = 0, v = 0;
        if (at_ >= s_.size() || s_[at_] != '"' || !string(k) || !eat(':') || !value(v, depth + 1))
          return false;
        sum += mix(k, v);
      } while (eat(','));
      if (!eat('}')) return false;
    }
    out = mix(7, sum);
    return true;
  }

  std::string_view s_;
  size_t at_ = 0;
};

}  // namespace

std::optional<uint64_t> json_hash(std::string_view text) {
  Hasher h(text);
  uint64_t out = 0;
  if (!h.value(out, 0) || !h.at_end()) return std::nullopt;
  return out;
}

}  // namespace sluice::verify
