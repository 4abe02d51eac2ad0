#include "schema/ddl_lexer.h"

namespace sluice::schema {
namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
// Identifier characters: letters, digits, _, $ and any byte of a multi-byte UTF-8 sequence.
bool is_word(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c) || c == '_' || c == '$' ||
         (static_cast<unsigned char>(c) & 0x80) != 0;
}

core::Error unterminated(std::string_view what, size_t at) {
  return core::Error{core::ErrorCode::kUnsupported,
                     "unterminated " + std::string(what) + " at offset " + std::to_string(at)};
}

// The character a backslash escape stands for inside a string literal.
char unescape(char c) {
  switch (c) {
    case '0': return '\0';
    case 'n': return '\n';
    case 'r': return '\r';
    case 't': return '\t';
    case 'b': return '\b';
    case 'Z': return '\x1a';
    default: return c;
  }
}

// Reads a quoted token starting at sql[i] (the opening quote); `escapes`: backslash escapes.
core::Result<size_t> read_quoted(std::string_view sql, size_t i, bool escapes, std::string& out) {
  char q = sql[i];
  size_t start = i++;
  while (i < sql.size()) {
    char c = sql[i];
    if (escapes && c == '\\' && i + 1 < sql.size()) {
      out.push_back(unescape(sql[i + 1]));
      i += 2;
      continue;
    }
    if (c == q) {
      if (i + 1 < sql.size() && sql[i + 1] == q) {
        out.push_back(q);
        i += 2;
        continue;
      }
      return i + 1;
    }
    out.push_back(c);
    ++i;
  }
  return core::fail(unterminated(q == '\'' ? "string" : "quoted identifier", start));
}

// The length of the version number of an executable comment whose number starts at
// sql[j]: 5 digits, or 6 when a sixth follows; 0 when fewer than 5 digits (then they are text).
size_t version_digits(std::string_view sql, size_t j) {
  size_t n = 0;
  while (n < 6 && j + n < sql.size() && is_digit(sql[j + n])) ++n;
  return n < 5 ? 0 : n;
}

// Skips a comment at sql[i] when there is one; returns the new index (== i when none).
// An executable comment the server ran has only its opening skipped and `in_versioned`
// set, so its body is read; one it did not run is skipped whole.
core::Result<size_t> skip_comment(std::string_view sql, size_t i, const SqlServer& server, bool& in_versioned) {
  if (sql[i] == '#' || (sql.substr(i, 2) == "--" && (i + 2 == sql.size() || is_space(sql[i + 2])))) {
    size_t nl = sql.find('\n', i);
    return nl == std::string_view::npos ? sql.size() : nl + 1;
  }
  if (sql.substr(i, 2) != "/*") return i;
  const bool mysql_style = sql.substr(i, 3) == "/*!", maria_style = sql.substr(i, 4) == "/*M!";
  if (!in_versioned && (mysql_style || maria_style)) {
    size_t j = i + (mysql_style ? 3 : 4);
    size_t digits = version_digits(sql, j);
    uint32_t needed = 0;
    for (size_t k = 0; k < digits; ++k) needed = needed * 10 + static_cast<uint32_t>(sql[j + k] - '0');
    // MariaDB reads a MySQL-style comment numbered 50700..99999 as a plain comment (features of
    // MySQL 5.7 and later it has not taken over); its own `/*M!` style runs whatever the number.
    bool mysql_only = server.mariadb && mysql_style && needed >= 50700 && needed <= 99999;
    bool runs = server.version == 0 || ((mysql_style || server.mariadb) && server.version >= needed && !mysql_only);
    if (runs) {
      in_versioned = true;
      return j + digits;
    }
  }
  size_t end = sql.find("*/", i + 2);
  if (end == std::string_view::npos) return core::fail(unterminated("comment", i));
  return end + 2;
}

size_t read_number(std::string_view sql, size_t i) {
  if (sql.substr(i, 2) == "0x" || sql.substr(i, 2) == "0X") {
    i += 2;
    while (i < sql.size() && is_word(sql[i])) ++i;
    return i;
  }
  while (i < sql.size() && (is_digit(sql[i]) || sql[i] == '.')) ++i;
  if (i < sql.size() && (sql[i] == 'e' || sql[i] == 'E')) {
    ++i;
    if (i < sql.size() && (sql[i] == '+' || sql[i] == '-')) ++i;
    while (i < sql.size() && is_digit(sql[i])) ++i;
  }
  return i;
}

}  // namespace

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

std::string ascii_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

SqlServer parse_server_version(std::string_view text) {
  SqlServer out;
  uint32_t parts[3] = {0, 0, 0};
  size_t i = 0;
  for (size_t p = 0; p < 3; ++p) {
    size_t start = i;
    while (i < text.size() && is_digit(text[i]) && i - start < 4) parts[p] = parts[p] * 10 + static_cast<uint32_t>(text[i++] - '0');
    if (i == start || (p < 2 && (i >= text.size() || text[i] != '.'))) return out;
    if (p < 2) ++i;
  }
  if (parts[1] > 99 || parts[2] > 99) return out;
  out.version = parts[0] * 10000 + parts[1] * 100 + parts[2];
  out.mariadb = text.find("MariaDB") != std::string_view::npos;
  return out;
}

core::Result<std::vector<Token>> tokenize_sql(std::string_view sql, const SqlServer& server) {
  std::vector<Token> out;
  bool in_versioned = false;
  size_t i = 0;
  while (i < sql.size()) {
    char c = sql[i];
    if (is_space(c)) {
      ++i;
      continue;
    }
    if (in_versioned && sql.substr(i, 2) == "*/") {
      in_versioned = false;
      i += 2;
      continue;
    }
    auto skipped = skip_comment(sql, i, server, in_versioned);
    if (!skipped) return core::fail(skipped.error());
    if (*skipped != i) {
      i = *skipped;
      continue;
    }
    Token t;
    t.offset = i;
    if (c == '`' || c == '"' || c == '\'') {
      t.kind = c == '`' ? TokenKind::kQuotedIdent : c == '"' ? TokenKind::kDoubleQuoted : TokenKind::kString;
      auto end = read_quoted(sql, i, c != '`', t.text);
      if (!end) return core::fail(end.error());
      i = *end;
    } else if (is_digit(c) || (c == '.' && i + 1 < sql.size() && is_digit(sql[i + 1]) &&
                                (out.empty() || out.back().kind == TokenKind::kSymbol))) {
      size_t end = read_number(sql, i);
      // "1abc" is an identifier in MySQL: digits followed by word characters.
      if (end < sql.size() && is_word(sql[end]) && sql[end] != '.') {
        while (end < sql.size() && is_word(sql[end])) ++end;
        t.kind = TokenKind::kWord;
      } else {
        t.kind = TokenKind::kNumber;
      }
      t.text.assign(sql.substr(i, end - i));
      i = end;
    } else if (is_word(c)) {
      size_t end = i;
      while (end < sql.size() && is_word(sql[end])) ++end;
      t.kind = TokenKind::kWord;
      t.text.assign(sql.substr(i, end - i));
      i = end;
    } else {
      t.kind = TokenKind::kSymbol;
      t.text.assign(1, c);
      ++i;
    }
    out.push_back(std::move(t));
  }
  Token end;
  end.offset = sql.size();
  out.push_back(std::move(end));
  return out;
}

}  // namespace sluice::schema
