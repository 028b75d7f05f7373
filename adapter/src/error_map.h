// Raised SQL errors to HTTP statuses, by one table (PostgREST's), and the one shape of every
// error khatad answers itself.
#pragma once

#include <string>

namespace khatad {

// 23505 and 23Kxx -> 409, 42501 -> 403, P0002 -> 404, class 22 -> 400, class 08 and 53, 57P01,
// and 40001/40P01 once retries are spent -> 503, anything else -> 500.
int http_status_for_sqlstate(const std::string& sqlstate);

// The short code of an adapter error for a status: 404 -> "not_found".
std::string error_code_for_status(int status);

// {"success": false, "error": M, "message": M, "code": C, "requestId": R}: it satisfies both
// documented app error shapes ({success, message} and {error}).
std::string error_body(const std::string& message, const std::string& code,
                       const std::string& request_id);

}  // namespace khatad
