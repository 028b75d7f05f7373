// The rows of one sheet of an XLSX workbook (Office Open XML), read as a stream: the ZIP
// container, the workbook and its relationships to find the sheet, shared strings, inline
// strings, numbers, booleans, errors, and dates through the styles' number formats.
#pragma once

#include <string>
#include <string_view>

#include "khata/core/table_source.h"

namespace khata {

// Calls sink once per non-blank row of the sheet named `sheet` (compared case-insensitively
// when no name matches exactly), or of the first worksheet when `sheet` is empty; `line` is
// the sheet's row number. Throws khata::Error: 22K60 "the file is not a valid XLSX workbook"
// (the reason in its detail), 22K61 over a cap, 22K62 for a DOCTYPE, 22K66 for no such sheet.
void read_xlsx(std::string_view data, const TableLimits& limits, const std::string& sheet,
               const RowSink& sink);

}  // namespace khata
