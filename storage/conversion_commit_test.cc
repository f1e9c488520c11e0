// The committer against a real RocksDB: decisions, durability across reopen, group commit,
// the ledger and customer reads.

#include <condition_variable>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

#include "attribution/testing/in_memory_view.h"
#include "storage/store.h"
#include "tests/temp_dir.h"

namespace clicktrack::storage {
namespace {

using attribution::ConversionEvent;
using attribution::Decision;
using attribution::Result;
using attribution::StatsCounter;
using attribution::Ulid;

const absl::Time kT0 = absl::FromCivil(absl::CivilSecond(2026, 3, 1, 9, 0, 0), absl::UTCTimeZone());

// Standard-library locks throughout, not absl::Mutex or absl::Notification: ThreadSanitizer
// sees them (Debian's Abseil is not instrumented).

// Thread-safe ids for a store shared by several submitting threads.
class LockedIds final : public attribution::IdSource {
 public:
  Ulid NewId(absl::Time time) override {
    std::lock_guard lock(mu_);
    return ids_.NewId(time);
  }

 private:
  std::mutex mu_;
  attribution::SequentialIds ids_;
};

// Counts the committer's answers, from any thread, and waits for a number of them.
class AnswerTally {
 public:
  void Add(const absl::StatusOr<Decision>& result) {
    std::lock_guard lock(mu_);
    ++answered_;
    failed_ += result.ok() ? 0 : 1;
    changed_.notify_all();
  }
  // Waits until `count` answers came; returns how many of them were errors.
  int FailedOnceAnswered(int count) {
    std::unique_lock lock(mu_);
    changed_.wait(lock, [&] { return answered_ >= count; });
    return failed_;
  }

 private:
  std::mutex mu_;
  std::condition_variable changed_;
  int answered_ = 0;
  int failed_ = 0;
};

class ConversionCommitTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Reopen();
    attribution::Program program;
    program.id = "acme";
    program.name = "Acme";
    program.currency = *attribution::FindCurrency("USD");
    program.allowed_hosts = {"shop.example.com"};
    program.commission.rules.first_sale =
        attribution::CommissionRule{.percent = attribution::Percent{20'00}};
    program.commission.rules.repeat_sale =
        attribution::CommissionRule{.percent = attribution::Percent{10'00}};
    ASSERT_TRUE(store_->config().PutProgram(program).ok());
    ASSERT_TRUE(store_->config().PutPartner({.program_id = "acme", .id = "p1"}).ok());
    ASSERT_TRUE(store_->config()
                    .CreateLink({.code = "c1",
                                 .program_id = "acme",
                                 .partner_id = "p1",
                                 .destination = "https://shop.example.com/"})
                    .ok());
  }

  void Reopen() {
    store_.reset();
    absl::StatusOr<std::unique_ptr<Store>> store =
        OpenRocksDbStore({.path = dir_.path(), .ids = &ids_});
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
  }

  // A click of partner p1 by `customer` at `time`, through the redirect's write path.
  Ulid Click(const Ulid& customer, absl::Time time) { return WriteClick(time, customer); }

  // A new visitor's click, as the redirect writes it: the click's id is the customer's id.
  Ulid MintingClick(absl::Time time) { return WriteClick(time, std::nullopt); }

  Ulid WriteClick(absl::Time time, std::optional<Ulid> customer) {
    attribution::Click click;
    click.id = ids_.NewId(time);
    click.time = time;
    click.program_id = "acme";
    click.partner_id = "p1";
    click.link_code = "c1";
    click.customer_id = customer.value_or(click.id);
    click.new_customer = !customer.has_value();
    EXPECT_TRUE(store_->clicks().RecordClick(click).ok());
    return click.id;
  }

  absl::StatusOr<Decision> Submit(ConversionEvent event, std::string program = "acme") {
    std::promise<absl::StatusOr<Decision>> outcome;
    store_->committer().SubmitConversion(
        std::move(program), std::move(event),
        [&](absl::StatusOr<Decision> result) { outcome.set_value(std::move(result)); });
    return outcome.get_future().get();
  }

  static ConversionEvent Sale(std::string order, int64_t amount, absl::Time t,
                              std::optional<Ulid> cookie = std::nullopt) {
    return ConversionEvent{.order_id = std::move(order),
                           .amount_minor = amount,
                           .occurred_at = t,
                           .identities = {.cookie_customer = cookie}};
  }

  testing::TempDir dir_;
  LockedIds ids_;
  std::unique_ptr<Store> store_;
  const Ulid customer_ = Ulid::Make(kT0 - absl::Hours(5), 7, 7);
};

TEST_F(ConversionCommitTest, TheClickThatMintedACustomerIsThatCustomersFirstClick) {
  // The redirect stores no customer_clicks entry for a new visitor's first click; the engine
  // must find it all the same, through the customer's id, and only within the window.
  const Ulid visitor = MintingClick(kT0 - absl::Hours(2));
  absl::StatusOr<Decision> sale = Submit(Sale("o1", 1000, kT0, visitor));
  ASSERT_TRUE(sale.ok()) << sale.status();
  EXPECT_EQ(sale->result, Result::kAttributed);
  EXPECT_EQ(sale->conversion->partner_id, "p1");
  EXPECT_EQ(sale->conversion->click_id, visitor);

  // A visitor back with the cookie before buying: both clicks are the customer's, and the
  // latest decides (last click, the default model).
  const Ulid second = MintingClick(kT0 - absl::Hours(3));
  const Ulid returning = Click(second, kT0 - absl::Hours(1));
  absl::StatusOr<Decision> after_return = Submit(Sale("o2", 1000, kT0, second));
  ASSERT_TRUE(after_return.ok()) << after_return.status();
  EXPECT_EQ(after_return->conversion->click_id, returning);

  const Ulid old_visitor = MintingClick(kT0 - absl::Hours(24 * 400));
  absl::StatusOr<Decision> late = Submit(Sale("o3", 1000, kT0, old_visitor));
  ASSERT_TRUE(late.ok()) << late.status();
  EXPECT_EQ(late->result, Result::kUnattributed);  // its only click is outside the window

  // A cookie holding the id of a click that belongs to another customer does not make that
  // click this customer's.
  const Ulid someone_elses = Click(customer_, kT0 - absl::Hours(3));
  absl::StatusOr<Decision> forged = Submit(Sale("o4", 1000, kT0, someone_elses));
  ASSERT_TRUE(forged.ok()) << forged.status();
  EXPECT_EQ(forged->result, Result::kUnattributed);
}

// A returning visitor's click of now waits in the click log's pending index before its
// customer_clicks entry is stored (clicks older than the store's watermark, like the ones
// above, are stored at once). The engine sees it either way, and both kinds together.
TEST_F(ConversionCommitTest, ReturningClicksCountWhetherTheirEntriesWaitOrAreStored) {
  const absl::Time now = absl::Now();
  const Ulid waiting_visitor = MintingClick(now + absl::Seconds(1));
  const Ulid waiting = Click(waiting_visitor, now + absl::Seconds(2));
  const Ulid stored_visitor = MintingClick(now + absl::Seconds(1));
  const Ulid stored = Click(stored_visitor, now + absl::Seconds(2));
  const Ulid both_visitor = MintingClick(now + absl::Seconds(1));
  Click(both_visitor, now + absl::Seconds(2));
  absl::StatusOr<Decision> sale =
      Submit(Sale("o1", 1000, now + absl::Seconds(10), waiting_visitor));
  ASSERT_TRUE(sale.ok()) << sale.status();
  EXPECT_EQ(sale->conversion->click_id, waiting);

  Reopen();  // a stop stores the entries that waited
  sale = Submit(Sale("o2", 1000, now + absl::Seconds(10), stored_visitor));
  ASSERT_TRUE(sale.ok()) << sale.status();
  EXPECT_EQ(sale->conversion->click_id, stored);

  const Ulid latest = Click(both_visitor, now + absl::Seconds(30));  // waits beside a stored one
  sale = Submit(Sale("o3", 1000, now + absl::Seconds(40), both_visitor));
  ASSERT_TRUE(sale.ok()) << sale.status();
  EXPECT_EQ(sale->conversion->click_id, latest);
}

TEST_F(ConversionCommitTest, AttributedSaleIsDurableAcrossReopen) {
  Click(customer_, kT0 - absl::Hours(1));
  absl::StatusOr<Decision> sale = Submit(Sale("o1", 4900, kT0, customer_));
  ASSERT_TRUE(sale.ok()) << sale.status();
  EXPECT_EQ(sale->result, Result::kAttributed);
  EXPECT_EQ(sale->conversion->partner_id, "p1");
  EXPECT_EQ(sale->conversion->commission_minor, 980);

  Reopen();
  absl::StatusOr<attribution::Conversion> stored = store_->reports().GetConversion("acme", "o1");
  ASSERT_TRUE(stored.ok()) << stored.status();
  EXPECT_EQ(stored->id, sale->conversion->id);
  absl::StatusOr<attribution::CustomerState> customer =
      store_->reports().GetCustomer("acme", customer_);
  ASSERT_TRUE(customer.ok()) << customer.status();
  EXPECT_EQ(customer->owner_partner_id, "p1");
  EXPECT_EQ(customer->ltv_minor, 4900);

  // The same order again after the restart is a duplicate with the original id.
  absl::StatusOr<Decision> again = Submit(Sale("o1", 4900, kT0 + absl::Hours(1)));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->result, Result::kDuplicate);
  EXPECT_EQ(again->conversion->id, sale->conversion->id);

  const absl::CivilDay day = absl::ToCivilDay(kT0, absl::UTCTimeZone());
  absl::StatusOr<StatsTotals> stats = store_->reports().ReadStats("acme", "p1", day, day);
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->Get(StatsCounter::kFirstSales), 1);
  EXPECT_EQ(stats->Get(StatsCounter::kRevenue), 4900);
  EXPECT_EQ(stats->Get(StatsCounter::kCommissionFirstSale), 980);
  EXPECT_EQ(stats->Get(StatsCounter::kCustomersAcquired), 1);
}

TEST_F(ConversionCommitTest, ErrorsWriteNothing) {
  ASSERT_TRUE(Submit(Sale("o1", 1000, kT0)).ok());
  absl::StatusOr<Decision> conflict = Submit(Sale("o1", 2000, kT0));
  EXPECT_EQ(conflict.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(Submit(Sale("o2", 1000, kT0), "nope").status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(store_->reports().GetConversion("acme", "o1")->amount_minor, 1000);
  EXPECT_EQ(store_->reports().GetConversion("nope", "o2").status().code(),
            absl::StatusCode::kNotFound);
}

TEST_F(ConversionCommitTest, ConcurrentEventsAreGroupCommitted) {
  constexpr int kThreads = 8;
  constexpr int kPerThread = 50;
  AnswerTally tally;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        store_->committer().SubmitConversion(
            "acme", Sale(absl::StrCat("t", t, "-", i), 1000 + i, kT0 + absl::Seconds(i)),
            [&](absl::StatusOr<Decision> result) { tally.Add(result); });
      }
    });
  }
  for (std::thread& thread : threads) {
    thread.join();
  }
  EXPECT_EQ(tally.FailedOnceAnswered(kThreads * kPerThread), 0);
  const CommitterStats stats = store_->committer().committer_stats();
  EXPECT_EQ(stats.events, static_cast<uint64_t>(kThreads * kPerThread));
  EXPECT_LT(stats.batches, stats.events);  // several events per fsync
  Reopen();
  for (int t = 0; t < kThreads; ++t) {
    for (int i = 0; i < kPerThread; ++i) {
      ASSERT_TRUE(store_->reports().GetConversion("acme", absl::StrCat("t", t, "-", i)).ok());
    }
  }
}

TEST_F(ConversionCommitTest, CountersOfOneBatchAddUp) {
  // Many sales of one customer at once: the committer decides several per batch and sums
  // their stats counters per key before writing; the totals must be exact all the same.
  Click(customer_, kT0 - absl::Hours(1));
  constexpr int kSales = 120;
  AnswerTally tally;
  for (int i = 0; i < kSales; ++i) {
    store_->committer().SubmitConversion(
        "acme", Sale(absl::StrCat("s", i), 1000, kT0 + absl::Seconds(i), customer_),
        [&](absl::StatusOr<Decision> result) { tally.Add(result); });
  }
  EXPECT_EQ(tally.FailedOnceAnswered(kSales), 0);
  EXPECT_LT(store_->committer().committer_stats().batches, static_cast<uint64_t>(kSales));

  Reopen();
  const absl::CivilDay day = absl::ToCivilDay(kT0, absl::UTCTimeZone());
  absl::StatusOr<StatsTotals> stats = store_->reports().ReadStats("acme", "p1", day, day);
  ASSERT_TRUE(stats.ok()) << stats.status();
  EXPECT_EQ(stats->Get(StatsCounter::kFirstSales), 1);
  EXPECT_EQ(stats->Get(StatsCounter::kRepeatSales), kSales - 1);
  EXPECT_EQ(stats->Get(StatsCounter::kRevenue), kSales * 1000);
  EXPECT_EQ(stats->Get(StatsCounter::kCommissionFirstSale), 200);
  EXPECT_EQ(stats->Get(StatsCounter::kCommissionRepeatSale), (kSales - 1) * 100);
  EXPECT_EQ(stats->Get(StatsCounter::kCustomersAcquired), 1);
  absl::StatusOr<attribution::CustomerState> customer =
      store_->reports().GetCustomer("acme", customer_);
  ASSERT_TRUE(customer.ok()) << customer.status();
  EXPECT_EQ(customer->sales, kSales);
  EXPECT_EQ(customer->ltv_minor, kSales * 1000);
}

TEST_F(ConversionCommitTest, LedgerPagesNewestFirst) {
  Click(customer_, kT0 - absl::Hours(1));
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(Submit(Sale(absl::StrCat("o", i), 1000, kT0 + absl::Hours(i), customer_)).ok());
  }
  absl::StatusOr<LedgerPage> first = store_->reports().ListLedger("acme", "p1", std::nullopt, 2);
  ASSERT_TRUE(first.ok());
  ASSERT_EQ(first->entries.size(), 2u);
  EXPECT_EQ(first->entries[0].order_id, "o4");
  EXPECT_EQ(first->entries[1].order_id, "o3");
  ASSERT_TRUE(first->next_cursor.has_value());
  absl::StatusOr<LedgerPage> second =
      store_->reports().ListLedger("acme", "p1", first->next_cursor, 2);
  ASSERT_EQ(second->entries.size(), 2u);
  EXPECT_EQ(second->entries[0].order_id, "o2");
  absl::StatusOr<LedgerPage> last =
      store_->reports().ListLedger("acme", "p1", second->next_cursor, 2);
  ASSERT_EQ(last->entries.size(), 1u);
  EXPECT_EQ(last->entries[0].order_id, "o0");
  EXPECT_FALSE(last->next_cursor.has_value());
  EXPECT_TRUE(store_->reports().ListLedger("acme", "nobody", std::nullopt, 10)->entries.empty());
}

TEST_F(ConversionCommitTest, QueuedRefundIsAppliedWhenItsOrderArrives) {
  ConversionEvent refund{.order_id = "o1",
                         .amount_minor = 1000,
                         .status = attribution::PaymentStatus::kRefunded,
                         .refund_id = "r1",
                         .occurred_at = kT0};
  absl::StatusOr<Decision> queued = Submit(refund);
  ASSERT_TRUE(queued.ok());
  EXPECT_EQ(queued->result, Result::kQueued);
  Reopen();
  Click(customer_, kT0 - absl::Hours(1));
  absl::StatusOr<Decision> sale = Submit(Sale("o1", 4000, kT0 + absl::Minutes(1), customer_));
  ASSERT_TRUE(sale.ok());
  EXPECT_EQ(sale->conversion->refunded_minor, 1000);
  EXPECT_EQ(sale->conversion->reversed_minor, 200);  // a quarter of 8.00
  EXPECT_EQ(Submit(refund)->result, Result::kDuplicate);
}

TEST_F(ConversionCommitTest, EachOrderGetsOnlyItsOwnQueuedRefunds) {
  auto refund = [](std::string order, std::string id, int64_t amount, absl::Time t) {
    return ConversionEvent{.order_id = std::move(order),
                           .amount_minor = amount,
                           .status = attribution::PaymentStatus::kRefunded,
                           .refund_id = std::move(id),
                           .occurred_at = t};
  };
  // Two refunds wait for o1 (one of them sent twice), one for o2.
  ASSERT_EQ(Submit(refund("o1", "r1", 500, kT0))->result, Result::kQueued);
  ASSERT_EQ(Submit(refund("o2", "r2", 700, kT0))->result, Result::kQueued);
  ASSERT_EQ(Submit(refund("o1", "r3", 300, kT0 + absl::Seconds(1)))->result, Result::kQueued);
  ASSERT_EQ(Submit(refund("o1", "r1", 500, kT0))->result, Result::kDuplicate);
  Reopen();

  Click(customer_, kT0 - absl::Hours(1));
  absl::StatusOr<Decision> o1 = Submit(Sale("o1", 4000, kT0 + absl::Minutes(1), customer_));
  ASSERT_TRUE(o1.ok()) << o1.status();
  EXPECT_EQ(o1->conversion->refunded_minor, 800);  // r1 + r3, not r2
  // A refund after its order is applied at once and queues nothing.
  absl::StatusOr<Decision> late = Submit(refund("o1", "r4", 200, kT0 + absl::Minutes(2)));
  ASSERT_TRUE(late.ok()) << late.status();
  EXPECT_EQ(late->result, Result::kReversed);
  absl::StatusOr<Decision> o2 = Submit(Sale("o2", 1000, kT0 + absl::Minutes(3)));
  ASSERT_TRUE(o2.ok()) << o2.status();
  EXPECT_EQ(o2->conversion->refunded_minor, 700);
  // Nothing waits any more: a new order of the same shape gets no refund.
  absl::StatusOr<Decision> o3 = Submit(Sale("o3", 1000, kT0 + absl::Minutes(4)));
  ASSERT_TRUE(o3.ok()) << o3.status();
  EXPECT_EQ(o3->conversion->refunded_minor, 0);
  Reopen();
  EXPECT_EQ(store_->reports().GetConversion("acme", "o1")->refunded_minor, 1000);
  EXPECT_EQ(store_->reports().GetConversion("acme", "o2")->refunded_minor, 700);
}

TEST_F(ConversionCommitTest, CustomersAreFoundByReferenceAndThroughMerges) {
  ConversionEvent by_ref = Sale("o1", 1000, kT0);
  by_ref.identities.customer_ref = "cus_123";
  ASSERT_TRUE(Submit(by_ref).ok());
  absl::StatusOr<attribution::CustomerState> found =
      store_->reports().FindCustomerByRef("acme", "cus_123");
  ASSERT_TRUE(found.ok()) << found.status();
  const Ulid survivor = found->id;

  // A device cookie joins the same customer; it is then found through the alias.
  ConversionEvent both = Sale("o2", 1000, kT0 + absl::Hours(1), customer_);
  both.identities.customer_ref = "cus_123";
  ASSERT_TRUE(Submit(both).ok());
  absl::StatusOr<attribution::CustomerState> via_cookie =
      store_->reports().GetCustomer("acme", customer_);
  ASSERT_TRUE(via_cookie.ok()) << via_cookie.status();
  EXPECT_EQ(via_cookie->sales, 2);
  EXPECT_TRUE(via_cookie->id == survivor || via_cookie->id == customer_);
  EXPECT_EQ(store_->reports().FindCustomerByRef("acme", "cus_123")->id, via_cookie->id);
}

TEST_F(ConversionCommitTest, EachBatchReadsTheCustomerAsTheLastOneLeftIt) {
  // One sale per batch (each Submit waits for its answer): the committer remembers the
  // customer between batches, and must see every change the batch before made to it.
  Click(customer_, kT0 - absl::Hours(1));
  ConversionEvent first = Sale("o1", 1000, kT0, customer_);
  first.identities.customer_ref = "cus_9";
  absl::StatusOr<Decision> sale = Submit(first);
  ASSERT_TRUE(sale.ok()) << sale.status();
  EXPECT_EQ(sale->conversion->kind, attribution::ConversionKind::kFirstSale);
  for (int i = 2; i <= 4; ++i) {
    ConversionEvent next = Sale(absl::StrCat("o", i), 1000, kT0 + absl::Hours(i));
    next.identities.customer_ref = "cus_9";
    sale = Submit(next);
    ASSERT_TRUE(sale.ok()) << sale.status();
    EXPECT_EQ(sale->conversion->kind, attribution::ConversionKind::kRepeatSale) << i;
    EXPECT_EQ(sale->conversion->partner_id, "p1") << i;
    EXPECT_EQ(sale->conversion->commission_minor, 100) << i;
  }
  // A second reference joins the customer (an alias, or the same id), then names it alone.
  ConversionEvent joined = Sale("o5", 1000, kT0 + absl::Hours(5));
  joined.identities.customer_ref = "cus_9";
  joined.identities.email_sha256 = std::string(64, 'a');
  ASSERT_TRUE(Submit(joined).ok());
  ConversionEvent by_email = Sale("o6", 1000, kT0 + absl::Hours(6));
  by_email.identities.email_sha256 = std::string(64, 'a');
  sale = Submit(by_email);
  ASSERT_TRUE(sale.ok()) << sale.status();
  EXPECT_EQ(sale->conversion->kind, attribution::ConversionKind::kRepeatSale);
  absl::StatusOr<attribution::CustomerState> customer =
      store_->reports().FindCustomerByRef("acme", "cus_9");
  ASSERT_TRUE(customer.ok()) << customer.status();
  EXPECT_EQ(customer->sales, 6);
  EXPECT_EQ(customer->ltv_minor, 6000);
  Reopen();  // and what the cache held is what the store holds
  customer = store_->reports().FindCustomerByRef("acme", "cus_9");
  ASSERT_TRUE(customer.ok()) << customer.status();
  EXPECT_EQ(customer->sales, 6);
}

}  // namespace
}  // namespace clicktrack::storage
