// The HTTP surface over loopback, assembled as main() assembles it (user::Service()), against a real
// FerretDB/MongoDB; auth's admin user routes are a fake upstream (a small http::App) whose users and answers
// the test chooses.
#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <ranges>
#include <string>

#include <gtest/gtest.h>

#include "libs/http/envelope.hpp"
#include "libs/http/testing/service_client.hpp"
#include "libs/identity/identity.hpp"
#include "libs/mongo/outbox.hpp"
#include "libs/security/jwt.hpp"
#include "libs/security/testing/tokens.hpp"
#include "libs/service/testing/assembled.hpp"
#include "services/user/src/api/user_api.hpp"
#include "services/user/src/service.hpp"
#include "services/user/src/store/profile_store.hpp"
#include "services/user/tests/user_test_support.hpp"

namespace mp::user::api {
namespace {

using http::Verb;
using Json = nlohmann::json;
using http::testing::Reply;

// auth's /api/v1/admin/users routes over an in-memory user table; remembers what it was sent.
class FakeAuth : public http::testing::FakeUpstream {
 public:
  struct User {
    std::string username;
    std::string email;
    int role_id = 1;
  };

  FakeAuth() : FakeUpstream("auth") {
    auto& r = app_.router();
    r.Add(Verb::get, "/api/v1/admin/users", [this](http::Context& c) -> Awaitable {
      Remember(c);
      std::lock_guard lock(mutex_);
      auto page = http::ReadPage(c);
      auto role = http::ReadIntQuery(c, "role_id", 0, 3);
      Json items = Json::array();
      std::int64_t total = 0;
      for (const auto& [id, user] : std::views::reverse(users_)) {
        if (role && *role != 0 && user.role_id != *role) continue;
        if (total >= page.offset && total < page.offset + page.limit) {
          auto item = Data(id, user);
          item["has_profile"] = false;
          items.push_back(item);
        }
        ++total;
      }
      auto response = http::Ok(items);
      response.set("X-Total-Count", std::to_string(total));
      co_return response;
    });
    r.Add(Verb::get, "/api/v1/admin/users/{user_id:int}", [this](http::Context& c) -> Awaitable {
      Remember(c);
      std::lock_guard lock(mutex_);
      co_return http::Ok(Detail(Find(c.IntParam("user_id"))));
    });
    r.Add(Verb::put, "/api/v1/admin/users/{user_id:int}", [this](http::Context& c) -> Awaitable {
      Remember(c);
      std::lock_guard lock(mutex_);
      ++puts_;
      last_put_body_ = c.Body();
      if (refuse_put_) throw *refuse_put_;
      auto id = c.IntParam("user_id");
      auto& user = users_.at(Find(id).first);
      const auto& body = c.Body();
      if (body.contains("username")) user.username = body["username"];
      if (body.contains("email")) user.email = body["email"];
      if (body.contains("role_id")) user.role_id = body["role_id"];
      co_return http::Ok(Detail({id, user}), "User updated");
    });
    r.Add(Verb::delete_, "/api/v1/admin/users/{user_id:int}", [this](http::Context& c) -> Awaitable {
      Remember(c);
      std::lock_guard lock(mutex_);
      ++deletes_;
      auto id = c.IntParam("user_id");
      if (id == admin_id_) throw ApiError::Conflict("You cannot delete your own account", "self_delete");
      Find(id);
      users_.erase(id);
      co_return http::Ok({{"user_id", id}, {"message", "User deleted successfully"}}, "User deleted");
    });
    Start();
  }
  ~FakeAuth() { Stop(); }

  void Add(std::int64_t id, User user) {
    std::lock_guard lock(mutex_);
    users_[id] = std::move(user);
  }
  void SetAdmin(std::int64_t id) { admin_id_ = id; }
  void RefusePut(std::optional<ApiError> error) {
    std::lock_guard lock(mutex_);
    refuse_put_ = std::move(error);
  }
  int puts() { return Read(puts_); }
  int deletes() { return Read(deletes_); }
  Json last_put_body() { return Read(last_put_body_); }

 private:
  std::pair<std::int64_t, User> Find(std::int64_t id) {
    auto it = users_.find(id);
    if (it == users_.end()) throw ApiError::NotFound("User not found", "user_not_found");
    return *it;
  }
  static Json Data(std::int64_t id, const User& user) {
    return {{"user_id", id},
            {"username", user.username},
            {"email", user.email},
            {"role_id", user.role_id},
            {"role_name", identity::RoleName(user.role_id)},
            {"created_at", "2025-10-25T09:00:00Z"}};
  }
  static Json Detail(const std::pair<std::int64_t, User>& user) {
    auto data = Data(user.first, user.second);
    data["profile"] = nullptr;
    return data;
  }

  std::map<std::int64_t, User> users_;
  std::int64_t admin_id_ = 0;
  std::optional<ApiError> refuse_put_;
  int puts_ = 0;
  int deletes_ = 0;
  Json last_put_body_;
};

using security::testing::Token;

std::map<std::string, std::string> Details(const Reply& answer) {
  std::map<std::string, std::string> details;
  for (const auto& d : answer.body.value("details", Json::array())) details[d["field"]] = d["problem"];
  return details;
}

class UserApiTest : public ::testing::Test {
 public:
  UserApiTest() {
    store_.EnsureIndexes();
    auth_.Add(customer_, {"carol", "carol@example.com", 1});
    auth_.Add(provider_, {"pete", "pete@example.com", 2});
    auth_.Add(admin_, {"root", "root@example.com", 3});
    auth_.SetAdmin(admin_);
  }
  Reply Get(const std::string& target, const std::string& token, const std::string& request_id = {}) {
    return client_.Get(target, token, http::testing::RequestId(request_id));
  }
  Reply Send(Verb method, const std::string& target, const std::string& token, const Json& body) {
    return client_.Send(method, target, token, body);
  }
  Reply Delete(const std::string& target, const std::string& token) {
    return client_.Call(Verb::delete_, target, token);
  }

  const std::int64_t customer_ = test::RandomId();
  const std::int64_t provider_ = customer_ + 1;
  const std::int64_t admin_ = customer_ + 2;
  FakeAuth auth_;
  mongo::test::ScopedDatabase database_{"mp_test_user_api"};
  store::ProfileStore store_{database_.get()};
  // main()'s own assembly of the service (relay and consumer not started: events stay in the outbox).
  service::testing::Assembled service_{
      user::Service(), service::testing::TestSettings(database_.get().options(), "auth", auth_.url(), 1500)};
  http::testing::ServiceClient client_{service_.port()};
  const std::string customer_token_ = Token(customer_, identity::kCustomer);
  const std::string provider_token_ = Token(provider_, identity::kProvider);
  const std::string admin_token_ = Token(admin_, identity::kAdmin);
};

TEST_F(UserApiTest, ACustomerCreatesReadsAndUpdatesTheirProfile) {
  auto missing = Get("/api/v1/customer/profile", customer_token_);
  EXPECT_EQ(missing.status, 404U);
  EXPECT_EQ(missing.body["error"], "Customer profile not found");

  auto created = Send(Verb::post, "/api/v1/customer/profile", customer_token_,
                      {{"location", "SOUTH"}, {"budget_preference", 250.5}});
  ASSERT_EQ(created.status, 200U) << created.body.dump();
  EXPECT_EQ(created.body["message"], "Customer profile created");
  EXPECT_EQ(created.body["data"]["user_id"], customer_);
  EXPECT_EQ(created.body["data"]["location"], "SOUTH");
  EXPECT_TRUE(created.body["data"]["address"].is_null());
  EXPECT_DOUBLE_EQ(created.body["data"]["budget_preference"].get<double>(), 250.5);
  EXPECT_EQ(created.body["data"]["created_at"].get<std::string>().back(), 'Z');
  // profile.created waits in the profile's outbox for the relay the API woke.
  auto stored =
      database_.get().collection(store::kCustomerProfiles).FindOne(mongo::Document{{"_id", customer_}});
  ASSERT_TRUE(stored);
  ASSERT_EQ((*stored)[mongo::kOutboxField].size(), 1U);
  EXPECT_EQ((*stored)[mongo::kOutboxField][0]["routing_key"], "profile.created");

  auto again = Send(Verb::post, "/api/v1/customer/profile", customer_token_, Json::object());
  EXPECT_EQ(again.status, 409U);
  EXPECT_EQ(again.body["error"], "Customer profile already exists");

  auto updated = Send(Verb::put, "/api/v1/customer/profile", customer_token_, {{"address", "1 Main St"}});
  ASSERT_EQ(updated.status, 200U) << updated.body.dump();
  EXPECT_EQ(updated.body["message"], "Customer profile updated");
  EXPECT_EQ(updated.body["data"]["address"], "1 Main St");
  EXPECT_EQ(updated.body["data"]["location"], "SOUTH");

  auto read = Get("/api/v1/customer/profile", customer_token_);
  ASSERT_EQ(read.status, 200U);
  EXPECT_EQ(read.body["message"], "Success");
  EXPECT_EQ(read.body["data"], updated.body["data"]);
  EXPECT_FALSE(read.body["data"].contains("outbox"));
}

TEST_F(UserApiTest, ProfileInputIsValidatedWith422AndDetails) {
  ASSERT_EQ(Send(Verb::post, "/api/v1/provider/profile", provider_token_, Json::object()).status, 200U);
  auto bad =
      Send(Verb::put, "/api/v1/provider/profile", provider_token_,
           {{"experience_years", 81}, {"hourly_rate", 100000.5}, {"skills", {"ok", 3}}, {"rating", 1}});
  ASSERT_EQ(bad.status, 422U);
  auto details = Details(bad);
  EXPECT_TRUE(details.contains("experience_years"));
  EXPECT_TRUE(details.contains("hourly_rate"));
  EXPECT_TRUE(details.contains("skills[1]"));
  EXPECT_EQ(details["rating"], "cannot be changed");
  EXPECT_EQ(Send(Verb::put, "/api/v1/provider/profile", provider_token_, Json::object()).status, 422U);
  auto location = Send(Verb::post, "/api/v1/customer/profile", customer_token_, {{"location", "CENTRAL"}});
  EXPECT_EQ(location.status, 422U);
  EXPECT_EQ(Details(location)["location"], "must be one of: NORTH, SOUTH, EAST, WEST, MID");
  // Not JSON, not an object: 400 / 415, never 500.
  EXPECT_EQ(Send(Verb::put, "/api/v1/provider/profile", provider_token_, Json("x")).status, 400U);
  // Nothing was written by the refused requests.
  auto profile = Get("/api/v1/provider/profile", provider_token_);
  EXPECT_EQ(profile.body["data"]["experience_years"], 0);
}

TEST_F(UserApiTest, ProfilesAreForTheirOwnRoleOnly) {
  EXPECT_EQ(Get("/api/v1/customer/profile", "").status, 401U);
  EXPECT_EQ(Get("/api/v1/customer/profile", "garbage").status, 401U);
  EXPECT_EQ(Get("/api/v1/provider/profile", customer_token_).status, 403U);
  EXPECT_EQ(Get("/api/v1/customer/profile", provider_token_).status, 403U);
  EXPECT_EQ(Send(Verb::post, "/api/v1/customer/profile", admin_token_, Json::object()).status, 403U);
  EXPECT_EQ(Get("/api/v1/admin/users", customer_token_).status, 403U);
  EXPECT_EQ(Delete("/api/v1/customer/profile", customer_token_).status, 405U);
}

TEST_F(UserApiTest, ProviderSearchIsPublicTypedAndPaginated) {
  ASSERT_EQ(Send(Verb::post, "/api/v1/provider/profile", provider_token_,
                 {{"skills", {"Plumbing", "Tiling"}}, {"hourly_rate", 45}, {"service_areas", {"NORTH"}}})
                .status,
            200U);
  auto other = provider_ + 10;
  ASSERT_EQ(Send(Verb::post, "/api/v1/provider/profile", Token(other, identity::kProvider),
                 {{"skills", {"Wiring"}}, {"hourly_rate", 90}})
                .status,
            200U);

  auto found =
      Get("/api/v1/providers/search?skills=plumbing,carpentry&max_hourly_rate=50&location=NORTH", "");
  ASSERT_EQ(found.status, 200U) << found.body.dump();
  ASSERT_EQ(found.body["data"].size(), 1U);
  EXPECT_EQ(found.body["data"][0]["user_id"], provider_);
  EXPECT_EQ(found.body["data"][0]["skills"], Json::parse(R"(["Plumbing","Tiling"])"));
  EXPECT_EQ(found.raw["X-Total-Count"], "1");

  auto all = Get("/api/v1/providers/search?limit=1", "");
  ASSERT_EQ(all.status, 200U);
  EXPECT_EQ(all.body["data"].size(), 1U);
  EXPECT_EQ(all.raw["X-Total-Count"], "2");

  auto bad = Get("/api/v1/providers/search?min_rating=%7B%22%24gt%22%3A0%7D&location=CENTRAL", "");
  EXPECT_EQ(bad.status, 422U);
  EXPECT_TRUE(Details(bad).contains("min_rating"));
  EXPECT_TRUE(Details(bad).contains("location"));
  EXPECT_EQ(Get("/api/v1/providers/search?limit=500", "").status, 422U);
  EXPECT_EQ(Get("/api/v1/providers/search?skills=%24ne", "").body["data"].size(), 0U);
}

TEST_F(UserApiTest, AdminListAddsHasProfileAndForwardsTheAdminsIdentity) {
  ASSERT_EQ(Send(Verb::post, "/api/v1/customer/profile", customer_token_, Json::object()).status, 200U);
  auto list = Get("/api/v1/admin/users?limit=10", admin_token_, "req-list-1");
  ASSERT_EQ(list.status, 200U) << list.body.dump();
  EXPECT_EQ(list.raw["X-Total-Count"], "3");
  std::map<std::int64_t, bool> has_profile;
  for (const auto& item : list.body["data"]) has_profile[item["user_id"]] = item["has_profile"];
  EXPECT_TRUE(has_profile[customer_]);
  EXPECT_FALSE(has_profile[provider_]);
  EXPECT_FALSE(has_profile[admin_]);
  EXPECT_EQ(auth_.last_authorization(), "Bearer " + admin_token_);
  EXPECT_EQ(auth_.last_request_id(), "req-list-1");

  auto providers = Get("/api/v1/admin/users?role_id=2", admin_token_);
  ASSERT_EQ(providers.body["data"].size(), 1U);
  EXPECT_EQ(auth_.last_target(), "/api/v1/admin/users?limit=50&offset=0&role_id=2");
  Get("/api/v1/admin/users?role_id=0", admin_token_);
  EXPECT_EQ(auth_.last_target(), "/api/v1/admin/users?limit=50&offset=0");
  EXPECT_EQ(Get("/api/v1/admin/users?role_id=4", admin_token_).status, 422U);
  EXPECT_EQ(Get("/api/v1/admin/users?role_id=x", admin_token_).status, 422U);
}

TEST_F(UserApiTest, AdminDetailShowsTheProfileOrItsDefaults) {
  auto customer = Get("/api/v1/admin/users/" + std::to_string(customer_), admin_token_);
  ASSERT_EQ(customer.status, 200U) << customer.body.dump();
  EXPECT_EQ(customer.body["data"]["username"], "carol");
  EXPECT_EQ(customer.body["data"]["role_name"], "customer");
  EXPECT_EQ(
      customer.body["data"]["profile"],
      Json::parse(
          R"({"user_id":)" + std::to_string(customer_) +
          R"(,"location":"NORTH","address":null,"budget_preference":0.0,"created_at":null,"updated_at":null})"));

  ASSERT_EQ(Send(Verb::post, "/api/v1/provider/profile", provider_token_, {{"experience_years", 7}}).status,
            200U);
  auto provider = Get("/api/v1/admin/users/" + std::to_string(provider_), admin_token_);
  EXPECT_EQ(provider.body["data"]["profile"]["experience_years"], 7);
  EXPECT_FALSE(provider.body["data"]["profile"]["created_at"].is_null());

  EXPECT_TRUE(
      Get("/api/v1/admin/users/" + std::to_string(admin_), admin_token_).body["data"]["profile"].is_null());
  auto unknown = Get("/api/v1/admin/users/" + std::to_string(customer_ + 100), admin_token_);
  EXPECT_EQ(unknown.status, 404U);
  EXPECT_EQ(unknown.body["error"], "User not found");
  EXPECT_EQ(unknown.body["code"], "user_not_found");
  EXPECT_EQ(Get("/api/v1/admin/users/abc", admin_token_).status, 422U);
}

TEST_F(UserApiTest, AdminUpdateChangesAuthThenTheProfile) {
  auto answer = Send(Verb::put, "/api/v1/admin/users/" + std::to_string(customer_), admin_token_,
                     {{"username", "caroline"}, {"location", "EAST"}, {"budget_preference", 99.99}});
  ASSERT_EQ(answer.status, 200U) << answer.body.dump();
  EXPECT_EQ(answer.body["message"], "User updated");
  EXPECT_EQ(answer.body["data"]["username"], "caroline");
  EXPECT_EQ(answer.body["data"]["profile"]["location"], "EAST");
  EXPECT_DOUBLE_EQ(answer.body["data"]["profile"]["budget_preference"].get<double>(), 99.99);
  EXPECT_EQ(auth_.last_put_body(), (Json{{"username", "caroline"}}));
  // There was no profile: the admin's edit made one, with its profile.created event.
  auto stored = store_.FindCustomer(customer_);
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->location, "EAST");

  // Profile fields only: auth is read, not written.
  auto puts = auth_.puts();
  auto profile_only = Send(Verb::put, "/api/v1/admin/users/" + std::to_string(customer_), admin_token_,
                           {{"address", "2 High St"}});
  ASSERT_EQ(profile_only.status, 200U) << profile_only.body.dump();
  EXPECT_EQ(auth_.puts(), puts);
  EXPECT_EQ(profile_only.body["data"]["profile"]["address"], "2 High St");
  EXPECT_EQ(profile_only.body["data"]["profile"]["location"], "EAST");
}

TEST_F(UserApiTest, AdminUpdateValidatesEverythingBeforeAnyWrite) {
  auto bad = Send(Verb::put, "/api/v1/admin/users/" + std::to_string(customer_), admin_token_,
                  {{"username", "x2"}, {"email", "nope"}, {"location", "CENTRAL"}});
  ASSERT_EQ(bad.status, 422U);
  EXPECT_TRUE(Details(bad).contains("email"));
  EXPECT_TRUE(Details(bad).contains("location"));
  auto wrong_kind = Send(Verb::put, "/api/v1/admin/users/" + std::to_string(customer_), admin_token_,
                         {{"username", "x2"}, {"skills", {"a"}}});
  ASSERT_EQ(wrong_kind.status, 422U);
  EXPECT_EQ(Details(wrong_kind)["skills"], "applies to a provider's profile only; the user is a customer");
  // A role change in the same body decides which fields apply.
  auto to_provider = Send(Verb::put, "/api/v1/admin/users/" + std::to_string(customer_), admin_token_,
                          {{"role_id", 3}, {"location", "MID"}});
  EXPECT_EQ(to_provider.status, 422U);
  EXPECT_EQ(auth_.puts(), 0);
  EXPECT_FALSE(store_.FindCustomer(customer_));
  EXPECT_EQ(Send(Verb::put, "/api/v1/admin/users/" + std::to_string(customer_), admin_token_, Json::object())
                .status,
            422U);
}

TEST_F(UserApiTest, AuthsRefusalComesBackUnchangedAndNothingChanges) {
  auth_.RefusePut(ApiError::Conflict("Username or email already exists", "duplicate_user"));
  auto answer = Send(Verb::put, "/api/v1/admin/users/" + std::to_string(customer_), admin_token_,
                     {{"email", "pete@example.com"}, {"location", "WEST"}});
  EXPECT_EQ(answer.status, 409U);
  EXPECT_EQ(answer.body["error"], "Username or email already exists");
  EXPECT_EQ(answer.body["code"], "duplicate_user");
  EXPECT_EQ(answer.body["message"], "Conflict");
  EXPECT_FALSE(store_.FindCustomer(customer_));

  auth_.RefusePut(ApiError::Validation({{"username", "must be 3 to 50 characters"}}));
  auto invalid =
      Send(Verb::put, "/api/v1/admin/users/" + std::to_string(customer_), admin_token_, {{"username", "x"}});
  EXPECT_EQ(invalid.status, 422U);
  EXPECT_EQ(Details(invalid)["username"], "must be 3 to 50 characters");

  auth_.RefusePut(std::nullopt);
  auto unknown = Send(Verb::put, "/api/v1/admin/users/" + std::to_string(customer_ + 100), admin_token_,
                      {{"location", "WEST"}});
  EXPECT_EQ(unknown.status, 404U);
}

TEST_F(UserApiTest, AdminDeleteRemovesTheAccountThenTheProfiles) {
  ASSERT_EQ(Send(Verb::post, "/api/v1/provider/profile", provider_token_, Json::object()).status, 200U);
  auto answer = Delete("/api/v1/admin/users/" + std::to_string(provider_), admin_token_);
  ASSERT_EQ(answer.status, 200U) << answer.body.dump();
  EXPECT_EQ(answer.body["message"], "User deleted");
  EXPECT_EQ(answer.body["data"], (Json{{"user_id", provider_}, {"message", "User deleted successfully"}}));
  EXPECT_FALSE(store_.FindProvider(provider_));
  EXPECT_TRUE(store_.IsDeleted(provider_));

  auto again = Delete("/api/v1/admin/users/" + std::to_string(provider_), admin_token_);
  EXPECT_EQ(again.status, 404U);
  auto self = Delete("/api/v1/admin/users/" + std::to_string(admin_), admin_token_);
  EXPECT_EQ(self.status, 409U);
  EXPECT_EQ(self.body["code"], "self_delete");
}

TEST(UserApiDown, AuthUnreachableIs503AndMongoDownIs503) {
  const std::string nowhere = "http://127.0.0.1:1";  // nothing listens on port 1
  mongo::test::ScopedDatabase database("mp_test_user_api_down");
  service::testing::Assembled no_auth(
      user::Service(), service::testing::TestSettings(database.get().options(), "auth", nowhere, 1500));
  http::testing::ServiceClient to_no_auth(no_auth.port());
  const auto admin = Token(test::RandomId(), identity::kAdmin);
  auto list = to_no_auth.Get("/api/v1/admin/users", admin);
  EXPECT_EQ(list.status, 503U);
  EXPECT_EQ(list.body["code"], "auth_unavailable");
  EXPECT_EQ(to_no_auth.Call(Verb::delete_, "/api/v1/admin/users/5", admin).status, 503U);

  service::testing::Assembled no_mongo(
      user::Service(), service::testing::TestSettings(test::UnreachableMongo(), "auth", nowhere, 1500));
  http::testing::ServiceClient to_no_mongo(no_mongo.port());
  auto profile = to_no_mongo.Get("/api/v1/customer/profile", Token(test::RandomId(), identity::kCustomer));
  EXPECT_EQ(profile.status, 503U);
  EXPECT_EQ(profile.body["code"], "store_unavailable");
  EXPECT_EQ(to_no_mongo.Get("/api/v1/providers/search", "").status, 503U);
}

}  // namespace
}  // namespace mp::user::api
