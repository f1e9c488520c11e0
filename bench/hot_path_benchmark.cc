// Micro-benchmarks of the redirect's steps. Numbers are quoted only from Release builds;
// CI smoke-runs this binary so it cannot rot.

#include <optional>
#include <string>

#include "absl/strings/str_cat.h"
#include "benchmark/benchmark.h"
#include "rocksdb/write_batch.h"

#include "attribution/click.h"
#include "attribution/engine.h"
#include "attribution/ids.h"
#include "attribution/link.h"
#include "attribution/money.h"
#include "attribution/testing/in_memory_view.h"
#include "bench/allocation_counter.h"
#include "storage/internal/click_records.h"
#include "storage/internal/counter_sums.h"
#include "storage/key_codec.h"
#include "storage/store.h"
#include "tests/temp_dir.h"
#include "tracker/api/api.h"
#include "tracker/common/id_generator.h"
#include "tracker/common/query_string.h"

namespace clicktrack {
namespace {

void BM_NewUlid(benchmark::State& state) {
  tracker::IdGenerator ids;
  const absl::Time now = absl::Now();
  for (auto _ : state) {
    benchmark::DoNotOptimize(ids.NewUlid(now));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_NewUlid);

void BM_UlidText(benchmark::State& state) {
  const attribution::Ulid id = attribution::Ulid::Make(absl::Now(), 0x1234, 0x5678);
  for (auto _ : state) {
    benchmark::DoNotOptimize(id.Text());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_UlidText);

void BM_ParseCustomerCookie(benchmark::State& state) {
  const std::string header = "_ga=GA1.2.3; theme=dark; tc_cid=01KAT9QKX1B0000000000000AB; x=1";
  for (auto _ : state) {
    const auto value = tracker::FindCookie(header, "tc_cid");
    benchmark::DoNotOptimize(attribution::Ulid::FromText(value.value_or("")));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ParseCustomerCookie);

void BM_IsBotUserAgent(benchmark::State& state) {
  const std::string agent =
      "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
      "Chrome/130.0.0.0 Safari/537.36";
  for (auto _ : state) {
    benchmark::DoNotOptimize(attribution::IsBotUserAgent(agent));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_IsBotUserAgent);

void BM_RedirectLocation(benchmark::State& state) {
  const attribution::RedirectTemplate redirect("https://shop.example.com/p?utm_source=aff&a=1#top");
  const std::string click_id = "01KAT9QKX1B0000000000000AB";
  std::string location;
  for (auto _ : state) {
    location.clear();
    redirect.AppendTo(click_id, location);
    benchmark::DoNotOptimize(location.data());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_RedirectLocation);

void BM_CustomerClickKey(benchmark::State& state) {
  const attribution::Ulid customer = attribution::Ulid::Make(absl::Now(), 1, 2);
  const attribution::Ulid click = attribution::Ulid::Make(absl::Now(), 3, 4);
  const absl::Time now = absl::Now();
  for (auto _ : state) {
    benchmark::DoNotOptimize(storage::CustomerClickKey("acme-saas", customer, now, click));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_CustomerClickKey);

// Building a new visitor's click WriteBatch without writing it: the store's own AddClick (the
// record kept per thread, its key, the day's counters summed per key), as RecordClicks calls it
// for each click, then the counters merged into the batch. Default column family.
void BM_BuildClickBatch(benchmark::State& state) {
  tracker::IdGenerator ids;
  attribution::Click click;
  click.program_id = "acme";
  click.partner_id = "p1";
  click.link_code = "jane1";
  click.subs[0] = "newsletter";
  click.unique = true;
  storage_internal::ClickScratch scratch;
  rocksdb::WriteBatch batch;
  for (auto _ : state) {
    const absl::Time now = absl::Now();
    click.id = ids.NewUlid(now);
    click.time = now;
    click.customer_id = click.id;
    batch.Clear();
    storage_internal::CounterSums counters;
    storage_internal::AddClick(click, nullptr, scratch, batch, counters);
    counters.MergeInto(batch, nullptr);
    benchmark::DoNotOptimize(batch.Data().data());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_BuildClickBatch);

void BM_ParseAmount(benchmark::State& state) {
  const attribution::Currency usd = *attribution::FindCurrency("USD");
  for (auto _ : state) {
    benchmark::DoNotOptimize(attribution::ParseAmount("1249.90", usd));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ParseAmount);

// One click through the real RocksDB store: the WriteBatch of record and counters (WAL on, no
// fsync). New visitors, as most clicks are: the click's id names the customer, so there is no
// uniqueness look-up and no customer_clicks entry.
void BM_RecordClick(benchmark::State& state) {
  testing::TempDir dir;
  absl::StatusOr<std::unique_ptr<storage::Store>> store =
      storage::OpenRocksDbStore({.path = dir.path()});
  if (!store.ok()) {
    state.SkipWithError(std::string(store.status().message()).c_str());
    return;
  }
  tracker::IdGenerator ids;
  attribution::Click click;
  click.program_id = "acme";
  click.partner_id = "p1";
  click.link_code = "jane1";
  for (auto _ : state) {
    const absl::Time now = absl::Now();
    click.id = ids.NewUlid(now);
    click.time = now;
    click.customer_id = click.id;
    click.new_customer = true;
    if (!(*store)->clicks().RecordClick(click).ok()) {
      state.SkipWithError("write failed");
      break;
    }
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_RecordClick);

// Program "acme" with partner "p1" in a fresh store; false if any write failed.
bool SeedAcme(storage::Store& store) {
  attribution::Program program;
  program.id = "acme";
  program.name = "Acme";
  program.currency = *attribution::FindCurrency("USD");
  program.allowed_hosts = {"shop.example.com"};
  return store.config().PutProgram(program).ok() &&
         store.config().PutPartner({.program_id = "acme", .id = "p1"}).ok();
}

// The link look-up of every redirect: a read-locked shard of the in-memory cache.
void BM_LinkLookup(benchmark::State& state) {
  testing::TempDir dir;
  absl::StatusOr<std::unique_ptr<storage::Store>> store =
      storage::OpenRocksDbStore({.path = dir.path()});
  if (!store.ok() || !SeedAcme(**store)) {
    state.SkipWithError("set-up failed");
    return;
  }
  for (int i = 0; i < 1000; ++i) {
    (void)(*store)->config().CreateLink({.code = absl::StrCat("code", i),
                                         .program_id = "acme",
                                         .partner_id = "p1",
                                         .destination = "https://shop.example.com/p?a=1"});
  }
  std::string location;
  for (auto _ : state) {
    location.clear();
    const bool found =
        (*store)->config().VisitActiveLink("code500", [&](const storage::CachedLink& link) {
          link.redirect.AppendTo("01KAT9QKX1B0000000000000AB", location);
        });
    benchmark::DoNotOptimize(found);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_LinkLookup);

// A redirect through the API's route table, from the parsed request to the finished 302 (cookie,
// id, Location, sub-ids), handed to a sink that keeps the click instead of writing it.
void BM_RouteRedirect(benchmark::State& state) {
  testing::TempDir dir;
  tracker::IdGenerator ids;
  absl::StatusOr<std::unique_ptr<storage::Store>> store =
      storage::OpenRocksDbStore({.path = dir.path(), .ids = &ids});
  if (!store.ok() || !SeedAcme(**store) ||
      !(*store)
           ->config()
           .CreateLink({.code = "jane1",
                        .program_id = "acme",
                        .partner_id = "p1",
                        .destination = "https://shop.example.com/p?a=1"})
           .ok()) {
    state.SkipWithError("set-up failed");
    return;
  }
  tracker::RealClock clock;
  const tracker::ApiContext api(**store, clock, ids,
                                {.public_url = "https://t.example.com", .admin_token = "x"});
  // One reused slot, answered at once: the router's work without the store's write.
  struct KeepingSink final : tracker::ClickSink {
    Slot Next() override { return Slot{.click = click, .response = response}; }
    void Commit(tracker::LaterResponse&& later) override {
      benchmark::DoNotOptimize(click.id);
      std::move(later)(std::move(response));
    }
    attribution::Click click;
    tracker::HttpResponse response;
  } sink;
  const tracker::RouteTable routes = tracker::ApiRoutes(api, sink);
  const tracker::HttpRequest request{
      .method = tracker::Method::kGet,
      .target = "/go/jane1?sub1=newsletter-spring-2026&sub2=partner%20homepage%20banner",
      .cookie = "_ga=GA1.2.3; tc_cid=01KAT9QKX1B0000000000000AB",
      .user_agent = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/130.0 Safari/537.36"};
  int status = 0;
  const uint64_t allocations_before = AllocationCount();
  for (auto _ : state) {
    std::optional<tracker::HttpResponse> now =
        routes.Dispatch(request, [&]() -> tracker::LaterResponse {
          return [&](tracker::HttpResponse&& response) { status = response.status; };
        });
    benchmark::DoNotOptimize(now);
  }
  if (status != 302) {
    state.SkipWithError("no 302");
  }
  state.SetItemsProcessed(state.iterations());
  // The first redirect warms the slot's strings; after it a redirect should allocate nothing.
  state.counters["allocs_per_redirect"] =
      benchmark::Counter(static_cast<double>(AllocationCount() - allocations_before) /
                         static_cast<double>(state.iterations()));
}
BENCHMARK(BM_RouteRedirect);

// One attribution decision: a returning customer with an owner and three clicks, resolved by
// cookie and e-mail, paid by rule, against the in-memory view (the engine alone, no storage).
void BM_AttributeRepeatSale(benchmark::State& state) {
  attribution::Program program;
  program.id = "acme";
  program.currency = *attribution::FindCurrency("USD");
  program.commission.rules.first_sale =
      attribution::CommissionRule{.percent = attribution::Percent{2000}};
  program.commission.rules.repeat_sale =
      attribution::CommissionRule{.percent = attribution::Percent{1000}};
  attribution::InMemoryView view("acme");
  attribution::SequentialIds ids;
  view.AddPartner("p1");
  const absl::Time t0 = absl::FromUnixSeconds(1'764'000'000);
  const attribution::Ulid customer = ids.NewId(t0 - absl::Hours(100));
  for (int i = 0; i < 3; ++i) {
    view.AddClick("acme", customer,
                  {.id = ids.NewId(t0 - absl::Hours(10 - i)),
                   .time = t0 - absl::Hours(10 - i),
                   .partner_id = "p1"});
  }
  attribution::ConversionEvent event{
      .order_id = "first",
      .amount_minor = 4900,
      .occurred_at = t0,
      .identities = {.cookie_customer = customer, .email_sha256 = "e"}};
  view.Apply(*attribution::Attribute(program, event, view, ids));
  event.order_id = "repeat";  // never applied: every iteration decides the same repeat sale
  for (auto _ : state) {
    absl::StatusOr<attribution::Decision> decision =
        attribution::Attribute(program, event, view, ids);
    benchmark::DoNotOptimize(decision);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_AttributeRepeatSale);

}  // namespace
}  // namespace clicktrack

BENCHMARK_MAIN();
