// The Singer MySQL tap's forms of JSON and TIME values (value_forms "tap", value_format.h).
#include "core/json_writer.h"
#include "core/value_format.h"

namespace sluice::core {
namespace {

// `text` with MySQL's blanks: ", " after a member or element, ": " after a key, none elsewhere
// outside strings. Strings are copied as they are.
void lay_out_as_mysql(std::string& out, std::string_view text) {
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (in_string) {
      out.push_back(c);
      if (c == '\\' && i + 1 < text.size()) {
        out.push_back(text[++i]);
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == ' ' || c == '\n' || c == '\t' || c == '\r') continue;
    out.push_back(c);
    if (c == ',' || c == ':') out.push_back(' ');
    in_string = c == '"';
  }
}

}  // namespace

void append_json_as_tap_string(std::string& out, std::string_view json_text, bool mysql_layout,
                               std::string& scratch) {
  if (json_text.empty()) json_text = "null";
  if (!mysql_layout) {
    json_append_string(out, json_text);
    return;
  }
  scratch.clear();
  lay_out_as_mysql(scratch, json_text);
  json_append_string(out, scratch);
}

void append_time_as_tap_datetime(std::string& out, const Temporal& t) {
  int64_t micros = (int64_t{t.hour} * 3600 + t.minute * 60 + t.second) * 1000000 + t.micro;
  if (t.negative) micros = -micros;
  int64_t seconds = micros >= 0 ? micros / 1000000 : -((-micros + 999999) / 1000000);
  EpochTime ts{seconds, static_cast<uint32_t>(micros - seconds * 1000000)};
  char buf[32];
  size_t n = format_datetime(buf, temporal_from_epoch(ts), 6, 'T');
  buf[n++] = 'Z';
  out.push_back('"');
  out.append(buf, n);
  out.push_back('"');
}

}  // namespace sluice::core
