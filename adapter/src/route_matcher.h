// Our own route matcher (Pistache's router races on unknown methods): a tree of path segments
// where a static segment wins over a :param, trailing slashes are exact, and a path that exists
// for other methods answers 405 with the methods it does have.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace khatad {

enum class Auth { none, token, refresh };

struct Route {
  std::string app;
  std::string method;   // GET, POST, ...
  std::string pattern;  // as written in khata.routes: /api/loans/:id
  std::string handler;  // schema-qualified function name, quoted as needed
  Auth auth = Auth::token;
  bool read_only = false;
};

struct Match {
  enum class Kind { found, no_path, wrong_method } kind = Kind::no_path;
  const Route* route = nullptr;
  std::vector<std::pair<std::string, std::string>> params;  // from the pattern, decoded
  std::vector<std::string> allow;                           // for wrong_method, sorted
};

// Splits "/a/b/" into {"a", "b", ""}: a trailing slash is a final empty segment.
std::vector<std::string> split_path(const std::string& path);

// Decodes %XX escapes; false when an escape is malformed.
bool percent_decode(const std::string& in, std::string& out);

class RouteTable {
 public:
  // mounts: app -> prefix ("/wallet", or "/" for the root); an app without one is at "/APP".
  RouteTable(std::vector<Route> routes, const std::map<std::string, std::string>& mounts);

  Match match(const std::string& method, const std::string& path) const;
  size_t size() const { return routes_.size(); }
  const std::vector<Route>& routes() const { return routes_; }

 private:
  struct Node {
    std::map<std::string, std::unique_ptr<Node>> statics;
    std::unique_ptr<Node> param;
    std::map<std::string, size_t> methods;  // method -> index in routes_
  };
  void collect(const Node& node, const std::vector<std::string>& segments, size_t at,
               std::vector<const Node*>& leaves) const;

  std::vector<Route> routes_;
  std::vector<std::vector<std::string>> param_names_;  // per route: names of its :params
  Node root_;
};

}  // namespace khatad
