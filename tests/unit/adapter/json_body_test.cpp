#include "json_body.h"

#include <gtest/gtest.h>

#include <string>

namespace khatad {
namespace {

TEST(JsonBody, WellFormedValuesPass) {
  EXPECT_EQ(check_json_body("42"), JsonBody::ok);
  EXPECT_EQ(check_json_body("\"[{\""), JsonBody::ok);
  EXPECT_EQ(check_json_body(R"({"a": [1, {"b": []}], "c": {}})"), JsonBody::ok);
  EXPECT_EQ(check_json_body(R"({"amount": 18.5, "ok": true, "none": null})"), JsonBody::ok);
}

TEST(JsonBody, MalformedTextIsRefused) {
  EXPECT_EQ(check_json_body(""), JsonBody::malformed);
  EXPECT_EQ(check_json_body("{"), JsonBody::malformed);
  EXPECT_EQ(check_json_body(R"({"a": 1,})"), JsonBody::malformed);
  EXPECT_EQ(check_json_body("{} {}"), JsonBody::malformed);
  EXPECT_EQ(check_json_body("[1] x"), JsonBody::malformed);
  EXPECT_EQ(check_json_body("\"\xff\""), JsonBody::malformed);
}

TEST(JsonBody, DepthCountsTheDeepestBranch) {
  const std::string four = R"({"a": [1, {"b": []}], "c": {}})";
  EXPECT_EQ(check_json_body(four, 4), JsonBody::ok);
  EXPECT_EQ(check_json_body(four, 3), JsonBody::too_deep);
  EXPECT_EQ(check_json_body("[[], [[]], []]", 3), JsonBody::ok);
  EXPECT_EQ(check_json_body("[[], [[]], []]", 2), JsonBody::too_deep);
}

TEST(JsonBody, BracketsInStringsDoNotCount) {
  EXPECT_EQ(check_json_body(R"({"a": "[[[{{{", "b": "\"]]]"})", 1), JsonBody::ok);
  EXPECT_EQ(check_json_body(R"(["\\", ["x"]])", 2), JsonBody::ok);
}

TEST(JsonBody, TheLimitIsFiveHundredTwelveLevels) {
  const auto nested = [](std::size_t n) { return std::string(n, '[') + std::string(n, ']'); };
  EXPECT_EQ(check_json_body(nested(kMaxJsonDepth)), JsonBody::ok);
  EXPECT_EQ(check_json_body(nested(kMaxJsonDepth + 1)), JsonBody::too_deep);
}

TEST(JsonBody, DeepTextStopsAtTheLimitWithoutRecursion) {
  const std::size_t n = 1000000;
  EXPECT_EQ(check_json_body(std::string(n, '[') + std::string(n, ']')), JsonBody::too_deep);
  // Too deep is told before the missing closing brackets are reached.
  EXPECT_EQ(check_json_body(std::string(n, '[')), JsonBody::too_deep);
}

TEST(JsonBody, NumbersPastADoubleOrAThousandDecimalsAreOutOfRange) {
  EXPECT_EQ(check_json_body(R"({"amount": 1e999999})"), JsonBody::number_out_of_range);
  EXPECT_EQ(check_json_body(R"({"amount": -1e999999999999999999999})"),
            JsonBody::number_out_of_range);
  EXPECT_EQ(check_json_body("[1e309]"), JsonBody::number_out_of_range);
  EXPECT_EQ(check_json_body("[1" + std::string(400, '0') + "]"), JsonBody::number_out_of_range);
  EXPECT_EQ(check_json_body("[1e-1001]"), JsonBody::number_out_of_range);
  EXPECT_EQ(check_json_body("[1e-999999]"), JsonBody::number_out_of_range);
  EXPECT_EQ(check_json_body("[0." + std::string(1001, '1') + "]"), JsonBody::number_out_of_range);
}

TEST(JsonBody, LargeButReadableNumbersPass) {
  EXPECT_EQ(check_json_body("[1e300, 1E+307, 1.5e-998, 123456789012345678901234567890]"),
            JsonBody::ok);
  EXPECT_EQ(check_json_body("[0." + std::string(1000, '1') + "]"), JsonBody::ok);
}

TEST(JsonBody, ANulInAStringOrAKeyIsRefused) {
  EXPECT_EQ(check_json_body(R"({"email": "a\u0000@example.com"})"), JsonBody::nul_character);
  EXPECT_EQ(check_json_body(R"({"a\u0000": 1})"), JsonBody::nul_character);
  EXPECT_EQ(check_json_body(R"({"a": "\\u0000"})"), JsonBody::ok);
}

}  // namespace
}  // namespace khatad
