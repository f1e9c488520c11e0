#include "attribution/delivery.h"

#include "gtest/gtest.h"

namespace clicktrack::attribution {
namespace {

const absl::Time kT0 = absl::FromUnixSeconds(1'800'000'000);

TEST(DeliveryTest, RetriesAfterOneSecondDoublingToAnHourThenFails) {
  Delivery delivery{.next_attempt_at = kT0};
  absl::Time now = kT0;
  const absl::Duration expected[] = {absl::Seconds(1),   absl::Seconds(2),   absl::Seconds(4),
                                     absl::Seconds(8),   absl::Seconds(16),  absl::Seconds(32),
                                     absl::Seconds(64),  absl::Seconds(128), absl::Seconds(256),
                                     absl::Seconds(512), absl::Seconds(1024)};
  for (const absl::Duration delay : expected) {
    RecordAttempt(delivery, now, 503, "");
    EXPECT_EQ(delivery.state, DeliveryState::kPending);
    EXPECT_EQ(delivery.next_attempt_at - now, delay);
    EXPECT_EQ(delivery.last_error, "answered HTTP 503");
    now = delivery.next_attempt_at;
  }
  RecordAttempt(delivery, now, 0, "connection refused");
  EXPECT_EQ(delivery.attempts, kMaxDeliveryAttempts);
  EXPECT_EQ(delivery.state, DeliveryState::kFailed);
  EXPECT_EQ(delivery.last_error, "connection refused");
}

TEST(DeliveryTest, AnyTwoHundredDelivers) {
  Delivery delivery;
  RecordAttempt(delivery, kT0, 0, "no answer within 10s");
  RecordAttempt(delivery, kT0, 204, "");
  EXPECT_EQ(delivery.state, DeliveryState::kDelivered);
  EXPECT_EQ(delivery.attempts, 2);
  EXPECT_EQ(delivery.last_status, 204);
  EXPECT_TRUE(delivery.last_error.empty());
}

TEST(DeliveryTest, ARefusalFailsAtOnce) {
  Delivery delivery;
  RecordRefusal(delivery, "t.example resolves to a private address (10.0.0.1)");
  EXPECT_EQ(delivery.state, DeliveryState::kFailed);
  EXPECT_EQ(delivery.attempts, 1);
  EXPECT_EQ(delivery.last_error, "t.example resolves to a private address (10.0.0.1)");
}

TEST(DeliveryTest, TheLongestDelayIsAnHour) {
  Delivery delivery{.attempts = 20};
  RecordAttempt(delivery, kT0, 500, "");
  EXPECT_EQ(delivery.state, DeliveryState::kFailed);  // past the attempts
  Delivery young{.attempts = 10};
  RecordAttempt(young, kT0, 500, "");
  EXPECT_EQ(young.next_attempt_at - kT0, absl::Seconds(1024));
  EXPECT_LE(kFirstRetryDelay * 4096, kLongestRetryDelay * 2);
}

TEST(DeliveryTest, MacrosAreReplacedUrlEncoded) {
  PostbackMacros macros{.click_id = "01J",
                        .order_id = "o 1&x=y",
                        .amount = "10.00",
                        .commission = "-2.00",
                        .event = "reversal",
                        .delivery_id = "D1"};
  macros.subs[0] = "a/b";
  EXPECT_EQ(
      ExpandPostbackUrl("https://t.example/pb?c={click_id}&o={order_id}&a={amount}"
                        "&m={commission}&e={event}&s={sub1}&s2={sub2}&d={delivery_id}",
                        macros),
      "https://t.example/pb?c=01J&o=o%201%26x%3Dy&a=10.00&m=-2.00&e=reversal&s=a%2Fb&s2=&d=D1");
  EXPECT_EQ(ExpandPostbackUrl("https://t.example/pb?x=1", macros), "https://t.example/pb?x=1");
}

}  // namespace
}  // namespace clicktrack::attribution
