#pragma once

// Helpers for tests that send conversions to a real trackerd: signed postbacks, pixels, and
// reading their JSON answers.

#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "boost/json/parse.hpp"
#include "gtest/gtest.h"
#include <openssl/hmac.h>

#include "tests/integration_fixture.h"

namespace clicktrack::testing {

inline constexpr char kSecret[] = "at-least-16-chars";

inline std::string Sign(absl::string_view body) {
  unsigned char mac[32];
  unsigned int size = 0;
  HMAC(EVP_sha256(), kSecret, static_cast<int>(sizeof(kSecret) - 1),
       reinterpret_cast<const unsigned char*>(body.data()), body.size(), mac, &size);
  return "X-Signature: sha256=" +
         absl::BytesToHexString(absl::string_view(reinterpret_cast<const char*>(mac), size));
}

inline boost::json::object Json(const HttpResult& result) {
  boost::system::error_code ec;
  boost::json::value value = boost::json::parse(result.body, ec);
  if (ec || !value.is_object()) {
    ADD_FAILURE() << "not a JSON object: " << result.body;
    return {};
  }
  return value.get_object();
}

inline std::string Field(const boost::json::object& object, absl::string_view name) {
  const boost::json::value* value =
      object.if_contains(boost::json::string_view(name.data(), name.size()));
  if (value == nullptr || !value->is_string()) {
    return value != nullptr && value->is_null() ? "null" : "";
  }
  return std::string(value->get_string());
}

class ConversionFixture : public TrackerdTest {
 protected:
  void SetUp() override {
    TrackerdTest::SetUp();
    SeedProgram();  // first_sale 20 %, secret kSecret
    MakeLink("c1", "https://shop.example.com/");
  }

  // Clicks p1's link as a new visitor; returns the tc_cid cookie value.
  std::string ClickAsVisitor() {
    const std::string cookie = Click("/go/c1").Header("set-cookie");
    return cookie.substr(7, 26);
  }

  HttpResult PostbackGet(absl::string_view params) {
    return Send("GET", absl::StrCat("/postback?program=acme&token=", kSecret, "&", params));
  }

  HttpResult PostbackPost(absl::string_view body) {
    return Send("POST", "/postback", body, {Sign(body)});
  }

  HttpResult Pixel(absl::string_view params, absl::string_view cookie = "") {
    std::vector<std::string> headers = {kBrowserAgent};
    if (!cookie.empty()) {
      headers.push_back(absl::StrCat("Cookie: tc_cid=", cookie));
    }
    return Send("GET", absl::StrCat("/px.gif?program=acme&", params), "", headers);
  }
};

}  // namespace clicktrack::testing
