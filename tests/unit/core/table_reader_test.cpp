#include "khata/core/table_reader.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <string>
#include <utility>
#include <vector>

#include "khata/core/error.h"
#include "tabular_support.h"

namespace {

using khata::testing::fixture;
using Records = std::vector<std::pair<int64_t, nlohmann::json>>;

Records read(const std::string& data, const khata::TableOptions& options = {}) {
  Records records;
  khata::read_table(data, options, [&](int64_t line, const std::string& cells) {
    records.emplace_back(line, nlohmann::json::parse(cells));
  });
  return records;
}

khata::Error error_of(const std::string& data, const khata::TableOptions& options = {}) {
  return khata::testing::error_of_call([&] { read(data, options); });
}

khata::Error option_error(std::optional<std::string_view> format, std::string_view json) {
  return khata::testing::error_of_call([&] { khata::parse_table_options(format, json); });
}

TEST(HeaderNames, AreTrimmedLowerCasedAndInnerSpacesCollapsed) {
  EXPECT_EQ(khata::normalize_header_name("  Customer \t  ID\r\n"), "customer id");
  EXPECT_EQ(khata::normalize_header_name("\xC2\xA0"
                                         "Amount\xC2\xA0"),
            "amount");
  EXPECT_EQ(khata::normalize_header_name("Bill Date (DD/MM)"), "bill date (dd/mm)");
  EXPECT_EQ(khata::normalize_header_name("নাম"), "নাম");
  EXPECT_EQ(khata::normalize_header_name("   "), "");
}

TEST(ReadTable, CsvRowsBecomeObjectsKeyedByTheHeader) {
  const Records records =
      read("Customer Name, Amount ,Note\r\nRahim, 1018.5 ,\r\n\r\n\"Karim\"\"s\",250,x\r\n");
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].first, 2);
  EXPECT_EQ(records[0].second, (nlohmann::json{{"customer name", "Rahim"}, {"amount", "1018.5"}}))
      << "cells are trimmed and empty cells are absent";
  EXPECT_EQ(records[1].first, 4);
  EXPECT_EQ(records[1].second["customer name"], "Karim\"s");
}

TEST(ReadTable, HeaderIsTheFirstNonBlankRow) {
  const Records records = read("\n,,\nname\nx\n");
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].first, 4);
}

TEST(ReadTable, HeaderOnlyFileHasNoRecords) { EXPECT_TRUE(read("name,amount\n").empty()); }

TEST(ReadTable, ControlCharactersAndQuotesAreEscapedInJson) {
  const Records records = read("note\n\"a\tb\"\"c\\\x01\"\n");
  EXPECT_EQ(records[0].second["note"], "a\tb\"c\\\x01");
}

TEST(ReadTable, CsvFixtureWithBomSemicolonsAndQuotedLineBreaks) {
  const Records records = read(fixture("bills.csv"));
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[0].second["customer name"], "Rahim \"Big\" Traders");
  EXPECT_EQ(records[1].second["customer name"], "Karim;\r\nSons");
  EXPECT_EQ(records[2].first, 6) << "the quoted line break and the blank line count";
  EXPECT_EQ(records[2].second["customer name"], "নদী স্টোর");
}

TEST(ReadTable, XlsxIsSniffedFromTheBytes) {
  const Records records = read(fixture("bills.xlsx"));
  ASSERT_EQ(records.size(), 4u);
  EXPECT_EQ(records[0].first, 2);
  EXPECT_EQ(records[0].second["customer id"], "C-001");
  EXPECT_EQ(records[0].second["amount"], "1018.5");
  EXPECT_EQ(records[2].second["customer name"], "Nodi Store");
  EXPECT_FALSE(records[2].second.contains("due date"));
  EXPECT_EQ(records[3].first, 9);
}

TEST(ReadTable, ExplicitFormatWins) {
  EXPECT_EQ(error_of(fixture("bills.csv"), khata::parse_table_options("xlsx", "")).sqlstate(),
            "22K60");
}

TEST(ReadTable, EmptyFileHasNoHeader) {
  const khata::Error e = error_of("\r\n \r\n");
  EXPECT_EQ(e.sqlstate(), "22K63");
  EXPECT_STREQ(e.what(), "the file has no header row: it is empty");
}

TEST(ReadTable, DuplicateHeaderNamesAreRefused) {
  const khata::Error e = error_of("Amount,Name, amount \n1,2,3\n");
  EXPECT_EQ(e.sqlstate(), "22K64");
  EXPECT_STREQ(e.what(), "the header names \"amount\" twice, in columns A and C");
}

TEST(ReadTable, RowWiderThanTheHeaderIsRefusedWithItsLine) {
  const std::string csv = "a,b\n" + std::string(12, '\n') + "1,2,3,,5,6\n";
  const khata::Error e = error_of(csv);
  EXPECT_EQ(e.sqlstate(), "22K65");
  EXPECT_STREQ(e.what(), "row 14 has 4 cells more than the header");
  EXPECT_STREQ(error_of("a,b\n1,2,3").what(), "row 2 has 1 cell more than the header");
  EXPECT_EQ(read("a,b\n1,2,,  ,\n").size(), 1u) << "empty cells past the header are fine";
}

TEST(ReadTable, ValueUnderAnUnnamedColumnIsRefused) {
  EXPECT_EQ(read("a,,c\n1,,3\n").front().second, (nlohmann::json{{"a", "1"}, {"c", "3"}}));
  const khata::Error e = error_of("a,,c\n1,2,3\n");
  EXPECT_EQ(e.sqlstate(), "22K65");
  EXPECT_STREQ(e.what(), "row 2 has a value in column B, which has no header");
}

TEST(ReadTable, RowOfNoBreakSpacesIsBlank) { EXPECT_TRUE(read("a\n\xC2\xA0\n").empty()); }

TEST(TableOptions, SheetDelimiterAndLowerCapsAreTaken) {
  const khata::TableOptions options = khata::parse_table_options(
      "csv", R"({"sheet": "Bills", "delimiter": "\t", "max_rows": 10, "max_cell_bytes": 100})");
  EXPECT_EQ(options.format, khata::TableFormat::kCsv);
  EXPECT_EQ(options.sheet, "Bills");
  EXPECT_EQ(options.delimiter, '\t');
  EXPECT_EQ(options.limits.max_rows, 10);
  EXPECT_EQ(options.limits.max_cell_bytes, 100);
  EXPECT_EQ(options.limits.max_columns, khata::TableLimits().max_columns);
}

TEST(TableOptions, CapsCannotBeRaisedAboveTheHardLimits) {
  const khata::Error e = option_error(std::nullopt, R"({"max_rows": 1000001})");
  EXPECT_EQ(e.sqlstate(), "22023");
  EXPECT_STREQ(e.what(), "option max_rows must be a whole number from 1 to 1000000");
  EXPECT_EQ(option_error(std::nullopt, R"({"max_expansion_ratio": 0})").sqlstate(), "22023");
  EXPECT_EQ(option_error(std::nullopt, R"({"max_rows": 1.5})").sqlstate(), "22023");
}

TEST(TableOptions, UnknownOptionsAndFormatsAreRefused) {
  EXPECT_STREQ(option_error(std::nullopt, R"({"max_row": 5})").what(),
               "unknown option \"max_row\"");
  EXPECT_STREQ(option_error("xls", "").what(), "format must be \"csv\" or \"xlsx\", not \"xls\"");
  EXPECT_EQ(option_error(std::nullopt, "[1]").sqlstate(), "22023");
  EXPECT_EQ(option_error(std::nullopt, R"({"delimiter": "|"})").sqlstate(), "22023");
  EXPECT_EQ(option_error(std::nullopt, R"({"sheet": 1})").sqlstate(), "22023");
}

TEST(TableFormat, ZipMagicIsXlsxAnythingElseCsv) {
  EXPECT_EQ(khata::sniff_table_format(std::string("PK\x03\x04", 4)), khata::TableFormat::kXlsx);
  EXPECT_EQ(khata::sniff_table_format("PK,name\n"), khata::TableFormat::kCsv);
  EXPECT_EQ(khata::sniff_table_format(""), khata::TableFormat::kCsv);
}

}  // namespace
