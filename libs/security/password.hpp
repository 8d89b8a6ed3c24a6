#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

// Password hashing with Argon2id (libsodium crypto_pwhash_str). The hash string is self-describing
// ("$argon2id$v=19$m=...,t=...,p=1$salt$hash"), so hashes made with older parameters still verify, and
// NeedsRehash tells the auth service when to re-hash on the next successful login.
namespace mp::security {

// t=3 passes, m=32 MiB (p is always 1 in libsodium): about 2.3x the cost of OWASP's minimum (m=19 MiB,
// t=2), ≈62 ms of one core per hash on the 2-core reference machine, 32 MiB of RAM while it runs.
// It blocks: call it off the I/O threads. Measurements and alternatives: libs/security/README.md.
inline constexpr std::uint64_t kPasswordOpsLimit = 3;
inline constexpr std::size_t kPasswordMemLimit = std::size_t{32} << 20;

// Throws std::runtime_error if the hash cannot be computed (out of memory).
std::string HashPassword(std::string_view password);

// False for a wrong password and for anything that is not a valid Argon2 hash string.
bool VerifyPassword(std::string_view hash, std::string_view password);

// True if `hash` was made with other parameters than the current ones (or is not a valid hash).
bool NeedsRehash(std::string_view hash);

}  // namespace mp::security
