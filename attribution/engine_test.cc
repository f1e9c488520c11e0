#include "attribution/engine.h"

#include <limits>
#include <string>

#include "gtest/gtest.h"

#include "attribution/commission.h"
#include "attribution/engine_test_fixture.h"

namespace clicktrack::attribution {
namespace {

// §5.4: nobody known, no click.
TEST_F(EngineTest, NoIdentityIsUnattributedAndMakesANewCustomer) {
  const Decision d = Send(Sale("o1", 4900, kT0));
  EXPECT_EQ(d.result, Result::kUnattributed);
  ASSERT_TRUE(d.conversion.has_value());
  EXPECT_EQ(d.conversion->partner_id, "");
  EXPECT_EQ(d.conversion->commission_minor, 0);
  EXPECT_EQ(d.conversion->kind, ConversionKind::kFirstSale);
  EXPECT_TRUE(d.ledger.empty());
  EXPECT_EQ(view_.customers().size(), 1u);
  EXPECT_EQ(view_.Counter("", StatsCounter::kRevenue), 4900);
}

// §5.3: a click in the window credits its partner, who becomes the owner from T.
TEST_F(EngineTest, ClickInWindowIsAttributedAndMakesTheOwner) {
  AddClick("p1", Customer(1), kT0 - absl::Hours(2));
  const Decision d = Send(Sale("o1", 4900, kT0, Cookie(Customer(1))));
  EXPECT_EQ(d.result, Result::kAttributed);
  EXPECT_EQ(d.conversion->partner_id, "p1");
  EXPECT_EQ(d.conversion->kind, ConversionKind::kFirstSale);
  EXPECT_EQ(d.conversion->commission_minor, 980);  // 49.00 × 20 %
  const CustomerState& state = view_.customers().at(Customer(1));
  EXPECT_EQ(state.owner_partner_id, "p1");
  EXPECT_EQ(state.owned_since, kT0);
  ASSERT_EQ(d.ledger.size(), 1u);
  EXPECT_EQ(d.ledger[0].type, LedgerType::kAccrual);
  EXPECT_EQ(d.ledger[0].commission_minor, 980);
  EXPECT_EQ(view_.Counter("p1", StatsCounter::kCustomersAcquired), 1);
  EXPECT_EQ(view_.Counter("p1", StatsCounter::kFirstSales), 1);
  EXPECT_EQ(view_.Counter("p1", StatsCounter::kCommissionFirstSale), 980);
}

struct WindowCase {
  const char* name;
  absl::Duration click_before_conversion;  // negative: the click comes after the conversion
  bool bot;
  bool other_program;
  bool attributed;
};

class ClickWindowTest : public EngineTest, public ::testing::WithParamInterface<WindowCase> {};

TEST_P(ClickWindowTest, QualifyingClicks) {
  const WindowCase& c = GetParam();
  AddClick("p1", Customer(1), kT0 - c.click_before_conversion, c.bot,
           c.other_program ? "other" : "acme");
  const Decision d = Send(Sale("o1", 1000, kT0, Cookie(Customer(1))));
  EXPECT_EQ(d.result, c.attributed ? Result::kAttributed : Result::kUnattributed) << c.name;
}

INSTANTIATE_TEST_SUITE_P(
    Rule3, ClickWindowTest,
    ::testing::Values(
        WindowCase{"inside", absl::Hours(1), false, false, true},
        WindowCase{"at the window's end", absl::Hours(720), false, false, true},
        WindowCase{"after the window", absl::Hours(720) + absl::Seconds(1), false, false, false},
        WindowCase{"same instant", absl::ZeroDuration(), false, false, true},
        WindowCase{"click after the conversion", -absl::Seconds(1), false, false, false},
        WindowCase{"bot", absl::Hours(1), true, false, false},
        WindowCase{"another program", absl::Hours(1), false, true, false}),
    [](const ::testing::TestParamInfo<WindowCase>& info) {
      std::string name = info.param.name;
      for (char& ch : name) {
        if (!std::isalnum(static_cast<unsigned char>(ch))) {
          ch = '_';
        }
      }
      return name;
    });

TEST_F(EngineTest, LastClickAndFirstClickModels) {
  AddClick("p1", Customer(1), kT0 - absl::Hours(10));
  AddClick("p2", Customer(1), kT0 - absl::Hours(5));
  EXPECT_EQ(Send(Sale("o1", 1000, kT0, Cookie(Customer(1)))).conversion->partner_id, "p2");

  program_.attribution.model = AttributionModel::kFirstClick;
  AddClick("p1", Customer(2), kT0 - absl::Hours(10));
  AddClick("p2", Customer(2), kT0 - absl::Hours(5));
  EXPECT_EQ(Send(Sale("o2", 1000, kT0, Cookie(Customer(2)))).conversion->partner_id, "p1");
}

TEST_F(EngineTest, AnExplicitQualifyingClickIdWins) {
  const ClickRef early = AddClick("p1", Customer(1), kT0 - absl::Hours(10));
  AddClick("p2", Customer(1), kT0 - absl::Hours(5));
  const Decision d = Send(Sale("o1", 1000, kT0, Identities{.click_id = early.id}));
  EXPECT_EQ(d.conversion->partner_id, "p1");
  EXPECT_EQ(d.conversion->click_id, early.id);
  EXPECT_EQ(d.conversion->customer_id, Customer(1));
}

TEST_F(EngineTest, AnExplicitClickOutsideItsWindowFallsBackToTheCustomersClicks) {
  const ClickRef old = AddClick("p1", Customer(1), kT0 - absl::Hours(800));
  AddClick("p2", Customer(1), kT0 - absl::Hours(5));
  EXPECT_EQ(Send(Sale("o1", 1000, kT0, Identities{.click_id = old.id})).conversion->partner_id,
            "p2");
}

// §5.2: the owner is credited even when another partner's click came later.
TEST_F(EngineTest, OwnerFirst) {
  AddClick("p1", Customer(1), kT0 - absl::Hours(1));
  Send(Sale("o1", 10000, kT0, Cookie(Customer(1))));
  AddClick("p2", Customer(1), kT0 + absl::Hours(24));
  const Decision d = Send(Sale("o2", 10000, kT0 + absl::Hours(25), Cookie(Customer(1))));
  EXPECT_EQ(d.result, Result::kAttributed);
  EXPECT_EQ(d.conversion->partner_id, "p1");
  EXPECT_EQ(d.conversion->kind, ConversionKind::kRepeatSale);
  EXPECT_EQ(d.conversion->commission_minor, 1000);  // 10 %
  EXPECT_EQ(view_.Counter("p1", StatsCounter::kCustomersAcquired), 1);
}

// §5.1: an owned customer seen on a new device, with another partner's click there, is one
// person once an identity links the devices: the original owner keeps the customer.
TEST_F(EngineTest, IdentityMergeKeepsTheOriginalOwner) {
  AddClick("p1", Customer(1), kT0 - absl::Hours(1));
  Send(Sale("o1", 10000, kT0, Identities{.cookie_customer = Customer(1), .email_sha256 = "e1"}));

  // Months later, a new device (cookie 2) clicks p2's link; the order carries the e-mail.
  const absl::Time later = kT0 + absl::Hours(24 * 60);
  AddClick("p2", Customer(2), later - absl::Hours(1));
  const Decision d = Send(
      Sale("o2", 5000, later, Identities{.cookie_customer = Customer(2), .email_sha256 = "e1"}));
  EXPECT_EQ(d.conversion->partner_id, "p1");
  EXPECT_EQ(d.conversion->customer_id, Customer(1));
  EXPECT_EQ(d.conversion->kind, ConversionKind::kRepeatSale);
  ASSERT_EQ(d.put_aliases.size(), 1u);
  EXPECT_EQ(d.put_aliases[0], std::make_pair(Customer(2), Customer(1)));

  // A renewal carrying only the new device's cookie finds the same person.
  const Decision renewal = Send(Sale("o3", 5000, later + absl::Hours(1), Cookie(Customer(2))));
  EXPECT_EQ(renewal.conversion->customer_id, Customer(1));
  EXPECT_EQ(renewal.conversion->partner_id, "p1");
  EXPECT_EQ(view_.customers().at(Customer(1)).sales, 3);
  EXPECT_EQ(view_.customers().at(Customer(1)).ltv_minor, 20000);
}

TEST_F(EngineTest, MergeOfTwoUnownedCustomersKeepsTheOldestAndBothHistories) {
  Send(Sale("o1", 1000, kT0, Identities{.customer_ref = "cus_A"}));
  Send(Sale("o2", 2000, kT0 + absl::Hours(1), Identities{.email_sha256 = "e2"}));
  const Ulid first = view_.conversions().at("o1").customer_id;
  const Ulid second = view_.conversions().at("o2").customer_id;
  ASSERT_NE(first, second);
  const Decision d = Send(Sale("o3", 3000, kT0 + absl::Hours(2),
                               Identities{.customer_ref = "cus_A", .email_sha256 = "e2"}));
  EXPECT_EQ(d.conversion->customer_id, first);
  EXPECT_EQ(d.conversion->kind, ConversionKind::kRepeatSale);
  EXPECT_EQ(view_.customers().at(first).sales, 3);
  EXPECT_EQ(view_.customers().at(first).ltv_minor, 6000);
  // The e-mail alone now leads to the survivor.
  EXPECT_EQ(Send(Sale("o4", 10, kT0 + absl::Hours(3), Identities{.email_sha256 = "e2"}))
                .conversion->customer_id,
            first);
}

TEST_F(EngineTest, MergedCustomersClicksCount) {
  // Device 2 clicked p2; the order links device 2 to a known but unowned customer by ref.
  Send(Sale("o1", 1000, kT0, Identities{.customer_ref = "cus_A"}));
  AddClick("p2", Customer(2), kT0 + absl::Hours(1));
  const Decision d =
      Send(Sale("o2", 1000, kT0 + absl::Hours(2),
                Identities{.cookie_customer = Customer(2), .customer_ref = "cus_A"}));
  EXPECT_EQ(d.result, Result::kAttributed);
  EXPECT_EQ(d.conversion->partner_id, "p2");
}

// The lifetime runs out: the next qualifying click's partner takes the customer over, and the
// sale is still a repeat sale (or an upsell).
TEST_F(EngineTest, LifetimeExpiryHandsTheCustomerOver) {
  program_.attribution.lifetime = absl::Hours(24 * 30);
  AddClick("p1", Customer(1), kT0 - absl::Hours(1));
  Send(Sale("o1", 10000, kT0, Cookie(Customer(1))));

  const absl::Time inside = kT0 + absl::Hours(24 * 30);
  EXPECT_EQ(Send(Sale("o2", 10000, inside, Cookie(Customer(1)))).conversion->partner_id, "p1");

  const absl::Time after = kT0 + absl::Hours(24 * 31);
  EXPECT_EQ(Send(Sale("o3", 10000, after, Cookie(Customer(1)))).result, Result::kUnattributed);

  AddClick("p2", Customer(1), after + absl::Hours(1));
  const Decision d =
      Send(Sale("o4", 10000, after + absl::Hours(2), Cookie(Customer(1)), ConversionType::kUpsell));
  EXPECT_EQ(d.conversion->partner_id, "p2");
  EXPECT_EQ(d.conversion->kind, ConversionKind::kUpsell);
  EXPECT_EQ(view_.customers().at(Customer(1)).owner_partner_id, "p2");
  EXPECT_EQ(view_.customers().at(Customer(1)).owned_since, after + absl::Hours(2));
}

struct KindCase {
  const char* name;
  bool earlier_sale;
  ConversionType type;
  ConversionKind kind;
  int64_t commission;  // on 100.00 with the fixture's rules
};

class KindTest : public EngineTest, public ::testing::WithParamInterface<KindCase> {};

TEST_P(KindTest, KindAndRule) {
  const KindCase& c = GetParam();
  AddClick("p1", Customer(1), kT0 - absl::Hours(1));
  if (c.earlier_sale) {
    Send(Sale("first", 10000, kT0 - absl::Minutes(30), Cookie(Customer(1))));
  }
  const Decision d = Send(Sale("o", 10000, kT0, Cookie(Customer(1)), c.type));
  EXPECT_EQ(d.conversion->kind, c.kind) << c.name;
  EXPECT_EQ(d.conversion->commission_minor, c.commission) << c.name;
}

INSTANTIATE_TEST_SUITE_P(
    Rule5, KindTest,
    ::testing::Values(
        KindCase{"lead", false, ConversionType::kLead, ConversionKind::kLead, 200},
        KindCase{"lead after a sale", true, ConversionType::kLead, ConversionKind::kLead, 200},
        KindCase{"first sale", false, ConversionType::kSale, ConversionKind::kFirstSale, 2000},
        KindCase{"first sale sent as upsell", false, ConversionType::kUpsell,
                 ConversionKind::kFirstSale, 2000},
        KindCase{"repeat sale", true, ConversionType::kSale, ConversionKind::kRepeatSale, 1000},
        KindCase{"upsell", true, ConversionType::kUpsell, ConversionKind::kUpsell, 1500}),
    [](const ::testing::TestParamInfo<KindCase>& info) {
      std::string name = info.param.name;
      for (char& ch : name) {
        if (!std::isalnum(static_cast<unsigned char>(ch))) {
          ch = '_';
        }
      }
      return name;
    });

TEST_F(EngineTest, LeadsNeitherCountAsSalesNorAsLtv) {
  AddClick("p1", Customer(1), kT0 - absl::Hours(1));
  Send(Sale("lead", 5000, kT0, Cookie(Customer(1)), ConversionType::kLead));
  EXPECT_EQ(view_.customers().at(Customer(1)).ltv_minor, 0);
  EXPECT_EQ(view_.Counter("p1", StatsCounter::kRevenue), 0);
  // The customer's first sale is still a first sale.
  EXPECT_EQ(Send(Sale("o1", 5000, kT0 + absl::Hours(1), Cookie(Customer(1)))).conversion->kind,
            ConversionKind::kFirstSale);
}

TEST_F(EngineTest, UnattributedFirstSaleMakesTheNextARepeatSale) {
  Send(Sale("o1", 1000, kT0, Cookie(Customer(1))));
  AddClick("p1", Customer(1), kT0 + absl::Hours(1));
  const Decision d = Send(Sale("o2", 1000, kT0 + absl::Hours(2), Cookie(Customer(1))));
  EXPECT_EQ(d.conversion->partner_id, "p1");
  EXPECT_EQ(d.conversion->kind, ConversionKind::kRepeatSale);
}

// §5.6 rule selection.
TEST(EffectiveRuleTest, OverridesThenProgramThenUpsellFallsBackToRepeat) {
  CommissionRules program;
  program.first_sale = CommissionRule{.percent = Percent{20'00}};
  program.repeat_sale = CommissionRule{.percent = Percent{10'00}};
  CommissionRules overrides;
  overrides.first_sale = CommissionRule{.percent = Percent{30'00}};
  EXPECT_EQ(EffectiveRule(program, overrides, ConversionKind::kFirstSale)->percent->hundredths,
            30'00);
  EXPECT_EQ(EffectiveRule(program, {}, ConversionKind::kFirstSale)->percent->hundredths, 20'00);
  EXPECT_EQ(EffectiveRule(program, {}, ConversionKind::kUpsell)->percent->hundredths, 10'00);
  overrides.repeat_sale = CommissionRule{.fixed_minor = 500};
  EXPECT_EQ(*EffectiveRule(program, overrides, ConversionKind::kUpsell)->fixed_minor, 500);
  EXPECT_FALSE(EffectiveRule(program, {}, ConversionKind::kLead).has_value());
}

TEST(CommissionForTest, PercentAndFixedAddAndRoundHalfAwayFromZero) {
  EXPECT_EQ(CommissionFor({.percent = Percent{10'00}, .fixed_minor = 100}, 4990),
            599);                                               // 4.99 + 1.00
  EXPECT_EQ(CommissionFor({.percent = Percent{10'00}}, 5), 1);  // 0.005 -> 0.01
  EXPECT_EQ(CommissionFor({.percent = Percent{12'50}}, 1), 0);  // 0.00125 -> 0.00
  EXPECT_EQ(CommissionFor({.percent = Percent{12'50}}, 4), 1);  // 0.005 -> 0.01
  EXPECT_EQ(CommissionFor({.fixed_minor = 200}, 0), 200);
}

TEST_F(EngineTest, PartnerOverrideIsPaid) {
  view_.AddPartner("vip", CommissionRules{.first_sale = CommissionRule{.percent = Percent{35'00}}});
  AddClick("vip", Customer(1), kT0 - absl::Hours(1));
  EXPECT_EQ(Send(Sale("o1", 10000, kT0, Cookie(Customer(1)))).conversion->commission_minor, 3500);
}

TEST_F(EngineTest, MissingRulePaysNothingAndWritesNoLedgerEntry) {
  program_.commission.rules.first_sale.reset();
  AddClick("p1", Customer(1), kT0 - absl::Hours(1));
  const Decision d = Send(Sale("o1", 10000, kT0, Cookie(Customer(1))));
  EXPECT_EQ(d.result, Result::kAttributed);
  EXPECT_EQ(d.conversion->commission_minor, 0);
  EXPECT_TRUE(d.ledger.empty());
}

// §5.6 hold.
TEST_F(EngineTest, CommissionIsPendingUntilTheHoldEnds) {
  program_.commission.hold = absl::Hours(720);
  AddClick("p1", Customer(1), kT0 - absl::Hours(1));
  const Conversion c = *Send(Sale("o1", 10000, kT0, Cookie(Customer(1)))).conversion;
  EXPECT_EQ(c.approve_at, kT0 + absl::Hours(720));
  EXPECT_EQ(StatusAt(c, kT0), CommissionStatus::kPending);
  EXPECT_EQ(StatusAt(c, kT0 + absl::Hours(719)), CommissionStatus::kPending);
  EXPECT_EQ(StatusAt(c, kT0 + absl::Hours(720)), CommissionStatus::kApproved);

  program_.commission.hold = absl::ZeroDuration();
  AddClick("p1", Customer(2), kT0 - absl::Hours(1));
  const Conversion now = *Send(Sale("o2", 10000, kT0, Cookie(Customer(2)))).conversion;
  EXPECT_EQ(StatusAt(now, kT0), CommissionStatus::kApproved);
}

// §5.7 loyalty bonus.
TEST_F(EngineTest, LoyaltyBonusIsPaidOnceWhenLtvPassesTheBar) {
  program_.commission.loyalty_bonus = LoyaltyBonus{.ltv_over_minor = 50000, .amount_minor = 2500};
  AddClick("p1", Customer(1), kT0 - absl::Hours(1));
  auto bonuses = [&] {
    int n = 0;
    for (const LedgerEntry& e : view_.ledger()) {
      n += e.type == LedgerType::kBonus ? 1 : 0;
    }
    return n;
  };
  Send(Sale("o1", 30000, kT0, Cookie(Customer(1))));
  Send(Sale("lead", 90000, kT0 + absl::Hours(1), Cookie(Customer(1)), ConversionType::kLead));
  Send(Sale("o2", 20000, kT0 + absl::Hours(2), Cookie(Customer(1))));  // LTV 500.00: not above
  EXPECT_EQ(bonuses(), 0);
  Send(Sale("o3", 1, kT0 + absl::Hours(3), Cookie(Customer(1))));  // 500.01
  EXPECT_EQ(bonuses(), 1);
  EXPECT_EQ(view_.Counter("p1", StatsCounter::kBonus), 2500);
  Send(Refund("o3", 1, kT0 + absl::Hours(4)));  // never reversed
  Send(Sale("o4", 90000, kT0 + absl::Hours(5), Cookie(Customer(1))));
  EXPECT_EQ(bonuses(), 1);
  EXPECT_EQ(view_.Counter("p1", StatsCounter::kBonus), 2500);
}

TEST_F(EngineTest, NoLoyaltyBonusForUnattributedSales) {
  program_.commission.loyalty_bonus = LoyaltyBonus{.ltv_over_minor = 100, .amount_minor = 2500};
  Send(Sale("o1", 30000, kT0, Cookie(Customer(1))));
  EXPECT_TRUE(view_.ledger().empty());
}

// §5.8 idempotency.
TEST_F(EngineTest, SameOrderTwiceIsADuplicateAndAnotherAmountIsAConflict) {
  AddClick("p1", Customer(1), kT0 - absl::Hours(1));
  const Conversion original = *Send(Sale("o1", 4900, kT0, Cookie(Customer(1)))).conversion;
  const Decision again = Send(Sale("o1", 4900, kT0 + absl::Hours(1)));
  EXPECT_EQ(again.result, Result::kDuplicate);
  EXPECT_EQ(again.conversion->id, original.id);
  EXPECT_EQ(again.conversion->commission_minor, original.commission_minor);
  EXPECT_FALSE(again.has_writes());
  const absl::StatusOr<Decision> conflict = Attribute(program_, Sale("o1", 5000, kT0), view_, ids_);
  EXPECT_EQ(conflict.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(view_.ledger().size(), 1u);
}

// §5.10: a late click never moves a recorded conversion.
TEST_F(EngineTest, AConversionIsAttributedOnce) {
  Send(Sale("o1", 4900, kT0, Cookie(Customer(1))));
  AddClick("p1", Customer(1), kT0 - absl::Minutes(1));  // arrives late
  const Decision again = Send(Sale("o1", 4900, kT0, Cookie(Customer(1))));
  EXPECT_EQ(again.result, Result::kDuplicate);
  EXPECT_EQ(again.conversion->partner_id, "");
}

// §5.9 refunds.
TEST_F(EngineTest, PartialRefundsReverseProportionallyAndNeverMoreThanPaid) {
  view_.AddPartner("odd", CommissionRules{.first_sale = CommissionRule{.fixed_minor = 999}});
  AddClick("odd", Customer(1), kT0 - absl::Hours(1));
  Send(Sale("o1", 10000, kT0, Cookie(Customer(1))));  // commission 9.99
  const Decision r1 = Send(Refund("o1", 3333, kT0 + absl::Hours(1)));
  EXPECT_EQ(r1.result, Result::kReversed);
  EXPECT_EQ(r1.refund->reversed_minor, 333);  // round(9.99 × 33.33 / 100) = 3.33
  const Decision r2 = Send(Refund("o1", 3333, kT0 + absl::Hours(2), "second"));
  EXPECT_EQ(r2.refund->reversed_minor, 333);  // total round(6.659) = 6.66
  const Decision r3 = Send(Refund("o1", 3334, kT0 + absl::Hours(3)));
  EXPECT_EQ(r3.refund->reversed_minor, 333);  // total 9.99
  EXPECT_EQ(r3.conversion->reversed_minor, 999);
  EXPECT_EQ(StatusAt(*r3.conversion, kT0 + absl::Hours(4)), CommissionStatus::kReversed);
  int64_t net = 0;
  for (const LedgerEntry& e : view_.ledger()) {
    net += e.commission_minor;
  }
  EXPECT_EQ(net, 0);
  EXPECT_EQ(view_.customers().at(Customer(1)).ltv_minor, 0);
  EXPECT_EQ(view_.Counter("odd", StatsCounter::kRefunded), 10000);
  EXPECT_EQ(view_.Counter("odd", StatsCounter::kCommissionFirstSale), 0);
}

TEST_F(EngineTest, RefundsNeverExceedTheOrderAndRepeatAsDuplicates) {
  AddClick("p1", Customer(1), kT0 - absl::Hours(1));
  Send(Sale("o1", 10000, kT0, Cookie(Customer(1))));
  Send(Refund("o1", 6000, kT0 + absl::Hours(1), "r1"));
  const absl::StatusOr<Decision> over =
      Attribute(program_, Refund("o1", 4001, kT0, "r2"), view_, ids_);
  EXPECT_EQ(over.status().code(), absl::StatusCode::kInvalidArgument);
  // Defect 14 of issue 10: the reason quoted minor units ("10001 minor units").
  EXPECT_NE(
      over.status().message().find("would total 100.01 USD, more than its amount of 100.00 USD"),
      std::string::npos)
      << over.status();
  const Decision again = Send(Refund("o1", 6000, kT0 + absl::Hours(2), "r1"));
  EXPECT_EQ(again.result, Result::kDuplicate);
  EXPECT_FALSE(again.has_writes());
  EXPECT_EQ(view_.conversions().at("o1").refunded_minor, 6000);
  EXPECT_EQ(Attribute(program_, Refund("o1", 0, kT0, "r3"), view_, ids_).status().code(),
            absl::StatusCode::kInvalidArgument);
}

// SPEC §5.9 (defect 3 of issue 10): a refund id reused on another order answered duplicate,
// with that other order's conversion, and the second refund was never applied.
TEST_F(EngineTest, ARefundIdOfAnotherOrderOrAmountIsAConflict) {
  Send(Sale("a", 10000, kT0));
  Send(Sale("b", 10000, kT0));
  Send(Refund("a", 1000, kT0 + absl::Hours(1), "r1"));
  const absl::StatusOr<Decision> other_order =
      Attribute(program_, Refund("b", 1000, kT0 + absl::Hours(2), "r1"), view_, ids_);
  EXPECT_EQ(other_order.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_NE(other_order.status().message().find("another order"), std::string::npos);
  const absl::StatusOr<Decision> other_amount =
      Attribute(program_, Refund("a", 2000, kT0 + absl::Hours(2), "r1"), view_, ids_);
  EXPECT_EQ(other_amount.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(view_.conversions().at("b").refunded_minor, 0);
  // A queued refund's id is taken too.
  Send(Refund("later", 500, kT0, "r2"));
  EXPECT_EQ(Attribute(program_, Refund("a", 500, kT0, "r2"), view_, ids_).status().code(),
            absl::StatusCode::kAlreadyExists);
  const Decision again = Send(Refund("a", 1000, kT0 + absl::Hours(3), "r1"));
  EXPECT_EQ(again.result, Result::kDuplicate);
  EXPECT_EQ(again.conversion->order_id, "a");
}

// SPEC §3 (defect 2 of issue 10): sums wrapped to negative revenue. An event that would take
// a customer's LTV or a partner's totals past int64 is refused and writes nothing.
TEST_F(EngineTest, NoTotalEverWraps) {
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  AddClick("p1", Customer(1), kT0 - absl::Hours(1));
  view_.SetPartnerTotals("p1", PartnerTotals{.revenue_minor = kMax - 100});
  const absl::StatusOr<Decision> partner_full =
      Attribute(program_, Sale("o1", 101, kT0, Cookie(Customer(1))), view_, ids_);
  EXPECT_EQ(partner_full.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(partner_full.status().message().find("partner p1's totals past 92233720368547758.07"),
            std::string::npos)
      << partner_full.status();
  const Decision fits = Send(Sale("o1", 100, kT0, Cookie(Customer(1))));
  EXPECT_EQ(fits.result, Result::kAttributed);
  ASSERT_EQ(fits.put_partner_totals.size(), 1u);
  EXPECT_EQ(fits.put_partner_totals[0].second.revenue_minor, kMax);
  EXPECT_EQ(fits.put_partner_totals[0].second.commission_minor, 20);

  // The unattributed conversions' totals, and a refund's.
  view_.SetPartnerTotals("", PartnerTotals{.refunded_minor = kMax});
  Send(Sale("u1", 500, kT0));
  EXPECT_EQ(Attribute(program_, Refund("u1", 1, kT0), view_, ids_).status().code(),
            absl::StatusCode::kInvalidArgument);

  // A customer's LTV, however little its partner has.
  AddClick("p2", Customer(2), kT0 - absl::Hours(1));
  Send(Sale("big", kMax - 100, kT0, Cookie(Customer(2))));
  view_.SetPartnerTotals("p2", {});
  const absl::StatusOr<Decision> ltv_full =
      Attribute(program_, Sale("more", 101, kT0, Cookie(Customer(2))), view_, ids_);
  EXPECT_EQ(ltv_full.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(ltv_full.status().message().find("lifetime value"), std::string::npos);
  EXPECT_FALSE(view_.conversions().contains("more"));
}

TEST_F(EngineTest, RefundBeforeItsOrderIsQueuedThenAppliedAndCapped) {
  const Decision queued = Send(Refund("o1", 4000, kT0, "r1"));
  EXPECT_EQ(queued.result, Result::kQueued);
  EXPECT_FALSE(queued.conversion.has_value());
  Send(Refund("o1", 9000, kT0 + absl::Seconds(1), "r2"));

  AddClick("p1", Customer(1), kT0 - absl::Hours(1));
  const Decision order = Send(Sale("o1", 10000, kT0 + absl::Minutes(1), Cookie(Customer(1))));
  EXPECT_EQ(order.result, Result::kAttributed);
  EXPECT_EQ(order.conversion->refunded_minor, 10000);  // 40.00 + 60.00 of the 90.00 asked
  EXPECT_EQ(order.conversion->reversed_minor, 2000);
  ASSERT_EQ(order.notes.size(), 1u);
  EXPECT_NE(order.notes[0].find("capped"), std::string::npos);
  EXPECT_EQ(view_.customers().at(Customer(1)).ltv_minor, 0);
  EXPECT_EQ(Send(Refund("o1", 4000, kT0, "r1")).result, Result::kDuplicate);
}

TEST_F(EngineTest, RefundOfAnUnattributedOrderOnlyLowersLtv) {
  Send(Sale("o1", 10000, kT0, Cookie(Customer(1))));
  const Decision r = Send(Refund("o1", 2500, kT0 + absl::Hours(1)));
  EXPECT_EQ(r.result, Result::kReversed);
  EXPECT_TRUE(r.ledger.empty());
  EXPECT_EQ(view_.customers().at(Customer(1)).ltv_minor, 7500);
}

}  // namespace
}  // namespace clicktrack::attribution
