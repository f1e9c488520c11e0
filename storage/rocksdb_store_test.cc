#include <filesystem>
#include <memory>
#include <string>

#include "gtest/gtest.h"

#include "storage/store.h"
#include "tests/temp_dir.h"

namespace clicktrack::storage {
namespace {

using attribution::Click;
using attribution::StatsCounter;
using attribution::Ulid;

class RocksDbStoreTest : public ::testing::Test {
 protected:
  void SetUp() override { Reopen(); }

  void Reopen() {
    store_.reset();
    absl::StatusOr<std::unique_ptr<Store>> store = OpenRocksDbStore({.path = dir_.path()});
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
  }

  void SeedConfig() {
    attribution::Program program;
    program.id = "acme";
    program.name = "Acme";
    program.currency = *attribution::FindCurrency("USD");
    program.allowed_hosts = {"shop.example.com"};
    program.commission.rules.first_sale =
        attribution::CommissionRule{.percent = attribution::Percent{2000}};
    ASSERT_TRUE(store_->config().PutProgram(program).ok());
    ASSERT_TRUE(
        store_->config().PutPartner({.program_id = "acme", .id = "p1", .name = "P One"}).ok());
    ASSERT_TRUE(store_->config()
                    .CreateLink({.code = "abc",
                                 .program_id = "acme",
                                 .partner_id = "p1",
                                 .destination = "https://shop.example.com/x"})
                    .ok());
    ASSERT_TRUE(store_->config()
                    .CreateLink({.code = "other",
                                 .program_id = "acme",
                                 .partner_id = "p1",
                                 .destination = "https://shop.example.com/y"})
                    .ok());
  }

  Click MakeClick(absl::Time time, const Ulid& customer, absl::string_view code = "abc",
                  bool bot = false) {
    Click click;
    ++sequence_;
    click.id = Ulid::Make(time, sequence_, sequence_ * 7919);
    click.time = time;
    click.program_id = "acme";
    click.partner_id = "p1";
    click.link_code = std::string(code);
    click.customer_id = customer;
    click.bot = bot;
    return click;
  }

  testing::TempDir dir_;
  std::unique_ptr<Store> store_;
  uint64_t sequence_ = 0;
  const absl::Time t0_ =
      absl::FromCivil(absl::CivilSecond(2026, 11, 20, 10, 0, 0), absl::UTCTimeZone());
  const Ulid customer_ = Ulid::Make(absl::FromUnixSeconds(5), 1, 1);
};

TEST_F(RocksDbStoreTest, ConfigSurvivesReopen) {
  SeedConfig();
  Reopen();
  const absl::StatusOr<ConfigStore::ProgramRef> found = store_->config().GetProgram("acme");
  ASSERT_TRUE(found.ok()) << found.status();
  const ConfigStore::ProgramRef& program = *found;
  EXPECT_EQ(program->name, "Acme");
  EXPECT_EQ(program->currency.Code(), "USD");
  ASSERT_TRUE(program->commission.rules.first_sale.has_value());
  EXPECT_EQ(program->commission.rules.first_sale->percent->hundredths, 2000);
  EXPECT_EQ(store_->config().ListPartners("acme").size(), 1u);
  std::string location;
  EXPECT_TRUE(store_->config().VisitActiveLink(
      "abc", [&](const CachedLink& link) { location = link.redirect.Expand("ID"); }));
  EXPECT_EQ(location, "https://shop.example.com/x?click_id=ID");
}

TEST_F(RocksDbStoreTest, LinkCodesAreUniqueAndNeedAPartner) {
  SeedConfig();
  EXPECT_EQ(store_->config()
                .CreateLink({.code = "abc",
                             .program_id = "acme",
                             .partner_id = "p1",
                             .destination = "https://shop.example.com/"})
                .code(),
            absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(store_->config()
                .CreateLink({.code = "new",
                             .program_id = "acme",
                             .partner_id = "nobody",
                             .destination = "https://shop.example.com/"})
                .code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(store_->config().PutPartner({.program_id = "nope", .id = "p1"}).code(),
            absl::StatusCode::kNotFound);
}

TEST_F(RocksDbStoreTest, DisabledLinkIsNotVisited) {
  SeedConfig();
  attribution::Link link = *store_->config().GetLink("acme", "abc");
  link.active = false;
  ASSERT_TRUE(store_->config().UpdateLink(link).ok());
  EXPECT_FALSE(store_->config().VisitActiveLink("abc", [](const CachedLink&) {}));
  Reopen();
  EXPECT_FALSE(store_->config().VisitActiveLink("abc", [](const CachedLink&) {}));
  EXPECT_TRUE(store_->config().GetLink("acme", "abc").ok());
}

TEST_F(RocksDbStoreTest, ClickRoundTrip) {
  SeedConfig();
  Click click = MakeClick(t0_, customer_);
  click.subs[0] = "campaign";
  click.subs[2] = "third";
  ASSERT_TRUE(store_->clicks().RecordClick(click).ok());
  absl::StatusOr<Click> stored = store_->clicks().GetClick(click.id);
  ASSERT_TRUE(stored.ok()) << stored.status();
  EXPECT_EQ(stored->customer_id, customer_);
  EXPECT_EQ(stored->link_code, "abc");
  EXPECT_EQ(stored->subs[0], "campaign");
  EXPECT_EQ(stored->subs[1], "");
  EXPECT_EQ(stored->subs[2], "third");
  EXPECT_TRUE(stored->unique);
  EXPECT_EQ(store_->clicks().GetClick(Ulid::Make(t0_, 9, 9)).status().code(),
            absl::StatusCode::kNotFound);
}

// Defect 1 of issue 10: texts were proto3 `string`s, and a record holding bytes that are not
// UTF-8 (written before the edge checked them) could never be read again. Texts are `bytes`
// now: the same bytes on disk, and readers never fail over them.
TEST_F(RocksDbStoreTest, ARecordWithInvalidUtf8StaysReadable) {
  SeedConfig();
  Click click = MakeClick(t0_, customer_);
  click.subs[0] = "caf\xE9";
  ASSERT_TRUE(store_->clicks().RecordClick(click).ok());
  absl::StatusOr<Click> stored = store_->clicks().GetClick(click.id);
  ASSERT_TRUE(stored.ok()) << stored.status();
  EXPECT_EQ(stored->subs[0], "caf\xE9");
}

TEST_F(RocksDbStoreTest, ClickRecordsReusedByAThreadCarryNothingOver) {
  // RecordClicks overwrites one record per thread; a click must not inherit the sub-ids,
  // link or bot flag of the click written before it.
  SeedConfig();
  Click first = MakeClick(t0_, customer_, "other", /*bot=*/true);
  first.subs = {"one", "two", "three", "four", "five"};
  ASSERT_TRUE(store_->clicks().RecordClick(first).ok());
  const Ulid stranger = Ulid::Make(t0_, 42, 42);
  Click second = MakeClick(t0_ + absl::Seconds(1), stranger);
  second.subs[1] = "only-second";
  ASSERT_TRUE(store_->clicks().RecordClick(second).ok());

  absl::StatusOr<Click> stored = store_->clicks().GetClick(second.id);
  ASSERT_TRUE(stored.ok()) << stored.status();
  EXPECT_EQ(stored->customer_id, stranger);
  EXPECT_EQ(stored->link_code, "abc");
  EXPECT_FALSE(stored->bot);
  EXPECT_EQ(stored->subs[0], "");
  EXPECT_EQ(stored->subs[1], "only-second");
  for (size_t i = 2; i < stored->subs.size(); ++i) {
    EXPECT_EQ(stored->subs[i], "") << "sub" << i + 1;
  }
  EXPECT_EQ(store_->clicks().GetClick(first.id)->subs[4], "five");
}

TEST_F(RocksDbStoreTest, RepeatClicksWithin24HoursCountOnce) {
  SeedConfig();
  const absl::CivilDay day = absl::ToCivilDay(t0_, absl::UTCTimeZone());
  Click first = MakeClick(t0_, customer_);
  Click again = MakeClick(t0_ + absl::Hours(1), customer_);
  Click other_link = MakeClick(t0_ + absl::Hours(2), customer_, "other");
  Click next_day = MakeClick(t0_ + absl::Hours(25), customer_);
  Click stranger = MakeClick(t0_ + absl::Hours(3), Ulid::Make(t0_, 77, 77));
  for (Click* click : {&first, &again, &other_link, &next_day, &stranger}) {
    ASSERT_TRUE(store_->clicks().RecordClick(*click).ok());
  }
  EXPECT_TRUE(first.unique);
  EXPECT_FALSE(again.unique);
  EXPECT_TRUE(other_link.unique);
  EXPECT_TRUE(next_day.unique);
  EXPECT_TRUE(stranger.unique);

  absl::StatusOr<StatsTotals> stats = store_->reports().ReadStats("acme", "p1", day, day + 1);
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->Get(StatsCounter::kClicks), 5);
  EXPECT_EQ(stats->Get(StatsCounter::kUniqueClicks), 4);
  stats = store_->reports().ReadStats("acme", "p1", day, day);
  EXPECT_EQ(stats->Get(StatsCounter::kClicks), 4);
  EXPECT_EQ(stats->Get(StatsCounter::kUniqueClicks), 3);
  stats = store_->reports().ReadStats("acme", "p1", day + 1, day + 1);
  EXPECT_EQ(stats->Get(StatsCounter::kClicks), 1);
  stats = store_->reports().ReadStats("acme", "p1", day - 10, day - 1);
  EXPECT_EQ(stats->Get(StatsCounter::kClicks), 0);
}

TEST_F(RocksDbStoreTest, ANewVisitorsFirstClickCountsForUniquenessWithoutAnEntry) {
  // The redirect names a new visitor's customer after the click; later clicks of that
  // customer must still see it when deciding whether they are unique.
  SeedConfig();
  Click first = MakeClick(t0_, customer_);
  first.customer_id = first.id;
  first.new_customer = true;
  ASSERT_TRUE(store_->clicks().RecordClick(first).ok());
  EXPECT_EQ(store_->clicks().GetClick(first.id)->customer_id, first.id);

  Click again = MakeClick(t0_ + absl::Hours(1), first.id);
  Click other_link = MakeClick(t0_ + absl::Hours(2), first.id, "other");
  Click next_day = MakeClick(t0_ + absl::Hours(25), first.id);
  // Decided from what the click log remembers of this customer since `again`, not the store.
  Click later_next_day = MakeClick(t0_ + absl::Hours(26), first.id);
  Click other_link_again = MakeClick(t0_ + absl::Hours(27), first.id, "other");
  for (Click* click : {&again, &other_link, &next_day, &later_next_day, &other_link_again}) {
    ASSERT_TRUE(store_->clicks().RecordClick(*click).ok());
  }
  EXPECT_TRUE(first.unique);
  EXPECT_FALSE(again.unique);
  EXPECT_TRUE(other_link.unique);
  EXPECT_TRUE(next_day.unique);
  EXPECT_FALSE(later_next_day.unique);
  EXPECT_TRUE(other_link_again.unique);  // 25 hours after the first on that link
  EXPECT_EQ(store_->clicks().GetClick(again.id)->customer_id, first.id);

  // A cookie holding the id of a click that belongs to another customer: that click is not
  // this customer's first click, so it does not make this one a repeat.
  Click someone_elses = MakeClick(t0_ + absl::Hours(3), customer_);
  ASSERT_TRUE(store_->clicks().RecordClick(someone_elses).ok());
  Click forged = MakeClick(t0_ + absl::Hours(4), someone_elses.id);
  ASSERT_TRUE(store_->clicks().RecordClick(forged).ok());
  EXPECT_TRUE(forged.unique);
}

TEST_F(RocksDbStoreTest, BotClicksAreStoredButNotCounted) {
  SeedConfig();
  Click bot = MakeClick(t0_, customer_, "abc", /*bot=*/true);
  ASSERT_TRUE(store_->clicks().RecordClick(bot).ok());
  EXPECT_FALSE(bot.unique);
  EXPECT_TRUE(store_->clicks().GetClick(bot.id)->bot);
  const absl::CivilDay day = absl::ToCivilDay(t0_, absl::UTCTimeZone());
  EXPECT_EQ(store_->reports().ReadStats("acme", "p1", day, day)->Get(StatsCounter::kClicks), 0);
  // A person's click after the bot's is still unique.
  Click person = MakeClick(t0_ + absl::Minutes(1), customer_);
  ASSERT_TRUE(store_->clicks().RecordClick(person).ok());
  EXPECT_TRUE(person.unique);
}

TEST_F(RocksDbStoreTest, ABatchOfClicksDecidesUniquenessInOrderAndSumsCounters) {
  SeedConfig();
  const Ulid stranger = Ulid::Make(t0_, 55, 55);
  std::vector<Click> clicks = {
      MakeClick(t0_, customer_),                              // unique
      MakeClick(t0_ + absl::Seconds(1), customer_),           // same customer and link: not
      MakeClick(t0_ + absl::Seconds(2), customer_, "other"),  // another link: unique
      MakeClick(t0_ + absl::Seconds(3), stranger, "abc", /*bot=*/true),
      MakeClick(t0_ + absl::Seconds(4), stranger),  // the bot's click does not count
  };
  clicks[4].new_customer = true;  // minted for this click: no look-up needed
  ASSERT_TRUE(store_->clicks().RecordClicks(absl::MakeSpan(clicks)).ok());
  EXPECT_TRUE(clicks[0].unique);
  EXPECT_FALSE(clicks[1].unique);
  EXPECT_TRUE(clicks[2].unique);
  EXPECT_FALSE(clicks[3].unique);
  EXPECT_TRUE(clicks[4].unique);
  const absl::CivilDay day = absl::ToCivilDay(t0_, absl::UTCTimeZone());
  absl::StatusOr<StatsTotals> stats = store_->reports().ReadStats("acme", "p1", day, day);
  EXPECT_EQ(stats->Get(StatsCounter::kClicks), 4);
  EXPECT_EQ(stats->Get(StatsCounter::kUniqueClicks), 3);
  // And the next batch sees the stored ones.
  Click again = MakeClick(t0_ + absl::Minutes(5), customer_);
  ASSERT_TRUE(store_->clicks().RecordClick(again).ok());
  EXPECT_FALSE(again.unique);
  for (const Click& click : clicks) {
    EXPECT_TRUE(store_->clicks().GetClick(click.id).ok());
  }
}

TEST_F(RocksDbStoreTest, CountersSurviveReopen) {
  SeedConfig();
  for (int i = 0; i < 10; ++i) {
    Click click = MakeClick(t0_ + absl::Seconds(i), Ulid::Make(t0_, 100 + i, 1));
    ASSERT_TRUE(store_->clicks().RecordClick(click).ok());
  }
  Reopen();
  const absl::CivilDay day = absl::ToCivilDay(t0_, absl::UTCTimeZone());
  EXPECT_EQ(store_->reports().ReadStats("acme", "p1", day, day)->Get(StatsCounter::kClicks), 10);
  EXPECT_EQ(store_->reports().ReadStats("acme", "p1", day, day)->Get(StatsCounter::kUniqueClicks),
            10);
}

TEST_F(RocksDbStoreTest, SecondOpenIsRefused) {
  absl::StatusOr<std::unique_ptr<Store>> second = OpenRocksDbStore({.path = dir_.path()});
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(second.status().message().find("in use"), absl::string_view::npos);
}

TEST_F(RocksDbStoreTest, IsWritableWhenOpen) { EXPECT_TRUE(store_->maintenance().IsWritable()); }

TEST_F(RocksDbStoreTest, BackgroundWorkIsReportedUntilItIsDone) {
  // The event loops pause for RocksDB while this says there is work: it must not stay set
  // once the work is done. CompactAll waits for its own flushes and compactions; RocksDB may
  // schedule a follow-up, which ends soon after.
  SeedConfig();
  Click click = MakeClick(t0_, customer_);
  ASSERT_TRUE(store_->clicks().RecordClick(click).ok());
  ASSERT_TRUE(store_->maintenance().CompactAll().ok());
  Maintenance::BackgroundWork work = store_->maintenance().PendingBackgroundWork();
  for (int i = 0; i < 200 && (work.flush || work.compaction); ++i) {
    absl::SleepFor(absl::Milliseconds(50));
    work = store_->maintenance().PendingBackgroundWork();
  }
  EXPECT_FALSE(work.flush);
  EXPECT_FALSE(work.compaction);
}

}  // namespace
}  // namespace clicktrack::storage
