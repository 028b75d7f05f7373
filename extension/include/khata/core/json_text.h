// JSON text from Postgres, parsed without losing exactness: jsonb prints 1.85 as 1.85, and a
// JSON library would read it into a double. Fractional numbers are read as their exact text.
#pragma once

#include <string_view>

#include <nlohmann/json.hpp>

namespace khata {

// Parses JSON text; a number with a fraction or exponent becomes a JSON string of its text
// ("1.85"), integers stay integers. Raises 22P02 on malformed text.
nlohmann::json parse_json_exact(std::string_view text);

}  // namespace khata
