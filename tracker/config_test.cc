#include "tracker/config.h"

#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace clicktrack::tracker {
namespace {

absl::StatusOr<Config> Parse(std::vector<const char*> args,
                             std::map<std::string, std::string> env = {}) {
  args.insert(args.begin(), "trackerd");
  return ParseConfig(static_cast<int>(args.size()), args.data(),
                     [&env](const char* name) -> const char* {
                       const auto it = env.find(name);
                       return it == env.end() ? nullptr : it->second.c_str();
                     });
}

TEST(ConfigTest, Defaults) {
  absl::StatusOr<Config> config = Parse({});
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->listen_host, "127.0.0.1");
  EXPECT_EQ(config->listen_port, 8080);
  EXPECT_EQ(config->data_dir, "./data");
  EXPECT_FALSE(config->public_url.has_value());
  EXPECT_FALSE(config->admin_token.has_value());
  EXPECT_GE(config->threads, 1);
  EXPECT_EQ(config->read_timeout, absl::Seconds(30));
  EXPECT_EQ(config->write_timeout, absl::Seconds(10));
}

TEST(ConfigTest, FlagsInBothForms) {
  absl::StatusOr<Config> config =
      Parse({"--listen", "0.0.0.0:0", "--data=/tmp/x", "--public-url", "https://t.example.com/",
             "--threads", "3", "--log-level=debug", "--admin-token", "0123456789abcdef",
             "--read-timeout", "1.5s", "--write-timeout=250ms"});
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->listen_host, "0.0.0.0");
  EXPECT_EQ(config->listen_port, 0);
  EXPECT_EQ(config->data_dir, "/tmp/x");
  EXPECT_EQ(*config->public_url, "https://t.example.com");  // trailing slash dropped
  EXPECT_EQ(config->threads, 3);
  EXPECT_EQ(config->log_level, LogLevel::kDebug);
  EXPECT_EQ(*config->admin_token, "0123456789abcdef");
  EXPECT_EQ(config->read_timeout, absl::Milliseconds(1500));
  EXPECT_EQ(config->write_timeout, absl::Milliseconds(250));
}

TEST(ConfigTest, EnvironmentAppliesAndFlagWins) {
  absl::StatusOr<Config> config = Parse(
      {"--data", "/from/flag"},
      {{"TRACKER_DATA", "/from/env"}, {"TRACKER_LISTEN", "[::1]:9000"}, {"TRACKER_THREADS", "2"}});
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->data_dir, "/from/flag");
  EXPECT_EQ(config->listen_host, "::1");
  EXPECT_EQ(config->listen_port, 9000);
  EXPECT_EQ(config->threads, 2);
}

TEST(ConfigTest, BadInputIsExplained) {
  EXPECT_NE(Parse({"--nope"}).status().message().find("unknown flag --nope"),
            absl::string_view::npos);
  EXPECT_NE(Parse({"--listen"}).status().message().find("needs a value"), absl::string_view::npos);
  EXPECT_FALSE(Parse({"--listen", "8080"}).ok());
  EXPECT_FALSE(Parse({"--listen", "127.0.0.1:70000"}).ok());
  EXPECT_FALSE(Parse({"--threads", "0"}).ok());
  EXPECT_FALSE(Parse({"--log-level", "loud"}).ok());
  EXPECT_FALSE(Parse({"--public-url", "ftp://x"}).ok());
  EXPECT_FALSE(Parse({"--admin-token", "short"}).ok());
  for (const char* timeout : {"30", "-1s", "5ms", "2h", "soon"}) {
    EXPECT_NE(Parse({"--read-timeout", timeout}).status().message().find("10ms to 1h"),
              absl::string_view::npos)
        << timeout;
  }
  EXPECT_FALSE(Parse({}, {{"TRACKER_WRITE_TIMEOUT", "0s"}}).ok());
  EXPECT_NE(Parse({}, {{"TRACKER_THREADS", "many"}}).status().message().find("TRACKER_THREADS"),
            absl::string_view::npos);
}

TEST(ConfigTest, RolesOtherThanAllNeedKafkaAndAllRefusesIt) {
  const absl::StatusOr<Config> all = Parse({});
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->role, Role::kAll);
  EXPECT_EQ(all->partitions, 12);
  EXPECT_EQ(all->decision_timeout, absl::Seconds(2));

  const absl::StatusOr<Config> edge =
      Parse({"--role", "edge", "--kafka", "k1:9092,k2:9092", "--partitions=3"},
            {{"TRACKER_DECISION_TIMEOUT", "500ms"}});
  ASSERT_TRUE(edge.ok()) << edge.status();
  EXPECT_EQ(edge->role, Role::kEdge);
  EXPECT_EQ(edge->kafka, "k1:9092,k2:9092");
  EXPECT_EQ(edge->partitions, 3);
  EXPECT_EQ(edge->decision_timeout, absl::Milliseconds(500));

  EXPECT_EQ(Parse({"--role", "edge"}).status().message(),
            "--role: edge needs --kafka with the bootstrap servers");
  EXPECT_EQ(Parse({"--role=core"}).status().message(),
            "--role: core needs --kafka with the bootstrap servers");
  EXPECT_EQ(Parse({"--kafka", "k1:9092"}).status().message(),
            "--kafka: goes with --role edge or --role core");
  EXPECT_EQ(Parse({"--role", "hub"}).status().message(), "--role: must be all, edge or core");
  EXPECT_FALSE(Parse({"--role", "edge", "--kafka", ""}).ok());
  EXPECT_FALSE(Parse({"--role", "edge", "--kafka", "k1", "--partitions", "0"}).ok());
}

// SPEC §4.7: on by default; "--block-private-postbacks" alone means true, and it takes
// "=false", "false" as the next word only when written with '=' (a switch takes no next word).
TEST(ConfigTest, BlockPrivatePostbacksIsASwitch) {
  EXPECT_TRUE(Parse({})->block_private_postbacks);
  EXPECT_FALSE(Parse({"--block-private-postbacks=false"})->block_private_postbacks);
  EXPECT_TRUE(Parse({"--block-private-postbacks", "--threads", "2"})->block_private_postbacks);
  EXPECT_FALSE(Parse({}, {{"TRACKER_BLOCK_PRIVATE_POSTBACKS", "false"}})->block_private_postbacks);
  const absl::StatusOr<Config> bad = Parse({"--block-private-postbacks=no"});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(), "--block-private-postbacks: must be true or false");
}

TEST(ConfigTest, OperationsSettings) {
  absl::StatusOr<Config> config =
      Parse({"--access-log", "0.01", "--trusted-proxy", "127.0.0.1,10.0.0.0/8", "--backup-dir",
             "/b", "--env-file=/etc/t.env"},
            {{"TRACKER_ACCESS_LOG", "all"}});
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->access_log_every, 100u);
  EXPECT_EQ(config->backup_dir, "/b");
  EXPECT_EQ(config->env_file, "/etc/t.env");
  EXPECT_EQ(Parse({}, {{"TRACKER_ACCESS_LOG", "all"}})->access_log_every, 1u);
  EXPECT_EQ(Parse({"--access-log=off"})->access_log_every, 0u);
  absl::StatusOr<Config> restore = Parse({"--restore-from", "/b", "--backup-id", "3"});
  ASSERT_TRUE(restore.ok()) << restore.status();
  EXPECT_EQ(restore->backup_id, 3u);
  // A restore is a command: no environment variable starts one.
  EXPECT_TRUE(Parse({}, {{"TRACKER_RESTORE_FROM", "/b"}})->restore_from.empty());
}

TEST(ConfigTest, BadOperationsSettingsAreExplained) {
  for (const auto& [args, reason] : std::vector<std::pair<std::vector<const char*>, std::string>>{
           {{"--access-log", "sometimes"}, "--access-log: must be off, all, or a share"},
           {{"--access-log", "2"}, "--access-log: must be off, all, or a share"},
           {{"--trusted-proxy", "proxy.local"}, "\"proxy.local\" is not an IP address"},
           {{"--backup-id", "1"}, "--backup-id: goes with --restore-from"},
           {{"--restore-from", "/b", "--backup-id", "0"}, "--backup-id: must be a number"},
           {{"--backup-dir", ""}, "--backup-dir: must not be empty"}}) {
    absl::StatusOr<Config> config = Parse(args);
    ASSERT_FALSE(config.ok()) << reason;
    EXPECT_NE(config.status().message().find(reason), std::string::npos)
        << config.status().message();
  }
}

TEST(ConfigTest, AnEnvironmentFileReadsAsSystemdDoes) {
  const std::string path = ::testing::TempDir() + "/trackerd.env";
  std::ofstream(path) << "# comment\n\nTRACKER_LOG_LEVEL=warn\n TRACKER_ACCESS_LOG = \"0.5\"\n";
  absl::StatusOr<std::vector<std::pair<std::string, std::string>>> values = ReadEnvFile(path);
  ASSERT_TRUE(values.ok()) << values.status();
  EXPECT_EQ(*values, (std::vector<std::pair<std::string, std::string>>{
                         {"TRACKER_LOG_LEVEL", "warn"}, {"TRACKER_ACCESS_LOG", "0.5"}}));
  std::ofstream(path) << "TRACKER_LOG_LEVEL=warn\nnot a setting\n";
  EXPECT_NE(ReadEnvFile(path).status().message().find("trackerd.env:2: not VAR=value"),
            std::string::npos);
  EXPECT_EQ(ReadEnvFile(path + ".missing").status().code(), absl::StatusCode::kNotFound);
}

TEST(ConfigTest, HelpListsEveryFlagAndVariable) {
  EXPECT_TRUE(Parse({"--help"})->help);
  const std::string help = HelpText();
  for (const char* word : {"--listen", "--data", "--public-url", "--admin-token", "--threads",
                           "--log-level", "--read-timeout", "--write-timeout", "TRACKER_LISTEN",
                           "TRACKER_DATA", "TRACKER_ADMIN_TOKEN", "TRACKER_READ_TIMEOUT"}) {
    EXPECT_NE(help.find(word), std::string::npos) << word;
  }
}

}  // namespace
}  // namespace clicktrack::tracker
