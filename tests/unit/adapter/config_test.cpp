#include "config.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <thread>

namespace khatad {
namespace {

TEST(Config, ThreadsDefaultToThreePerCore) {
  unsetenv("KHATAD_THREADS");
  int exit_code = 0;
  const auto config = parse_config({}, exit_code);
  ASSERT_TRUE(config.has_value());
  const int cores = static_cast<int>(std::thread::hardware_concurrency());
  EXPECT_EQ(config->threads, cores > 0 ? std::clamp(3 * cores, 3, 256) : 3);
  EXPECT_GE(config->threads, 3);
}

TEST(Config, ThreadsFlagOverridesTheDefault) {
  int exit_code = 0;
  const auto config = parse_config({"--threads", "3"}, exit_code);
  ASSERT_TRUE(config.has_value());
  EXPECT_EQ(config->threads, 3);
}

}  // namespace
}  // namespace khatad
