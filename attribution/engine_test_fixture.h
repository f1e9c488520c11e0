#pragma once

// The engine tests' fixture: the program "acme" (20 % first sale, 10 % repeat, 15 % upsell,
// 2.00 a lead), partners p1 and p2, an in-memory view, and event builders.

#include <string>
#include <utility>

#include "gtest/gtest.h"

#include "attribution/engine.h"
#include "attribution/testing/in_memory_view.h"

namespace clicktrack::attribution {

inline const absl::Time kT0 =
    absl::FromCivil(absl::CivilSecond(2026, 1, 1, 12, 0, 0), absl::UTCTimeZone());

inline Ulid Customer(uint64_t n) { return Ulid::Make(kT0 - absl::Hours(1000), 0xC, n); }

class EngineTest : public ::testing::Test {
 protected:
  EngineTest() : view_("acme") {
    program_.id = "acme";
    program_.name = "Acme";
    program_.currency = *FindCurrency("USD");
    program_.commission.rules.first_sale = CommissionRule{.percent = Percent{20'00}};
    program_.commission.rules.repeat_sale = CommissionRule{.percent = Percent{10'00}};
    program_.commission.rules.upsell = CommissionRule{.percent = Percent{15'00}};
    program_.commission.rules.lead = CommissionRule{.fixed_minor = 200};
    view_.AddPartner("p1");
    view_.AddPartner("p2");
  }

  ClickRef AddClick(absl::string_view partner, const Ulid& customer, absl::Time time,
                    bool bot = false, absl::string_view program = "acme") {
    const ClickRef click{
        .id = ids_.NewId(time), .time = time, .partner_id = std::string(partner), .bot = bot};
    view_.AddClick(program, customer, click);
    return click;
  }

  static ConversionEvent Sale(absl::string_view order, int64_t amount, absl::Time t,
                              Identities identities = {},
                              ConversionType type = ConversionType::kSale) {
    return ConversionEvent{.order_id = std::string(order),
                           .amount_minor = amount,
                           .type = type,
                           .occurred_at = t,
                           .identities = std::move(identities)};
  }

  static ConversionEvent Refund(absl::string_view order, int64_t amount, absl::Time t,
                                std::string refund_id = "") {
    return ConversionEvent{
        .order_id = std::string(order),
        .amount_minor = amount,
        .status = PaymentStatus::kRefunded,
        .refund_id = refund_id.empty() ? DefaultRefundId(order, amount) : refund_id,
        .occurred_at = t};
  }

  // Decides and applies; fails the test on an error.
  Decision Send(const ConversionEvent& event) {
    absl::StatusOr<Decision> decision = Attribute(program_, event, view_, ids_);
    EXPECT_TRUE(decision.ok()) << decision.status();
    if (!decision.ok()) {
      return Decision{};
    }
    view_.Apply(*decision);
    return *std::move(decision);
  }

  static Identities Cookie(const Ulid& customer) { return Identities{.cookie_customer = customer}; }

  Program program_;
  InMemoryView view_;
  SequentialIds ids_;
};

}  // namespace clicktrack::attribution
