#include "error_map.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace khatad {
namespace {

TEST(ErrorMap, PostgrestTable) {
  EXPECT_EQ(http_status_for_sqlstate("23505"), 409);
  EXPECT_EQ(http_status_for_sqlstate("42501"), 403);
  EXPECT_EQ(http_status_for_sqlstate("P0002"), 404);
  EXPECT_EQ(http_status_for_sqlstate("22023"), 400);
  EXPECT_EQ(http_status_for_sqlstate("22P02"), 400);
  EXPECT_EQ(http_status_for_sqlstate("08006"), 503);
  EXPECT_EQ(http_status_for_sqlstate("53300"), 503);
  EXPECT_EQ(http_status_for_sqlstate("57P01"), 503);
}

TEST(ErrorMap, ProjectClassesFollowTheirParents) {
  EXPECT_EQ(http_status_for_sqlstate("22K01"), 400);
  EXPECT_EQ(http_status_for_sqlstate("22K60"), 400);
  EXPECT_EQ(http_status_for_sqlstate("23K01"), 409);
  EXPECT_EQ(http_status_for_sqlstate("23K40"), 409);
}

TEST(ErrorMap, OtherIntegrityErrorsAndEverythingElseAre500) {
  EXPECT_EQ(http_status_for_sqlstate("23503"), 500);
  EXPECT_EQ(http_status_for_sqlstate("57014"), 500);
  EXPECT_EQ(http_status_for_sqlstate("XX000"), 500);
  EXPECT_EQ(http_status_for_sqlstate("P0001"), 500);
  EXPECT_EQ(http_status_for_sqlstate(""), 500);
  EXPECT_EQ(http_status_for_sqlstate("2350"), 500);
}

TEST(ErrorMap, SerializationFailuresLeftAfterRetriesAre503) {
  EXPECT_EQ(http_status_for_sqlstate("40001"), 503);
  EXPECT_EQ(http_status_for_sqlstate("40P01"), 503);
}

TEST(ErrorMap, ErrorBodyHasBothAppShapesAndTheRequestId) {
  const auto body = nlohmann::json::parse(error_body("No \"route\"", "not_found", "r-1"));
  EXPECT_EQ(body["success"], false);
  EXPECT_EQ(body["error"], "No \"route\"");
  EXPECT_EQ(body["message"], "No \"route\"");
  EXPECT_EQ(body["code"], "not_found");
  EXPECT_EQ(body["requestId"], "r-1");
}

}  // namespace
}  // namespace khatad
