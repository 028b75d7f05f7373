// How deeply a JSON text nests, so that a body PostgreSQL could not parse within its stack
// (SQLSTATE 54001, a 500) is refused before it is sent.
#pragma once

#include <cstddef>
#include <string_view>

namespace khatad {

// The deepest nesting of arrays and objects in a JSON text already known to be well formed
// (0 for a scalar); brackets inside strings do not count.
std::size_t json_nesting_depth(std::string_view text);

// The deepest body khatad passes on: far beyond any real document, far below what
// PostgreSQL's jsonb parser reaches with its default max_stack_depth.
constexpr std::size_t kMaxJsonDepth = 512;

}  // namespace khatad
