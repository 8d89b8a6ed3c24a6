// The account store against a real MariaDB (./marketplace test provides it): duplicates are reported as
// the key that clashed, and nothing is written then.
#include "services/auth/src/store/user_store.hpp"

#include <gtest/gtest.h>

#include "libs/sql/connection.hpp"
#include "libs/sql/migrate.hpp"
#include "libs/sql/tests/test_database.hpp"
#include "services/auth/src/store/migrations.hpp"

namespace mp::auth::store {
namespace {

using Key = DuplicateAccount::Key;

// A fresh database of our own (mp_test_auth), migrated like the service does at start.
sql::Options AuthDatabase() {
  auto options = sql::test::TestDatabaseOptions();
  {
    sql::Connection admin(options);
    admin.ExecuteScript("DROP DATABASE IF EXISTS mp_test_auth; CREATE DATABASE mp_test_auth");
  }
  options.database = "mp_test_auth";
  return options;
}

bus::Event Registered(const domain::User& user) {
  return bus::MakeEvent("auth_events", "user.registered", {{"user_id", user.id}});
}

std::optional<bus::Event> NoEvent(const domain::User&, const domain::User&) { return std::nullopt; }

class UserStoreTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    pool_ = new sql::Pool(AuthDatabase());
    sql::Migrate(*pool_, Migrations());
  }
  static void TearDownTestSuite() { delete pool_; }

  domain::User Create(const std::string& username, const std::string& email) {
    return users_.Create({username, email, "unused", domain::kCustomerRole}, "hash", Registered);
  }

  // The key a write refused as a duplicate, or nullopt when it went through.
  template <class Write>
  std::optional<Key> DuplicateKey(Write write) {
    try {
      write();
    } catch (const DuplicateAccount& duplicate) {
      return duplicate.key();
    }
    return std::nullopt;
  }

  static sql::Pool* pool_;
  UserStore users_{*pool_};
};

sql::Pool* UserStoreTest::pool_ = nullptr;

TEST_F(UserStoreTest, ATakenUsernameOrEmailIsReportedAsThatKey) {
  auto alice = Create("alice", "alice@example.com");
  EXPECT_GT(alice.id, 0);
  EXPECT_EQ(DuplicateKey([&] { Create("alice", "other@example.com"); }), Key::kUsername);
  EXPECT_EQ(DuplicateKey([&] { Create("alice2", "alice@example.com"); }), Key::kEmail);
  EXPECT_FALSE(users_.FindByEmail("other@example.com"));
}

TEST_F(UserStoreTest, AnUpdateToATakenUsernameChangesNothing) {
  auto bob = Create("bob", "bob@example.com");
  Create("carol", "carol@example.com");
  domain::AccountChanges changes;
  changes.username = "carol";
  changes.role_id = domain::kProviderRole;
  EXPECT_EQ(DuplicateKey([&] { users_.Update(bob.id, changes, NoEvent); }), Key::kUsername);
  auto unchanged = users_.FindById(bob.id);
  ASSERT_TRUE(unchanged);
  EXPECT_EQ(unchanged->username, "bob");
  EXPECT_EQ(unchanged->role_id, domain::kCustomerRole);
  EXPECT_EQ(unchanged->token_version, bob.token_version);
}

TEST_F(UserStoreTest, WritesToAMissingUserFindNothing) {
  domain::AccountChanges changes;
  changes.username = "nobody";
  EXPECT_FALSE(users_.Update(999'999'999, changes, NoEvent));
  EXPECT_FALSE(users_.Delete(999'999'999, Registered));
}

}  // namespace
}  // namespace mp::auth::store
