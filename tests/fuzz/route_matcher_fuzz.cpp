// Any method and path match at most one route, whose :params pair with the path's segments;
// a 405 always names some allowed method.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "route_matcher.h"

namespace {

const khatad::RouteTable& table() {
  static const khatad::RouteTable routes(
      {{"wallet", "GET", "/api/transactions/history", "h1", khatad::Auth::token, true},
       {"wallet", "GET", "/api/transactions/:id", "h2", khatad::Auth::token, true},
       {"wallet", "POST", "/api/loans/:loan/payments/:id/", "h3", khatad::Auth::token, false},
       {"books", "GET", "/", "h4", khatad::Auth::none, true},
       {"books", "DELETE", "/api/:a/:b/:c", "h5", khatad::Auth::token, false}},
      {{"books", "/"}});
  return routes;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string input(reinterpret_cast<const char*>(data), size);
  const size_t space = input.find(' ');
  const std::string method = space == std::string::npos ? "GET" : input.substr(0, space);
  const std::string path = space == std::string::npos ? input : input.substr(space + 1);
  const khatad::Match m = table().match(method, path);
  if (m.kind == khatad::Match::Kind::found) {
    if (m.route == nullptr) abort();
    for (const auto& param : m.params)
      if (param.second.empty()) abort();
  }
  if (m.kind == khatad::Match::Kind::wrong_method && m.allow.empty()) abort();
  return 0;
}
