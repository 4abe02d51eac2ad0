// The command line itself, before any server is reached: usage errors, configuration and state
// files a user got wrong. Each is one line on stderr, exit 2, and no secret in it.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "support/test_util.h"

namespace sluice::test {
namespace {

// One line on stderr that starts the way every sluice error does.
void expect_one_error_line(const CommandResult& r, int exit_code) {
  EXPECT_EQ(r.exit_code, exit_code) << r.err;
  EXPECT_EQ(r.err.rfind("sluice: error: ", 0), 0U) << r.err;
  EXPECT_EQ(split_lines(r.err).size(), 1U) << r.err;
}

class CliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = make_temp_dir("cli");
    // A server nobody listens on: these tests must fail before connecting.
    write_file(dir_ + "/config.json", R"({"host": "127.0.0.1", "port": 1, "user": "u", "password": "pw"})");
    write_file(dir_ + "/catalog.json", R"({"streams": []})");
  }
  std::string dir_;
};

TEST_F(CliTest, UnknownCommandIsNamedAndTheCommandsListed) {
  auto r = run_sluice({"foo"});
  expect_one_error_line(r, 2);
  EXPECT_NE(r.err.find("unknown command 'foo'"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("sync"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("discover"), std::string::npos) << r.err;
}

TEST_F(CliTest, HelpNamesTheProgramNotItsPath) {
  auto r = run_sluice({"--help"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("Usage: sluice [OPTIONS]"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find(SLUICE_BINARY), std::string::npos) << "the binary's path in --help: " << r.out;
  auto sub = run_sluice({"sync", "--help"});
  EXPECT_EQ(sub.exit_code, 0);
  EXPECT_NE(sub.out.find("Usage: sluice sync [OPTIONS]"), std::string::npos) << sub.out;
}

TEST_F(CliTest, ZeroChunkRowsIsRefused) {
  auto r = run_sluice(
      {"sync", "--config", dir_ + "/config.json", "--catalog", dir_ + "/catalog.json", "--chunk-rows", "0"});
  expect_one_error_line(r, 2);
  EXPECT_NE(r.err.find("chunk-rows"), std::string::npos) << r.err;
}

TEST_F(CliTest, WrongTypedStateValueIsOneLineNotACrash) {
  const char* states[] = {R"({"bookmarks": {"db-t": {"log_pos": "abc"}}})",
                          R"({"bookmarks": {"db-t": {"log_file": 42}}})",
                          R"({"bookmarks": {"db-t": {"initial_full_table_complete": "yes"}}})"};
  for (const char* state : states) {
    write_file(dir_ + "/state.json", state);
    auto r = run_sluice({"sync", "--config", dir_ + "/config.json", "--catalog", dir_ + "/catalog.json",
                         "--state", dir_ + "/state.json"});
    expect_one_error_line(r, 2);
    EXPECT_NE(r.err.find(dir_ + "/state.json"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("must be"), std::string::npos) << r.err;
  }
}

TEST_F(CliTest, ConfigSyntaxErrorNeverShowsThePassword) {
  const char* configs[] = {"{\"host\": \"127.0.0.1\", \"user\": \"u\", \"password\": \"Sup3rSecretPW\\q\"}",
                           "{\"host\": \"127.0.0.1\", \"user\": \"u\", \"password\": \"Sup3rSecretPW\t\"}",
                           "{\"host\": \"127.0.0.1\", \"user\": \"u\", \"password\": \"Sup3rSecretPW"};
  for (const char* config : configs) {
    write_file(dir_ + "/bad.json", config);
    for (std::string verb : {"check", "sync", "discover"}) {
      std::vector<std::string> args = {verb, "--config", dir_ + "/bad.json"};
      if (verb == "sync") args.insert(args.end(), {"--catalog", dir_ + "/catalog.json"});
      auto r = run_sluice(args);
      expect_one_error_line(r, 2);
      EXPECT_EQ(r.err.find("Sup3rSecret"), std::string::npos) << verb << ": " << r.err;
      EXPECT_NE(r.err.find("password"), std::string::npos) << verb << ": " << r.err;
    }
  }
}

TEST_F(CliTest, CheckRefusesTheJobSettingsThatSyncRefuses) {
  write_file(dir_ + "/threads.json",
             R"({"host": "127.0.0.1", "port": 1, "user": "u", "password": "pw", "snapshot_threads": 0})");
  for (const char* verb : {"check", "sync"}) {
    auto r =
        verb == std::string("check")
            ? run_sluice({"check", "--config", dir_ + "/threads.json"})
            : run_sluice({"sync", "--config", dir_ + "/threads.json", "--catalog", dir_ + "/catalog.json"});
    expect_one_error_line(r, 2);
    EXPECT_NE(r.err.find("'snapshot_threads'"), std::string::npos) << verb << ": " << r.err;
  }
}

}  // namespace
}  // namespace sluice::test
