// The Singer config.json's source keys (read through the job config loader): accepted spellings,
// defaults, the ssl mapping, and one clear line per problem.
#include "config/source_config.h"

#include <gtest/gtest.h>

#include "config/job_config.h"
#include "config/json_file.h"
#include "support/test_util.h"

namespace sluice::config {
namespace {

using mysql::SslMode;

JobConfig parse_job(const std::string& text) {
  auto r = parse_job_config_text(text, "config.json");
  EXPECT_TRUE(r.has_value()) << (r ? "" : r.error().message);
  return r ? *r : JobConfig{};
}

SourceConfig parse_ok(const std::string& text) { return parse_job(text).source; }

std::string parse_error(const std::string& text) {
  auto r = parse_job_config_text(text, "config.json");
  EXPECT_FALSE(r.has_value());
  if (r) return "";
  EXPECT_EQ(r.error().code, core::ErrorCode::kConfig);
  return r.error().message;
}

TEST(SourceConfig, SingerReferenceConfig) {
  // The config the reference Singer run was given (reference/singer-tap-mysql/config.json).
  std::string text = R"({"host": "127.0.0.1", "port": "23306", "user": "tap", "password": "tappw", "filter_dbs": "sluice_t"})";
  JobConfig job = parse_job(text);
  const SourceConfig& c = job.source;
  EXPECT_EQ(c.connection.host, "127.0.0.1");
  EXPECT_EQ(c.connection.port, 23306);
  EXPECT_EQ(c.connection.user, "tap");
  EXPECT_EQ(c.connection.password, "tappw");
  EXPECT_EQ(c.filter_dbs, std::vector<std::string>{"sluice_t"});
  EXPECT_EQ(c.connection.ssl_mode, SslMode::kPreferred);
  EXPECT_FALSE(c.server_id.has_value());
  EXPECT_TRUE(job.warnings.empty());
}

TEST(SourceConfig, NumbersAsNumbersOrStrings) {
  SourceConfig a = parse_ok(R"({"host":"h","user":"u","port":3307,"server_id":"4242","connect_timeout":"5",
                               "read_timeout":60})");
  EXPECT_EQ(a.connection.port, 3307);
  EXPECT_EQ(a.server_id, 4242U);
  EXPECT_EQ(a.connection.connect_timeout_s, 5U);
  EXPECT_EQ(a.connection.read_timeout_s, 60U);
  SourceConfig b = parse_ok(R"({"host":"h","user":"u","server_id":4294967295,"request_timeout":"120"})");
  EXPECT_EQ(b.server_id, 4294967295U);
  EXPECT_EQ(b.connection.port, 3306);
  EXPECT_EQ(b.connection.read_timeout_s, 120U);
}

TEST(SourceConfig, Defaults) {
  SourceConfig c = parse_ok(R"({"host":"db","user":"u"})");
  EXPECT_EQ(c.connection.port, 3306);
  EXPECT_EQ(c.connection.password, "");
  EXPECT_EQ(c.connection.connect_timeout_s, 10U);
  EXPECT_EQ(c.connection.read_timeout_s, 3600U);
  EXPECT_EQ(parse_job(R"({"host":"db","user":"u"})").sync.zero_dates, core::ValueFormat::ZeroDates::kNull);
  EXPECT_TRUE(c.filter_dbs.empty());
  EXPECT_TRUE(c.connection.session_sqls.empty());
}

TEST(SourceConfig, FilterDbsAndSessionSqls) {
  SourceConfig c = parse_ok(R"({"host":"h","user":"u","filter_dbs":" a, b ,,c ",
                               "session_sqls":["SET SESSION sql_mode=''","SET @x=1"],"zero_dates":"string"})");
  EXPECT_EQ(c.filter_dbs, (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(c.connection.session_sqls, (std::vector<std::string>{"SET SESSION sql_mode=''", "SET @x=1"}));
  EXPECT_EQ(parse_job(R"({"host":"h","user":"u","zero_dates":"string"})").sync.zero_dates,
            core::ValueFormat::ZeroDates::kString);
}

TEST(SourceConfig, BadPortNamesKeyRangeAndValue) {
  EXPECT_EQ(parse_error(R"({"host":"h","user":"u","port":"abc"})"),
            "config.json: 'port' must be a number between 1 and 65535, got \"abc\"");
  EXPECT_EQ(parse_error(R"({"host":"h","user":"u","port":70000})"),
            "config.json: 'port' must be a number between 1 and 65535, got 70000");
  EXPECT_NE(parse_error(R"({"host":"h","user":"u","port":-1})").find("'port'"), std::string::npos);
}

TEST(SourceConfig, EveryProblemOnItsOwnLine) {
  std::string msg = parse_error(R"({"port":"x","server_id":0,"ssl":"maybe","ssl_mode":"strict","zero_dates":"zero"})");
  auto lines = test::split_lines(msg);
  ASSERT_EQ(lines.size(), 7U) << msg;
  EXPECT_EQ(lines[0], "config.json: 'host' is required: add \"host\": \"...\"");
  EXPECT_NE(msg.find("'port' must be a number"), std::string::npos);
  EXPECT_NE(msg.find("'user' is required"), std::string::npos);
  EXPECT_NE(msg.find("'server_id' must be a number between 1 and 4294967295, got 0"), std::string::npos);
  EXPECT_NE(msg.find("'ssl' must be true or false"), std::string::npos);
  EXPECT_NE(msg.find("'ssl_mode' must be one of disabled, preferred, required, verify_ca, verify_identity"),
            std::string::npos);
  EXPECT_NE(msg.find("'zero_dates' must be \"null\" or \"string\""), std::string::npos);
  for (const auto& l : lines) EXPECT_EQ(l.rfind("config.json: ", 0), 0U) << l;
}

TEST(SourceConfig, PasswordNeverInErrorsOrDescription) {
  std::string msg = parse_error(R"({"host":"h","user":"u","password":["s3cretpw"],"port":"bad"})");
  EXPECT_NE(msg.find("'password' must be a string"), std::string::npos);
  EXPECT_EQ(msg.find("s3cretpw"), std::string::npos) << msg;
  SourceConfig c = parse_ok(R"({"host":"h","user":"u","password":"s3cretpw"})");
  std::string d = describe(c);
  EXPECT_EQ(d.find("s3cretpw"), std::string::npos) << d;
  EXPECT_NE(d.find("password: (set)"), std::string::npos) << d;
  EXPECT_NE(d.find("server: h:3306"), std::string::npos) << d;
}

TEST(SourceConfig, SslModeExplicit) {
  EXPECT_EQ(parse_ok(R"({"host":"h","user":"u","ssl_mode":"disabled"})").connection.ssl_mode, SslMode::kDisabled);
  EXPECT_EQ(parse_ok(R"({"host":"h","user":"u","ssl_mode":"REQUIRED"})").connection.ssl_mode, SslMode::kRequired);
  JobConfig c = parse_job(R"({"host":"h","user":"u","ssl_mode":"verify_identity","ssl":"true"})");
  EXPECT_EQ(c.source.connection.ssl_mode, SslMode::kVerifyIdentity);
  ASSERT_EQ(c.warnings.size(), 1U);
  EXPECT_NE(c.warnings[0].find("'ssl_mode' is set"), std::string::npos);
}

TEST(SourceConfig, SingerSslMapping) {
  std::string dir = test::make_temp_dir("config-ssl");
  std::string ca = dir + "/ca.pem", cert = dir + "/cert.pem", key = dir + "/key.pem";
  for (const auto& f : {ca, cert, key}) test::write_file(f, "pem");
  auto mode = [&](const std::string& extra) {
    return parse_ok(R"({"host":"h","user":"u")" + extra + "}").connection.ssl_mode;
  };
  EXPECT_EQ(mode(R"(,"ssl":"false")"), SslMode::kPreferred);
  EXPECT_EQ(mode(R"(,"ssl":"true")"), SslMode::kRequired);
  EXPECT_EQ(mode(R"(,"ssl":true,"verify_mode":"true")"), SslMode::kVerifyCa);
  EXPECT_EQ(mode(R"(,"ssl":true,"verify_mode":"true","check_hostname":"true")"), SslMode::kVerifyIdentity);
  EXPECT_EQ(mode(R"(,"ssl":"true","ssl_ca":")" + ca + "\""), SslMode::kVerifyIdentity);
  EXPECT_EQ(mode(R"(,"ssl":"true","check_hostname":"false","ssl_ca":")" + ca + "\""), SslMode::kVerifyCa);
  SourceConfig c = parse_ok(R"({"host":"h","user":"u","ssl":"true","ssl_ca":")" + ca + R"(","ssl_cert":")" + cert +
                            R"(","ssl_key":")" + key + "\"}");
  EXPECT_EQ(c.connection.ssl_ca, ca);
  EXPECT_EQ(c.connection.ssl_cert, cert);
  EXPECT_EQ(c.connection.ssl_key, key);
}

TEST(SourceConfig, SslFilesMustExistAndPair) {
  std::string msg = parse_error(R"({"host":"h","user":"u","ssl":"true","ssl_ca":"/nonexistent/ca.pem",
                                   "ssl_cert":"/nonexistent/c.pem"})");
  EXPECT_NE(msg.find("'ssl_ca' names /nonexistent/ca.pem, which cannot be read: check the path"), std::string::npos);
  EXPECT_NE(msg.find("'ssl_cert' and 'ssl_key' go together"), std::string::npos);
}

TEST(SourceConfig, UnknownKeysIgnoredMisspellingsWarned) {
  JobConfig c = parse_job(R"({"host":"h","user":"u","pasword":"x","filter_db":"a","tap_stream_id":"x",
                               "internal_hostname":"y"})");
  ASSERT_EQ(c.warnings.size(), 2U);
  EXPECT_EQ(c.warnings[0], "config.json: unknown key 'filter_db' is ignored; did you mean 'filter_dbs'?");
  EXPECT_EQ(c.warnings[1], "config.json: unknown key 'pasword' is ignored; did you mean 'password'?");
  EXPECT_EQ(c.source.connection.password, "");
}

TEST(SourceConfig, NotAnObject) {
  EXPECT_NE(parse_error("[1,2]").find("config.json: must be a JSON object"), std::string::npos);
}

TEST(JsonFile, SyntaxErrorNamesLineAndColumn) {
  auto r = parse_json_text("{\n  \"host\": \"h\",\n  \"port\": abc\n}\n", "config.json");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, core::ErrorCode::kConfig);
  EXPECT_EQ(r.error().message.rfind("config.json: not valid JSON at line 3, column 11", 0), 0U) << r.error().message;
}

// A broken value must not be echoed: it may be the password (nlohmann quotes what it "last read").
TEST(JsonFile, SyntaxErrorsNeverQuoteTheText) {
  const char* texts[] = {
      "{\"host\": \"h\", \"password\": \"Sup3rSecretPW\\q\"}",             // bad escape
      "{\"host\": \"h\", \"password\": \"Sup3rSecretPW\x01\"}",            // control character
      "{\"host\": \"h\", \"password\": \"Sup3rSecretPW",                   // unterminated
      "{\"host\": \"h\", \"password\": \"Sup3rSecretPW\"\n \"user\": 1}",  // missing comma after it
  };
  for (const char* text : texts) {
    auto r = parse_json_text(text, "config.json");
    ASSERT_FALSE(r) << text;
    EXPECT_EQ(r.error().message.find("Sup3rSecret"), std::string::npos) << r.error().message;
    EXPECT_EQ(r.error().message.find("last read"), std::string::npos) << r.error().message;
    EXPECT_NE(r.error().message.find("line "), std::string::npos) << r.error().message;
  }
  auto r = parse_json_text(texts[0], "config.json");
  EXPECT_NE(r.error().message.find("(in the value of \"password\")"), std::string::npos) << r.error().message;
  auto s = parse_job_config_text(texts[1], "config.json");
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().message.find("Sup3rSecret"), std::string::npos) << s.error().message;
}

TEST(JsonFile, EmptyAndMissingFiles) {
  auto empty = parse_json_text("  \n", "c.json");
  ASSERT_FALSE(empty);
  EXPECT_EQ(empty.error().message, "c.json: the file is empty; it must hold a JSON object");
  auto missing = load_job_config("/nonexistent/dir/config.json");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, core::ErrorCode::kConfig);
  EXPECT_EQ(missing.error().message,
            "cannot read /nonexistent/dir/config.json: No such file or directory (check the path)");
}

TEST(JsonFile, LoadFromFile) {
  std::string dir = test::make_temp_dir("config-file");
  test::write_file(dir + "/config.json", R"({"host":"db.example","user":"u","password":"pw","port":"3310"})");
  auto r = load_job_config(dir + "/config.json");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->source.connection.host, "db.example");
  EXPECT_EQ(r->source.connection.port, 3310);
  test::write_file(dir + "/bad.json", "{\"host\": \"h\",}");
  auto bad = load_job_config(dir + "/bad.json");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find(dir + "/bad.json: not valid JSON at line 1, column 14"), std::string::npos)
      << bad.error().message;
}

TEST(JsonFile, PositionOf) {
  EXPECT_EQ(position_of("ab\ncd", 4).line, 2U);
  EXPECT_EQ(position_of("ab\ncd", 4).column, 2U);
  EXPECT_EQ(position_of("ab", 99).column, 3U);
}

}  // namespace
}  // namespace sluice::config
