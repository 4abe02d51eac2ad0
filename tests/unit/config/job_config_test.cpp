// The whole config file read once: the job's keys, the destination section, reserved sections,
// warnings of every part, and every config the docs and scripts show still valid.
#include "config/job_config.h"

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "support/test_util.h"

namespace sluice::config {
namespace {

core::Result<JobConfig> parse(const std::string& text) { return parse_job_config_text(text, "config.json"); }

TEST(JobConfig, Defaults) {
  auto parsed = parse(R"({"host":"h","user":"u"})");
  ASSERT_TRUE(parsed) << parsed.error().message;
  const JobConfig& c = *parsed;
  EXPECT_EQ(c.origin, "config.json");
  EXPECT_FALSE(c.sync.default_replication_method);
  EXPECT_EQ(c.sync.chunk_rows, 50000U);
  EXPECT_EQ(c.sync.snapshot_threads, 1U);
  EXPECT_EQ(c.sync.state_interval_s, 5.0);
  EXPECT_TRUE(c.sync.key_change_deletes);
  EXPECT_EQ(c.sync.zero_dates, core::ValueFormat::ZeroDates::kNull);
  EXPECT_EQ(c.sync.value_forms, core::ValueFormat::Forms::kSluice);
  EXPECT_EQ(c.sync.select_new_columns, std::nullopt)
      << "unset: the tap's rule for sync (not synced), sluice run's structure sync selects it";
  EXPECT_EQ(c.sync.keep_extraction_logs, 30U);
  EXPECT_FALSE(c.destination);
  EXPECT_TRUE(c.warnings.empty());
}

TEST(JobConfig, SyncKeys) {
  auto parsed = parse(R"({"host":"h","user":"u","default_replication_method":"log_based","chunk_rows":"1000",
                           "snapshot_threads":4,"state_interval_seconds":0,"key_change_deletes":false,
                           "zero_dates":"string","select_new_columns":true,"value_forms":"tap",
                           "keep_extraction_logs":5})");
  ASSERT_TRUE(parsed) << parsed.error().message;
  const JobConfig& c = *parsed;
  EXPECT_EQ(c.sync.default_replication_method, "LOG_BASED");
  EXPECT_EQ(c.sync.chunk_rows, 1000U);
  EXPECT_EQ(c.sync.snapshot_threads, 4U);
  EXPECT_EQ(c.sync.state_interval_s, 0.0);
  EXPECT_FALSE(c.sync.key_change_deletes);
  EXPECT_EQ(c.sync.zero_dates, core::ValueFormat::ZeroDates::kString);
  EXPECT_EQ(c.sync.select_new_columns, true);
  EXPECT_EQ(c.sync.keep_extraction_logs, 5U);
  EXPECT_EQ(c.sync.value_forms, core::ValueFormat::Forms::kTap);
}

TEST(JobConfig, ValueFormsNamesItsTwoChoices) {
  auto parsed = parse(R"({"host":"h","user":"u","value_forms":"singer"})");
  ASSERT_FALSE(parsed);
  EXPECT_EQ(parsed.error().message,
            "config.json: 'value_forms' must be \"sluice\" (the default) or \"tap\" (the tap's JSON and TIME "
            "forms), got \"singer\"");
}

TEST(JobConfig, EveryProblemOfEveryPartOnItsOwnLine) {
  auto parsed = parse(R"({"user":"u","chunk_rows":0,"default_replication_method":"INCREMENTAL",
                                    "key_change_deletes":"no","snapshot_threads":65,"select_new_columns":1,
                                    "destination":{"type":"sqlite"}})");
  ASSERT_FALSE(parsed);
  EXPECT_EQ(parsed.error().code, core::ErrorCode::kConfig);
  const std::string& msg = parsed.error().message;
  auto lines = test::split_lines(msg);
  ASSERT_EQ(lines.size(), 7U) << msg;
  EXPECT_EQ(lines[0], "config.json: 'host' is required: add \"host\": \"...\"");
  EXPECT_EQ(lines[1],
            "config.json: 'default_replication_method' cannot be INCREMENTAL (it needs a replication-key per "
            "table): use FULL_TABLE or LOG_BASED");
  EXPECT_EQ(lines[2], "config.json: 'chunk_rows' must be a number between 1 and 100000000");
  EXPECT_EQ(lines[3], "config.json: 'snapshot_threads' must be a number between 1 and 64");
  EXPECT_EQ(lines[4], "config.json: 'key_change_deletes' must be true or false");
  EXPECT_EQ(lines[5], "config.json: 'select_new_columns' must be true or false");
  EXPECT_EQ(lines[6], "config.json: destination: 'sqlite' needs 'path' (the database file)");
}

TEST(JobConfig, DestinationSectionAndItsWarnings) {
  auto parsed = parse(R"({"host":"h","user":"u","chunk_row":5,
                             "destination":{"type":"sqlite","path":"shop.db","delets":"hard"}})");
  ASSERT_TRUE(parsed) << parsed.error().message;
  const JobConfig& c = *parsed;
  ASSERT_TRUE(c.destination);
  EXPECT_EQ(c.destination->type, DestinationType::kSqlite);
  EXPECT_EQ(c.destination->path, "shop.db");
  EXPECT_EQ(c.destination->origin, "config.json: destination");
  EXPECT_TRUE(c.destination->warnings.empty());  // moved into the config's list
  ASSERT_EQ(c.warnings.size(), 2U);
  EXPECT_EQ(c.warnings[0], "config.json: unknown key 'chunk_row' is ignored; did you mean 'chunk_rows'?");
  EXPECT_NE(c.warnings[1].find("config.json: destination: unknown key 'delets'"), std::string::npos)
      << c.warnings[1];
  EXPECT_NE(c.warnings[1].find("did you mean 'deletes'"), std::string::npos) << c.warnings[1];
}

TEST(JobConfig, TargetAndReplicateSectionsAreTyped) {
  auto parsed = parse(R"({"host":"h","user":"u","server_id":7,
      "target":{"host":"replica","port":3307,"user":"applier","password":"pw","ssl_mode":"required",
                "position_schema":"sluice_pos"},
      "replicate":{"journal_dir":"/var/lib/sluice/log","include":["shop.*"],"exclude":["shop.tmp_?"],
                   "rename":{"shop":"shop_replica"},"start":"mysql-bin.000001:4","batch_rows":100}})");
  ASSERT_TRUE(parsed) << parsed.error().message;
  ASSERT_TRUE(parsed->target && parsed->replicate);
  EXPECT_EQ(parsed->target->connection.host, "replica");
  EXPECT_EQ(parsed->target->connection.port, 3307);
  EXPECT_EQ(parsed->target->connection.user, "applier");
  EXPECT_EQ(parsed->target->connection.ssl_mode, mysql::SslMode::kRequired);
  const config::ReplicateSettings& r = *parsed->replicate;
  EXPECT_EQ(r.journal_dir, "/var/lib/sluice/log");
  EXPECT_EQ(r.include, std::vector<std::string>{"shop.*"});
  EXPECT_EQ(r.exclude, std::vector<std::string>{"shop.tmp_?"});
  EXPECT_EQ(r.rename.at("shop"), "shop_replica");
  EXPECT_EQ(r.start, "mysql-bin.000001:4");
  EXPECT_EQ(r.batch_rows, 100U);
  EXPECT_EQ(parsed->target->position_schema, "sluice_pos");
  EXPECT_EQ(r.on_conflict, config::ReplicateSettings::OnConflict::kStop);
  // Loop safety by default: the transactions this pipeline's own position schema marks.
  EXPECT_EQ(r.skip_transactions_writing, std::vector<std::string>{"sluice_pos"});
}

TEST(JobConfig, ReplicateConflictPolicyAndSkippedSchemas) {
  auto parsed = parse(R"({"host":"h","user":"u","server_id":7,"target":{"host":"replica","user":"a"},
      "replicate":{"journal_dir":"/l","on_conflict":"overwrite","skip_transactions_writing":["sluice_ab","x"]}})");
  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_EQ(parsed->replicate->on_conflict, config::ReplicateSettings::OnConflict::kOverwrite);
  EXPECT_EQ(parsed->replicate->skip_transactions_writing, (std::vector<std::string>{"sluice_ab", "x"}));
  auto none = parse(R"({"host":"h","user":"u","replicate":{"journal_dir":"/l","skip_transactions_writing":[]}})");
  ASSERT_TRUE(none) << none.error().message;
  EXPECT_EQ(none->replicate->skip_transactions_writing, std::vector<std::string>{});
}

TEST(JobConfig, ReplicateProblemsAreOneLineEachWithoutThePassword) {
  auto parsed = parse(R"({"host":"h","user":"u","target":{"user":"applier","password":"s3cret","port":"x"},
      "replicate":{"include":["shop"],"batch_rows":0,"journal_max_bytes":1048576}})");
  ASSERT_FALSE(parsed);
  const std::string& msg = parsed.error().message;
  EXPECT_EQ(msg.find("s3cret"), std::string::npos) << msg;
  EXPECT_NE(msg.find("config.json target: "), std::string::npos) << msg;
  EXPECT_NE(msg.find("'replicate.journal_dir' is required"), std::string::npos) << msg;
  EXPECT_NE(msg.find("'replicate.include' item \"shop\" is not a \"db.table\" pattern"), std::string::npos)
      << msg;
  EXPECT_NE(msg.find("'replicate.batch_rows' must be"), std::string::npos) << msg;
  EXPECT_NE(msg.find("'replicate.journal_max_bytes' must be 0 (no limit) or at least 16777216 (16 MiB)"),
            std::string::npos)
      << msg;
}

// Every config.json shown in the docs, the README and the scripts parses as the loader reads it:
// the shape changed its reader, not what users may write.
TEST(JobConfig, DocumentedConfigsStayValid) {
  const std::string root = SLUICE_SOURCE_DIR;
  size_t checked = 0;
  for (const char* doc : {"README.md", "docs/configuration.md", "docs/destinations.md", "docs/postgres.md",
                          "docs/operations.md"}) {
    std::ifstream in(root + "/" + doc);
    std::stringstream text;
    text << in.rdbuf();
    std::string s = text.str();
    for (size_t at = s.find("```json\n"); at != std::string::npos; at = s.find("```json\n", at)) {
      at += 8;
      std::string json_text = s.substr(at, s.find("\n```", at) - at);
      auto doc_json = nlohmann::json::parse(json_text, nullptr, false);
      if (!doc_json.is_object() || !doc_json.contains("host")) continue;  // not a whole config file
      auto r = parse_job_config_text(json_text, doc);
      // The examples name certificate files of the reader's machine (an RDS CA bundle).
      for (const std::string& line : r ? std::vector<std::string>{} : test::split_lines(r.error().message)) {
        EXPECT_NE(line.find("which cannot be read"), std::string::npos) << doc << ": " << line << "\n"
                                                                        << json_text;
      }
      ++checked;
    }
  }
  EXPECT_GE(checked, 2U);
}

}  // namespace
}  // namespace sluice::config
