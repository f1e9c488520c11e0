// Postbacks to partners (SPEC §4.7) against a real trackerd and a real receiver on loopback:
// every delivery arrives through failed attempts and a kill -9, and a private address is
// refused at delivery.

#include <algorithm>
#include <csignal>
#include <iostream>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"

#include "tests/conversion_fixture.h"
#include "tests/postback_receiver.h"

namespace clicktrack::testing {
namespace {

class PartnerPostbackTest : public ConversionFixture {
 protected:
  void SetUp() override {
    StartTrackerd({"--block-private-postbacks=false"});
    SeedProgram();
    MakeLink("c1", "https://shop.example.com/");
  }

  void SetPostbackUrl(absl::string_view url) {
    ASSERT_EQ(Call("PUT", "/api/v1/programs/acme/partners/p1",
                   absl::StrCat(R"({"name": "Partner One", "postback_url": ")", url, R"("})"))
                  .status,
              200);
  }

  void Sale(int n, absl::string_view click_id) {
    ASSERT_EQ(
        PostbackGet(absl::StrCat("order_id=o", n, "&amount=10.00&currency=USD&click_id=", click_id))
            .status,
        200);
  }

  boost::json::array Deliveries() {
    const boost::json::object page =
        Json(Call("GET", "/api/v1/programs/acme/partners/p1/postbacks?limit=500"));
    return page.contains("deliveries") ? page.at("deliveries").as_array() : boost::json::array{};
  }
};

TEST_F(PartnerPostbackTest, EveryDeliveryArrivesThroughFailuresAndAKill) {
  PostbackReceiver receiver(/*failures_per_delivery=*/1);
  SetPostbackUrl(
      absl::StrCat("http://127.0.0.1:", receiver.port(),
                   "/pb?cid={click_id}&order={order_id}&amount={amount}&commission="
                   "{commission}&event={event}&status={status}&s1={sub1}&id={delivery_id}"));
  const std::string location = Click("/go/c1?sub1=a%20b").Header("location");
  const std::string click_id = location.substr(location.rfind("click_id=") + 9, 26);
  for (int n = 0; n < 10; ++n) {
    Sale(n, click_id);
  }
  absl::SleepFor(absl::Milliseconds(300));  // first attempts made (and refused), retries due
  EXPECT_EQ(process_->Signal(SIGKILL), 128 + SIGKILL);
  StartTrackerd({"--block-private-postbacks=false"});
  for (int n = 10; n < 20; ++n) {
    Sale(n, click_id);
  }
  ASSERT_EQ(PostbackGet("order_id=o0&amount=10.00&currency=USD&status=refunded").status, 200);
  constexpr size_t kMovements = 21;  // 20 accruals and a reversal
  const absl::Time deadline = absl::Now() + absl::Seconds(30);
  while (receiver.delivered().size() < kMovements && absl::Now() < deadline) {
    absl::SleepFor(absl::Milliseconds(100));
  }
  const std::map<std::string, int> delivered = receiver.delivered();
  int twice = 0;
  for (const auto& [id, times] : delivered) {
    EXPECT_LE(times, 2) << id;
    twice += times > 1 ? 1 : 0;
  }
  std::cout << "postbacks: " << receiver.arrivals().size() << " requests, " << delivered.size()
            << " deliveries delivered, " << twice << " delivered twice (in flight at the kill)\n";
  EXPECT_EQ(delivered.size(), kMovements);

  std::string conversion, reversal;
  for (const PostbackReceiver::Arrival& arrival : receiver.arrivals()) {
    EXPECT_TRUE(absl::StrContains(arrival.target, absl::StrCat("id=", arrival.delivery_id)));
    if (absl::StrContains(arrival.target, "order=o0&")) {
      (absl::StrContains(arrival.target, "event=reversal") ? reversal : conversion) =
          arrival.target;
    }
  }
  EXPECT_EQ(conversion.substr(0, conversion.find("&id=")),
            absl::StrCat("/pb?cid=", click_id, "&order=o0&amount=10.00&commission=2.00",
                         "&event=conversion&status=approved&s1=a%20b"));
  EXPECT_TRUE(absl::StrContains(reversal, "commission=-2.00&event=reversal&status=reversed"))
      << reversal;

  // The receiver counts a request as it answers it; the worker records the answer a moment
  // later.
  const auto all_delivered = [](const boost::json::array& deliveries) {
    return std::all_of(deliveries.begin(), deliveries.end(), [](const boost::json::value& d) {
      return Field(d.as_object(), "state") == "delivered";
    });
  };
  boost::json::array listed = Deliveries();
  while (!all_delivered(listed) && absl::Now() < deadline) {
    absl::SleepFor(absl::Milliseconds(50));
    listed = Deliveries();
  }
  ASSERT_EQ(listed.size(), kMovements);
  for (const boost::json::value& delivery : listed) {
    EXPECT_EQ(Field(delivery.as_object(), "state"), "delivered") << delivery;
    EXPECT_GE(delivery.as_object().at("attempts").as_int64(), 2) << delivery;
  }
}

TEST_F(PartnerPostbackTest, APrivateAddressIsRefusedAtDelivery) {
  StartTrackerd();  // --block-private-postbacks on, as by default
  PostbackReceiver receiver(/*failures_per_delivery=*/0);
  SetPostbackUrl(absl::StrCat("http://localhost:", receiver.port(), "/pb?id={delivery_id}"));
  const std::string location = Click("/go/c1").Header("location");
  Sale(1, location.substr(location.rfind("click_id=") + 9, 26));
  std::string error = "null", state;
  const absl::Time deadline = absl::Now() + absl::Seconds(10);
  while (error == "null" && absl::Now() < deadline) {
    const boost::json::array listed = Deliveries();
    if (!listed.empty()) {
      error = Field(listed.front().as_object(), "last_error");
      state = Field(listed.front().as_object(), "state");
    }
    absl::SleepFor(absl::Milliseconds(100));
  }
  EXPECT_TRUE(absl::StrContains(error, "resolves to a private address")) << error;
  EXPECT_EQ(state, "failed");  // at once: retrying cannot help until the URL changes
  EXPECT_TRUE(receiver.arrivals().empty());
}

TEST_F(PartnerPostbackTest, RetryingAnUnknownOrUnfailedDeliveryIsRefused) {
  EXPECT_EQ(Call("POST", "/api/v1/programs/acme/partners/p1/postbacks/nope/retry").status, 404);
  PostbackReceiver receiver(/*failures_per_delivery=*/0);
  SetPostbackUrl(absl::StrCat("http://127.0.0.1:", receiver.port(), "/pb"));
  const std::string location = Click("/go/c1").Header("location");
  Sale(1, location.substr(location.rfind("click_id=") + 9, 26));
  const boost::json::array listed = Deliveries();
  ASSERT_EQ(listed.size(), 1u);
  const HttpResult retry =
      Call("POST", absl::StrCat("/api/v1/programs/acme/partners/p1/postbacks/",
                                Field(listed.front().as_object(), "delivery_id"), "/retry"));
  EXPECT_EQ(retry.status, 409) << retry.body;
  EXPECT_EQ(Call("GET", "/api/v1/programs/acme/partners/p1/postbacks?limit=0").status, 400);
}

}  // namespace
}  // namespace clicktrack::testing
