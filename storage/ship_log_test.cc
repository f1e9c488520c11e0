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
    absl::StatusOr<std::unique_ptr<Store>> store = OpenRocksDbStore(
        {.path = dir_.path(), .ship_clicks = ship_clicks, .ship_config = ship_clicks});
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

  std::vector<ShipEntry> ReadAll(uint64_t after = 0) {
    absl::StatusOr<std::vector<ShipEntry>> entries = store_->ship_log()->ReadShippable(after, 1000);
    EXPECT_TRUE(entries.ok()) << entries.status();
    return entries.ok() ? *std::move(entries) : std::vector<ShipEntry>{};
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

  const std::vector<ShipEntry> entries = ReadAll();
  ASSERT_EQ(entries.size(), 5u);
  EXPECT_EQ(store_->ship_log()->backlog(), 5u);
  for (size_t i = 0; i < entries.size(); ++i) {
    EXPECT_EQ(entries[i].position, i + 1);
    const absl::StatusOr<Click> click = DecodeShippedClick(*entries[i].value);
    ASSERT_TRUE(click.ok()) << click.status();
    EXPECT_EQ(click->id, ids[i]);
    EXPECT_EQ(click->program_id, entries[i].key);
    EXPECT_EQ(entries[i].topic, ShipTopic::kClicks);
    EXPECT_EQ(click->subs[1], "campaign-" + std::to_string(i + 1));
  }
  EXPECT_EQ(ReadAll(3).size(), 2u);
}

TEST_F(ShipLogTest, ShippedEntriesGoAndTheLogResumesAfterThemOnReopen) {
  WriteClicks(4);
  const absl::Status marked = store_->ship_log()->MarkShipped(3, 3);
  ASSERT_TRUE(marked.ok()) << marked;
  EXPECT_EQ(store_->ship_log()->backlog(), 1u);
  ASSERT_EQ(ReadAll().size(), 1u);
  EXPECT_EQ(ReadAll()[0].position, 4u);

  Reopen();
  EXPECT_EQ(store_->ship_log()->shipped_through(), 3u);
  EXPECT_EQ(store_->ship_log()->backlog(), 1u);
  WriteClicks(1);
  const std::vector<ShipEntry> entries = ReadAll(3);
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
  const std::string id(16, '\x07');
  for (const std::string& bytes : {std::string(), std::string(17, '\x01'),
                                   std::string("\x02\x04"
                                               "acme") +
                                       id,
                                   std::string("\x01\x04"
                                               "acme") +
                                       id + "\xff\xff",
                                   std::string("\x01\x04"
                                               "acme") +
                                       id}) {  // a record of another program (none)
    EXPECT_EQ(DecodeShippedClick(bytes).status().code(), absl::StatusCode::kDataLoss);
  }
}

// A config change is shipped in its own write, and another node's store applies it: the
// record, in memory and on disk, and the offset it came at.
TEST_F(ShipLogTest, ConfigChangesShipAndApplyOnAnotherNode) {
  attribution::Program program;
  program.id = "acme";
  program.name = "Acme";
  program.currency = *attribution::FindCurrency("USD");
  program.allowed_hosts = {"shop.example.com"};
  ASSERT_TRUE(store_->config().PutProgram(program).ok());
  ASSERT_TRUE(store_->config().PutPartner({.program_id = "acme", .id = "p1", .name = "P"}).ok());
  const std::vector<ShipEntry> entries = ReadAll();
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0].topic, ShipTopic::kConfig);
  ASSERT_TRUE(entries[0].value.has_value());

  testing::TempDir other_dir;
  std::unique_ptr<Store> other = *OpenRocksDbStore({.path = other_dir.path()});
  EXPECT_EQ(other->config_replica()->applied_offset(), -1);
  for (size_t i = 0; i < entries.size(); ++i) {
    ASSERT_TRUE(other->config_replica()
                    ->ApplyConfig(entries[i].key, entries[i].value, static_cast<int64_t>(i + 10))
                    .ok());
  }
  EXPECT_EQ(other->config_replica()->ApplyConfig(entries[0].key, "\xff\xff", 12).code(),
            absl::StatusCode::kDataLoss);
  other.reset();
  other = *OpenRocksDbStore({.path = other_dir.path()});
  EXPECT_EQ(other->config_replica()->applied_offset(), 12);
  const absl::StatusOr<ConfigStore::ProgramRef> copy = other->config().GetProgram("acme");
  ASSERT_TRUE(copy.ok()) << copy.status();
  EXPECT_EQ((*copy)->name, "Acme");
  EXPECT_TRUE(other->config().GetPartner("acme", "p1").ok());
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
