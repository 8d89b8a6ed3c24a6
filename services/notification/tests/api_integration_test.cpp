// The HTTP surface over loopback, assembled as main() assembles it (notification::Service()), against real
// FerretDB/MongoDB and Redis; auth's admin user lookup is a fake upstream (a small http::App) whose answers
// the test chooses.
#include <chrono>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include <gtest/gtest.h>

#include "libs/http/envelope.hpp"
#include "libs/http/testing/service_client.hpp"
#include "libs/identity/identity.hpp"
#include "libs/security/jwt.hpp"
#include "libs/security/testing/tokens.hpp"
#include "libs/service/testing/assembled.hpp"
#include "services/notification/src/api/inbox_api.hpp"
#include "services/notification/src/service.hpp"
#include "services/notification/src/store/inbox_store.hpp"
#include "services/notification/tests/notification_test_support.hpp"

namespace mp::notification::api {
namespace {

using domain::Inbox;
using http::Verb;
using Json = nlohmann::json;
using http::testing::Reply;

// auth's GET /api/v1/admin/users/{id}: answers with the role set for the user (404 when none), remembers what
// it was sent.
class FakeAuth : public http::testing::FakeUpstreamById<int> {
 public:
  FakeAuth() : FakeUpstreamById("auth") {
    RouteById(Verb::get, "/api/v1/admin/users/{user_id:int}", "user_id",
              ApiError::NotFound("User not found", "user_not_found"),
              [](std::int64_t id, int role) -> Awaitable {
                co_return http::Ok(
                    {{"user_id", id}, {"username", "u"}, {"email", "u@example.com"}, {"role_id", role}});
              });
    Start();
  }
  ~FakeAuth() { Stop(); }

  void SetRole(std::int64_t user_id, int role) { Set(user_id, role); }
};

using security::testing::Token;

class NotificationApiTest : public ::testing::Test {
 public:
  NotificationApiTest() { store_.EnsureIndexes(); }
  Reply Get(const std::string& target, const std::string& token) { return client_.Get(target, token); }
  Reply Put(const std::string& target, const std::string& token) {
    return client_.Call(Verb::put, target, token);
  }
  Reply Post(const std::string& target, const std::string& token, const Json& body,
             const std::string& request_id = {}) {
    return client_.Send(Verb::post, target, token, body, http::testing::RequestId(request_id));
  }

  domain::Notification Seed(Inbox inbox, std::int64_t user, std::int64_t order, time::TimePoint at) {
    auto stored = store_.Add({inbox, user, order, "About order " + std::to_string(order)},
                             "seed-" + std::to_string(order), "order.created", at);
    return *stored;
  }

  FakeAuth auth_;
  mongo::test::ScopedDatabase database_{"notification_api_test"};
  store::InboxStore store_{database_.get()};
  // main()'s own assembly of the service (relay and consumer not started: events stay in the outbox).
  service::testing::Assembled service_{
      notification::Service(),
      service::testing::TestSettings(database_.get().options(), "auth", auth_.url())};
  http::testing::ServiceClient client_{service_.port()};
  const std::int64_t customer_ = test::RandomId();
  const std::int64_t provider_ = test::RandomId() + 1;
  const std::int64_t admin_ = test::RandomId() + 2;
};

TEST_F(NotificationApiTest, ListsTheCallersInboxNewestFirstWithTotals) {
  const auto base = time::FromUnixSeconds(1'761'382'800);
  for (int i = 1; i <= 5; ++i) Seed(Inbox::kCustomer, customer_, i, base + std::chrono::seconds(i));
  Seed(Inbox::kCustomer, customer_ + 100, 99, base);  // someone else's
  const auto token = Token(customer_, identity::kCustomer);

  auto page = Get("/api/v1/customer/inbox?limit=2&offset=1", token);
  ASSERT_EQ(page.status, 200u) << page.body.dump();
  EXPECT_EQ(page.body["success"], true);
  EXPECT_EQ(page.body["message"], "Success");
  const auto& data = page.body["data"];
  EXPECT_EQ(data["total"], 5);
  EXPECT_EQ(data["unread"], 5);
  ASSERT_EQ(data["items"].size(), 2u);
  EXPECT_EQ(data["items"][0]["order_id"], 4);
  EXPECT_EQ(data["items"][1]["order_id"], 3);
  EXPECT_EQ(data["items"][0]["customer_id"], customer_);
  EXPECT_TRUE(data["items"][0]["provider_id"].is_null());
  EXPECT_EQ(data["items"][0]["created_at"], "2025-10-25T09:00:04Z");
  EXPECT_EQ(data["items"][0]["is_read"], false);
  EXPECT_EQ(data["items"][0]["id"].get<std::string>().size(), 24u);
  EXPECT_EQ(page.raw["X-Total-Count"], "5");

  auto all = Get("/api/v1/customer/inbox", token);
  EXPECT_EQ(all.body["data"]["items"].size(), 5u);
  auto empty = Get("/api/v1/provider/inbox", Token(provider_, identity::kProvider));
  ASSERT_EQ(empty.status, 200u);
  EXPECT_EQ(empty.body["data"], Json::parse(R"({"items": [], "total": 0, "unread": 0})"));
}

TEST_F(NotificationApiTest, ABurstOfReadsOfAColdInboxAllGetTheSameAnswer) {
  const auto base = time::FromUnixSeconds(1'761'382'800);
  for (int i = 1; i <= 30; ++i) Seed(Inbox::kCustomer, customer_, i, base + std::chrono::seconds(i));
  const auto token = Token(customer_, identity::kCustomer);
  // One request builds the inbox's view; the others wait for it instead of scanning MongoDB as well.
  std::vector<std::future<Reply>> answers;
  for (int i = 0; i < 12; ++i) {
    const char* target =
        i % 2 == 0 ? "/api/v1/customer/inbox?limit=5" : "/api/v1/customer/inbox/unread-count";
    answers.push_back(std::async(std::launch::async, [this, target, &token] {
      return http::testing::ServiceClient(service_.port()).Get(target, token);
    }));
  }
  for (int i = 0; i < 12; ++i) {
    auto answer = answers[i].get();
    ASSERT_EQ(answer.status, 200u) << answer.body.dump();
    EXPECT_EQ(answer.body["data"]["unread"], 30);
    if (i % 2 == 0) {
      EXPECT_EQ(answer.body["data"]["total"], 30);
      EXPECT_EQ(answer.body["data"]["items"][0]["order_id"], 30);
    }
  }
}

TEST_F(NotificationApiTest, RolesAndBadInputAreClear4xx) {
  const auto token = Token(customer_, identity::kCustomer);
  EXPECT_EQ(Get("/api/v1/customer/inbox", "").status, 401u);
  EXPECT_EQ(Get("/api/v1/customer/inbox", "not-a-token").status, 401u);
  EXPECT_EQ(Get("/api/v1/provider/inbox", token).status, 403u);
  EXPECT_EQ(Get("/api/v1/customer/inbox", Token(admin_, identity::kAdmin)).status, 403u);
  EXPECT_EQ(Get("/api/v1/customer/inbox?limit=0", token).status, 422u);
  EXPECT_EQ(Get("/api/v1/customer/inbox?limit=201", token).status, 422u);
  EXPECT_EQ(Get("/api/v1/customer/inbox?offset=-1", token).status, 422u);
  EXPECT_EQ(Get("/api/v1/customer/inbox?limit=abc", token).status, 422u);

  auto malformed = Put("/api/v1/customer/inbox/not-an-id/read", token);
  EXPECT_EQ(malformed.status, 422u);
  EXPECT_EQ(malformed.body["details"][0]["field"], "notification_id");
  EXPECT_EQ(Put("/api/v1/customer/inbox/" + std::string(24, 'z') + "/read", token).status, 422u);
  EXPECT_EQ(Put("/api/v1/customer/inbox/%7B%22%24ne%22%3Anull%7D/read", token).status, 422u);
  auto unknown = Put("/api/v1/customer/inbox/" + mongo::ObjectId::Generate().ToString() + "/read", token);
  EXPECT_EQ(unknown.status, 404u);
  EXPECT_EQ(unknown.body["error"], "Notification not found");
  EXPECT_EQ(unknown.body["code"], "notification_not_found");
  EXPECT_EQ(Get("/api/v1/customer/inbox/read-all", token).status, 405u);
  EXPECT_EQ(client_.Call(Verb::post, "/api/v1/customer/inbox/unread-count", token).status, 405u);
}

TEST_F(NotificationApiTest, MarkReadReadAllAndUnreadCountsStayConsistent) {
  const auto now = time::Now();
  auto first = Seed(Inbox::kProvider, provider_, 1, now);
  Seed(Inbox::kProvider, provider_, 2, now);
  Seed(Inbox::kProvider, provider_, 3, now);
  auto theirs = Seed(Inbox::kProvider, provider_ + 100, 4, now);
  const auto token = Token(provider_, identity::kProvider);

  auto count = Get("/api/v1/provider/inbox/unread-count", token);
  ASSERT_EQ(count.status, 200u) << count.body.dump();
  EXPECT_EQ(count.body["data"], Json({{"unread", 3}}));
  EXPECT_EQ(Get("/api/v1/provider/inbox/unread-count", token).body["data"]["unread"],
            3);  // now from the cache

  auto read = Put("/api/v1/provider/inbox/" + first.id + "/read", token);
  ASSERT_EQ(read.status, 200u) << read.body.dump();
  EXPECT_EQ(read.body["message"], "Notification marked as read");
  EXPECT_EQ(read.body["data"]["id"], first.id);
  EXPECT_EQ(read.body["data"]["is_read"], true);
  EXPECT_EQ(read.body["data"]["provider_id"], provider_);
  EXPECT_TRUE(read.body["data"]["customer_id"].is_null());
  EXPECT_EQ(Get("/api/v1/provider/inbox/unread-count", token).body["data"]["unread"], 2);  // cache dropped
  EXPECT_EQ(Put("/api/v1/provider/inbox/" + first.id + "/read", token).status, 200u);      // idempotent

  // Someone else's entry: as if it did not exist.
  auto foreign = Put("/api/v1/provider/inbox/" + theirs.id + "/read", token);
  EXPECT_EQ(foreign.status, 404u);
  EXPECT_EQ(Put("/api/v1/customer/inbox/" + first.id + "/read", Token(provider_, identity::kCustomer)).status,
            404u);

  auto all = Put("/api/v1/provider/inbox/read-all", token);
  ASSERT_EQ(all.status, 200u);
  EXPECT_EQ(all.body["message"], "All notifications marked as read");
  EXPECT_EQ(all.body["data"], Json({{"updated", 2}}));
  EXPECT_EQ(Get("/api/v1/provider/inbox/unread-count", token).body["data"]["unread"], 0);
  EXPECT_EQ(Get("/api/v1/provider/inbox", token).body["data"]["unread"], 0);
  EXPECT_EQ(Put("/api/v1/provider/inbox/read-all", token).body["data"]["updated"], 0);
  EXPECT_EQ(store_.CountUnread(Inbox::kProvider, provider_ + 100), 1);
}

TEST_F(NotificationApiTest, AdminNoticeReachesAnExistingUserOfTheRightRole) {
  auth_.SetRole(customer_, identity::kCustomer);
  const auto admin = Token(admin_, identity::kAdmin);
  auto sent = Post("/api/v1/admin/notifications/customer/" + std::to_string(customer_), admin,
                   {{"message", "  Your account was verified.\n"}}, "req-notice-1");
  ASSERT_EQ(sent.status, 200u) << sent.body.dump();
  EXPECT_EQ(sent.body["message"], "Notification sent to customer");
  EXPECT_EQ(sent.body["data"],
            Json({{"user_id", customer_}, {"message", "Notification sent successfully to customer"}}));
  // auth was asked with the admin's own token and the request id.
  EXPECT_EQ(auth_.last_authorization(), "Bearer " + admin);
  EXPECT_EQ(auth_.last_request_id(), "req-notice-1");

  auto inbox = Get("/api/v1/customer/inbox", Token(customer_, identity::kCustomer));
  ASSERT_EQ(inbox.body["data"]["items"].size(), 1u);
  const auto& item = inbox.body["data"]["items"][0];
  EXPECT_EQ(item["message"], "Your account was verified.");
  EXPECT_TRUE(item["order_id"].is_null());
  EXPECT_EQ(item["customer_id"], customer_);

  // Twice: two notices (each admin notice is its own event).
  Post("/api/v1/admin/notifications/customer/" + std::to_string(customer_), admin, {{"message", "Again"}});
  EXPECT_EQ(Get("/api/v1/customer/inbox/unread-count", Token(customer_, identity::kCustomer))
                .body["data"]["unread"],
            2);

  auth_.SetRole(provider_, identity::kProvider);
  auto provider =
      Post("/api/v1/admin/notifications/provider/" + std::to_string(provider_), admin, {{"message", "Hi"}});
  ASSERT_EQ(provider.status, 200u);
  EXPECT_EQ(provider.body["message"], "Notification sent to provider");
  EXPECT_EQ(provider.body["data"]["message"], "Notification sent successfully to provider");
}

TEST_F(NotificationApiTest, AdminNoticeRefusesWrongTargetsAndBadMessages) {
  auth_.SetRole(customer_, identity::kCustomer);
  auth_.SetRole(provider_, identity::kProvider);
  const auto admin = Token(admin_, identity::kAdmin);
  const std::string to_customer = "/api/v1/admin/notifications/customer/";

  auto missing = Post(to_customer + std::to_string(customer_ + 555), admin, {{"message", "Hi"}});
  EXPECT_EQ(missing.status, 404u);
  EXPECT_EQ(missing.body["error"], "User not found");
  EXPECT_EQ(missing.body["code"], "user_not_found");

  auto wrong_role = Post(to_customer + std::to_string(provider_), admin, {{"message", "Hi"}});
  EXPECT_EQ(wrong_role.status, 422u);
  EXPECT_EQ(wrong_role.body["details"], Json::parse(R"([{"field": "user_id", "problem": "user )" +
                                                    std::to_string(provider_) + R"( is not a customer"}])"));

  for (const Json& body :
       {Json::object(), Json({{"message", nullptr}}), Json({{"message", 5}}), Json({{"message", ""}}),
        Json({{"message", " \n\t "}}), Json({{"message", std::string(2001, 'x')}})}) {
    auto bad = Post(to_customer + std::to_string(customer_), admin, body);
    EXPECT_EQ(bad.status, 422u) << body.dump();
    EXPECT_EQ(bad.body["details"][0]["field"], "message") << bad.body.dump();
  }
  EXPECT_EQ(
      Post(to_customer + std::to_string(customer_), admin, {{"message", std::string(2000, 'x')}}).status,
      200u);
  EXPECT_EQ(client_.Call(Verb::post, to_customer + std::to_string(customer_), admin).status, 400u);
  EXPECT_EQ(Post(to_customer + "abc", admin, {{"message", "Hi"}}).status, 422u);
  EXPECT_EQ(Post(to_customer + std::to_string(customer_), Token(customer_, identity::kCustomer),
                 {{"message", "Hi"}})
                .status,
            403u);
  EXPECT_EQ(store_.List(Inbox::kCustomer, customer_, 50, 0).total, 1);
}

TEST(NotificationApiOutageTest, AuthDownIsA503) {
  mongo::test::ScopedDatabase database("notification_api_test");
  // Nothing listens on port 1.
  service::testing::Assembled service(
      notification::Service(),
      service::testing::TestSettings(database.get().options(), "auth", "http://127.0.0.1:1"));
  auto answer = http::testing::ServiceClient(service.port())
                    .Send(Verb::post, "/api/v1/admin/notifications/customer/5", Token(1, identity::kAdmin),
                          {{"message", "Hi"}});
  EXPECT_EQ(answer.status, 503u);
  EXPECT_EQ(answer.body["code"], "auth_unavailable");
}

TEST(NotificationApiOutageTest, MongoDownIsA503) {
  FakeAuth auth;
  service::testing::Assembled service(
      notification::Service(), service::testing::TestSettings(test::UnreachableMongo(), "auth", auth.url()));
  http::testing::ServiceClient client(service.port());
  auto token = Token(7, identity::kCustomer);
  for (auto [method, target] : {std::pair{Verb::get, "/api/v1/customer/inbox"},
                                std::pair{Verb::get, "/api/v1/customer/inbox/unread-count"},
                                std::pair{Verb::put, "/api/v1/customer/inbox/read-all"}}) {
    auto answer = client.Call(method, target, token);
    EXPECT_EQ(answer.status, 503u) << target;
    EXPECT_EQ(answer.body["code"], "store_unavailable") << target;
  }
}

TEST(NotificationApiOutageTest, RedisDownNeverFailsARequest) {
  FakeAuth auth;
  mongo::test::ScopedDatabase database("notification_api_test");
  auto settings = service::testing::TestSettings(database.get().options(), "auth", auth.url());
  settings["MP_REDIS_PORT"] = "1";  // nothing listens there
  service::testing::Assembled service(notification::Service(), settings);
  const std::int64_t customer = test::RandomId();
  auth.SetRole(customer, identity::kCustomer);
  http::testing::ServiceClient client(service.port());
  auto token = Token(customer, identity::kCustomer);
  auto sent = client.Send(Verb::post, "/api/v1/admin/notifications/customer/" + std::to_string(customer),
                          Token(1, identity::kAdmin), {{"message", "Hi"}});
  EXPECT_EQ(sent.status, 200u) << sent.body.dump();
  auto list = client.Get("/api/v1/customer/inbox", token);
  EXPECT_EQ(list.status, 200u);
  EXPECT_EQ(list.body["data"]["unread"], 1);
  auto id = list.body["data"]["items"][0]["id"].get<std::string>();
  EXPECT_EQ(client.Call(Verb::put, "/api/v1/customer/inbox/" + id + "/read", token).status, 200u);
  EXPECT_EQ(client.Get("/api/v1/customer/inbox/unread-count", token).body["data"]["unread"], 0);
}

}  // namespace
}  // namespace mp::notification::api
