// How auth's refusals reach the admin: unchanged for a 4xx envelope, 503 for anything else.
#include <gtest/gtest.h>

#include "services/user/src/clients/auth_client.hpp"

namespace mp::user::clients {
namespace {

using Kind = ApiError::Kind;

TEST(AuthFailure, AFourHundredEnvelopeIsPassedOnUnchanged) {
  auto error = AuthFailure(409, R"({"success":false,"data":null,"message":"Conflict",
      "error":"You cannot delete your own account","code":"self_delete","details":[]})");
  EXPECT_EQ(error.kind(), Kind::kConflict);
  EXPECT_EQ(error.message(), "Conflict");
  EXPECT_EQ(error.error(), "You cannot delete your own account");
  EXPECT_EQ(error.code(), "self_delete");

  auto not_found =
      AuthFailure(404, R"({"message":"Not found","error":"User not found","code":"user_not_found"})");
  EXPECT_EQ(not_found.kind(), Kind::kNotFound);
  EXPECT_EQ(not_found.error(), "User not found");
}

TEST(AuthFailure, ValidationDetailsSurvive) {
  auto error =
      AuthFailure(422, R"({"message":"Validation failed","error":"username: must be 3 to 50 characters",
      "code":"validation_failed","details":[{"field":"username","problem":"must be 3 to 50 characters"}]})");
  EXPECT_EQ(error.kind(), Kind::kValidation);
  ASSERT_EQ(error.details().size(), 1U);
  EXPECT_EQ(error.details()[0].field, "username");
  EXPECT_EQ(error.details()[0].problem, "must be 3 to 50 characters");
}

TEST(AuthFailure, EveryClientStatusKeepsItsKind) {
  EXPECT_EQ(AuthFailure(400, "{}").kind(), Kind::kBadRequest);
  EXPECT_EQ(AuthFailure(401, "{}").kind(), Kind::kUnauthorized);
  EXPECT_EQ(AuthFailure(403, "{}").kind(), Kind::kForbidden);
  EXPECT_EQ(AuthFailure(429, "{}").kind(), Kind::kRateLimited);
}

TEST(AuthFailure, ServerErrorsAndGarbageAreUnavailable) {
  for (auto [status, body] : {std::pair{500U, "{}"}, std::pair{502U, "Bad gateway"},
                              std::pair{404U, "<html>"}, std::pair{302U, "{}"}, std::pair{418U, "{}"}}) {
    auto error = AuthFailure(status, body);
    EXPECT_EQ(error.kind(), Kind::kUnavailable) << status;
    EXPECT_EQ(error.code(), "auth_unavailable");
  }
}

}  // namespace
}  // namespace mp::user::clients
