#include "error_map.h"

#include <nlohmann/json.hpp>

namespace khatad {

int http_status_for_sqlstate(const std::string& sqlstate) {
  if (sqlstate.size() != 5) return 500;
  const std::string cls = sqlstate.substr(0, 2);
  if (sqlstate == "23505" || sqlstate.compare(0, 3, "23K") == 0) return 409;
  if (sqlstate == "42501") return 403;
  if (sqlstate == "P0002") return 404;
  if (cls == "22") return 400;
  if (cls == "08" || cls == "53" || sqlstate == "57P01") return 503;
  if (sqlstate == "40001" || sqlstate == "40P01") return 503;
  return 500;
}

std::string error_code_for_status(int status) {
  switch (status) {
    case 400:
      return "bad_request";
    case 401:
      return "unauthorized";
    case 403:
      return "forbidden";
    case 404:
      return "not_found";
    case 405:
      return "method_not_allowed";
    case 409:
      return "conflict";
    case 413:
      return "payload_too_large";
    case 415:
      return "unsupported_media_type";
    case 429:
      return "rate_limited";
    case 503:
      return "unavailable";
    default:
      return status >= 500 ? "internal" : "error";
  }
}

std::string error_body(const std::string& message, const std::string& code,
                       const std::string& request_id) {
  nlohmann::json body = {{"success", false},
                         {"error", message},
                         {"message", message},
                         {"code", code},
                         {"requestId", request_id}};
  return body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace khatad
