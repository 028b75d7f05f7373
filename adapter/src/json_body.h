// The check of a JSON request body before its text is sent to PostgreSQL: well formed, and
// not nested so deep that PostgreSQL could not parse it within its stack (SQLSTATE 54001,
// a 500). One pass over the text.
#pragma once

#include <cstddef>
#include <string_view>

namespace khatad {

// The deepest body khatad passes on: far beyond any real document, far below what
// PostgreSQL's jsonb parser reaches with its default max_stack_depth.
constexpr std::size_t kMaxJsonDepth = 512;

enum class JsonBody { ok, malformed, too_deep };

// ok for one well-formed JSON value nested at most max_depth arrays and objects deep;
// the parse stops at the first bracket past max_depth.
JsonBody check_json_body(std::string_view text, std::size_t max_depth = kMaxJsonDepth);

}  // namespace khatad
