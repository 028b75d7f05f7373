#include "route_matcher.h"

#include <gtest/gtest.h>

namespace khatad {
namespace {

Route route(const std::string& app, const std::string& method, const std::string& path) {
  return Route{app, method, path, app + ".h_" + method, Auth::token, method == "GET"};
}

RouteTable wallet_table(const std::map<std::string, std::string>& mounts = {}) {
  return RouteTable({route("wallet", "GET", "/api/transactions/history"),
                     route("wallet", "GET", "/api/transactions/:id"),
                     route("wallet", "POST", "/api/transactions/:id"),
                     route("wallet", "GET", "/api/loans/:loanId/payments/:paymentId"),
                     route("wallet", "GET", "/api/loans/"), route("books", "GET", "/api/parties")},
                    mounts);
}

TEST(RouteMatcher, StaticSegmentWinsOverParameter) {
  const RouteTable table = wallet_table();
  const Match m = table.match("GET", "/wallet/api/transactions/history");
  ASSERT_EQ(m.kind, Match::Kind::found);
  EXPECT_EQ(m.route->pattern, "/api/transactions/history");
  EXPECT_TRUE(m.params.empty());
}

TEST(RouteMatcher, ParameterCapturesTheSegmentDecoded) {
  const RouteTable table = wallet_table();
  const Match m = table.match("GET", "/wallet/api/transactions/T1%20A2");
  ASSERT_EQ(m.kind, Match::Kind::found);
  EXPECT_EQ(m.route->pattern, "/api/transactions/:id");
  ASSERT_EQ(m.params.size(), 1u);
  EXPECT_EQ(m.params[0].first, "id");
  EXPECT_EQ(m.params[0].second, "T1 A2");
}

TEST(RouteMatcher, EachRouteKeepsItsOwnParameterNames) {
  const RouteTable table = wallet_table();
  const Match m = table.match("GET", "/wallet/api/loans/L9/payments/P3");
  ASSERT_EQ(m.kind, Match::Kind::found);
  ASSERT_EQ(m.params.size(), 2u);
  EXPECT_EQ(m.params[0], std::make_pair(std::string("loanId"), std::string("L9")));
  EXPECT_EQ(m.params[1], std::make_pair(std::string("paymentId"), std::string("P3")));
}

TEST(RouteMatcher, StaticPathWithTheWrongMethodFallsBackToAParameterRoute) {
  const RouteTable table = wallet_table();
  const Match m = table.match("POST", "/wallet/api/transactions/history");
  ASSERT_EQ(m.kind, Match::Kind::found);
  EXPECT_EQ(m.route->pattern, "/api/transactions/:id");
}

TEST(RouteMatcher, TrailingSlashIsExact) {
  const RouteTable table = wallet_table();
  EXPECT_EQ(table.match("GET", "/wallet/api/loans/").kind, Match::Kind::found);
  EXPECT_EQ(table.match("GET", "/wallet/api/loans").kind, Match::Kind::no_path);
  EXPECT_EQ(table.match("GET", "/wallet/api/transactions/history/").kind, Match::Kind::no_path);
}

TEST(RouteMatcher, WrongMethodListsTheMethodsThePathHas) {
  const RouteTable table = wallet_table();
  const Match m = table.match("DELETE", "/wallet/api/transactions/7");
  ASSERT_EQ(m.kind, Match::Kind::wrong_method);
  EXPECT_EQ(m.allow, (std::vector<std::string>{"GET", "HEAD", "OPTIONS", "POST"}));
}

TEST(RouteMatcher, UnknownPathIsNoPath) {
  EXPECT_EQ(wallet_table().match("GET", "/wallet/api/nothing").kind, Match::Kind::no_path);
  EXPECT_EQ(wallet_table().match("GET", "/api/parties").kind, Match::Kind::no_path);
  EXPECT_EQ(wallet_table().match("GET", "/wallet/api/transactions/%zz").kind, Match::Kind::no_path);
}

TEST(RouteMatcher, AppsAreMountedAtTheirNameByDefault) {
  EXPECT_EQ(wallet_table().match("GET", "/books/api/parties").kind, Match::Kind::found);
}

TEST(RouteMatcher, MountsMoveAnAppOrServeItAtTheRoot) {
  const RouteTable table = wallet_table({{"wallet", "/"}, {"books", "/v1/books"}});
  EXPECT_EQ(table.match("GET", "/api/transactions/history").kind, Match::Kind::found);
  EXPECT_EQ(table.match("GET", "/v1/books/api/parties").kind, Match::Kind::found);
  EXPECT_EQ(table.match("GET", "/books/api/parties").kind, Match::Kind::no_path);
  const Match m = table.match("GET", "/api/transactions/T9");
  ASSERT_EQ(m.kind, Match::Kind::found);
  EXPECT_EQ(m.params[0].second, "T9");
}

TEST(RouteMatcher, SplitPathKeepsTheTrailingEmptySegment) {
  EXPECT_EQ(split_path("/a/b/"), (std::vector<std::string>{"a", "b", ""}));
  EXPECT_EQ(split_path("/"), (std::vector<std::string>{""}));
  EXPECT_EQ(split_path("/a"), (std::vector<std::string>{"a"}));
}

}  // namespace
}  // namespace khatad
