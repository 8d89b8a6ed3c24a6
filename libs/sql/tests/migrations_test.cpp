#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "libs/sql/migrate.hpp"

namespace mp::sql::test {
const std::vector<Migration>& EmbeddedMigrations();
}

namespace mp::sql {
namespace {

// tests/migrations and tests/shared_migrations (V005) together, as a service embeds the shared outbox ones.
TEST(EmbeddedMigrations, FileNamesOfEveryDirectoryGiveVersionAndNameInNumericOrder) {
  const auto& migrations = test::EmbeddedMigrations();
  ASSERT_EQ(migrations.size(), 4u);
  EXPECT_EQ(migrations[0].version, 1);
  EXPECT_EQ(migrations[0].name, "create_widgets");
  EXPECT_EQ(migrations[1].version, 2);
  EXPECT_EQ(migrations[1].name, "add_widget_index");
  EXPECT_EQ(migrations[2].version, 5);
  EXPECT_EQ(migrations[2].name, "add_widget_note");
  EXPECT_EQ(migrations[3].version, 10);
  EXPECT_EQ(migrations[3].name, "tricky_text");
}

TEST(EmbeddedMigrations, SqlTextIsEmbeddedByteForByte) {
  const auto& migrations = test::EmbeddedMigrations();
  ASSERT_EQ(migrations.size(), 4u);
  EXPECT_EQ(migrations[1].sql, "CREATE INDEX widgets_by_name ON widgets (name);\n");
  EXPECT_EQ(migrations[2].sql, "ALTER TABLE widgets ADD COLUMN note VARCHAR(64) NULL;\n");
  EXPECT_EQ(migrations[3].sql,
            "-- Text a naive embedder would break: )\" and )sql\" and \\\\n and ${NOT_A_VARIABLE}; [[x]]\n"
            "INSERT INTO widgets (name) VALUES ('semi;colon'), ('emoji \xF0\x9F\x9A\x80');\n");
}

TEST(MigrationChecksum, IsHexSha256OfTheSql) {
  EXPECT_EQ(MigrationChecksum(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(MigrationChecksum("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(ReplacedChecksums, AreTheWholeCommentLinesThatDeclareThem) {
  EXPECT_TRUE(ReplacedChecksums("CREATE TABLE t (id INT);").empty());
  EXPECT_EQ(ReplacedChecksums("-- replaces checksum aa11\n-- note\r\n-- replaces checksum bb22\r\nSELECT 1;"),
            (std::vector<std::string>{"aa11", "bb22"}));
  // Only a line that starts with the marker counts, not text quoted elsewhere.
  EXPECT_TRUE(ReplacedChecksums("SELECT '-- replaces checksum cc33';").empty());
  EXPECT_EQ(ReplacedChecksums("SELECT 1;\n-- replaces checksum dd44"), std::vector<std::string>{"dd44"});
}

}  // namespace
}  // namespace mp::sql
