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

}  // namespace khata::pg
