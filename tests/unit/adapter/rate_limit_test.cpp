#include "rate_limit.h"

#include <gtest/gtest.h>

namespace khatad {
namespace {

TEST(RateLimit, ParsesAppTierAndWindows) {
  std::string app, tier;
  std::vector<RateRule> rules;
  ASSERT_TRUE(parse_rate_limit("books:diamond=1000/1h,10000/1d", app, tier, rules));
  EXPECT_EQ(app, "books");
  EXPECT_EQ(tier, "diamond");
  ASSERT_EQ(rules.size(), 2u);
  EXPECT_EQ(rules[0].limit, 1000);
  EXPECT_EQ(rules[0].window, 3600);
  EXPECT_EQ(rules[1].window, 86400);
  EXPECT_FALSE(parse_rate_limit("books=100", app, tier, rules));
  EXPECT_FALSE(parse_rate_limit("books=0/1h", app, tier, rules));
  EXPECT_FALSE(parse_rate_limit("=1/1h", app, tier, rules));
  EXPECT_FALSE(parse_rate_limit("books=1/1w", app, tier, rules));
}

TEST(RateLimit, CountsPerClientAndRefusesPastTheLimit) {
  RateLimiter limiter;
  limiter.set_rules("books", "", {{2, 3600}});
  const int64_t now = 7200 + 10;
  EXPECT_EQ(limiter.hit("books", "", "a", now)->remaining, 1);
  EXPECT_EQ(limiter.hit("books", "", "a", now)->remaining, 0);
  const auto third = limiter.hit("books", "", "a", now);
  EXPECT_FALSE(third->allowed);
  EXPECT_EQ(third->reset, 10800);
  EXPECT_TRUE(limiter.hit("books", "", "b", now)->allowed);
  EXPECT_TRUE(limiter.hit("books", "", "a", 10800)->allowed) << "a new window starts afresh";
  EXPECT_FALSE(limiter.hit("wallet", "", "a", now).has_value()) << "no rules, no limits";
}

TEST(RateLimit, TheTightestRuleIsReportedAndTiersHaveTheirOwn) {
  RateLimiter limiter;
  limiter.set_rules("books", "", {{100, 3600}, {3, 86400}});
  limiter.set_rules("books", "diamond", {{1000, 3600}});
  const auto d = limiter.hit("books", "", "a", 100);
  EXPECT_EQ(d->limit, 3);
  EXPECT_EQ(d->remaining, 2);
  EXPECT_EQ(d->reset, 86400);
  EXPECT_EQ(limiter.hit("books", "diamond", "a", 100)->limit, 1000);
  EXPECT_EQ(limiter.hit("books", "gold", "a", 100)->limit, 3) << "an unknown tier is the default";
}

}  // namespace
}  // namespace khatad
