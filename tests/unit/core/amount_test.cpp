#include "khata/core/amount.h"

#include <gtest/gtest.h>

#include <limits>

#include "khata/core/error.h"

namespace {

std::string sqlstate_of(const std::string& text, int exponent = 2) {
  try {
    khata::parse_amount(text, exponent);
  } catch (const khata::Error& e) {
    return e.sqlstate();
  }
  return "none";
}

TEST(ParseAmount, TakaWithTwoDecimalsBecomesPaisa) {
  EXPECT_EQ(khata::parse_amount("18.5", 2), 1850);
  EXPECT_EQ(khata::parse_amount("18.50", 2), 1850);
  EXPECT_EQ(khata::parse_amount("1000", 2), 100000);
  EXPECT_EQ(khata::parse_amount("10.10", 2), 1010);
  EXPECT_EQ(khata::parse_amount("0.01", 2), 1);
  EXPECT_EQ(khata::parse_amount(".5", 2), 50);
  EXPECT_EQ(khata::parse_amount("7.", 2), 700);
  EXPECT_EQ(khata::parse_amount("-12.34", 2), -1234);
  EXPECT_EQ(khata::parse_amount("+3", 0), 3);
}

TEST(ParseAmount, MoreDecimalsThanTheCurrencyHasIsRefusedNotRounded) {
  EXPECT_EQ(sqlstate_of("10.005"), "22023");
  EXPECT_EQ(sqlstate_of("22.829"), "22023");
  EXPECT_EQ(sqlstate_of("1.5", 0), "22023");
}

TEST(ParseAmount, TrailingZerosBeyondTheExponentAreExact) {
  EXPECT_EQ(khata::parse_amount("10.100", 2), 1010);
  EXPECT_EQ(sqlstate_of("10.1001"), "22023");
}

TEST(ParseAmount, MalformedTextIsAnInvalidTextRepresentation) {
  for (const char* bad : {"", "-", ".", "1.2.3", "1e3", "12a", " 1", "1,000", "--1"})
    EXPECT_EQ(sqlstate_of(bad), "22P02") << '"' << bad << '"';
}

TEST(ParseAmount, Int64BoundsParseAndBeyondIsOutOfRange) {
  EXPECT_EQ(khata::parse_amount("9223372036854775807", 0), std::numeric_limits<int64_t>::max());
  EXPECT_EQ(khata::parse_amount("-9223372036854775808", 0), std::numeric_limits<int64_t>::min());
  EXPECT_EQ(sqlstate_of("9223372036854775808", 0), "22003");
  EXPECT_EQ(sqlstate_of("92233720368547758.08", 2), "22003");
  EXPECT_EQ(sqlstate_of("92233720368547758.07", 2), "none");
}

TEST(ParseAmount, ExponentOutsideZeroToSixIsInvalid) {
  EXPECT_EQ(sqlstate_of("1", -1), "22023");
  EXPECT_EQ(sqlstate_of("1", 7), "22023");
}

TEST(FormatAmount, ShortestExactDecimal) {
  EXPECT_EQ(khata::format_amount(1850, 2), "18.5");
  EXPECT_EQ(khata::format_amount(100000, 2), "1000");
  EXPECT_EQ(khata::format_amount(1, 2), "0.01");
  EXPECT_EQ(khata::format_amount(0, 2), "0");
  EXPECT_EQ(khata::format_amount(-1234, 2), "-12.34");
  EXPECT_EQ(khata::format_amount(-5, 2), "-0.05");
  EXPECT_EQ(khata::format_amount(42, 0), "42");
  EXPECT_EQ(khata::format_amount(std::numeric_limits<int64_t>::min(), 2), "-92233720368547758.08");
}

TEST(FormatAmount, RoundTripsThroughParse) {
  for (int64_t v : {0LL, 1LL, 99LL, 101850LL, -7LL, 123456789012LL})
    EXPECT_EQ(khata::parse_amount(khata::format_amount(v, 2), 2), v);
}

}  // namespace
