#include "tests/integration_fixture.h"

#include "boost/json/parse.hpp"

namespace clicktrack::testing {

int64_t TrackerdTest::StatsField(absl::string_view field, absl::string_view partner) {
  const HttpResult result =
      Call("GET", absl::StrCat("/api/v1/programs/acme/partners/", partner, "/stats"));
  EXPECT_EQ(result.status, 200) << result.body;
  boost::system::error_code ec;
  const boost::json::value value = boost::json::parse(result.body, ec);
  if (ec || !value.is_object()) {
    ADD_FAILURE() << "stats body is not JSON: " << result.body;
    return -1;
  }
  const boost::json::value* number =
      value.get_object().if_contains(boost::json::string_view(field.data(), field.size()));
  if (number == nullptr || !number->is_int64()) {
    ADD_FAILURE() << "stats has no integer " << field << ": " << result.body;
    return -1;
  }
  return number->get_int64();
}

}  // namespace clicktrack::testing
