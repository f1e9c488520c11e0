// The daemon itself: flags, lifecycle, limits, malformed HTTP, health routes.

#include <signal.h>

#include <fstream>
#include <random>

#include "absl/strings/match.h"
#include "gtest/gtest.h"

#include "tests/integration_fixture.h"

namespace clicktrack::testing {
namespace {

class ServerTest : public TrackerdTest {};

TEST(TrackerdBinaryTest, HelpListsFlagsAndExitsZero) {
  const ProcessOutput out = RunTrackerd({"--help"});
  EXPECT_EQ(out.exit_status, 0);
  for (const char* flag : {"--listen", "--data", "--public-url", "--admin-token", "--threads",
                           "--log-level", "TRACKER_LISTEN"}) {
    EXPECT_TRUE(absl::StrContains(out.output, flag)) << flag;
  }
}

TEST(TrackerdBinaryTest, UnknownFlagExitsTwoWithAReason) {
  const ProcessOutput out = RunTrackerd({"--frobnicate"});
  EXPECT_EQ(out.exit_status, 2);
  EXPECT_TRUE(absl::StrContains(out.output, "unknown flag --frobnicate")) << out.output;
  EXPECT_TRUE(absl::StrContains(out.output, "usage: trackerd")) << out.output;
  const ProcessOutput malformed = RunTrackerd({"--access-log", "often"});
  EXPECT_EQ(malformed.exit_status, 2);
  EXPECT_TRUE(absl::StrContains(malformed.output, "usage: trackerd")) << malformed.output;
}

// One line per request, named by the id its answer carries; the client as the trusted proxy
// in front says.
TEST_F(ServerTest, TheAccessLogNamesEachRequestByItsId) {
  StartTrackerd({"--access-log", "all", "--trusted-proxy", "127.0.0.1"});
  const HttpResult answer = Send("GET", "/healthz", "", {"X-Forwarded-For: 203.0.113.7"});
  const std::string id = answer.Header("x-request-id");
  ASSERT_FALSE(id.empty());
  const std::string log = process_->StderrOnceItHolds(id);
  const size_t at = log.find(absl::StrCat(R"("request_id":")", id, R"(")"));
  ASSERT_NE(at, std::string::npos) << log;
  const std::string line =
      log.substr(log.rfind('\n', at) + 1, log.find('\n', at) - log.rfind('\n', at));
  for (const char* field : {R"("msg":"request")", R"("route":"/healthz")", R"("status":200)",
                            R"("client":"203.0.113.7")", R"("micros":)"}) {
    EXPECT_TRUE(absl::StrContains(line, field)) << field << " in " << line;
  }
  EXPECT_NE(Send("GET", "/healthz").Header("x-request-id"), id);
}

// SIGHUP re-reads the environment file: the access log goes from off to on, with no restart.
TEST_F(ServerTest, SighupReReadsTheAccessLogAndLevelFromTheEnvironmentFile) {
  const std::string env = data_.path() + "/trackerd.env";
  std::ofstream(env) << "TRACKER_ACCESS_LOG=off\n";
  StartTrackerd({"--env-file", env});
  const std::string before = Send("GET", "/healthz").Header("x-request-id");
  std::ofstream(env, std::ios::trunc) << "TRACKER_ACCESS_LOG=all\nTRACKER_LOG_LEVEL=warn\n";
  process_->Send(SIGHUP);
  const std::string reloaded = process_->StderrOnceItHolds("settings reloaded");
  ASSERT_TRUE(absl::StrContains(reloaded, R"("access_log_every":1)")) << reloaded;
  EXPECT_TRUE(absl::StrContains(reloaded, R"("log_level":"warn")")) << reloaded;
  const std::string after = Send("GET", "/healthz").Header("x-request-id");
  EXPECT_EQ(client_->connects(), 1) << "SIGHUP closed the kept-alive connection";
  const std::string log = process_->StderrOnceItHolds(after);
  EXPECT_TRUE(absl::StrContains(log, after)) << log;
  EXPECT_FALSE(absl::StrContains(log, before)) << "the access log was off: " << log;
  // A broken file changes nothing and says why.
  std::ofstream(env, std::ios::trunc) << "TRACKER_ACCESS_LOG=sometimes\n";
  process_->Send(SIGHUP);
  EXPECT_TRUE(absl::StrContains(process_->StderrOnceItHolds("settings not reloaded"),
                                "--access-log: must be off, all"));
  EXPECT_EQ(Send("GET", "/healthz").status, 200);
}

TEST(TrackerdBinaryTest, VersionNamesTheCommitAndExitsZero) {
  const ProcessOutput out = RunTrackerd({"--version"});
  EXPECT_EQ(out.exit_status, 0);
  EXPECT_TRUE(absl::StartsWith(out.output, "trackerd 0.1.0 (commit ")) << out.output;
  EXPECT_TRUE(absl::EndsWith(out.output, ")\n")) << out.output;
}

// SPEC §7: whatever the level, the first line names the bound address (and the build).
TEST_F(ServerTest, TheListeningLineComesFirstAtEveryLogLevel) {
  for (const char* level : {"debug", "warn", "error"}) {
    StartTrackerd({"--log-level", level});
    const std::string line = process_->first_line();
    EXPECT_TRUE(absl::StrContains(line, R"("level":"info","msg":"listening")")) << line;
    EXPECT_TRUE(absl::StrContains(line, R"("commit":")")) << line;
    EXPECT_EQ(Send("GET", "/healthz").status, 200) << level;
  }
}

TEST_F(ServerTest, FirstLogLineIsJsonWithTheBoundAddress) {
  const std::string line = process_->first_line();
  EXPECT_TRUE(absl::StartsWith(line, "{")) << line;
  EXPECT_TRUE(absl::StrContains(line, absl::StrCat(R"("listen":")", process_->address(), R"(")")))
      << line;
  EXPECT_TRUE(absl::StartsWith(process_->address(), "127.0.0.1:"));
  EXPECT_NE(process_->address(), "127.0.0.1:0");
}

TEST_F(ServerTest, SecondTrackerdOnTheSameDataDirExitsOne) {
  const ProcessOutput out = RunTrackerd(
      {"--data", data_.path(), "--listen", "127.0.0.1:0", "--admin-token", kAdminToken});
  EXPECT_EQ(out.exit_status, 1);
  EXPECT_TRUE(absl::StrContains(out.output, "in use by another trackerd")) << out.output;
  EXPECT_EQ(Send("GET", "/healthz").status, 200);  // the first one is unharmed
}

TEST_F(ServerTest, SigtermStopsGracefullyWithExitZero) {
  EXPECT_EQ(Send("GET", "/healthz").status, 200);
  EXPECT_EQ(process_->Signal(SIGTERM), 0);
  EXPECT_TRUE(absl::StrContains(process_->Stderr(), R"("msg":"stopped")")) << process_->Stderr();
}

TEST_F(ServerTest, AdminTokenIsCreatedAndKeptWhenNoneIsGiven) {
  TempDir dir;
  absl::StatusOr<std::unique_ptr<TrackerdProcess>> process =
      TrackerdProcess::Start({"--data", dir.path()});
  ASSERT_TRUE(process.ok()) << process.status();
  std::string token;
  {
    std::ifstream in(dir.path() + "/admin_token");
    std::getline(in, token);
  }
  ASSERT_GE(token.size(), 32u);
  HttpClient client((*process)->address());
  EXPECT_EQ(client.Request("GET", "/api/v1/programs/x", {"Authorization: Bearer " + token})->status,
            404);
  EXPECT_EQ(client.Request("GET", "/api/v1/programs/x")->status, 401);
  EXPECT_TRUE(absl::StrContains((*process)->Stderr(), "admin_token_file"));
}

TEST_F(ServerTest, EnvironmentVariablesConfigureAndFlagsWin) {
  // TRACKER_PUBLIC_URL shows in the link URLs; --admin-token beats TRACKER_ADMIN_TOKEN.
  setenv("TRACKER_PUBLIC_URL", "https://links.example.com", 1);
  setenv("TRACKER_ADMIN_TOKEN", "environment-token-0123456789", 1);
  StartTrackerd();
  unsetenv("TRACKER_PUBLIC_URL");
  unsetenv("TRACKER_ADMIN_TOKEN");
  SeedProgram();
  MakeLink("env", "https://shop.example.com/");
  EXPECT_TRUE(absl::StrContains(Call("GET", "/api/v1/programs/acme/links/env").body,
                                R"("url":"https://links.example.com/go/env")"));
}

TEST_F(ServerTest, HealthAndReadiness) {
  EXPECT_EQ(Send("GET", "/healthz").status, 200);
  const HttpResult ready = Send("GET", "/readyz");
  EXPECT_EQ(ready.status, 200);
  EXPECT_EQ(ready.body, R"({"status":"ready"})");
  EXPECT_EQ(Send("POST", "/healthz").status, 405);
  EXPECT_EQ(Send("GET", "/no/such/route").status, 404);
}

TEST_F(ServerTest, OversizedHeadersAre431) {
  const HttpResult result = Send("GET", "/healthz", "", {"X-Filler: " + std::string(9000, 'a')});
  EXPECT_EQ(result.status, 431);
  EXPECT_EQ(Send("GET", "/healthz").status, 200);
}

TEST_F(ServerTest, OversizedBodiesAre413AndStoreNothing) {
  const std::string body =
      R"({"name": "A", "currency": "USD", "pad": ")" + std::string(70'000, 'x') + R"("})";
  const HttpResult result = Call("PUT", "/api/v1/programs/big", body);
  EXPECT_EQ(result.status, 413);
  EXPECT_TRUE(absl::StrContains(result.body, "too large")) << result.body;
  EXPECT_EQ(Call("GET", "/api/v1/programs/big").status, 404);
}

TEST_F(ServerTest, MalformedHttpIs400) {
  for (const char* bytes : {"GARBAGE\r\n\r\n", "GET / HTTP/9.9\r\n\r\n",
                            "GET /healthz HTTP/1.1\r\nBad Header Line\r\n\r\n",
                            "POST /healthz HTTP/1.1\r\nContent-Length: -5\r\n\r\n"}) {
    absl::StatusOr<HttpResult> result = client_->Raw(bytes);
    ASSERT_TRUE(result.ok()) << bytes << ": " << result.status();
    EXPECT_EQ(result->status, 400) << bytes;
  }
  EXPECT_EQ(Send("GET", "/healthz").status, 200);
}

TEST_F(ServerTest, RandomBytesNeverCrashOrHangTheServer) {
  std::mt19937 random(20261124);
  for (int i = 0; i < 200; ++i) {
    std::string bytes = i % 2 == 0 ? "GET /go/x HTTP/1.1\r\n" : "";
    const size_t size = random() % 600;
    for (size_t j = 0; j < size; ++j) {
      bytes.push_back(static_cast<char>(random()));
    }
    bytes += "\r\n\r\n";
    (void)client_->Raw(bytes);  // any answer, or none: only the server's survival matters here
  }
  EXPECT_EQ(Send("GET", "/healthz").status, 200);
}

TEST_F(ServerTest, PipelinedRequestsAreAnsweredInOrder) {
  // Four requests in one write, one with a body: each is parsed from what the previous left in
  // the buffer, and the answers come back in the order asked.
  absl::StatusOr<std::vector<HttpResult>> results = client_->RawPipelined(
      "GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n"
      "POST /healthz HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\nhello"
      "GET /nope HTTP/1.1\r\nHost: t\r\n\r\n"
      "GET /readyz HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n",
      4);
  ASSERT_TRUE(results.ok()) << results.status();
  EXPECT_EQ((*results)[0].status, 200);
  EXPECT_EQ((*results)[1].status, 405);
  EXPECT_EQ((*results)[2].status, 404);
  EXPECT_EQ((*results)[3].status, 200);
  EXPECT_TRUE(absl::StrContains((*results)[3].body, "ready")) << (*results)[3].body;
  EXPECT_EQ((*results)[3].Header("connection"), "close");
}

TEST_F(ServerTest, SlowAndIdleConnectionsAreClosedAfterTheReadTimeout) {
  StartTrackerd({"--read-timeout", "300ms"});
  // A request that never finishes (slowloris) is closed within the timeout plus the sweep's
  // quarter of it, not held forever...
  absl::StatusOr<absl::Duration> slow =
      client_->TimeUntilClosed("GET /healthz HTTP/1.1\r\nHost: t\r\nX-Slow: ", absl::Seconds(5));
  ASSERT_TRUE(slow.ok()) << slow.status();
  EXPECT_GE(*slow, absl::Milliseconds(250));
  EXPECT_LE(*slow, absl::Milliseconds(1500));
  // ...and so is a connection that never sends anything, which the kernel holds for about a
  // second before handing it over (TCP_DEFER_ACCEPT).
  absl::StatusOr<absl::Duration> silent = client_->TimeUntilClosed("", absl::Seconds(8));
  ASSERT_TRUE(silent.ok()) << silent.status();
  EXPECT_GE(*silent, absl::Milliseconds(250));
  EXPECT_LE(*silent, absl::Milliseconds(4000));
  // A keep-alive connection idle after its answer is closed the same way...
  absl::StatusOr<absl::Duration> idle =
      client_->TimeUntilClosed("GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n", absl::Seconds(5));
  ASSERT_TRUE(idle.ok()) << idle.status();
  EXPECT_GE(*idle, absl::Milliseconds(250));
  // ...and requests that arrive in time are served as usual.
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(Send("GET", "/healthz").status, 200);
    absl::SleepFor(absl::Milliseconds(100));
  }
}

TEST_F(ServerTest, AnswersLargerThanTheSocketTakesAtOnceArriveWhole) {
  // 32 pipelined requests for Chart.js (about 200 KB each: 6 MB, more than a socket's send
  // buffer ever grows to) from a client with a 4 KiB receive buffer: the server's writes stop
  // part way, wait for room, and resume where they stopped, each answer whole and in order.
  const HttpResult whole = Send("GET", "/shared/chart.min.js");
  ASSERT_EQ(whole.status, 200);
  ASSERT_GT(whole.body.size(), 100'000U);
  std::string requests;
  for (int i = 0; i < 32; ++i) {
    requests += "GET /shared/chart.min.js HTTP/1.1\r\nHost: t\r\n\r\n";
  }
  HttpClient narrow(process_->address());
  narrow.SetReceiveBuffer(4096);
  absl::StatusOr<std::vector<HttpResult>> answers = narrow.RawPipelined(requests, 32);
  ASSERT_TRUE(answers.ok()) << answers.status();
  for (const HttpResult& answer : *answers) {
    EXPECT_EQ(answer.status, 200);
    EXPECT_EQ(answer.body.size(), whole.body.size());
    EXPECT_TRUE(answer.body == whole.body);
  }
}

TEST_F(ServerTest, KeepAliveServesManyRequestsOnOneConnection) {
  for (int i = 0; i < 50; ++i) {
    const HttpResult result = Send("GET", "/healthz");
    ASSERT_EQ(result.status, 200);
  }
}

}  // namespace
}  // namespace clicktrack::testing
