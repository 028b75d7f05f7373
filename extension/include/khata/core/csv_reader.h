// CSV as RFC 4180 writes it, and as spreadsheets export it: quoted cells with embedded
// delimiters, quotes ("") and line breaks; CRLF, LF or CR line ends; a UTF-8 BOM.
#pragma once

#include <string_view>

#include "khata/core/table_source.h"

namespace khata {

// The delimiter of the first non-blank line: whichever of `,` `;` and tab occurs most often
// outside quotes; `,` when none does (a one-column file) or on a tie.
char detect_csv_delimiter(std::string_view text);

// Calls sink once per non-blank record, in order, with the line where the record starts.
// delimiter 0 detects it. The text must be UTF-8 without NUL characters. Throws
// khata::Error: 22K60 for unreadable text (with its line), 22K61 over a cap.
void read_csv(std::string_view data, const TableLimits& limits, char delimiter,
              const RowSink& sink);

}  // namespace khata
