// Executable comments in DDL count only when the server that wrote the binlog ran them, as the
// server's own lexer decides: `/*!NNNNN` by version, `/*M!` only on MariaDB (schema/ddl_lexer.h).
#include <gtest/gtest.h>

#include "schema/ddl_lexer.h"
#include "schema/ddl_parser.h"
#include "schema/schema_history.h"

namespace sluice::schema {
namespace {

std::vector<std::string> words(std::string_view sql, const SqlServer& server) {
  auto t = tokenize_sql(sql, server);
  EXPECT_TRUE(t) << (t ? "" : t.error().message);
  std::vector<std::string> out;
  if (!t) return out;
  for (const auto& tok : *t) {
    if (tok.kind != TokenKind::kEnd) out.push_back(tok.text);
  }
  return out;
}

using Words = std::vector<std::string>;
const SqlServer kMySql8012{80012, false}, kMySql8013{80013, false}, kMySql97{90704, false};
const SqlServer kMaria1011{101106, true}, kMaria104{100422, true};

TEST(DdlVersionedComments, ServerVersionFromFormatDescription) {
  SqlServer m = parse_server_version("8.0.40-log");
  EXPECT_EQ(m.version, 80040u);
  EXPECT_FALSE(m.mariadb);
  SqlServer n = parse_server_version("9.7.4");
  EXPECT_EQ(n.version, 90704u);
  SqlServer r = parse_server_version("10.11.6-MariaDB-log");
  EXPECT_EQ(r.version, 101106u);
  EXPECT_TRUE(r.mariadb);
  EXPECT_EQ(parse_server_version("").version, 0u);
  EXPECT_EQ(parse_server_version("5.7").version, 0u);
  EXPECT_EQ(parse_server_version("garbage").version, 0u);
}

TEST(DdlVersionedComments, MySqlVersionNumberDecides) {
  std::string_view sql = "a /*!80013 b */ c /*!80012 d*/ /*! e */ /*!50100 f */";
  EXPECT_EQ(words(sql, kMySql8012), (Words{"a", "c", "d", "e", "f"}));
  EXPECT_EQ(words(sql, kMySql8013), (Words{"a", "b", "c", "d", "e", "f"}));
  // Unknown server (no FORMAT_DESCRIPTION): every executable comment counts, as before.
  EXPECT_EQ(words(sql, {}), (Words{"a", "b", "c", "d", "e", "f"}));
}

TEST(DdlVersionedComments, MariaDbOnlyCommentsAreIgnoredByMySql) {
  std::string_view sql = "a /*M!100500 b */ /*M! c */ d";
  EXPECT_EQ(words(sql, kMySql97), (Words{"a", "d"}));
  EXPECT_EQ(words(sql, kMaria1011), (Words{"a", "b", "c", "d"}));
  EXPECT_EQ(words(sql, kMaria104), (Words{"a", "c", "d"}));
}

TEST(DdlVersionedComments, MariaDbSkipsMySql57AndLaterNumbers) {
  std::string_view sql = "a /*!50699 b */ /*!50700 c */ /*!80013 d */ /*!99999 e */ /*M!50700 f */ g";
  EXPECT_EQ(words(sql, kMaria1011), (Words{"a", "b", "f", "g"}));
  EXPECT_EQ(words(sql, kMySql97), (Words{"a", "b", "c", "d", "g"}));
}

TEST(DdlVersionedComments, SixDigitVersionsAndShortNumbers) {
  // Six digits: MariaDB 10.x numbers. Fewer than five digits are not a version: they are text.
  EXPECT_EQ(words("/*!100301 x */ y", kMaria104), (Words{"x", "y"}));
  EXPECT_EQ(words("/*!110000 x */ y", kMaria1011), (Words{"y"}));
  EXPECT_EQ(words("/*!123 x */", kMySql8012), (Words{"123", "x"}));
}

TEST(DdlVersionedComments, SkippedCommentsMayHoldAnything) {
  // A comment the server did not run is skipped up to its "*/", quotes and all.
  EXPECT_EQ(words("a /*!99999 'unterminated */ b", kMySql97), (Words{"a", "b"}));
  EXPECT_FALSE(tokenize_sql("a /*!99999 never closed", kMySql97));
}

TEST(DdlVersionedComments, ColumnAddedOnlyWhenTheServerRanIt) {
  std::string_view sql = "ALTER TABLE t ADD COLUMN a INT /*!80013 , ADD COLUMN b INT */ /*M!100300 , ADD COLUMN c INT */";
  auto old_mysql = parse_ddl(sql, "d", kMySql8012);
  ASSERT_TRUE(old_mysql);
  EXPECT_EQ(old_mysql->specs.size(), 1u);
  auto new_mysql = parse_ddl(sql, "d", kMySql8013);
  ASSERT_TRUE(new_mysql);
  EXPECT_EQ(new_mysql->specs.size(), 2u);
  auto maria = parse_ddl(sql, "d", kMaria1011);
  ASSERT_TRUE(maria);
  // MariaDB reads MySQL comments numbered 50700..99999 (MySQL 5.7+ features) as comments.
  EXPECT_EQ(maria->specs.size(), 2u);
}

}  // namespace
}  // namespace sluice::schema
