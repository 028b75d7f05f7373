#include "khata/core/xlsx_cells.h"

#include <gtest/gtest.h>

namespace {

using khata::date_kind_of_format;
using khata::DateKind;
using khata::serial_to_iso;
using khata::shortest_decimal;

TEST(ShortestDecimal, NumbersReadBackToTheSameDoubleWithoutNoise) {
  EXPECT_EQ(shortest_decimal(1018.5), "1018.5");
  EXPECT_EQ(shortest_decimal(1018.50000000000001), "1018.5");
  EXPECT_EQ(shortest_decimal(0.1 + 0.2), "0.30000000000000004");
  EXPECT_EQ(shortest_decimal(250), "250");
  EXPECT_EQ(shortest_decimal(-0.0025), "-0.0025");
  EXPECT_EQ(shortest_decimal(-0.0), "0");
  EXPECT_EQ(shortest_decimal(123456789012345.0), "123456789012345");
}

TEST(ShortestDecimal, VeryLargeAndSmallNumbersUseAnExponent) {
  EXPECT_EQ(shortest_decimal(1e21), "1e+21");
  EXPECT_EQ(shortest_decimal(1e20), "100000000000000000000");
  EXPECT_EQ(shortest_decimal(1.5e-7), "1.5e-07");
  EXPECT_EQ(shortest_decimal(0.000001), "0.000001");
}

TEST(DateFormats, BuiltinFormats14To22AreDatesAndTimes) {
  EXPECT_EQ(date_kind_of_format(14, std::nullopt), DateKind::kDate);
  EXPECT_EQ(date_kind_of_format(17, std::nullopt), DateKind::kDate);
  EXPECT_EQ(date_kind_of_format(20, std::nullopt), DateKind::kTime);
  EXPECT_EQ(date_kind_of_format(22, std::nullopt), DateKind::kDateTime);
  EXPECT_EQ(date_kind_of_format(0, std::nullopt), DateKind::kNone);
  EXPECT_EQ(date_kind_of_format(4, std::nullopt), DateKind::kNone);
  EXPECT_EQ(date_kind_of_format(164, std::nullopt), DateKind::kNone) << "custom id, no code";
}

TEST(DateFormats, CustomCodesWithDayMonthOrYearAreDates) {
  EXPECT_EQ(date_kind_of_format(164, "dd/mm/yyyy"), DateKind::kDate);
  EXPECT_EQ(date_kind_of_format(164, "[$-409]d\\-mmm\\-yy;@"), DateKind::kDate);
  EXPECT_EQ(date_kind_of_format(164, "mmmm"), DateKind::kDate);
  EXPECT_EQ(date_kind_of_format(164, "yyyy-mm-dd hh:mm:ss"), DateKind::kDateTime);
  EXPECT_EQ(date_kind_of_format(164, "h:mm AM/PM"), DateKind::kTime);
  EXPECT_EQ(date_kind_of_format(164, "mm:ss"), DateKind::kTime);
}

TEST(DateFormats, NumberCodesLiteralsAndElapsedTimesAreNotDates) {
  EXPECT_EQ(date_kind_of_format(164, "General"), DateKind::kNone);
  EXPECT_EQ(date_kind_of_format(164, "#,##0.00_);[Red](#,##0.00)"), DateKind::kNone);
  EXPECT_EQ(date_kind_of_format(164, "0.00 \"days\""), DateKind::kNone);
  EXPECT_EQ(date_kind_of_format(164, "[h]:mm:ss"), DateKind::kNone);
  EXPECT_EQ(date_kind_of_format(164, "0\\d"), DateKind::kNone);
  EXPECT_EQ(date_kind_of_format(164, "@"), DateKind::kNone);
  EXPECT_EQ(date_kind_of_format(14, "0.00"), DateKind::kNone) << "a redefined builtin id";
}

TEST(SerialDates, The1900SystemKeepsExcelsLeapYearBug) {
  EXPECT_EQ(serial_to_iso(1, DateKind::kDate, false), "1900-01-01");
  EXPECT_EQ(serial_to_iso(59, DateKind::kDate, false), "1900-02-28");
  EXPECT_EQ(serial_to_iso(60, DateKind::kDate, false), std::nullopt) << "1900-02-29";
  EXPECT_EQ(serial_to_iso(61, DateKind::kDate, false), "1900-03-01");
  EXPECT_EQ(serial_to_iso(45306, DateKind::kDate, false), "2024-01-15");
  EXPECT_EQ(serial_to_iso(45351, DateKind::kDate, false), "2024-02-29");
  EXPECT_EQ(serial_to_iso(2958465, DateKind::kDate, false), "9999-12-31");
  EXPECT_EQ(serial_to_iso(2958466, DateKind::kDate, false), std::nullopt);
  EXPECT_EQ(serial_to_iso(0, DateKind::kDate, false), std::nullopt);
  EXPECT_EQ(serial_to_iso(-1, DateKind::kDate, false), std::nullopt);
}

TEST(SerialDates, The1904SystemStartsAtZero) {
  EXPECT_EQ(serial_to_iso(0, DateKind::kDate, true), "1904-01-01");
  EXPECT_EQ(serial_to_iso(43844, DateKind::kDate, true), "2024-01-15");
}

TEST(SerialDates, TimesRoundToTheSecond) {
  EXPECT_EQ(serial_to_iso(45356.60416666666, DateKind::kDateTime, false), "2024-03-05T14:30:00");
  EXPECT_EQ(serial_to_iso(45356.60416666666, DateKind::kDate, false), "2024-03-05");
  EXPECT_EQ(serial_to_iso(0.75, DateKind::kTime, false), "18:00:00");
  EXPECT_EQ(serial_to_iso(45306.999999999, DateKind::kDateTime, false), "2024-01-16T00:00:00");
}

}  // namespace
