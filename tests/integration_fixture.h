#pragma once

// Base of the integration tests: a real trackerd on loopback port 0 with a real RocksDB in a
// temp dir, spoken to over HTTP, and killed at the end.

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

#include "tests/http_client.h"
#include "tests/temp_dir.h"
#include "tests/trackerd_process.h"

namespace clicktrack::testing {

inline constexpr char kAdminToken[] = "integration-admin-token-0123456789";
// A browser's User-Agent: without one a click counts as a bot's.
inline constexpr char kBrowserAgent[] =
    "User-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/130.0 Safari/537.36";

class TrackerdTest : public ::testing::Test {
 protected:
  void SetUp() override { StartTrackerd(); }

  void StartTrackerd(std::vector<std::string> extra = {}) {
    client_.reset();
    process_.reset();
    std::vector<std::string> args = {"--data",    DataDir(),   "--admin-token",
                                     kAdminToken, "--threads", "2"};
    args.insert(args.end(), extra.begin(), extra.end());
    absl::StatusOr<std::unique_ptr<TrackerdProcess>> process = TrackerdProcess::Start(args);
    ASSERT_TRUE(process.ok()) << process.status();
    process_ = *std::move(process);
    client_ = std::make_unique<HttpClient>(process_->address());
  }

  HttpResult Call(absl::string_view method, absl::string_view target, absl::string_view body = "",
                  std::vector<std::string> headers = {}) {
    headers.push_back(absl::StrCat("Authorization: Bearer ", kAdminToken));
    return Send(method, target, body, headers);
  }

  HttpResult Send(absl::string_view method, absl::string_view target, absl::string_view body = "",
                  const std::vector<std::string>& headers = {}) {
    absl::StatusOr<HttpResult> result = client_->Request(method, target, headers, body);
    EXPECT_TRUE(result.ok()) << method << " " << target << ": " << result.status();
    return result.ok() ? *result : HttpResult{};
  }

  HttpResult Click(absl::string_view target, std::vector<std::string> headers = {kBrowserAgent}) {
    return Send("GET", target, "", headers);
  }

  // Program "acme" (USD, shop.example.com and *.acme.io), partner "p1".
  void SeedProgram() {
    ASSERT_EQ(
        Call("PUT", "/api/v1/programs/acme",
             R"({"name": "Acme SaaS", "currency": "USD", "postback_secret": "at-least-16-chars",
                       "allowed_hosts": ["shop.example.com", "*.acme.io"],
                       "commission": {"first_sale": {"percent": "20"},
                                      "repeat_sale": {"percent": "10"}}})")
            .status,
        200);
    ASSERT_EQ(Call("PUT", "/api/v1/programs/acme/partners/p1", R"({"name": "Partner One"})").status,
              200);
  }

  // Program "acme" (USD, shop.example.com) with `commission` (a JSON object).
  void PutAcme(absl::string_view commission) {
    const HttpResult result =
        Call("PUT", "/api/v1/programs/acme",
             absl::StrCat(R"({"name": "Acme", "currency": "USD", "postback_secret": )",
                          R"("at-least-16-chars", "allowed_hosts": ["shop.example.com"], )",
                          R"("commission": )", commission, "}"));
    ASSERT_EQ(result.status, 200) << result.body;
  }

  void MakeLink(absl::string_view code, absl::string_view destination) {
    const HttpResult result = Call("POST", "/api/v1/programs/acme/links",
                                   absl::StrCat(R"({"partner_id": "p1", "code": ")", code,
                                                R"(", "destination": ")", destination, R"("})"));
    ASSERT_EQ(result.status, 201) << result.body;
  }

  int64_t StatsField(absl::string_view field, absl::string_view partner = "p1");

  // Where trackerd keeps its data: data_, unless a test puts it elsewhere.
  virtual std::string DataDir() const { return data_.path(); }

  TempDir data_;
  std::unique_ptr<TrackerdProcess> process_;
  std::unique_ptr<HttpClient> client_;
};

}  // namespace clicktrack::testing
