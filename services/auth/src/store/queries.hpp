#pragma once

#include <string_view>

// Every SQL statement of the auth service, in one place.
namespace mp::auth::store::queries {

inline constexpr std::string_view kInsertUser =
    "INSERT INTO users (username, email, password_hash, role_id, token_version, created_at, updated_at) "
    "VALUES (?, ?, ?, ?, 0, ?, ?)";
inline constexpr std::string_view kUserById =
    "SELECT id, username, email, password_hash, role_id, token_version, created_at, updated_at FROM users "
    "WHERE id = ?";
inline constexpr std::string_view kUserByIdForUpdate =
    "SELECT id, username, email, password_hash, role_id, token_version, created_at, updated_at FROM users "
    "WHERE id = ? FOR UPDATE";
// The account behind an access token and whether that token was logged out, in one round trip.
inline constexpr std::string_view kUserForToken =
    "SELECT id, username, email, password_hash, role_id, token_version, created_at, updated_at, "
    "EXISTS(SELECT 1 FROM revoked_access_tokens WHERE jti = ?) FROM users WHERE id = ?";
inline constexpr std::string_view kUserByEmail =
    "SELECT id, username, email, password_hash, role_id, token_version, created_at, updated_at FROM users "
    "WHERE email = ?";
inline constexpr std::string_view kListUsers =
    "SELECT id, username, email, password_hash, role_id, token_version, created_at, updated_at FROM users "
    "ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?";
inline constexpr std::string_view kListUsersByRole =
    "SELECT id, username, email, password_hash, role_id, token_version, created_at, updated_at FROM users "
    "WHERE role_id = ? ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?";
inline constexpr std::string_view kCountUsers = "SELECT COUNT(*) FROM users";
inline constexpr std::string_view kCountUsersByRole = "SELECT COUNT(*) FROM users WHERE role_id = ?";
inline constexpr std::string_view kUpdateUser =
    "UPDATE users SET username = ?, email = ?, role_id = ?, token_version = ?, updated_at = ? WHERE id = ?";
inline constexpr std::string_view kUpdatePasswordHash = "UPDATE users SET password_hash = ? WHERE id = ?";
inline constexpr std::string_view kDeleteUser = "DELETE FROM users WHERE id = ?";

inline constexpr std::string_view kInsertRefreshToken =
    "INSERT INTO refresh_tokens (user_id, family_id, token_hash, expires_at, created_at) VALUES (?, ?, ?, ?, "
    "?)";
inline constexpr std::string_view kRefreshTokenByHash =
    "SELECT id, user_id, family_id, expires_at, revoked_at FROM refresh_tokens WHERE token_hash = ? FOR "
    "UPDATE";
inline constexpr std::string_view kRevokeRefreshToken =
    "UPDATE refresh_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL";
inline constexpr std::string_view kRevokeRefreshFamily =
    "UPDATE refresh_tokens SET revoked_at = ? WHERE family_id = ? AND revoked_at IS NULL";
inline constexpr std::string_view kRevokeUserRefreshTokens =
    "UPDATE refresh_tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL";

inline constexpr std::string_view kRevokeAccessToken =
    "INSERT IGNORE INTO revoked_access_tokens (jti, expires_at) VALUES (?, ?)";
inline constexpr std::string_view kPurgeRevokedAccessTokens =
    "DELETE FROM revoked_access_tokens WHERE expires_at < ?";

// The revocations in force (ActiveRevocations): logged-out tokens, users whose token version changed and
// users deleted within the last access-token lifetime, with the seconds each has left (? = now, since).
inline constexpr std::string_view kActiveRevokedTokens =
    "SELECT jti, TIMESTAMPDIFF(SECOND, ?, expires_at) FROM revoked_access_tokens WHERE expires_at > ?";
inline constexpr std::string_view kRecentTokenVersions =
    "SELECT id, token_version, TIMESTAMPDIFF(SECOND, ?, updated_at) FROM users "
    "WHERE token_version > 0 AND updated_at > ?";
inline constexpr std::string_view kInsertDeletedUser =
    "INSERT INTO deleted_users (user_id, deleted_at) VALUES (?, ?) ON DUPLICATE KEY UPDATE deleted_at = "
    "VALUES(deleted_at)";
inline constexpr std::string_view kRecentDeletedUsers =
    "SELECT user_id, TIMESTAMPDIFF(SECOND, ?, deleted_at) FROM deleted_users WHERE deleted_at > ?";
inline constexpr std::string_view kPurgeDeletedUsers = "DELETE FROM deleted_users WHERE deleted_at < ?";

}  // namespace mp::auth::store::queries
