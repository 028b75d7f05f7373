// The check of a JSON request body before its text is sent to PostgreSQL: well formed, not
// nested so deep that PostgreSQL could not parse it within its stack (SQLSTATE 54001, a 500),
// and nothing jsonb refuses with its own words (a number past numeric's range, a \u0000).
// One pass over the text.
#pragma once

#include <cstddef>
#include <string_view>

namespace khatad {

// The deepest body khatad passes on: far beyond any real document, far below what
// PostgreSQL's jsonb parser reaches with its default max_stack_depth.
constexpr std::size_t kMaxJsonDepth = 512;

// The most digits a number may have after the point, or as its order of magnitude: far
// beyond any amount or count, far inside what PostgreSQL's numeric reads (a number past it is
// SQLSTATE 22003 there). Magnitudes are bounded tighter still, by a double's range.
constexpr int kMaxNumberDigits = 1000;

enum class JsonBody { ok, malformed, too_deep, number_out_of_range, nul_character };

// ok for one well-formed JSON value nested at most max_depth arrays and objects deep, whose
// numbers are within a double's range and kMaxNumberDigits after the point, and whose strings
// hold no \u0000 (which PostgreSQL's jsonb refuses). The parse stops at the first refusal.
JsonBody check_json_body(std::string_view text, std::size_t max_depth = kMaxJsonDepth);

}  // namespace khatad
