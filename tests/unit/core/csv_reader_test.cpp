#include "khata/core/csv_reader.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "khata/core/error.h"
#include "tabular_support.h"

namespace {

using Rows = std::vector<khata::SourceRow>;

Rows read(const std::string& text, const khata::TableLimits& limits = {}, char delimiter = 0) {
  Rows rows;
  khata::read_csv(text, limits, delimiter,
                  [&](const khata::SourceRow& row) { rows.push_back(row); });
  return rows;
}

khata::Error error_of(const std::string& text, const khata::TableLimits& limits = {}) {
  return khata::testing::error_of_call([&] { read(text, limits); });
}

using Cells = std::vector<std::string>;

TEST(CsvReader, PlainCellsSplitOnCommasAndLines) {
  const Rows rows = read("a,b,c\n1,2,3\n");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].cells, (Cells{"a", "b", "c"}));
  EXPECT_EQ(rows[1].cells, (Cells{"1", "2", "3"}));
  EXPECT_EQ(rows[1].line, 2);
}

TEST(CsvReader, QuotedCellsKeepDelimitersQuotesAndLineBreaks) {
  const Rows rows = read("name,note\n\"Karim, Sons\",\"said \"\"hi\"\"\r\nand left\"\nnext,x\n");
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[1].cells, (Cells{"Karim, Sons", "said \"hi\"\r\nand left"}));
  EXPECT_EQ(rows[2].line, 4) << "a record's line counts the line breaks inside quotes";
}

TEST(CsvReader, EmptyQuotedCellAndQuoteInsideAPlainCell) {
  const Rows rows = read("a,b,c\n\"\",5 \"inch\",x");
  EXPECT_EQ(rows[1].cells, (Cells{"", "5 \"inch\"", "x"}));
}

TEST(CsvReader, CrlfLfAndCrAllEndALine) {
  const Rows rows = read("h\r\none\ntwo\rthree\r\n");
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[3].cells, Cells{"three"});
  EXPECT_EQ(rows[3].line, 4);
}

TEST(CsvReader, ByteOrderMarkIsStripped) {
  const Rows rows = read("\xEF\xBB\xBFname\nx");
  EXPECT_EQ(rows[0].cells, Cells{"name"});
}

TEST(CsvReader, BlankLinesAreSkippedButCounted) {
  const Rows rows = read("h\n\n , \n\r\nvalue\n");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[1].line, 5);
}

TEST(CsvReader, LastLineWithoutLineEndIsRead) { EXPECT_EQ(read("a\nb").back().cells, Cells{"b"}); }

TEST(CsvReader, TrailingEmptyCellsAreDropped) {
  EXPECT_EQ(read("a,b,,,\n").front().cells, (Cells{"a", "b"}));
  EXPECT_EQ(read(",,c").front().cells, (Cells{"", "", "c"}));
}

TEST(CsvReader, DelimiterIsDetectedFromTheHeaderLine) {
  EXPECT_EQ(khata::detect_csv_delimiter("a;b;c\n1,5;2;3"), ';');
  EXPECT_EQ(khata::detect_csv_delimiter("a\tb\tc"), '\t');
  EXPECT_EQ(khata::detect_csv_delimiter("a,b;c,d"), ',');
  EXPECT_EQ(khata::detect_csv_delimiter("\n\"x;y;z\",b\n"), ',') << "quoted text does not count";
  EXPECT_EQ(khata::detect_csv_delimiter("name"), ',');
  EXPECT_EQ(read("a;b\n\"1;5\";2").back().cells, (Cells{"1;5", "2"}));
  EXPECT_EQ(read("a\tb\n1,5\t2").back().cells, (Cells{"1,5", "2"}));
}

TEST(CsvReader, GivenDelimiterOverridesDetection) {
  EXPECT_EQ(read("a,b;c\n", {}, ';').front().cells, (Cells{"a,b", "c"}));
}

TEST(CsvReader, InvalidUtf8IsRefusedWithItsLine) {
  const khata::Error e = error_of("name\nok\n\"multi\nline\",\xC3\x28\n");
  EXPECT_EQ(e.sqlstate(), "22K60");
  EXPECT_STREQ(e.what(), "line 4 is not valid UTF-8");
  EXPECT_EQ(error_of("a\n\xED\xA0\x80").sqlstate(), "22K60") << "a UTF-16 surrogate";
  EXPECT_EQ(error_of("a\n\xC0\xAF").sqlstate(), "22K60") << "an overlong form";
  EXPECT_EQ(error_of("a\n\xF4\x90\x80\x80").sqlstate(), "22K60") << "past U+10FFFF";
  EXPECT_EQ(error_of("a\n\xE2\x82").sqlstate(), "22K60") << "a sequence cut short";
}

TEST(CsvReader, ValidMultibyteTextIsKept) {
  EXPECT_EQ(read("নাম\nরহিম €").back().cells, Cells{"রহিম €"});
}

TEST(CsvReader, NulCharacterIsRefused) {
  EXPECT_STREQ(error_of(std::string("a\nb\0c", 5)).what(), "line 2 contains a NUL character");
}

TEST(CsvReader, UnclosedQuoteIsRefusedAtTheLineItOpens) {
  const khata::Error e = error_of("a,b\n1,\"open\n\nstill open");
  EXPECT_EQ(e.sqlstate(), "22K60");
  EXPECT_STREQ(e.what(), "line 2: a quoted cell is not closed before the end of the file");
}

TEST(CsvReader, TextAfterAClosingQuoteIsRefused) {
  EXPECT_STREQ(error_of("a\n\"x\"y\n").what(), "line 2: text follows the closing quote of a cell");
}

TEST(CsvReader, RowsOverTheCapAreRefused) {
  khata::TableLimits limits;
  limits.max_rows = 2;
  EXPECT_EQ(read("h\n1\n\n", limits).size(), 2u);
  const khata::Error e = error_of("h\n1\n2\n", limits);
  EXPECT_EQ(e.sqlstate(), "22K61");
  EXPECT_STREQ(e.what(), "the file has more than 2 rows");
}

TEST(CsvReader, ColumnsOverTheCapAreRefusedOnlyWhenTheyHoldText) {
  khata::TableLimits limits;
  limits.max_columns = 3;
  EXPECT_EQ(read("a,b,c,,,,,,\n", limits).front().cells.size(), 3u);
  const khata::Error e = error_of("a,b,c\n1,2,3,,,6", limits);
  EXPECT_EQ(e.sqlstate(), "22K61");
  EXPECT_STREQ(e.what(), "line 2 has more than 3 columns");
}

TEST(CsvReader, CellsOverTheCapAreRefusedQuotedOrNot) {
  khata::TableLimits limits;
  limits.max_cell_bytes = 4;
  EXPECT_EQ(read("abcd,\"ab\"\"c\"", limits).front().cells, (Cells{"abcd", "ab\"c"}));
  EXPECT_EQ(error_of("abcde", limits).sqlstate(), "22K61");
  EXPECT_STREQ(error_of("a\n\"ab\"\"cd\"", limits).what(), "line 2 has a cell longer than 4 bytes");
}

TEST(CsvReader, FileOverTheSizeCapIsRefusedBeforeReading) {
  khata::TableLimits limits;
  limits.max_file_bytes = 10;
  EXPECT_STREQ(error_of("0123456789\xFF", limits).what(), "the file is larger than 10 bytes");
}

TEST(CsvReader, EmptyFileHasNoRows) {
  EXPECT_TRUE(read("").empty());
  EXPECT_TRUE(read("\xEF\xBB\xBF\r\n\r\n").empty());
}

}  // namespace
