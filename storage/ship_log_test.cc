#include <memory>
#include <string>
#include <vector>

#include "gtest/gtest.h"

#include "storage/internal/ship_positions.h"
#include "storage/store.h"
#include "tests/temp_dir.h"

namespace clicktrack::storage {
namespace {

using attribution::Click;
using attribution::Ulid;

class ShipLogTest : public ::testing::Test {
 protected:
  void SetUp() override { Reopen(); }

  void Reopen(bool ship_clicks = true) {
    store_.reset();
    absl::StatusOr<std::unique_ptr<Store>> store =
        OpenRocksDbStore({.path = dir_.path(), .ship_clicks = ship_clicks});
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
  }

  // Writes `count` clicks of new visitors in one write; returns their ids in order.
  std::vector<Ulid> WriteClicks(size_t count) {
    std::vector<Click> clicks(count);
    std::vector<Ulid> ids;
    for (Click& click : clicks) {
      ++sequence_;
      click.time = t0_ + absl::Milliseconds(sequence_);
      click.id = Ulid::Make(click.time, sequence_, 7);
      click.customer_id = click.id;
      click.new_customer = true;
      click.program_id = sequence_ % 2 == 0 ? "acme" : "globex";
      click.partner_id = "p1";
      click.link_code = "abc";
      click.subs[1] = "campaign-" + std::to_string(sequence_);
      ids.push_back(click.id);
    }
    EXPECT_TRUE(store_->clicks().RecordClicks(absl::MakeSpan(clicks)).ok());
    return ids;
  }

  std::vector<ShippedClick> ReadAll(uint64_t after = 0) {
    absl::StatusOr<std::vector<ShippedClick>> entries =
        store_->ship_log()->ReadShippable(after, 1000);
    EXPECT_TRUE(entries.ok()) << entries.status();
    return entries.ok() ? *std::move(entries) : std::vector<ShippedClick>{};
  }

  testing::TempDir dir_;
  std::unique_ptr<Store> store_;
  uint64_t sequence_ = 0;
  const absl::Time t0_ = absl::FromUnixSeconds(1'790'000'000);
};

TEST_F(ShipLogTest, EveryClickWrittenHasAnEntryInWriteOrderThatDecodesToIt) {
  std::vector<Ulid> ids = WriteClicks(3);
  const std::vector<Ulid> more = WriteClicks(2);
  ids.insert(ids.end(), more.begin(), more.end());

  const std::vector<ShippedClick> entries = ReadAll();
  ASSERT_EQ(entries.size(), 5u);
  EXPECT_EQ(store_->ship_log()->backlog(), 5u);
  for (size_t i = 0; i < entries.size(); ++i) {
    EXPECT_EQ(entries[i].position, i + 1);
    const absl::StatusOr<Click> click = DecodeShippedClick(entries[i].bytes);
    ASSERT_TRUE(click.ok()) << click.status();
    EXPECT_EQ(click->id, ids[i]);
    EXPECT_EQ(click->program_id, entries[i].program_id);
    EXPECT_EQ(click->subs[1], "campaign-" + std::to_string(i + 1));
  }
  EXPECT_EQ(ReadAll(3).size(), 2u);
}

TEST_F(ShipLogTest, ShippedEntriesGoAndTheLogResumesAfterThemOnReopen) {
  WriteClicks(4);
  ASSERT_TRUE(store_->ship_log()->MarkShipped(3, 3).ok());
  EXPECT_EQ(store_->ship_log()->backlog(), 1u);
  ASSERT_EQ(ReadAll().size(), 1u);
  EXPECT_EQ(ReadAll()[0].position, 4u);

  Reopen();
  EXPECT_EQ(store_->ship_log()->shipped_through(), 3u);
  EXPECT_EQ(store_->ship_log()->backlog(), 1u);
  WriteClicks(1);
  const std::vector<ShippedClick> entries = ReadAll(3);
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[1].position, 5u);

  ASSERT_TRUE(store_->ship_log()->MarkShipped(5, 2).ok());
  Reopen();  // an empty log continues after the last position shipped
  WriteClicks(1);
  ASSERT_EQ(ReadAll().size(), 1u);
  EXPECT_EQ(ReadAll()[0].position, 6u);
}

TEST_F(ShipLogTest, OnlyAnEdgeHasOne) {
  Reopen(/*ship_clicks=*/false);
  EXPECT_EQ(store_->ship_log(), nullptr);
  WriteClicks(2);
  Reopen();
  EXPECT_TRUE(ReadAll().empty());
}

TEST_F(ShipLogTest, GarbageIsNoShippedClick) {
  EXPECT_EQ(DecodeShippedClick("").status().code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(DecodeShippedClick(std::string(17, '\x01')).status().code(),
            absl::StatusCode::kOk);  // an id and an empty record
  EXPECT_EQ(DecodeShippedClick(std::string(20, '\x02')).status().code(),
            absl::StatusCode::kDataLoss);
  EXPECT_EQ(DecodeShippedClick(std::string(17, '\x01') + "\xff\xff").status().code(),
            absl::StatusCode::kDataLoss);
}

TEST(ShipPositionsTest, NothingAtOrPastAWriteUnderWayIsSettled) {
  storage_internal::ShipPositions positions(1);
  const uint64_t a = positions.BeginWrite(2);  // 1, 2
  const uint64_t b = positions.BeginWrite(3);  // 3, 4, 5
  EXPECT_EQ(positions.SettledBefore(), 1u);
  positions.EndWrite(b);  // the later write finishes first
  EXPECT_EQ(positions.SettledBefore(), 1u);
  positions.EndWrite(a);
  EXPECT_EQ(positions.SettledBefore(), 6u);
  EXPECT_EQ(positions.BeginWrite(1), 6u);
}

}  // namespace
}  // namespace clicktrack::storage
