// Crash cycles: a mixed load of redirects (new and returning visitors), pixels and signed
// postbacks from several clients, kill -9 at a random moment, a restart on the same data, and
// again. After every cycle: every 302 sent has its click, every 200 its conversion, nothing
// is counted twice (a returning visitor's click on a second link is unique once, whatever the
// kills did to the index entries that were waiting), and the ledger adds up to the
// conversions' commissions. The store reopens with paranoid checks on.
//
// 20 cycles by default (CI); CLICKTRACK_CRASH_CYCLES=200 build/tests/crash_test for the long
// form. Prints cycles, requests, acknowledged, lost and duplicated.

#include <signal.h>

#include <atomic>
#include <cstdlib>
#include <iostream>
#include <mutex>
#include <random>
#include <set>
#include <thread>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

#include "tests/conversion_fixture.h"

namespace clicktrack::testing {
namespace {

int Cycles() {
  int cycles = 20;
  const char* text = std::getenv("CLICKTRACK_CRASH_CYCLES");
  if (text != nullptr && (!absl::SimpleAtoi(text, &cycles) || cycles < 1)) {
    cycles = 20;
  }
  return cycles;
}

// What the clients were told, over all cycles.
struct Acknowledged {
  std::mutex mu;
  std::vector<std::string> customers;              // tc_cid of every new visitor's 302
  std::map<std::string, std::string> conversions;  // order id -> conversion id
  int64_t redirects_sent = 0;                      // requests, answered or not
  int64_t new_visitors_sent = 0;
  int64_t conversions_sent = 0;
  // Returning visitors' redirects on link c2: the visitors sent, and acknowledged.
  int64_t returning_acked = 0;
  std::set<std::string> returning_sent;
  std::set<std::string> returning_acked_visitors;
};

class CrashTest : public ConversionFixture {
 protected:
  // One client: redirects of new visitors and of returning ones, pixels with an acknowledged
  // visitor's cookie, and signed postbacks with an acknowledged click id, until the daemon
  // goes away.
  void Client(int id, int cycle, Acknowledged& acked) {
    HttpClient client(process_->address());
    std::mt19937 random(static_cast<unsigned>(id * 7919 + cycle));
    for (int n = 0;; ++n) {
      const int kind = static_cast<int>(random() % 4);
      std::string customer;
      {
        std::lock_guard<std::mutex> lock(acked.mu);
        if (!acked.customers.empty()) {
          customer = acked.customers[random() % acked.customers.size()];
        }
      }
      if (kind == 0 || customer.empty()) {
        if (!NewVisitor(client, acked)) {
          return;
        }
        continue;
      }
      if (kind == 3) {
        if (!ReturningVisitor(client, customer, acked)) {
          return;
        }
        continue;
      }
      const std::string order = absl::StrCat("c", cycle, "-", id, "-", n);
      absl::StatusOr<HttpResult> result;
      {
        std::lock_guard<std::mutex> lock(acked.mu);
        ++acked.conversions_sent;
      }
      if (kind == 1) {
        result = client.Request(
            "GET",
            absl::StrCat("/px.gif?program=acme&order_id=", order, "&amount=10.00&currency=USD"),
            {kBrowserAgent, absl::StrCat("Cookie: tc_cid=", customer)});
      } else {
        // A new visitor's customer id is its first click's id.
        const std::string body = absl::StrCat(R"({"program": "acme", "order_id": ")", order,
                                              R"(", "amount": "10.00", "currency": "USD",)",
                                              R"( "click_id": ")", customer, R"("})");
        result = client.Request("POST", "/postback", {Sign(body)}, body);
      }
      if (!result.ok()) {
        return;
      }
      if (result->status == 200) {
        const std::string conversion_id = kind == 1 ? "" : Field(Json(*result), "conversion_id");
        std::lock_guard<std::mutex> lock(acked.mu);
        acked.conversions[order] = conversion_id;
      }
    }
  }

  // A new visitor's redirect; false once the daemon is gone.
  static bool NewVisitor(HttpClient& client, Acknowledged& acked) {
    {
      std::lock_guard<std::mutex> lock(acked.mu);
      ++acked.redirects_sent;
      ++acked.new_visitors_sent;
    }
    absl::StatusOr<HttpResult> result = client.Request("GET", "/go/c1", {kBrowserAgent});
    if (!result.ok()) {
      return false;
    }
    if (result->status == 302) {
      std::lock_guard<std::mutex> lock(acked.mu);
      acked.customers.push_back(result->Header("set-cookie").substr(7, 26));
    }
    return true;
  }

  // `customer` back on the second link; false once the daemon is gone.
  static bool ReturningVisitor(HttpClient& client, const std::string& customer,
                               Acknowledged& acked) {
    {
      std::lock_guard<std::mutex> lock(acked.mu);
      ++acked.redirects_sent;
      acked.returning_sent.insert(customer);
    }
    absl::StatusOr<HttpResult> result =
        client.Request("GET", "/go/c2", {kBrowserAgent, absl::StrCat("Cookie: tc_cid=", customer)});
    if (!result.ok()) {
      return false;
    }
    if (result->status == 302) {
      std::lock_guard<std::mutex> lock(acked.mu);
      ++acked.returning_acked;
      acked.returning_acked_visitors.insert(customer);
    }
    return true;
  }

  // The partner's ledger summed, in minor units (every page).
  int64_t LedgerSum() {
    int64_t sum = 0;
    std::string cursor;
    do {
      const boost::json::object page =
          Json(Call("GET", absl::StrCat("/api/v1/programs/acme/partners/p1/commissions?limit=500",
                                        cursor.empty() ? "" : "&cursor=", cursor)));
      for (const boost::json::value& entry : page.at("entries").as_array()) {
        sum += Minor(std::string(entry.as_object().at("commission").as_string()));
      }
      const boost::json::value& next = page.at("next_cursor");
      cursor = next.is_string() ? std::string(next.as_string()) : "";
    } while (!cursor.empty());
    return sum;
  }

  static int64_t Minor(const std::string& amount) {
    const size_t dot = amount.find('.');
    return std::stoll(amount.substr(0, dot)) * 100 + std::stoll(amount.substr(dot + 1));
  }
};

TEST_F(CrashTest, Kill9CyclesLoseAndDuplicateNothing) {
  const int cycles = Cycles();
  MakeLink("c2", "https://shop.example.com/back");
  Acknowledged acked;
  std::mt19937 random(std::random_device{}());
  int64_t lost = 0;
  int64_t duplicated = 0;
  for (int cycle = 0; cycle < cycles; ++cycle) {
    std::vector<std::thread> clients;
    for (int id = 0; id < 4; ++id) {
      clients.emplace_back([&, id] { Client(id, cycle, acked); });
    }
    absl::SleepFor(absl::Milliseconds(100 + random() % 500));
    const int killed = process_->Signal(SIGKILL);
    for (std::thread& client : clients) {
      client.join();
    }
    ASSERT_EQ(killed, 128 + SIGKILL) << process_->Stderr();
    ASSERT_NO_FATAL_FAILURE(StartTrackerd());  // fails the test if the store does not open

    std::lock_guard<std::mutex> lock(acked.mu);
    const int64_t clicks = StatsField("clicks");
    const auto stored_clicks = static_cast<int64_t>(acked.customers.size()) + acked.returning_acked;
    lost += std::max<int64_t>(0, stored_clicks - clicks);
    duplicated += std::max<int64_t>(0, clicks - acked.redirects_sent);
    // Unique: each new visitor's first click, and each returning visitor's first on c2.
    const int64_t unique = StatsField("unique_clicks");
    const auto unique_at_least =
        static_cast<int64_t>(acked.customers.size() + acked.returning_acked_visitors.size());
    const int64_t unique_at_most =
        acked.new_visitors_sent + static_cast<int64_t>(acked.returning_sent.size());
    lost += std::max<int64_t>(0, unique_at_least - unique);
    duplicated += std::max<int64_t>(0, unique - unique_at_most);
    const boost::json::object stats = Json(Call("GET", "/api/v1/programs/acme/partners/p1/stats"));
    const boost::json::object& kinds = stats.at("conversions").as_object();
    const int64_t conversions =
        kinds.at("first_sale").as_int64() + kinds.at("repeat_sale").as_int64();
    lost += std::max<int64_t>(0, static_cast<int64_t>(acked.conversions.size()) - conversions);
    duplicated += std::max<int64_t>(0, conversions - acked.conversions_sent);
    EXPECT_EQ(Minor(Field(stats, "revenue")), conversions * 1000) << "cycle " << cycle;
    EXPECT_EQ(LedgerSum(), Minor(Field(stats.at("commission").as_object(), "total")))
        << "cycle " << cycle;
  }
  // Every acknowledged conversion is there, once, under its first answer's id.
  for (const auto& [order, conversion_id] : acked.conversions) {
    const HttpResult again =
        PostbackGet(absl::StrCat("order_id=", order, "&amount=10.00&currency=USD"));
    const boost::json::object answer = Json(again);
    if (Field(answer, "result") != "duplicate" ||
        (!conversion_id.empty() && Field(answer, "conversion_id") != conversion_id)) {
      ++lost;
    }
    if (Field(answer, "partner_id") != "p1") {
      ++lost;  // its click was lost, or it was never attributed
    }
  }
  std::cout << "crash test: cycles " << cycles << ", requests "
            << acked.redirects_sent + acked.conversions_sent << ", acknowledged "
            << acked.customers.size() + acked.returning_acked + acked.conversions.size() << " ("
            << acked.customers.size() << " new visitors' redirects, " << acked.returning_acked
            << " returning visitors' on " << acked.returning_acked_visitors.size() << " visitors, "
            << acked.conversions.size() << " conversions), lost " << lost << ", duplicated "
            << duplicated << "\n";
  EXPECT_EQ(lost, 0);
  EXPECT_EQ(duplicated, 0);
  EXPECT_GT(acked.conversions.size(), 0u);
}

}  // namespace
}  // namespace clicktrack::testing
