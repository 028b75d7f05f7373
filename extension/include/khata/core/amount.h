// Money amounts: exact decimal text <-> integer minor units (paisa, cents).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace khata {

// Parses a decimal amount such as "18.5" or "-1000.00" into minor units with `exponent`
// digits after the point (2 for BDT: "18.5" -> 1850). More digits than the exponent allows
// ("10.005") is an error, never a silent rounding. Throws khata::Error (22P02, 22023, 22003).
int64_t parse_amount(std::string_view text, int exponent);

// Formats minor units back to the shortest exact decimal: 1850 -> "18.5", 1000 -> "10".
std::string format_amount(int64_t minor, int exponent);

}  // namespace khata
