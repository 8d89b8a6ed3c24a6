#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "libs/bus/event.hpp"
#include "libs/sql/pool.hpp"
#include "services/auth/src/domain/account.hpp"

// MariaDB/MySQL persistence of accounts, refresh tokens and revoked access tokens. Every write that other
// services must learn about takes its event and enqueues it in the outbox in the same transaction.
// Blocking: call from the blocking pool.
namespace mp::auth::store {

// Another account already has the username or the e-mail of a write; nothing was written.
class DuplicateAccount : public std::runtime_error {
 public:
  enum class Key { kUsername, kEmail, kUnknown };  // the unique key that refused it
  explicit DuplicateAccount(Key key) : std::runtime_error("duplicate account"), key_(key) {}
  Key key() const { return key_; }

 private:
  Key key_;
};

struct RefreshGrant {
  std::int64_t user_id = 0;
  std::string family_id;
};

class UserStore {
 public:
  explicit UserStore(sql::Pool& pool) : pool_(pool) {}

  // Throws DuplicateAccount.
  domain::User Create(const domain::NewAccount& account, const std::string& password_hash,
                      const std::function<bus::Event(const domain::User&)>& event);
  std::optional<domain::User> FindById(std::int64_t id);
  std::optional<domain::User> FindByEmail(const std::string& email);
  // The user of an access token, or nullopt when the user is gone or that token (jti) was logged out.
  std::optional<domain::User> FindForToken(std::int64_t user_id, const std::string& jti);
  std::vector<domain::User> List(std::optional<int> role_id, std::int64_t limit, std::int64_t offset);
  std::int64_t Count(std::optional<int> role_id);
  // Applies the changes; bumps token_version when the role changes. nullopt if the user does not exist;
  // throws DuplicateAccount.
  std::optional<domain::User> Update(
      std::int64_t id, const domain::AccountChanges& changes,
      const std::function<std::optional<bus::Event>(const domain::User& before, const domain::User& after)>&
          event);
  // Deletes the user and its refresh tokens; nullopt if it did not exist.
  std::optional<domain::User> Delete(std::int64_t id,
                                     const std::function<bus::Event(const domain::User&)>& event);
  void UpdatePasswordHash(std::int64_t id, const std::string& hash);

  void SaveRefreshToken(std::int64_t user_id, const std::string& family_id, const std::string& token_hash,
                        time::TimePoint expires_at);
  // Rotation: marks the presented token used and stores its successor, atomically. A token that was already
  // used revokes its whole family (a stolen token was replayed) and yields nullopt, as does an unknown or
  // expired one.
  std::optional<RefreshGrant> RotateRefreshToken(const std::string& presented_hash,
                                                 const std::string& next_hash,
                                                 time::TimePoint next_expires_at);
  void RevokeRefreshToken(const std::string& token_hash, std::int64_t user_id);

  void RevokeAccessToken(const std::string& jti, time::TimePoint expires_at);
  void PurgeExpiredRevocations();

  // A Redis revocation marker as auth writes it after the commit (identity::TokenVersionKey /
  // RevokedJtiKey), rebuilt from the tables: logged-out tokens until they expire, token versions and
  // deletions for an access token's lifetime after the change (`window`). ttl_seconds > 0.
  struct RevocationMarker {
    std::string key;
    std::int64_t value = 0;
    std::int64_t ttl_seconds = 0;
  };
  std::vector<RevocationMarker> ActiveRevocations(std::chrono::seconds window);

 private:
  sql::Pool& pool_;
};

domain::User UserFromRow(const sql::Row& row);

}  // namespace mp::auth::store
