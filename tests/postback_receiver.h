#pragma once

// A partner's tracker for tests: a real HTTP server on loopback that records each request's
// target and X-Clicktrack-Delivery header, and answers 500 to a delivery's first
// `failures_per_delivery` attempts, then 200.

#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace clicktrack::testing {

class PostbackReceiver {
 public:
  explicit PostbackReceiver(int failures_per_delivery);
  ~PostbackReceiver();
  PostbackReceiver(const PostbackReceiver&) = delete;
  PostbackReceiver& operator=(const PostbackReceiver&) = delete;

  int port() const { return port_; }

  struct Arrival {
    std::string delivery_id;
    std::string target;
    int answered = 0;
  };
  std::vector<Arrival> arrivals() const;
  // Delivery id -> how many times it was answered 200.
  std::map<std::string, int> delivered() const;

 private:
  void Serve();
  void Handle(int connection);

  int listener_ = -1;
  int port_ = 0;
  const int failures_per_delivery_;
  mutable std::mutex mu_;
  std::vector<Arrival> arrivals_;    // under mu_
  std::map<std::string, int> seen_;  // delivery id -> attempts, under mu_
  bool stopping_ = false;            // under mu_
  std::thread thread_;
};

}  // namespace clicktrack::testing
