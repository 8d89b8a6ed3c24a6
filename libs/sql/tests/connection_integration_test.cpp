#include <chrono>
#include <cstdlib>
#include <stdexcept>
#include <string>

#include <gtest/gtest.h>

#include "libs/core/time.hpp"
#include "libs/sql/connection.hpp"
#include "libs/sql/error.hpp"
#include "libs/sql/tests/test_database.hpp"
#include "libs/sql/transaction.hpp"

namespace mp::sql {
namespace {

class ConnectionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    connection_ = std::make_unique<Connection>(test::TestDatabaseOptions());
    connection_->ExecuteScript(
        "DROP TABLE IF EXISTS sqltest_values;"
        "CREATE TABLE sqltest_values ("
        " id BIGINT AUTO_INCREMENT PRIMARY KEY,"
        " code VARCHAR(64) NULL UNIQUE,"
        " count BIGINT NULL,"
        " ratio DOUBLE NULL,"
        " price DECIMAL(10,2) NULL,"
        " label VARCHAR(255) NULL,"
        " body LONGTEXT NULL,"
        " happened_at DATETIME NULL"
        ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci");
  }
  void TearDown() override {
    if (connection_) connection_->Execute("DROP TABLE IF EXISTS sqltest_values");
  }

  std::int64_t CountRows() { return connection_->Query("SELECT COUNT(*) FROM sqltest_values")[0].Int(0); }

  std::unique_ptr<Connection> connection_;
};

TEST_F(ConnectionTest, TypedValuesRoundTripIncludingNull) {
  const time::TimePoint at = time::FromUnixSeconds(1761382800);  // 2025-10-25 09:00:00 UTC
  ExecResult inserted = connection_->Execute(
      "INSERT INTO sqltest_values (code, count, ratio, price, label, body, happened_at) VALUES (?, ?, ?, ?, "
      "?, ?, ?)",
      {std::string("a"), std::int64_t{-9007199254740993}, 0.1, std::string("12.34"), nullptr, std::string(""),
       at});
  EXPECT_EQ(inserted.affected_rows, 1u);
  EXPECT_GT(inserted.last_insert_id, 0u);

  auto rows = connection_->Query(
      "SELECT id, code, count, ratio, price, label, body, happened_at FROM sqltest_values WHERE id = ?",
      {static_cast<std::int64_t>(inserted.last_insert_id)});
  ASSERT_EQ(rows.size(), 1u);
  const Row& row = rows[0];
  EXPECT_EQ(row.Int(0), static_cast<std::int64_t>(inserted.last_insert_id));
  EXPECT_EQ(row.String(1), "a");
  EXPECT_EQ(row.Int(2), -9007199254740993);
  EXPECT_DOUBLE_EQ(row.Double(3), 0.1);
  EXPECT_EQ(row.String(4), "12.34");
  EXPECT_TRUE(row.IsNull(5));
  EXPECT_EQ(row.OptString(5), std::nullopt);
  EXPECT_EQ(row.OptString(6), std::string());  // empty is not NULL
  EXPECT_EQ(row.Time(7), at);
}

TEST_F(ConnectionTest, NullParametersMatchIsNullNotEquality) {
  connection_->Execute("INSERT INTO sqltest_values (label) VALUES (?)", {nullptr});
  EXPECT_EQ(connection_->Query("SELECT id FROM sqltest_values WHERE label = ?", {nullptr}).size(), 0u);
  EXPECT_EQ(connection_->Query("SELECT id FROM sqltest_values WHERE label IS NULL").size(), 1u);
}

TEST_F(ConnectionTest, Utf8mb4EmojiSurvivesStorageAndParameters) {
  const std::string text = "Plomería 🚰 — 水道 👩‍🔧";
  connection_->Execute("INSERT INTO sqltest_values (label) VALUES (?)", {text});
  EXPECT_EQ(connection_->Query("SELECT label FROM sqltest_values")[0].String(0), text);
  EXPECT_EQ(connection_->Query("SELECT CHAR_LENGTH(label) FROM sqltest_values")[0].Int(0), 19);
  EXPECT_EQ(connection_->Query("SELECT id FROM sqltest_values WHERE label = ?", {text}).size(), 1u);
}

TEST_F(ConnectionTest, LongTextBeyond64KiBIsReadCompletely) {
  std::string body;
  for (int i = 0; body.size() < 300 * 1024; ++i) body += "line " + std::to_string(i) + " ✓\n";
  connection_->Execute("INSERT INTO sqltest_values (body, label) VALUES (?, ?)",
                       {body, std::string("short")});
  auto rows = connection_->Query("SELECT label, body, LENGTH(body) FROM sqltest_values");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].String(0), "short");
  EXPECT_EQ(rows[0].Int(2), static_cast<std::int64_t>(body.size()));
  EXPECT_EQ(rows[0].String(1), body);
}

TEST_F(ConnectionTest, SessionRunsInUtc) {
  EXPECT_EQ(connection_->Query("SELECT @@session.time_zone")[0].String(0), "+00:00");
  auto server_now = connection_->Query("SELECT NOW()")[0].Time(0);
  EXPECT_LT(std::chrono::abs(server_now - time::Now()), std::chrono::seconds(5));
}

TEST_F(ConnectionTest, DuplicateKeyIsReportedAsSuch) {
  connection_->Execute("INSERT INTO sqltest_values (code) VALUES (?)", {std::string("dup")});
  try {
    connection_->Execute("INSERT INTO sqltest_values (code) VALUES (?)", {std::string("dup")});
    FAIL() << "expected a duplicate key error";
  } catch (const Error& e) {
    EXPECT_TRUE(e.duplicate_key()) << e.what();
    EXPECT_EQ(e.code(), 1062u);
    EXPECT_FALSE(e.unavailable());
  }
  EXPECT_FALSE(connection_->broken());
  EXPECT_EQ(CountRows(), 1);
}

TEST_F(ConnectionTest, TransactionRollsBackWhenAnExceptionLeavesTheScope) {
  try {
    Transaction tx(*connection_);
    connection_->Execute("INSERT INTO sqltest_values (code) VALUES (?)", {std::string("lost")});
    throw std::runtime_error("domain rule failed");
  } catch (const std::runtime_error&) {
  }
  EXPECT_FALSE(connection_->in_transaction());
  EXPECT_EQ(CountRows(), 0);

  {
    Transaction tx(*connection_);
    connection_->Execute("INSERT INTO sqltest_values (code) VALUES (?)", {std::string("kept")});
    EXPECT_THROW(connection_->Begin(), Error);  // would silently commit
    tx.Commit();
  }
  EXPECT_EQ(CountRows(), 1);
}

TEST_F(ConnectionTest, UpdateReportsMatchedRows) {
  auto id = static_cast<std::int64_t>(
      connection_->Execute("INSERT INTO sqltest_values (count) VALUES (?)", {std::int64_t{5}})
          .last_insert_id);
  EXPECT_EQ(connection_->Execute("UPDATE sqltest_values SET count = ? WHERE id = ?", {std::int64_t{5}, id})
                .affected_rows,
            1u);
  EXPECT_EQ(
      connection_->Execute("UPDATE sqltest_values SET count = ? WHERE id = ?", {std::int64_t{6}, id + 1})
          .affected_rows,
      0u);
}

TEST_F(ConnectionTest, MistakesThrowAndLeaveTheConnectionUsable) {
  EXPECT_THROW(connection_->Query("SELECT ? + ?", {std::int64_t{1}}), Error);
  EXPECT_THROW(connection_->Query("SELEC 1"), Error);
  // Stacked statements are never accepted outside ExecuteScript.
  EXPECT_THROW(connection_->Execute("DELETE FROM sqltest_values; DROP TABLE sqltest_values"), Error);
  EXPECT_FALSE(connection_->broken());
  EXPECT_EQ(connection_->Query("SELECT ? + ?", {std::int64_t{1}, std::int64_t{2}})[0].Int(0), 3);
}

TEST_F(ConnectionTest, ScriptStopsAtTheFirstFailingStatement) {
  EXPECT_THROW(connection_->ExecuteScript("INSERT INTO sqltest_values (code) VALUES ('x');"
                                          "INSERT INTO no_such_table VALUES (1);"
                                          "INSERT INTO sqltest_values (code) VALUES ('y');"),
               Error);
  EXPECT_FALSE(connection_->broken());
  EXPECT_EQ(CountRows(), 1);
  EXPECT_EQ(connection_->Query("SELECT 1")[0].Int(0), 1);
}

TEST_F(ConnectionTest, ManyDistinctStatementsStayWithinTheCache) {
  for (int i = 0; i < 200; ++i) {
    auto rows = connection_->Query("SELECT " + std::to_string(i) + " + ?", {std::int64_t{1}});
    ASSERT_EQ(rows[0].Int(0), i + 1);
  }
}

}  // namespace
}  // namespace mp::sql

namespace mp::sql {
namespace {

// MP_TEST_TLS_CA: the CA of the test instance's MariaDB certificate (./marketplace test exports it).
const char* TestCa() { return std::getenv("MP_TEST_TLS_CA"); }

TEST(Tls, VerifiedConnectionIsEncrypted) {
  if (TestCa() == nullptr) GTEST_SKIP() << "MP_TEST_TLS_CA is not set";
  Options options = test::TestDatabaseOptions();
  options.tls = Tls::kVerifyIdentity;
  options.tls_ca = TestCa();
  Connection connection(options);
  auto rows = connection.Query("SHOW SESSION STATUS LIKE 'Ssl_cipher'");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_FALSE(rows[0].String(1).empty()) << "connected without TLS";
}

TEST(Tls, ACertificateFromAnotherCaIsRefused) {
  if (TestCa() == nullptr) GTEST_SKIP() << "MP_TEST_TLS_CA is not set";
  Options options = test::TestDatabaseOptions();
  options.tls = Tls::kVerifyIdentity;
  std::string other = TestCa();
  other.replace(other.rfind("ca.pem"), 6, "server.pem");  // a certificate, but not the one that signed it
  options.tls_ca = other;
  EXPECT_THROW(Connection connection(options), Error);
  options.tls = Tls::kRequired;  // encrypted without checking: accepted
  EXPECT_NO_THROW(Connection connection(options));
}

}  // namespace
}  // namespace mp::sql
