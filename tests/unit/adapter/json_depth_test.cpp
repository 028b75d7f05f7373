#include "json_depth.h"

#include <gtest/gtest.h>

#include <string>

namespace khatad {
namespace {

TEST(JsonDepth, ScalarsAreZeroDeep) {
  EXPECT_EQ(json_nesting_depth("42"), 0U);
  EXPECT_EQ(json_nesting_depth("\"[{\""), 0U);
  EXPECT_EQ(json_nesting_depth(""), 0U);
}

TEST(JsonDepth, CountsTheDeepestBranch) {
  EXPECT_EQ(json_nesting_depth("{}"), 1U);
  EXPECT_EQ(json_nesting_depth(R"({"a": [1, {"b": []}], "c": {}})"), 4U);
  EXPECT_EQ(json_nesting_depth("[[], [[]], []]"), 3U);
}

TEST(JsonDepth, BracketsInStringsDoNotCount) {
  EXPECT_EQ(json_nesting_depth(R"({"a": "[[[{{{", "b": "\"]]]"})"), 1U);
  EXPECT_EQ(json_nesting_depth(R"(["\\", ["x"]])"), 2U);
}

TEST(JsonDepth, DeepTextIsMeasuredWithoutRecursion) {
  const std::size_t n = 1000000;
  EXPECT_EQ(json_nesting_depth(std::string(n, '[') + std::string(n, ']')), n);
}

}  // namespace
}  // namespace khatad
