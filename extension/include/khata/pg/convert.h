// Datum <-> C++ conversions shared by the glue files.
#pragma once

#include "khata/pg/pg_headers.h"

#include <string>
#include <string_view>

namespace khata::pg {

std::string text_arg(FunctionCallInfo fcinfo, int n);
Datum text_datum(std::string_view s);
// A numeric Datum parsed from exact decimal text ("18.5").
Datum numeric_datum(const std::string& decimal);

}  // namespace khata::pg
