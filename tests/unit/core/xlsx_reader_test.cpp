#include "khata/core/xlsx_reader.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "khata/core/error.h"
#include "tabular_support.h"
#include "zip_builder.h"

namespace {

using Cells = std::vector<std::string>;
using khata::testing::fixture;
using khata::testing::workbook;

std::vector<khata::SourceRow> read(const std::string& data, const std::string& sheet = {},
                                   const khata::TableLimits& limits = {}) {
  std::vector<khata::SourceRow> rows;
  khata::read_xlsx(data, limits, sheet, [&](const khata::SourceRow& row) { rows.push_back(row); });
  return rows;
}

khata::Error error_of(const std::string& data, const khata::TableLimits& limits = {},
                      const std::string& sheet = {}) {
  return khata::testing::error_of_call([&] { read(data, sheet, limits); });
}

TEST(XlsxReader, OpenpyxlWorkbookReadsWithDatesNumbersAndSparseRows) {
  const auto rows = read(fixture("bills.xlsx"));
  ASSERT_EQ(rows.size(), 5u);
  EXPECT_EQ(rows[0].cells, (Cells{"Customer Name", " Customer  ID ", "Bill Number", "Amount",
                                  "Bill Date", "Due Date", "Period"}));
  EXPECT_EQ(rows[1].cells, (Cells{"Rahim Traders", "C-001", "B-1001", "1018.5", "2024-01-15",
                                  "2024-02-14", "2024-01"}));
  EXPECT_EQ(rows[3].line, 5) << "row 4 is blank and skipped";
  EXPECT_EQ(rows[3].cells,
            (Cells{"  Nodi Store  ", "C-003", "B-1003", "0.3", "2024-02-29", "", "2024-02"}));
  EXPECT_EQ(rows[4].line, 9) << "a sparse sheet keeps its row numbers";
  EXPECT_EQ(rows[4].cells, (Cells{"Padma Electric", "C-004", "B-1004", "12000",
                                  "2024-03-05T14:30:00", "2024-04-04", "TRUE"}));
}

TEST(XlsxReader, SheetIsChosenByNameCaseInsensitively) {
  const auto rows = read(fixture("bills.xlsx"), "notes");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[1].cells, Cells{"uploaded for January"});
}

TEST(XlsxReader, UnknownSheetNameListsTheSheets) {
  const khata::Error e = error_of(fixture("bills.xlsx"), {}, "Customers");
  EXPECT_EQ(e.sqlstate(), "22K66");
  EXPECT_STREQ(e.what(), "the workbook has no sheet named \"Customers\"");
  EXPECT_EQ(e.detail(), "Its sheets are: Bills, Notes.");
}

TEST(XlsxReader, Workbook1904DatesCountFrom1904) {
  const auto rows = read(fixture("dates_1904.xlsx"));
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[1].cells, (Cells{"INV-1", "2024-01-15"}));
}

TEST(XlsxReader, ExcelStyleWorkbookWithSharedStringsFormulasAndErrors) {
  const auto rows = read(fixture("excel_style.xlsx"));
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[0].cells,
            (Cells{"Customer Code", "Customer Name", "Invoice Date", "Amount", "Status"}));
  EXPECT_EQ(rows[1].cells, (Cells{"C-7", "Dhaka Pharma", "2024-01-15", "1018.5", "FALSE"}))
      << "rich text runs join, phonetic runs are left out, number noise is dropped";
  EXPECT_EQ(rows[2].cells, (Cells{"C-8", "line one\r\nline two", "1900-03-01", "-0.0025", "#N/A"}))
      << "cells without a reference follow each other; _x000D_ is a carriage return";
  EXPECT_EQ(rows[3].line, 6);
  EXPECT_EQ(rows[3].cells, (Cells{"C-9", "", "1900-02-28", "1e+21"}));
}

TEST(XlsxReader, PrefixedNamespaceSheetReads) {
  const auto rows = read(fixture("excel_style.xlsx"), "Regions");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[1].cells, Cells{"Chattogram"});
}

TEST(XlsxReader, SerialSixtyKeepsItsNumberAndOtherFormatsStayNumbers) {
  const std::string styles =
      "<numFmts><numFmt numFmtId=\"164\" formatCode=\"0.00\"/></numFmts>"
      "<cellXfs><xf numFmtId=\"0\"/><xf numFmtId=\"14\"/><xf numFmtId=\"164\"/></cellXfs>";
  const auto rows =
      read(workbook("<row r=\"1\"><c s=\"1\"><v>60</v></c><c s=\"2\"><v>45306</v>"
                    "</c><c s=\"9\"><v>7</v></c></row>",
                    {}, styles));
  EXPECT_EQ(rows[0].cells, (Cells{"60", "45306", "7"}));
}

TEST(XlsxReader, InlineAndSharedStringsAndCellsOutOfOrder) {
  const auto rows =
      read(workbook("<row r=\"3\"><c r=\"C3\" t=\"s\"><v>1</v></c>"
                    "<c r=\"A3\" t=\"inlineStr\"><is><t>a</t></is></c></row>",
                    "<si><t>zero</t></si><si><t>one</t></si>"));
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].line, 3);
  EXPECT_EQ(rows[0].cells, (Cells{"a", "", "one"}));
}

TEST(XlsxReader, WorkbookWithoutSharedStringsOrStylesReads) {
  EXPECT_EQ(
      read(workbook("<row><c><v>1</v></c></row><row><c t=\"b\"><v>1</v></c></row>")).back().cells,
      Cells{"TRUE"});
}

TEST(XlsxReader, DoctypeInTheSheetIsRefusedNeverResolved) {
  const std::string xxe =
      "<?xml version=\"1.0\"?><!DOCTYPE worksheet [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>"
      "<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
      "<sheetData><row r=\"1\"><c t=\"inlineStr\"><is><t>&xxe;</t></is></c></row></sheetData>"
      "</worksheet>";
  const std::string data =
      khata::testing::ZipBuilder()
          .add("xl/workbook.xml", std::string("<workbook xmlns:r=\"") + khata::testing::kRelNs +
                                      "\"><sheets><sheet name=\"S\" r:id=\"rId1\"/></sheets>"
                                      "</workbook>")
          .add("xl/_rels/workbook.xml.rels",
               std::string("<Relationships><Relationship Id=\"rId1\" Type=\"") +
                   khata::testing::kRelNs +
                   "/worksheet\" Target=\"worksheets/s.xml\"/></Relationships>")
          .add("xl/worksheets/s.xml", xxe)
          .build();
  const khata::Error e = error_of(data);
  EXPECT_EQ(e.sqlstate(), "22K62");
  EXPECT_STREQ(e.what(),
               "the file declares a document type in xl/worksheets/s.xml, which is refused");
}

TEST(XlsxReader, EntityDeclarationsInSharedStringsAreRefused) {
  const std::string laughs =
      "<!DOCTYPE sst [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;\">]>"
      "<sst><si><t>&b;</t></si></sst>";
  auto parts = khata::testing::workbook_parts("<row><c t=\"s\"><v>0</v></c></row>");
  const std::string data = parts.add("xl/sharedStrings.xml", laughs).build();
  EXPECT_EQ(error_of(data).sqlstate(), "22K62");
}

TEST(XlsxReader, UndeclaredEntityIsMalformed) {
  const khata::Error e =
      error_of(workbook("<row><c t=\"inlineStr\"><is><t>&xxe;</t></is></c></row>"));
  EXPECT_EQ(e.sqlstate(), "22K60");
  EXPECT_STREQ(e.what(), "the file is not a valid XLSX workbook");
  EXPECT_NE(e.detail().find("undefined entity"), std::string::npos) << e.detail();
}

TEST(XlsxReader, ZipBombSheetIsRefusedWithoutInflatingIt) {
  // A sheet of 100 MB: one row, then padding that deflates to almost nothing.
  std::string sheet = std::string("<worksheet xmlns=\"") + khata::testing::kMainNs +
                      "\"><sheetData><row r=\"1\"><c t=\"inlineStr\"><is><t>h</t></is></c></row>";
  sheet += std::string(100u << 20, ' ');
  sheet += "</sheetData></worksheet>";
  khata::testing::ZipBuilder bomb;
  bomb.add("xl/workbook.xml",
           std::string("<workbook xmlns:r=\"") + khata::testing::kRelNs +
               "\"><sheets><sheet name=\"S\" r:id=\"rId1\"/></sheets></workbook>");
  bomb.add("xl/_rels/workbook.xml.rels",
           std::string("<Relationships><Relationship Id=\"rId1\" Type=\"") +
               khata::testing::kRelNs + "/worksheet\" Target=\"sheet.xml\"/></Relationships>");
  bomb.add("xl/sheet.xml", sheet);
  const std::string archive = bomb.build();
  ASSERT_LT(archive.size(), 200000u);
  const khata::Error e = error_of(archive);
  EXPECT_EQ(e.sqlstate(), "22K61");
  EXPECT_STREQ(e.what(), "a part of the workbook expands more than 250 times when unpacked");
}

TEST(XlsxReader, HugeXmlTokenStopsAtTheParsersMemoryCap) {
  // One 64 MB attribute: expat would have to buffer all of it.
  const std::string sheet =
      "<row r=\"1\"><c r=\"A1\" x=\"" + std::string(64u << 20, 'a') + "\"><v>1</v></c></row>";
  khata::TableLimits limits;
  limits.max_expansion_ratio = 100000;
  const khata::Error e = error_of(workbook(sheet), limits);
  EXPECT_EQ(e.sqlstate(), "22K61");
  EXPECT_STREQ(e.what(), "an element of xl/worksheets/sheet1.xml is too large to read");
}

TEST(XlsxReader, RowsOverTheCapAreRefused) {
  khata::TableLimits limits;
  limits.max_rows = 2;
  const std::string data = workbook(
      "<row r=\"1\"><c><v>1</v></c></row><row r=\"2\"/><row r=\"5\"><c><v>2</v></c></row>"
      "<row r=\"7\"><c><v>3</v></c></row>");
  const khata::Error e = error_of(data, limits);
  EXPECT_EQ(e.sqlstate(), "22K61");
  EXPECT_STREQ(e.what(), "the sheet has more than 2 rows");
}

TEST(XlsxReader, ColumnsOverTheCapAreRefusedButEmptyStyledCellsAreNot) {
  khata::TableLimits limits;
  limits.max_columns = 3;
  EXPECT_EQ(read(workbook("<row r=\"1\"><c r=\"A1\"><v>1</v></c><c r=\"XFD1\" s=\"1\"/></row>"), {},
                 limits)
                .front()
                .cells,
            Cells{"1"});
  const khata::Error e = error_of(workbook("<row r=\"4\"><c r=\"D4\"><v>1</v></c></row>"), limits);
  EXPECT_EQ(e.sqlstate(), "22K61");
  EXPECT_STREQ(e.what(), "row 4 has more than 3 columns");
}

TEST(XlsxReader, CellsOverTheCapAreRefusedFromSharedAndInlineStrings) {
  khata::TableLimits limits;
  limits.max_cell_bytes = 5;
  EXPECT_STREQ(error_of(workbook("<row r=\"2\"><c r=\"B2\" t=\"s\"><v>0</v></c></row>",
                                 "<si><t>123456</t></si>"),
                        limits)
                   .what(),
               "cell B2 is longer than 5 bytes");
  EXPECT_EQ(error_of(workbook("<row><c t=\"inlineStr\"><is><t>123456</t></is></c></row>"), limits)
                .sqlstate(),
            "22K61");
}

TEST(XlsxReader, PartsOverTheCapsAreRefused) {
  const std::string data = fixture("bills.xlsx");
  khata::TableLimits limits;
  limits.max_part_bytes = 1000;
  EXPECT_EQ(error_of(data, limits).sqlstate(), "22K61");
  limits = {};
  limits.max_total_bytes = 3000;
  EXPECT_EQ(error_of(data, limits).sqlstate(), "22K61");
  limits = {};
  limits.max_entries = 5;
  EXPECT_STREQ(error_of(data, limits).what(), "the workbook has more than 5 parts");
  limits = {};
  limits.max_file_bytes = 1000;
  EXPECT_STREQ(error_of(data, limits).what(), "the file is larger than 1000 bytes");
}

TEST(XlsxReader, EveryTruncationOfARealWorkbookIsACleanError) {
  const std::string data = fixture("bills.xlsx");
  for (size_t keep = 0; keep < data.size(); keep += 7) {
    try {
      read(data.substr(0, keep));
      ADD_FAILURE() << "cut at " << keep << " read";
    } catch (const khata::Error& e) {
      EXPECT_EQ(e.sqlstate(), "22K60") << keep;
      EXPECT_STREQ(e.what(), "the file is not a valid XLSX workbook");
    }
  }
}

TEST(XlsxReader, MalformedCellsAreRefusedWithTheirName) {
  const auto detail = [](const std::string& sheet_data, const std::string& strings = {}) {
    return error_of(workbook(sheet_data, strings)).detail();
  };
  EXPECT_EQ(detail("<row r=\"3\"><c r=\"B3\"><v>12abc</v></c></row>"),
            "cell B3 holds a number that cannot be read");
  EXPECT_EQ(detail("<row r=\"3\"><c r=\"B3\"><v>inf</v></c></row>"),
            "cell B3 holds a number that cannot be read");
  EXPECT_EQ(detail("<row r=\"2\"><c r=\"A2\" t=\"s\"><v>5</v></c></row>", "<si><t>x</t></si>"),
            "cell A2 refers to a shared string that does not exist");
  EXPECT_EQ(detail("<row r=\"2\"><c r=\"A2\" t=\"s\"><v>-1</v></c></row>", "<si><t>x</t></si>"),
            "cell A2 refers to a shared string that does not exist");
  EXPECT_EQ(detail("<row r=\"0\"/>"), "a row has the number \"0\", which is not valid");
  EXPECT_EQ(detail("<row r=\"2000000\"/>"), "a row has the number \"2000000\", which is not valid");
  EXPECT_EQ(detail("<row><c r=\"XFE1\"><v>1</v></c></row>"),
            "a cell has the reference \"XFE1\", which is not valid");
  EXPECT_EQ(detail("<row><c t=\"b\"><v>2</v></c></row>"),
            "cell A1 holds a boolean that is neither 0 nor 1");
  EXPECT_EQ(detail("<row><c t=\"q\"><v>2</v></c></row>"), "cell A1 has an unknown type");
  EXPECT_EQ(detail("<row><c><v>1</v></row>"), "xl/worksheets/sheet1.xml line 1: mismatched tag");
}

TEST(XlsxReader, LegacyExcelFileIsRefusedWithAHint) {
  const khata::Error e =
      error_of(std::string("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8) + std::string(600, '\0'));
  EXPECT_EQ(e.sqlstate(), "22K60");
  EXPECT_EQ(e.detail(), "It is an Excel 97-2003 workbook (.xls) or a password-protected one.");
}

TEST(XlsxReader, CsvBytesAreNotAWorkbook) {
  const khata::Error e = error_of("Customer Name,Amount\nRahim Traders,1018.5\n");
  EXPECT_STREQ(e.what(), "the file is not a valid XLSX workbook");
  EXPECT_EQ(e.detail(), "the ZIP archive has no central directory");
}

TEST(XlsxReader, RelationshipOutsideTheArchiveIsRefused) {
  khata::testing::ZipBuilder zip;
  zip.add("xl/workbook.xml",
          std::string("<workbook xmlns:r=\"") + khata::testing::kRelNs +
              "\"><sheets><sheet name=\"S\" r:id=\"rId1\"/></sheets></workbook>");
  zip.add("xl/_rels/workbook.xml.rels",
          std::string("<Relationships><Relationship Id=\"rId1\" Type=\"") + khata::testing::kRelNs +
              "/worksheet\" Target=\"../../../etc/passwd\"/></Relationships>");
  EXPECT_EQ(error_of(zip.build()).detail(),
            "a relationship points outside the archive: xl/../../../etc/passwd");
}

}  // namespace
