#include "services/auth/src/store/user_store.hpp"

#include <chrono>
#include <cstdint>

#include "libs/bus/sql_outbox.hpp"
#include "libs/identity/identity.hpp"
#include "libs/security/jwt.hpp"
#include "libs/sql/error.hpp"
#include "libs/sql/transaction.hpp"
#include "services/auth/src/store/queries.hpp"

namespace mp::auth::store {
namespace {

// The duplicate-key error as the unique key it names.
DuplicateAccount Duplicate(const sql::Error& error) {
  using Key = DuplicateAccount::Key;
  std::string what = error.what();
  if (what.find("users_username") != std::string::npos) return DuplicateAccount(Key::kUsername);
  if (what.find("users_email") != std::string::npos) return DuplicateAccount(Key::kEmail);
  return DuplicateAccount(Key::kUnknown);
}

}  // namespace

domain::User UserFromRow(const sql::Row& row) {
  domain::User user;
  user.id = row.Int(0);
  user.username = row.String(1);
  user.email = row.String(2);
  user.password_hash = row.String(3);
  user.role_id = static_cast<int>(row.Int(4));
  user.token_version = row.Int(5);
  user.created_at = row.Time(6);
  user.updated_at = row.Time(7);
  return user;
}

domain::User UserStore::Create(const domain::NewAccount& account, const std::string& password_hash,
                               const std::function<bus::Event(const domain::User&)>& event) {
  auto connection = pool_.Acquire();
  sql::Transaction tx(connection);
  auto now = time::NowSeconds();
  domain::User user;
  try {
    auto result = connection->Execute(queries::kInsertUser, {account.username, account.email, password_hash,
                                                             std::int64_t{account.role_id}, now, now});
    user.id = static_cast<std::int64_t>(result.last_insert_id);
  } catch (const sql::Error& error) {
    if (error.duplicate_key()) throw Duplicate(error);
    throw;
  }
  user.username = account.username;
  user.email = account.email;
  user.password_hash = password_hash;
  user.role_id = account.role_id;
  user.created_at = user.updated_at = now;
  bus::Enqueue(connection, event(user));
  tx.Commit();
  return user;
}

std::optional<domain::User> UserStore::FindById(std::int64_t id) {
  auto connection = pool_.Acquire();
  auto rows = connection->Query(queries::kUserById, {id});
  if (rows.empty()) return std::nullopt;
  return UserFromRow(rows.front());
}

std::optional<domain::User> UserStore::FindForToken(std::int64_t user_id, const std::string& jti) {
  auto connection = pool_.Acquire();
  auto rows = connection->Query(queries::kUserForToken, {jti, user_id});
  if (rows.empty() || rows.front().Int(8) != 0) return std::nullopt;
  return UserFromRow(rows.front());
}

std::optional<domain::User> UserStore::FindByEmail(const std::string& email) {
  auto connection = pool_.Acquire();
  auto rows = connection->Query(queries::kUserByEmail, {email});
  if (rows.empty()) return std::nullopt;
  return UserFromRow(rows.front());
}

std::vector<domain::User> UserStore::List(std::optional<int> role_id, std::int64_t limit,
                                          std::int64_t offset) {
  auto connection = pool_.Acquire();
  auto rows = role_id ? connection->Query(queries::kListUsersByRole, {std::int64_t{*role_id}, limit, offset})
                      : connection->Query(queries::kListUsers, {limit, offset});
  std::vector<domain::User> users;
  users.reserve(rows.size());
  for (const auto& row : rows) users.push_back(UserFromRow(row));
  return users;
}

std::int64_t UserStore::Count(std::optional<int> role_id) {
  auto connection = pool_.Acquire();
  auto rows = role_id ? connection->Query(queries::kCountUsersByRole, {std::int64_t{*role_id}})
                      : connection->Query(queries::kCountUsers, {});
  return rows.empty() ? 0 : rows.front().Int(0);
}

std::optional<domain::User> UserStore::Update(
    std::int64_t id, const domain::AccountChanges& changes,
    const std::function<std::optional<bus::Event>(const domain::User&, const domain::User&)>& event) {
  auto connection = pool_.Acquire();
  sql::Transaction tx(connection);
  auto rows = connection->Query(queries::kUserByIdForUpdate, {id});
  if (rows.empty()) return std::nullopt;
  domain::User before = UserFromRow(rows.front());
  domain::User after = before;
  if (changes.username) after.username = *changes.username;
  if (changes.email) after.email = *changes.email;
  if (changes.role_id) after.role_id = *changes.role_id;
  if (after.role_id != before.role_id) ++after.token_version;
  after.updated_at = time::NowSeconds();
  try {
    connection->Execute(queries::kUpdateUser, {after.username, after.email, std::int64_t{after.role_id},
                                               after.token_version, after.updated_at, id});
  } catch (const sql::Error& error) {
    if (error.duplicate_key()) throw Duplicate(error);
    throw;
  }
  if (after.token_version != before.token_version) {
    connection->Execute(queries::kRevokeUserRefreshTokens, {after.updated_at, id});
  }
  if (auto e = event(before, after)) bus::Enqueue(connection, *e);
  tx.Commit();
  return after;
}

std::optional<domain::User> UserStore::Delete(std::int64_t id,
                                              const std::function<bus::Event(const domain::User&)>& event) {
  auto connection = pool_.Acquire();
  sql::Transaction tx(connection);
  auto rows = connection->Query(queries::kUserByIdForUpdate, {id});
  if (rows.empty()) return std::nullopt;
  domain::User user = UserFromRow(rows.front());
  connection->Execute(queries::kDeleteUser, {id});
  connection->Execute(queries::kInsertDeletedUser, {id, time::Now()});
  bus::Enqueue(connection, event(user));
  tx.Commit();
  return user;
}

void UserStore::UpdatePasswordHash(std::int64_t id, const std::string& hash) {
  auto connection = pool_.Acquire();
  connection->Execute(queries::kUpdatePasswordHash, {hash, id});
}

void UserStore::SaveRefreshToken(std::int64_t user_id, const std::string& family_id,
                                 const std::string& token_hash, time::TimePoint expires_at) {
  auto connection = pool_.Acquire();
  connection->Execute(queries::kInsertRefreshToken,
                      {user_id, family_id, token_hash, expires_at, time::Now()});
}

std::optional<RefreshGrant> UserStore::RotateRefreshToken(const std::string& presented_hash,
                                                          const std::string& next_hash,
                                                          time::TimePoint next_expires_at) {
  auto connection = pool_.Acquire();
  sql::Transaction tx(connection);
  auto rows = connection->Query(queries::kRefreshTokenByHash, {presented_hash});
  if (rows.empty()) return std::nullopt;
  const auto& row = rows.front();
  auto now = time::Now();
  RefreshGrant grant{row.Int(1), row.String(2)};
  if (!row.IsNull(4)) {
    // Replay of a rotated (or revoked) token: kill the whole family so the thief's copy dies too.
    connection->Execute(queries::kRevokeRefreshFamily, {now, grant.family_id});
    tx.Commit();
    return std::nullopt;
  }
  if (row.Time(3) <= now) return std::nullopt;
  connection->Execute(queries::kRevokeRefreshToken, {now, row.Int(0)});
  connection->Execute(queries::kInsertRefreshToken,
                      {grant.user_id, grant.family_id, next_hash, next_expires_at, now});
  tx.Commit();
  return grant;
}

void UserStore::RevokeRefreshToken(const std::string& token_hash, std::int64_t user_id) {
  auto connection = pool_.Acquire();
  sql::Transaction tx(connection);
  auto rows = connection->Query(queries::kRefreshTokenByHash, {token_hash});
  if (!rows.empty() && rows.front().Int(1) == user_id) {
    connection->Execute(queries::kRevokeRefreshFamily, {time::Now(), rows.front().String(2)});
  }
  tx.Commit();
}

void UserStore::RevokeAccessToken(const std::string& jti, time::TimePoint expires_at) {
  auto connection = pool_.Acquire();
  connection->Execute(queries::kRevokeAccessToken, {jti, expires_at});
}

void UserStore::PurgeExpiredRevocations() {
  auto connection = pool_.Acquire();
  connection->Execute(queries::kPurgeRevokedAccessTokens, {time::Now()});
  connection->Execute(queries::kPurgeDeletedUsers, {time::Now() - std::chrono::hours(1)});
}

std::vector<UserStore::RevocationMarker> UserStore::ActiveRevocations(std::chrono::seconds window) {
  const auto now = time::Now();
  const auto since = now - window;
  const std::int64_t window_s = window.count();
  std::vector<RevocationMarker> markers;
  auto connection = pool_.Acquire();
  for (const auto& row : connection->Query(queries::kActiveRevokedTokens, {now, now})) {
    markers.push_back({identity::RevokedJtiKey(row.String(0)), 1, row.Int(1) + security::kClockSkewSeconds});
  }
  for (const auto& row : connection->Query(queries::kRecentTokenVersions, {now, since})) {
    markers.push_back({identity::TokenVersionKey(row.Int(0)), row.Int(1), row.Int(2) + window_s});
  }
  for (const auto& row : connection->Query(queries::kRecentDeletedUsers, {now, since})) {
    markers.push_back({identity::TokenVersionKey(row.Int(0)), INT64_MAX, row.Int(1) + window_s});
  }
  std::erase_if(markers, [](const RevocationMarker& m) { return m.ttl_seconds <= 0; });
  return markers;
}

}  // namespace mp::auth::store
