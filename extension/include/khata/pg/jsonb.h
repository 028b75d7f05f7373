// jsonb <-> nlohmann::json for the glue files. Fractional numbers arrive as their exact text
// (khata/core/json_text.h), so a rate of 1.85 is never a double.
#pragma once

#include "khata/pg/pg_headers.h"

#include <nlohmann/json.hpp>

namespace khata::pg {

// Argument n as JSON; SQL NULL becomes `fallback`.
nlohmann::json jsonb_arg(FunctionCallInfo fcinfo, int n,
                         const nlohmann::json& fallback = nlohmann::json());
Datum jsonb_datum(const nlohmann::json& value);

// Argument n (not NULL) as nlohmann::json::parse would read the jsonb's text, taken from the
// jsonb tree without printing and parsing it: numbers as their text reads (an integer as an
// integer, a fraction or exponent as a double), strings unescaped.
nlohmann::json jsonb_arg_as_parsed(FunctionCallInfo fcinfo, int n);

}  // namespace khata::pg
