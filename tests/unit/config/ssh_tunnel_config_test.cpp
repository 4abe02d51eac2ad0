// The `ssh_tunnel` section: typed into the source's connection options, every problem one line,
// the passphrase never shown.
#include "config/ssh_tunnel_config.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>

#include "config/job_config.h"
#include "support/test_util.h"

namespace sluice::config {
namespace {

using Check = mysql::SshTunnelOptions::HostKeyCheck;

class SshTunnelConfig : public ::testing::Test {
 protected:
  void SetUp() override {
    key_ = ::testing::TempDir() + "/sluice_tunnel_key";
    std::ofstream(key_) << "not checked here\n";
  }
  core::Result<JobConfig> parse(const std::string& tunnel) {
    return parse_job_config_text(R"({"host":"db.internal","user":"u","ssh_tunnel":)" + tunnel + "}",
                                 "config.json");
  }
  std::string key_;
};

TEST_F(SshTunnelConfig, EveryKeyTyped) {
  auto c = parse(
      R"({"host":"bastion.example.com","port":2222,"user":"jump","private_key_file":")" + key_ +
      R"(","private_key_passphrase":"s3cret-phrase","known_hosts_file":"/etc/kh","host_key_check":"accept_new"})");
  ASSERT_TRUE(c) << c.error().message;
  ASSERT_TRUE(c->source.connection.ssh_tunnel);
  const auto& t = *c->source.connection.ssh_tunnel;
  EXPECT_EQ(t.host, "bastion.example.com");
  EXPECT_EQ(t.port, 2222);
  EXPECT_EQ(t.user, "jump");
  EXPECT_EQ(t.private_key_file, key_);
  EXPECT_EQ(t.passphrase, "s3cret-phrase");
  EXPECT_FALSE(t.use_agent);
  EXPECT_EQ(t.known_hosts_file, "/etc/kh");
  EXPECT_EQ(t.host_key_check, Check::kAcceptNew);
  EXPECT_TRUE(c->warnings.empty());
  std::string described = describe(c->source);
  EXPECT_NE(described.find("ssh_tunnel: jump@bastion.example.com:2222"), std::string::npos) << described;
  EXPECT_EQ(described.find("s3cret-phrase"), std::string::npos) << described;
}

TEST_F(SshTunnelConfig, DefaultsAreStrictPort22AndTheUsersKnownHosts) {
  auto c = parse(R"({"host":"b","user":"jump","use_agent":true})");
  ASSERT_TRUE(c) << c.error().message;
  const auto& t = *c->source.connection.ssh_tunnel;
  EXPECT_EQ(t.port, 22);
  EXPECT_TRUE(t.use_agent);
  EXPECT_EQ(t.host_key_check, Check::kStrict);
  EXPECT_EQ(t.known_hosts_file, std::string(std::getenv("HOME")) + "/.ssh/known_hosts");
  auto without = parse_job_config_text(R"({"host":"h","user":"u"})", "config.json");
  ASSERT_TRUE(without);
  EXPECT_FALSE(without->source.connection.ssh_tunnel);
}

TEST_F(SshTunnelConfig, EveryProblemIsOneLine) {
  auto c = parse(R"({"port":70000,"private_key_passphrase":12345,"host_key_check":"no","use_agent":"yes"})");
  ASSERT_FALSE(c);
  auto lines = test::split_lines(c.error().message);
  std::vector<std::string> expected = {
      "config.json: 'ssh_tunnel.host' is required: add \"host\": \"...\"",
      "config.json: 'ssh_tunnel.user' is required: add \"user\": \"...\"",
      "config.json: 'ssh_tunnel.port' must be a number between 1 and 65535, got 70000",
      "config.json: 'ssh_tunnel.private_key_passphrase' must be a string",
      "config.json: 'ssh_tunnel.use_agent' must be true or false, got \"yes\"",
      "config.json: 'ssh_tunnel' needs 'private_key_file' (a private key the bastion accepts) or "
      "\"use_agent\": true",
      "config.json: 'ssh_tunnel.host_key_check' must be \"strict\" (the default) or \"accept_new\", got "
      "\"no\"",
  };
  EXPECT_EQ(lines, expected);
  EXPECT_EQ(c.error().message.find("12345"), std::string::npos);
}

TEST_F(SshTunnelConfig, KeyFileAndAgentExcludeEachOtherAndTheFileMustBeReadable) {
  auto both = parse(R"({"host":"b","user":"u","use_agent":true,"private_key_file":")" + key_ + R"("})");
  ASSERT_FALSE(both);
  EXPECT_EQ(both.error().message,
            "config.json: 'ssh_tunnel' has both 'private_key_file' and 'use_agent': keep one");
  auto missing = parse(R"({"host":"b","user":"u","private_key_file":"/nonexistent/id_ed25519"})");
  ASSERT_FALSE(missing);
  EXPECT_EQ(
      missing.error().message,
      "config.json: 'ssh_tunnel.private_key_file' names /nonexistent/id_ed25519, which cannot be read: check "
      "the path and its permissions");
  auto not_object = parse(R"("bastion")");
  ASSERT_FALSE(not_object);
  EXPECT_NE(not_object.error().message.find("'ssh_tunnel' must be an object"), std::string::npos);
}

TEST_F(SshTunnelConfig, MisspelledKeyWarns) {
  auto c = parse(R"({"host":"b","user":"u","use_agent":true,"known_host_file":"/x"})");
  ASSERT_TRUE(c) << c.error().message;
  ASSERT_EQ(c->warnings.size(), 1U);
  EXPECT_EQ(
      c->warnings[0],
      "config.json: unknown key 'ssh_tunnel.known_host_file' is ignored; did you mean 'known_hosts_file'?");
}

}  // namespace
}  // namespace sluice::config
