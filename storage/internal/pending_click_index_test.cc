// PendingClickIndex: entries are visible from their clicks' write on, leave in runs in key
// order, and the watermark never passes an entry that is not stored or a write under way.

#include "storage/internal/pending_click_index.h"

#include <string>
#include <vector>

#include "absl/strings/str_format.h"
#include "gtest/gtest.h"

namespace clicktrack::storage_internal {
namespace {

using Entry = PendingClickIndex::Entry;

const absl::Time kT0 = absl::FromUnixSeconds(1'780'000'000);

Entry MakeEntry(int customer, int click, absl::Time time) {
  return Entry{.key = absl::StrFormat("c%06d/%06d", customer, click),
               .value = absl::StrFormat("v%d", click),
               .time = time};
}

// Stores `entries` as one write of clicks.
void Store(PendingClickIndex& index, std::vector<Entry> entries) {
  absl::Time earliest = absl::InfiniteFuture();
  for (const Entry& entry : entries) {
    earliest = std::min(earliest, entry.time);
  }
  index.EndWrite(index.BeginWrite(earliest).ticket, true, entries);
}

std::vector<std::string> Keys(const PendingClickIndex::Run& run) {
  std::vector<std::string> keys;
  for (const auto& it : run.entries) {
    keys.push_back(it->first);
  }
  return keys;
}

std::vector<std::string> Visited(const PendingClickIndex& index, std::string prefix,
                                 std::string start) {
  std::vector<std::string> values;
  index.Visit(prefix, start, [&](absl::string_view, absl::string_view value) {
    values.emplace_back(value);
    return true;
  });
  return values;
}

TEST(PendingClickIndexTest, EntriesAreVisibleOnlyOnceTheirClicksAreStored) {
  PendingClickIndex index;
  std::vector<Entry> failed = {MakeEntry(1, 1, kT0)};
  index.EndWrite(index.BeginWrite(kT0).ticket, false, failed);
  EXPECT_EQ(index.size(), 0u);
  Store(index, {MakeEntry(1, 2, kT0), MakeEntry(1, 3, kT0), MakeEntry(2, 4, kT0)});
  EXPECT_EQ(Visited(index, "c000001/", "c000001/"), (std::vector<std::string>{"v2", "v3"}));
  EXPECT_EQ(Visited(index, "c000001/", "c000001/000003"), (std::vector<std::string>{"v3"}));
  EXPECT_EQ(Visited(index, "c000003/", "c000003/"), (std::vector<std::string>{}));
}

// Writes the run of no entries that a fresh index asks for first (its watermark).
void SettleWatermark(PendingClickIndex& index, absl::Time now) {
  const std::optional<PendingClickIndex::Run> run = index.TakeRun(now);
  ASSERT_TRUE(run.has_value());
  ASSERT_TRUE(run->entries.empty());
  index.Finish(*run, true);
}

TEST(PendingClickIndexTest, RunsTakeTheExcessInKeyOrderAndGoOnWhereTheLastStopped) {
  PendingClickIndex index;
  SettleWatermark(index, kT0);
  std::vector<Entry> entries;
  for (int i = 0; i < static_cast<int>(PendingClickIndex::kResident); ++i) {
    entries.push_back(MakeEntry(2 * i, i, kT0));
  }
  Store(index, std::move(entries));
  EXPECT_FALSE(index.TakeRun(kT0).has_value());  // no more than are kept resident

  Store(index, {MakeEntry(7, 100000, kT0), MakeEntry(5, 100001, kT0)});
  std::optional<PendingClickIndex::Run> run = index.TakeRun(kT0);
  ASSERT_TRUE(run.has_value());
  EXPECT_EQ(Keys(*run), (std::vector<std::string>{"c000000/000000", "c000002/000001"}));
  EXPECT_FALSE(index.TakeRun(kT0).has_value()) << "one run at a time";
  // Until it is written the run's entries are still found.
  EXPECT_EQ(Visited(index, "c000000/", ""), (std::vector<std::string>{"v0"}));
  index.Finish(*run, true);
  EXPECT_EQ(index.size(), PendingClickIndex::kResident);
  EXPECT_TRUE(Visited(index, "c000000/", "").empty());

  Store(index, {MakeEntry(1, 100002, kT0)});  // behind the cursor: it waits for the next pass
  run = index.TakeRun(kT0);
  ASSERT_TRUE(run.has_value());
  EXPECT_EQ(Keys(*run), (std::vector<std::string>{"c000004/000002"}));
  index.Finish(*run, false);  // not written: its entry stays
  EXPECT_EQ(index.size(), PendingClickIndex::kResident + 1);
}

TEST(PendingClickIndexTest, EntriesThatWaitedLeaveAndDrainTakesEverything) {
  PendingClickIndex index;
  SettleWatermark(index, kT0);
  Store(index, {MakeEntry(1, 1, kT0), MakeEntry(2, 2, kT0 + absl::Milliseconds(500))});
  EXPECT_FALSE(index.TakeRun(kT0 + absl::Milliseconds(999)).has_value());
  std::optional<PendingClickIndex::Run> run = index.TakeRun(kT0 + absl::Seconds(1));
  ASSERT_TRUE(run.has_value());
  EXPECT_EQ(run->entries.size(), 2u);
  index.Finish(*run, true);
  EXPECT_EQ(index.size(), 0u);

  Store(index, {MakeEntry(3, 3, kT0)});
  run = index.TakeRun(kT0 - absl::Hours(1), /*drain=*/true);
  ASSERT_TRUE(run.has_value());
  EXPECT_EQ(run->entries.size(), 1u);
}

TEST(PendingClickIndexTest, TheWatermarkMovesOnWithNothingPending) {
  PendingClickIndex index;
  std::optional<PendingClickIndex::Run> run = index.TakeRun(kT0);
  ASSERT_TRUE(run.has_value());
  EXPECT_TRUE(run->entries.empty());
  EXPECT_EQ(run->watermark, kT0);
  index.Finish(*run, true);
  EXPECT_FALSE(index.TakeRun(kT0 + absl::Seconds(9)).has_value());
  // A write under way holds it back.
  const uint64_t ticket = index.BeginWrite(kT0 + absl::Seconds(8)).ticket;
  run = index.TakeRun(kT0 + absl::Seconds(10));
  ASSERT_TRUE(run.has_value());
  EXPECT_EQ(run->watermark, kT0 + absl::Seconds(8));
  index.Finish(*run, false);
  std::vector<Entry> none;
  index.EndWrite(ticket, true, none);
  EXPECT_FALSE(index.TakeRun(kT0, /*drain=*/true).has_value()) << "nothing to drain";
}

// A click that reaches the index with a time behind a watermark already taken (it waited in
// its loop, or the clock stepped back) learns so, and its entry is stored with it.
TEST(PendingClickIndexTest, AWriteLearnsTheHorizonOfTheWatermarksTaken) {
  PendingClickIndex index;
  index.Start(kT0);
  EXPECT_EQ(index.BeginWrite(kT0 - absl::Seconds(1)).horizon, kT0);
  PendingClickIndex fresh;
  Store(fresh, {MakeEntry(1, 1, kT0 + absl::Seconds(5))});
  const std::optional<PendingClickIndex::Run> run = fresh.TakeRun(kT0, /*drain=*/true);
  ASSERT_TRUE(run.has_value());
  // Taken, not yet written: a write beginning now is already behind it.
  EXPECT_EQ(fresh.BeginWrite(kT0).horizon, kT0 + absl::Seconds(5));
  fresh.Finish(*run, false);
  EXPECT_EQ(fresh.BeginWrite(kT0).horizon, kT0 + absl::Seconds(5));
}

TEST(PendingClickIndexTest, TheWatermarkStaysBeforeWhatIsNotStored) {
  PendingClickIndex index;
  Store(index, {MakeEntry(1, 1, kT0 + absl::Seconds(5)), MakeEntry(2, 2, kT0 + absl::Seconds(9))});
  // Only the run's entries: the watermark is its latest.
  std::optional<PendingClickIndex::Run> run = index.TakeRun(kT0, /*drain=*/true);
  ASSERT_TRUE(run.has_value());
  EXPECT_EQ(run->watermark, kT0 + absl::Seconds(9));
  index.Finish(*run, false);

  // A write under way from kT0 on holds the watermark there.
  std::vector<Entry> later = {MakeEntry(3, 3, kT0 + absl::Seconds(20))};
  const uint64_t ticket = index.BeginWrite(kT0).ticket;
  run = index.TakeRun(kT0, /*drain=*/true);
  ASSERT_TRUE(run.has_value());
  EXPECT_EQ(run->watermark, kT0);
  index.Finish(*run, true);
  index.EndWrite(ticket, true, later);

  // An entry outside the run holds it at its time.
  std::vector<Entry> many;
  for (int i = 0; i < static_cast<int>(PendingClickIndex::kMaxRun); ++i) {
    many.push_back(MakeEntry(10 + i, 10 + i, kT0 + absl::Seconds(30)));
  }
  Store(index, std::move(many));
  run = index.TakeRun(kT0, /*drain=*/true);
  ASSERT_TRUE(run.has_value());
  EXPECT_EQ(run->entries.size(), PendingClickIndex::kMaxRun);
  EXPECT_EQ(Keys(*run).front(), "c000003/000003");
  EXPECT_EQ(run->watermark, kT0 + absl::Seconds(30)) << "the last of `many` waits for the next";
}

}  // namespace
}  // namespace clicktrack::storage_internal
