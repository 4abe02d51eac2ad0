#pragma once
/// Tokens of one SQL statement as MySQL/MariaDB read it, for the DDL parser (ddl_parser.h).
/// Comments (`-- `, `#`, `/* */`) are dropped; executable comments contribute their contents
/// when the server that wrote the statement ran them: `/*! ... */` always, `/*!NNNNN ... */`
/// (5 or 6 digits) when its version is at least NNNNN (MariaDB skips 50700..99999, MySQL 5.7+
/// features), MariaDB's `/*M! ... */` and
/// `/*M!NNNNNN ... */` only on MariaDB (MySQL reads them as plain comments).
/// Identifiers in backticks or double quotes (a doubled quote stands for one) and string
/// literals ('it''s', backslash escapes) come out unquoted. Pure functions.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace sluice::schema {

enum class TokenKind : uint8_t {
  kEnd = 0,           ///< after the last token
  kWord = 1,          ///< unquoted identifier or keyword (text as written)
  kQuotedIdent = 2,   ///< `name` (text unquoted)
  kDoubleQuoted = 3,  ///< "text": an identifier under ANSI_QUOTES, a string otherwise
  kString = 4,        ///< 'text' (unquoted, escapes undone)
  kNumber = 5,        ///< 12, 1.5, 0x1F
  kSymbol = 6,        ///< one punctuation character: ( ) , . = ; ...
};

struct Token {
  TokenKind kind = TokenKind::kEnd;
  std::string text;
  size_t offset = 0;  ///< byte offset in the statement (for messages)
};

/// The server that wrote a statement, for its executable comments.
struct SqlServer {
  uint32_t version = 0;  ///< major*10000 + minor*100 + patch (80013); 0 = unknown: every one counts
  bool mariadb = false;
};

/// A FORMAT_DESCRIPTION server version ("8.0.40-log", "10.11.6-MariaDB-log") as a SqlServer;
/// version 0 when it does not start with major.minor.patch.
SqlServer parse_server_version(std::string_view text);

/// Splits `sql` into tokens, ending with one kEnd token. Fails (ErrorCode::kUnsupported)
/// on an unterminated quote or comment.
core::Result<std::vector<Token>> tokenize_sql(std::string_view sql, const SqlServer& server = {});

/// ASCII case-insensitive equality (keywords, column names).
bool iequals(std::string_view a, std::string_view b);

/// ASCII lower case copy.
std::string ascii_lower(std::string_view s);

}  // namespace sluice::schema
