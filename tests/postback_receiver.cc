#include "tests/postback_receiver.h"

#include <poll.h>
#include <unistd.h>

#include <cstring>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_split.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

namespace clicktrack::testing {

PostbackReceiver::PostbackReceiver(int failures_per_delivery)
    : failures_per_delivery_(failures_per_delivery) {
  listener_ = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(listener_, reinterpret_cast<sockaddr*>(&address), sizeof(address));
  ::listen(listener_, 128);
  socklen_t size = sizeof(address);
  ::getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &size);
  port_ = ntohs(address.sin_port);
  thread_ = std::thread([this] { Serve(); });
}

PostbackReceiver::~PostbackReceiver() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  thread_.join();
  ::close(listener_);
}

void PostbackReceiver::Serve() {
  while (true) {
    {
      std::lock_guard lock(mu_);
      if (stopping_) {
        return;
      }
    }
    pollfd ready{.fd = listener_, .events = POLLIN, .revents = 0};
    if (::poll(&ready, 1, 50) <= 0) {
      continue;
    }
    const int connection = ::accept(listener_, nullptr, nullptr);
    if (connection >= 0) {
      Handle(connection);
      ::close(connection);
    }
  }
}

void PostbackReceiver::Handle(int connection) {
  std::string request;
  char buffer[4096];
  while (!absl::StrContains(request, "\r\n\r\n")) {
    const ssize_t got = ::recv(connection, buffer, sizeof(buffer), 0);
    if (got <= 0) {
      return;
    }
    request.append(buffer, static_cast<size_t>(got));
  }
  Arrival arrival;
  for (absl::string_view line : absl::StrSplit(request, "\r\n")) {
    if (absl::StartsWith(line, "GET ")) {
      arrival.target = std::string(line.substr(4, line.rfind(' ') - 4));
    } else if (absl::StartsWithIgnoreCase(line, "X-Clicktrack-Delivery:")) {
      arrival.delivery_id = std::string(absl::StripAsciiWhitespace(line.substr(22)));
    }
  }
  {
    std::lock_guard lock(mu_);
    arrival.answered = ++seen_[arrival.delivery_id] > failures_per_delivery_ ? 200 : 500;
    arrivals_.push_back(arrival);
  }
  const std::string answer = arrival.answered == 200
                                 ? "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"
                                 : "HTTP/1.1 500 Oops\r\nContent-Length: 4\r\n\r\nnope";
  (void)::send(connection, answer.data(), answer.size(), MSG_NOSIGNAL);
}

std::vector<PostbackReceiver::Arrival> PostbackReceiver::arrivals() const {
  std::lock_guard lock(mu_);
  return arrivals_;
}

std::map<std::string, int> PostbackReceiver::delivered() const {
  std::lock_guard lock(mu_);
  std::map<std::string, int> delivered;
  for (const Arrival& arrival : arrivals_) {
    if (arrival.answered == 200) {
      ++delivered[arrival.delivery_id];
    }
  }
  return delivered;
}

}  // namespace clicktrack::testing
