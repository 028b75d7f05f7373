// An uploaded table (CSV or XLSX) as records keyed by its header: the first non-blank row
// names the columns, each later non-blank row becomes {"name": "text", ...}.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "khata/core/table_source.h"

namespace khata {

enum class TableFormat { kCsv, kXlsx };

struct TableOptions {
  std::optional<TableFormat> format;  // sniffed from the bytes when absent
  std::string sheet;                  // XLSX: the sheet's name; the first worksheet when empty
  char delimiter = 0;                 // CSV: detected from the header line when 0
  TableLimits limits;
};

// `format` ("csv", "xlsx" or nullopt) and `options_json`, a JSON object or empty:
// {"sheet": "Bills", "delimiter": ";", "max_rows": 5000, ...} with any cap of TableLimits by
// its name, each at least 1 and at most its default. Throws khata::Error 22023 otherwise.
TableOptions parse_table_options(std::optional<std::string_view> format,
                                 std::string_view options_json);

// XLSX for a ZIP archive (or a legacy Excel file, to refuse it clearly), else CSV.
TableFormat sniff_table_format(std::string_view data);

// A header cell as a key: trimmed, lower-cased (ASCII), inner whitespace runs as one space.
std::string normalize_header_name(std::string_view cell);

// sink(line, cells) for each data row: cells is a JSON object from header names to the
// trimmed text of the row's non-empty cells. Throws khata::Error: 22K63 without a header
// row, 22K64 for a repeated header name, 22K65 for a value under no header, and whatever
// the format's reader throws (csv_reader.h, xlsx_reader.h).
using RecordSink = std::function<void(int64_t line, const std::string& cells_json)>;
void read_table(std::string_view data, const TableOptions& options, const RecordSink& sink);

}  // namespace khata
