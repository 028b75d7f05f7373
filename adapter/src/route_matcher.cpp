#include "route_matcher.h"

#include <algorithm>
#include <set>

namespace khatad {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string mounted_path(const std::string& prefix, const std::string& pattern) {
  if (prefix.empty() || prefix == "/") return pattern;
  std::string p = prefix;
  while (!p.empty() && p.back() == '/') p.pop_back();
  return p + pattern;
}

}  // namespace

std::vector<std::string> split_path(const std::string& path) {
  std::vector<std::string> segments;
  size_t start = path.empty() || path[0] != '/' ? 0 : 1;
  while (true) {
    const size_t slash = path.find('/', start);
    if (slash == std::string::npos) {
      segments.push_back(path.substr(start));
      return segments;
    }
    segments.push_back(path.substr(start, slash - start));
    start = slash + 1;
  }
}

bool percent_decode(const std::string& in, std::string& out) {
  out.clear();
  out.reserve(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] != '%') {
      out.push_back(in[i]);
      continue;
    }
    if (i + 2 >= in.size()) return false;
    const int hi = hex_value(in[i + 1]);
    const int lo = hex_value(in[i + 2]);
    if (hi < 0 || lo < 0) return false;
    out.push_back(static_cast<char>(hi * 16 + lo));
    i += 2;
  }
  return true;
}

RouteTable::RouteTable(std::vector<Route> routes, const std::map<std::string, std::string>& mounts)
    : routes_(std::move(routes)) {
  param_names_.resize(routes_.size());
  for (size_t i = 0; i < routes_.size(); ++i) {
    const Route& route = routes_[i];
    const auto mount = mounts.find(route.app);
    const std::string full =
        mounted_path(mount == mounts.end() ? "/" + route.app : mount->second, route.pattern);
    Node* node = &root_;
    for (const std::string& segment : split_path(full)) {
      if (segment.size() > 1 && segment[0] == ':') {
        param_names_[i].push_back(segment.substr(1));
        if (!node->param) node->param = std::make_unique<Node>();
        node = node->param.get();
        continue;
      }
      auto& child = node->statics[segment];
      if (!child) child = std::make_unique<Node>();
      node = child.get();
    }
    // A duplicate (same mounted path and method) keeps the first row.
    node->methods.emplace(route.method, i);
  }
}

// Leaves reachable by `segments`, best first: static segments before parameters, depth first.
void RouteTable::collect(const Node& node, const std::vector<std::string>& segments, size_t at,
                         std::vector<const Node*>& leaves) const {
  if (at == segments.size()) {
    if (!node.methods.empty()) leaves.push_back(&node);
    return;
  }
  const auto it = node.statics.find(segments[at]);
  if (it != node.statics.end()) collect(*it->second, segments, at + 1, leaves);
  // A parameter never matches an empty segment: "/loans/" is not "/loans/:id".
  if (node.param && !segments[at].empty()) collect(*node.param, segments, at + 1, leaves);
}

Match RouteTable::match(const std::string& method, const std::string& path) const {
  Match result;
  std::vector<std::string> segments = split_path(path);
  for (std::string& segment : segments) {
    std::string decoded;
    if (!percent_decode(segment, decoded)) return result;
    segment = std::move(decoded);
  }
  std::vector<const Node*> leaves;
  collect(root_, segments, 0, leaves);
  if (leaves.empty()) return result;

  const std::string wanted = method == "HEAD" ? "GET" : method;
  for (const Node* leaf : leaves) {
    const auto found = leaf->methods.find(wanted);
    if (found == leaf->methods.end()) continue;
    const size_t index = found->second;
    result.kind = Match::Kind::found;
    result.route = &routes_[index];
    // Walk the route's own pattern to pair its :param names with the request's segments.
    const auto mount_segments = segments.size() - split_path(routes_[index].pattern).size();
    const std::vector<std::string> pattern = split_path(routes_[index].pattern);
    size_t name = 0;
    for (size_t i = 0; i < pattern.size(); ++i) {
      if (pattern[i].size() > 1 && pattern[i][0] == ':' && name < param_names_[index].size())
        result.params.emplace_back(param_names_[index][name++], segments[mount_segments + i]);
    }
    return result;
  }
  std::set<std::string> allow;
  for (const Node* leaf : leaves)
    for (const auto& entry : leaf->methods) allow.insert(entry.first);
  if (allow.count("GET")) allow.insert("HEAD");
  allow.insert("OPTIONS");
  result.kind = Match::Kind::wrong_method;
  result.allow.assign(allow.begin(), allow.end());
  return result;
}

}  // namespace khatad
