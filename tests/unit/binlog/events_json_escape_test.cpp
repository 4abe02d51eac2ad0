// The fast paths of JSON escaping and UTF-8 checking used on every printed string: the same
// results as byte-by-byte reasoning, at every length and position of the special byte.
#include <gtest/gtest.h>

#include <string>

#include "core/json_writer.h"

namespace sluice::core {
namespace {

TEST(EventsJsonEscape, SpecialByteAtEveryPosition) {
  for (size_t len = 1; len < 140; ++len) {
    for (size_t at = 0; at < len; ++at) {
      for (char special : {'"', '\\', '\n', '\x01', '\x1f'}) {
        std::string s(len, 'a');
        s[at] = special;
        std::string want = "\"" + s.substr(0, at);
        want += special == '"' ? "\\\"" : special == '\\' ? "\\\\" : special == '\n' ? "\\n"
              : special == '\x01' ? "\\u0001" : "\\u001f";
        want += s.substr(at + 1) + "\"";
        std::string a, b;
        json_append_string(a, s);
        json_append_valid_utf8_string(b, s);
        ASSERT_EQ(a, want) << len << " " << at;
        ASSERT_EQ(b, want) << len << " " << at;
      }
    }
  }
}

TEST(EventsJsonEscape, Utf8CheckedAtEveryPosition) {
  const std::string euro = "\xE2\x82\xAC", emoji = "\xF0\x9F\x98\x80";
  for (size_t len = 0; len < 130; ++len) {
    for (size_t at = 0; at <= len; ++at) {
      std::string ok = std::string(at, 'x') + emoji + std::string(len - at, 'y') + euro;
      ASSERT_TRUE(is_valid_utf8(ok)) << len << " " << at;
      std::string out;
      json_append_valid_utf8_string(out, ok);
      ASSERT_EQ(out, "\"" + ok + "\"");
      std::string bad = std::string(at, 'x') + "\xE2\x82" + std::string(len - at, 'y');  // cut sequence
      ASSERT_FALSE(is_valid_utf8(bad)) << len << " " << at;
      std::string fixed;
      json_append_string(fixed, bad);
      EXPECT_EQ(fixed, "\"" + std::string(at, 'x') + "\xEF\xBF\xBD\xEF\xBF\xBD" + std::string(len - at, 'y') + "\"");
    }
  }
  for (size_t len = 1; len < 40; ++len) {  // a stray byte in the tail (the last 16 bytes) or a short string
    for (size_t at = 0; at < len; ++at) {
      for (char stray : {'\x80', '\xC0', '\xFF'}) {
        std::string bad(len, 'z');
        bad[at] = stray;
        ASSERT_FALSE(is_valid_utf8(bad)) << len << " " << at;
        ASSERT_FALSE(is_valid_utf8("\xC3\xA9" + bad)) << len << " " << at;  // after a valid character
      }
      std::string ok = std::string(at, 'z') + "\xC3\xA9" + std::string(len - at, 'z');
      ASSERT_TRUE(is_valid_utf8(ok)) << len << " " << at;
    }
  }
  EXPECT_FALSE(is_valid_utf8(std::string(70, 'a') + "\xED\xA0\x80"));  // a surrogate after 64 ASCII bytes
  EXPECT_FALSE(is_valid_utf8(std::string(64, 'a') + "\xC0\xAF"));      // an overlong '/'
}

}  // namespace
}  // namespace sluice::core
