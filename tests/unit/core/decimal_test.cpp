#include "khata/core/decimal.h"

#include <gtest/gtest.h>

#include "khata/core/error.h"

namespace khata {
namespace {

TEST(Ratio, ParsesExactDecimalsAndPrintsThemBack) {
  EXPECT_EQ(Ratio::parse("1.85", "rate"), Ratio(185, 100));
  EXPECT_EQ(Ratio::parse("1.85", "rate").to_string(), "1.85");
  EXPECT_EQ(Ratio::parse("0.15", "rate").to_string(), "0.15");
  EXPECT_EQ(Ratio::parse("12", "rate").to_string(), "12");
  EXPECT_EQ(Ratio::parse("2.50", "rate").to_string(), "2.5");
  EXPECT_EQ(Ratio(1, 3).to_string(), "1/3");
}

TEST(Ratio, RefusesWhatIsNotANonNegativeDecimal) {
  for (const char* text : {"", ".", "-1", "1.2.3", "1e3", "abc", "1.0000000001", " 1"}) {
    try {
      Ratio::parse(text, "rate");
      ADD_FAILURE() << "accepted " << text;
    } catch (const Error& e) {
      EXPECT_EQ(e.sqlstate(), "22023") << text;
    }
  }
}

TEST(Ratio, ScalesBySettingsExactly) {
  Ratio rate = Ratio::parse("1.5", "rate").divided_by(Ratio(10, 1));
  EXPECT_EQ(rate.to_string(), "0.15");
  EXPECT_EQ(rate.times(Ratio(10, 1)).to_string(), "1.5");
}

TEST(PercentOf, CashOutFeeOf1000TakaIs18_50) {
  EXPECT_EQ(percent_of(100000, Ratio::parse("1.85", "rate"), Rounding::kHalfUp), 1850);
}

TEST(PercentOf, RoundsHalfUpByDefaultAndAsToldOtherwise) {
  Ratio rate = Ratio::parse("1.5", "rate");
  // 667 taka at 1.5% is 10.005 taka: 1000.5 paisa.
  EXPECT_EQ(percent_of(66700, rate, Rounding::kHalfUp), 1001);
  EXPECT_EQ(percent_of(66700, rate, Rounding::kHalfEven), 1000);
  EXPECT_EQ(percent_of(66700, rate, Rounding::kDown), 1000);
  EXPECT_EQ(percent_of(66700, rate, Rounding::kUp), 1001);
  // 10.015 taka: half-even goes to the even neighbour 1002.
  EXPECT_EQ(percent_of(66767, rate, Rounding::kHalfEven), 1002);
  EXPECT_EQ(percent_of(66701, rate, Rounding::kUp), 1001);
  EXPECT_EQ(percent_of(66701, rate, Rounding::kDown), 1000);
}

TEST(PercentOf, LargeAmountsDoNotOverflowSilently) {
  EXPECT_EQ(percent_of(INT64_MAX, Ratio(100, 1), Rounding::kDown), INT64_MAX);
  try {
    percent_of(INT64_MAX, Ratio(200, 1), Rounding::kDown);
    ADD_FAILURE() << "no overflow error";
  } catch (const Error& e) {
    EXPECT_EQ(e.sqlstate(), "22003");
  }
}

TEST(Rounding, NamesRoundTrip) {
  for (const char* name : {"half_up", "half_even", "up", "down"})
    EXPECT_STREQ(rounding_name(parse_rounding(name)), name);
  EXPECT_THROW(parse_rounding("banker"), Error);
}

}  // namespace
}  // namespace khata
