#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

// Small cryptographic helpers shared by the services. All are thread-safe and keep no state of their own
// (libsodium is initialised once, on first use, through a function-local static).
namespace mp::security {

// Compares in time that depends only on the lengths, never on where the contents differ. Different
// lengths return false at once (lengths of tokens and digests are not secret).
bool ConstantTimeEquals(std::string_view a, std::string_view b);

// `bytes` random bytes from libsodium's CSPRNG, base64url without padding (e.g. 32 bytes -> 43 chars).
std::string RandomToken(std::size_t bytes);

// Lowercase hex SHA-256, e.g. to store refresh tokens by digest instead of in clear.
std::string Sha256Hex(std::string_view data);

// Random (version 4) UUID, lowercase, 36 characters: "xxxxxxxx-xxxx-4xxx-[89ab]xxx-xxxxxxxxxxxx".
std::string NewUuid();

// RFC 4648 §5 alphabet, no padding. Decoding is strict: it rejects padding, characters outside the
// alphabet, an impossible length and non-zero unused trailing bits, so every byte string has exactly
// one accepted encoding.
std::string Base64UrlEncode(std::string_view bytes);
std::optional<std::string> Base64UrlDecode(std::string_view text);

// Calls sodium_init() once, thread-safely; throws std::runtime_error if libsodium cannot start.
void EnsureSodium();

}  // namespace mp::security
