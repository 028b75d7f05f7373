// What the tabular readers (CSV, XLSX) share: the caps that bound the work an uploaded file
// may cause, the rows they produce, and their SQLSTATEs (README.md, "Errors").
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace khata {

// Every cap is also a hard limit: options may lower a cap, never raise it.
struct TableLimits {
  int64_t max_file_bytes = 64LL << 20;    // the uploaded file (CSV text or XLSX archive)
  int64_t max_entries = 10000;            // entries in the XLSX archive's directory
  int64_t max_part_bytes = 128LL << 20;   // one XLSX part, inflated
  int64_t max_total_bytes = 256LL << 20;  // all XLSX parts read, inflated
  int64_t max_expansion_ratio = 250;      // inflated / compressed bytes of a part
  int64_t max_rows = 1000000;             // non-blank rows, the header included
  int64_t max_columns = 1024;             // the last non-empty cell's column
  int64_t max_cell_bytes = 32767;         // one cell's text, in bytes of UTF-8
};

// One non-blank row as read: `line` is the line (CSV) or row number (XLSX) of the file, 1 for
// the first; cells[i] is the text of the (i+1)th column, empty for an empty cell.
struct SourceRow {
  int64_t line = 0;
  std::vector<std::string> cells;
};

using RowSink = std::function<void(const SourceRow&)>;

// True when every cell is empty or only whitespace.
bool is_blank(const SourceRow& row);

// The spreadsheet name of a column, as the uploader sees it: 0 -> "A", 2 -> "C", 26 -> "AA".
std::string column_letters(int64_t column_index);

namespace sqlstate {
// The file cannot be read as the format it claims: not UTF-8, not a ZIP, malformed XML.
inline constexpr const char* kUnreadableFile = "22K60";
// The file exceeds a cap of TableLimits.
inline constexpr const char* kFileOverCap = "22K61";
// An XLSX part declares a DOCTYPE or an entity: refused, never resolved.
inline constexpr const char* kUnsafeXml = "22K62";
// No non-blank row to serve as the header.
inline constexpr const char* kMissingHeader = "22K63";
// Two header cells normalize to the same name.
inline constexpr const char* kDuplicateHeader = "22K64";
// A data row has a value where the header has no name.
inline constexpr const char* kCellWithoutHeader = "22K65";
// The workbook has no sheet of the requested name.
inline constexpr const char* kSheetNotFound = "22K66";
}  // namespace sqlstate

}  // namespace khata
