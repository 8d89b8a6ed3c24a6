#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "libs/sql/error.hpp"
#include "libs/sql/migrate.hpp"
#include "libs/sql/pool.hpp"
#include "libs/sql/tests/test_database.hpp"

namespace mp::sql {
namespace {

// Versions 9001+ and sqltest_ tables, so the test shares the database with other suites' migrations.
std::vector<Migration> TestMigrations() {
  return {
      {9002, "seed_gadget", "INSERT INTO sqltest_gadgets (name) VALUES ('first');"},
      {9001, "create_gadgets",
       "CREATE TABLE sqltest_gadgets (\n"
       "  id BIGINT AUTO_INCREMENT PRIMARY KEY,\n"
       "  name VARCHAR(64) NOT NULL\n"
       ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;\n"
       "CREATE INDEX sqltest_gadgets_by_name ON sqltest_gadgets (name);"},
  };
}

class MigrateTest : public ::testing::Test {
 protected:
  void SetUp() override {
    pool_ = std::make_unique<Pool>(test::TestDatabaseOptions());
    auto connection = pool_->Acquire();
    connection->Execute("DROP TABLE IF EXISTS sqltest_gadgets");
    connection->Execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version INT NOT NULL PRIMARY KEY, name VARCHAR(255) "
        "NOT "
        "NULL, checksum CHAR(64) NOT NULL, applied_at DATETIME NOT NULL) ENGINE=InnoDB DEFAULT "
        "CHARSET=utf8mb4");
    connection->Execute("DELETE FROM schema_migrations WHERE version >= 9000");
  }
  void TearDown() override { SetUp(); }

  std::int64_t Gadgets() { return pool_->Acquire()->Query("SELECT COUNT(*) FROM sqltest_gadgets")[0].Int(0); }
  std::vector<Row> Applied() {
    return pool_->Acquire()->Query(
        "SELECT version, name, checksum, applied_at FROM schema_migrations WHERE version >= 9000 ORDER BY "
        "version");
  }

  std::unique_ptr<Pool> pool_;
};

TEST_F(MigrateTest, AppliesInVersionOrderOnceAndIsIdempotent) {
  Migrate(*pool_, TestMigrations());
  Migrate(*pool_, TestMigrations());
  EXPECT_EQ(Gadgets(), 1);
  auto applied = Applied();
  ASSERT_EQ(applied.size(), 2u);
  EXPECT_EQ(applied[0].Int(0), 9001);
  EXPECT_EQ(applied[0].String(1), "create_gadgets");
  EXPECT_EQ(applied[0].String(2), MigrationChecksum(TestMigrations()[1].sql));
  EXPECT_LT(std::chrono::abs(applied[0].Time(3) - time::Now()), std::chrono::minutes(1));
  EXPECT_EQ(applied[1].Int(0), 9002);
}

TEST_F(MigrateTest, ReplicasStartingTogetherApplyEachStepOnce) {
  std::vector<std::thread> replicas;
  replicas.reserve(4);
  std::atomic<int> failures{0};
  for (int i = 0; i < 4; ++i) {
    replicas.emplace_back([&] {
      try {
        Pool pool(test::TestDatabaseOptions());
        Migrate(pool, TestMigrations());
      } catch (const std::exception& e) {
        ADD_FAILURE() << e.what();
        ++failures;
      }
    });
  }
  for (auto& replica : replicas) replica.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(Gadgets(), 1);
  EXPECT_EQ(Applied().size(), 2u);
}

TEST_F(MigrateTest, RefusesToStartWhenAnAppliedMigrationWasEdited) {
  Migrate(*pool_, TestMigrations());
  auto edited = TestMigrations();
  edited[0].sql = "INSERT INTO sqltest_gadgets (name) VALUES ('second');";
  try {
    Migrate(*pool_, edited);
    FAIL() << "expected a checksum mismatch";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("V9002__seed_gadget was changed after it was applied"),
              std::string::npos)
        << e.what();
  }
  EXPECT_EQ(Gadgets(), 1);
}

TEST_F(MigrateTest, AcceptsAnEditThatDeclaresTheChecksumItReplacesAndRecordsTheNewOne) {
  Migrate(*pool_, TestMigrations());
  auto edited = TestMigrations();
  edited[1].sql = "-- replaces checksum " + MigrationChecksum(edited[1].sql) + "\n" + edited[1].sql;
  Migrate(*pool_, edited);
  EXPECT_EQ(Applied()[0].String(2), MigrationChecksum(edited[1].sql));
  Migrate(*pool_, edited);
  EXPECT_THROW(Migrate(*pool_, TestMigrations()), Error);  // the record moved on; the old text is an edit now
  EXPECT_EQ(Gadgets(), 1);
}

TEST_F(MigrateTest, FailingStepIsNotRecordedAndReleasesTheLock) {
  auto migrations = TestMigrations();
  migrations.push_back({9003, "broken", "INSERT INTO sqltest_no_such_table VALUES (1);"});
  EXPECT_THROW(Migrate(*pool_, migrations), Error);
  EXPECT_EQ(Applied().size(), 2u);
  migrations.back().sql = "INSERT INTO sqltest_gadgets (name) VALUES ('fixed');";
  Migrate(*pool_, migrations);  // would wait 30 s for the lock if it had been kept
  EXPECT_EQ(Applied().size(), 3u);
  EXPECT_EQ(Gadgets(), 2);
}

TEST_F(MigrateTest, DuplicateVersionsAreRefusedBeforeTouchingTheDatabase) {
  auto migrations = TestMigrations();
  migrations.push_back({9001, "again", "SELECT 1"});
  EXPECT_THROW(Migrate(*pool_, migrations), Error);
  EXPECT_EQ(Applied().size(), 0u);
}

}  // namespace
}  // namespace mp::sql
