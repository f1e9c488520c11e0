// What a partner token reaches (access.h): GETs of its own partner's reports, nothing else,
// whatever the path's length.

#include "tracker/api/access.h"

#include "gtest/gtest.h"

namespace clicktrack::tracker {
namespace {

storage::PartnerToken JanesToken() {
  return storage::PartnerToken{.id = "tok_1", .program_id = "acme", .partner_id = "jane"};
}

TEST(PartnerReachTest, ReadsItsOwnReportsOnly) {
  const storage::PartnerToken token = JanesToken();
  for (const char* path :
       {"/api/v1/programs/acme/partners/jane", "/api/v1/programs/acme/partners/jane/stats",
        "/api/v1/programs/acme/partners/jane/cohorts", "/api/v1/programs/acme/partners/jane/daily",
        "/api/v1/programs/acme/partners/jane/links",
        "/api/v1/programs/acme/partners/jane/balance"}) {
    EXPECT_TRUE(CheckPartnerReach(token, Method::kGet, path).ok()) << path;
    EXPECT_TRUE(CheckPartnerReach(token, Method::kHead, path).ok()) << path;
    EXPECT_EQ(CheckPartnerReach(token, Method::kPut, path).code(),
              absl::StatusCode::kPermissionDenied)
        << path;
  }
}

TEST(PartnerReachTest, EverythingElseIsDeniedWhateverItsLength) {
  const storage::PartnerToken token = JanesToken();
  for (const char* path :
       {"", "/", "/api", "/api/v1/programs", "/api/v1/programs/acme", "/api/v1/programs/acme/kpis",
        "/api/v1/programs/acme/partners", "/api/v1/programs/acme/partners/omar/stats",
        "/api/v1/programs/other/partners/jane/stats", "/api/v1/programs/acme/partners/jane/tokens",
        "/api/v1/programs/acme/partners/jane/", "/api/v1/programs/acme/partners/jane/stats/x",
        "/api/v1/programs/acme/partners/jane/postbacks/1/retry", "/api/v1/admin/backups"}) {
    const absl::Status status = CheckPartnerReach(token, Method::kGet, path);
    EXPECT_EQ(status.code(), absl::StatusCode::kPermissionDenied) << path;
    EXPECT_NE(status.message().find("/partners/jane"), absl::string_view::npos) << status;
  }
}

}  // namespace
}  // namespace clicktrack::tracker
