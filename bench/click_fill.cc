// Fills a data directory with clicks through the store's batched write path, then compacts
// it and reports the bytes on disk per click: the growth figure of bench/load/scale.sh.
//
//   click_fill --data DIR --clicks N [--batch 1000] [--days 90]
//
// Creates program "bench", partner "p1" and link "bench1" (as bench/load/run.sh does), then
// writes N clicks spread evenly over the last `days` days: 70 % from new visitors, 30 % from
// a pool of returning ones, 2 % bots, a sub1 on every fourth.

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "absl/random/random.h"
#include "absl/strings/numbers.h"
#include "absl/time/clock.h"

#include "attribution/click.h"
#include "storage/store.h"
#include "tracker/common/id_generator.h"

namespace {

uint64_t DirectoryBytes(const std::string& path) {
  uint64_t total = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(path)) {
    if (entry.is_regular_file()) {
      total += entry.file_size();
    }
  }
  return total;
}

int Fail(const std::string& message) {
  std::fprintf(stderr, "click_fill: %s\n", message.c_str());
  return 1;
}

}  // namespace

namespace {

// The program, partner and link that every filled click belongs to.
absl::Status SeedConfig(clicktrack::storage::ConfigStore& config) {
  using namespace clicktrack;  // NOLINT(google-build-using-namespace): a small tool
  attribution::Program program;
  program.id = "bench";
  program.name = "Bench";
  program.currency = *attribution::FindCurrency("USD");
  program.postback_secret = "bench-postback-secret";
  program.allowed_hosts = {"shop.example.com"};
  if (!config.PutProgram(program).ok() ||
      !config.PutPartner({.program_id = "bench", .id = "p1", .name = "Bench partner"}).ok()) {
    return absl::InternalError("cannot create the bench program");
  }
  if (!config.GetLink("bench", "bench1").ok() &&
      !config
           .CreateLink({.code = "bench1",
                        .program_id = "bench",
                        .partner_id = "p1",
                        .destination = "https://shop.example.com/landing?utm_source=partner"})
           .ok()) {
    return absl::InternalError("cannot create the bench link");
  }
  return absl::OkStatus();
}

struct FillArgs {
  std::string data;
  int64_t count = 0;
  int64_t batch_size = 1000;
  int64_t days = 90;
};

std::optional<FillArgs> ParseArgs(int argc, char** argv) {
  FillArgs args;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    const std::string value = argv[i + 1];
    if (flag == "--data") {
      args.data = value;
    } else if (!((flag == "--clicks" && absl::SimpleAtoi(value, &args.count)) ||
                 (flag == "--batch" && absl::SimpleAtoi(value, &args.batch_size)) ||
                 (flag == "--days" && absl::SimpleAtoi(value, &args.days)))) {
      return std::nullopt;
    }
  }
  if (args.data.empty() || args.count <= 0 || args.batch_size <= 0 || args.days <= 0) {
    return std::nullopt;
  }
  return args;
}

}  // namespace

int main(int argc, char** argv) {
  const std::optional<FillArgs> args = ParseArgs(argc, argv);
  if (!args.has_value()) {
    return Fail("usage: click_fill --data DIR --clicks N [--batch 1000] [--days 90]");
  }
  const std::string& data = args->data;
  const int64_t count = args->count;
  const int64_t batch_size = args->batch_size;
  const int64_t days = args->days;
  using namespace clicktrack;  // NOLINT(google-build-using-namespace): a small tool's main
  tracker::IdGenerator ids;
  absl::StatusOr<std::unique_ptr<storage::Store>> store =
      storage::OpenRocksDbStore({.path = data, .ids = &ids});
  if (!store.ok()) {
    return Fail(std::string(store.status().message()));
  }
  if (absl::Status seeded = SeedConfig((*store)->config()); !seeded.ok()) {
    return Fail(std::string(seeded.message()));
  }

  absl::BitGen random;
  std::vector<attribution::Ulid> returning;
  const absl::Time end = absl::Now();
  const absl::Duration step = absl::Hours(24 * days) / count;
  absl::Time time = end - absl::Hours(24 * days);
  std::vector<attribution::Click> batch;
  const absl::Time started = absl::Now();
  for (int64_t written = 0; written < count;) {
    batch.clear();
    for (int64_t i = 0; i < batch_size && written < count; ++i, ++written) {
      attribution::Click click;
      time += step;
      click.time = absl::FromUnixMillis(absl::ToUnixMillis(time));
      click.id = ids.NewUlid(click.time);
      click.program_id = "bench";
      click.partner_id = "p1";
      click.link_code = "bench1";
      if (!returning.empty() && absl::Bernoulli(random, 0.3)) {
        click.customer_id = returning[absl::Uniform<size_t>(random, 0, returning.size())];
      } else {
        click.customer_id = click.id;  // as the redirect names a new visitor
        click.new_customer = true;
        if (returning.size() < 1'000'000) {
          returning.push_back(click.customer_id);
        }
      }
      click.bot = absl::Bernoulli(random, 0.02);
      if (written % 4 == 0) {
        click.subs[0] = "newsletter";
      }
      batch.push_back(std::move(click));
    }
    if (absl::Status status = (*store)->clicks().RecordClicks(absl::MakeSpan(batch));
        !status.ok()) {
      return Fail(std::string(status.message()));
    }
  }
  const absl::Duration writing = absl::Now() - started;
  if (absl::Status status = (*store)->maintenance().CompactAll(); !status.ok()) {
    return Fail(std::string(status.message()));
  }
  const uint64_t sst = (*store)->maintenance().SstBytes();
  store->reset();
  const uint64_t on_disk = DirectoryBytes(data);
  std::printf(
      "clicks %lld, written in %.1f s (%.0f clicks/s), SST bytes %llu (%.1f per click), "
      "directory bytes %llu (%.1f per click)\n",
      static_cast<long long>(count), absl::ToDoubleSeconds(writing),
      static_cast<double>(count) / absl::ToDoubleSeconds(writing),
      static_cast<unsigned long long>(sst), static_cast<double>(sst) / static_cast<double>(count),
      static_cast<unsigned long long>(on_disk),
      static_cast<double>(on_disk) / static_cast<double>(count));
  return 0;
}
