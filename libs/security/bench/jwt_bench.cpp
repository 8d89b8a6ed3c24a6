// Compares our JWT code with libjwt 1.10 and times Argon2id at candidate parameters.
// Run from an optimised build: build/release/libs/security/security_bench
#include <cerrno>
#include <cstdlib>
#include <stdexcept>
#include <string>

#include <benchmark/benchmark.h>
#include <jwt.h>
#include <sodium.h>

#include "libs/security/jwt.hpp"
#include "libs/security/password.hpp"

namespace {

using mp::security::Claims;
using mp::security::JwtCodec;

const std::string kSecret = "bench-secret-bench-secret-bench-secret-0123";
constexpr std::int64_t kNow = 1'760'000'000;

Claims SampleClaims() { return {42, 2, kNow, kNow + 1800, "0123456789abcdef0123456789abcdef", 7}; }

// What the gateway would do with libjwt: decode (verifies the MAC), pin the algorithm, check exp and
// read the claims.
bool LibjwtVerify(const std::string& token) {
  jwt_t* jwt = nullptr;
  if (jwt_decode(&jwt, token.c_str(), reinterpret_cast<const unsigned char*>(kSecret.data()),
                 static_cast<int>(kSecret.size())) != 0) {
    return false;
  }
  bool ok = jwt_get_alg(jwt) == JWT_ALG_HS256;
  const char* sub = jwt_get_grant(jwt, "sub");
  ok = ok && sub != nullptr && std::strtoll(sub, nullptr, 10) > 0;
  errno = 0;
  const long exp = jwt_get_grant_int(jwt, "exp");
  const long role = jwt_get_grant_int(jwt, "role");
  const long ver = jwt_get_grant_int(jwt, "ver");
  ok = ok && errno == 0 && exp > kNow && role >= 0 && ver >= 0 && jwt_get_grant(jwt, "jti") != nullptr;
  jwt_free(jwt);
  return ok;
}

std::string LibjwtIssue(const Claims& claims) {
  jwt_t* jwt = nullptr;
  if (jwt_new(&jwt) != 0) throw std::runtime_error("jwt_new");
  jwt_add_grant(jwt, "sub", std::to_string(claims.user_id).c_str());
  jwt_add_grant_int(jwt, "role", claims.role);
  jwt_add_grant_int(jwt, "iat", claims.issued_at);
  jwt_add_grant_int(jwt, "exp", claims.expires_at);
  jwt_add_grant(jwt, "jti", claims.jti.c_str());
  jwt_add_grant_int(jwt, "ver", claims.token_version);
  jwt_set_alg(jwt, JWT_ALG_HS256, reinterpret_cast<const unsigned char*>(kSecret.data()),
              static_cast<int>(kSecret.size()));
  char* encoded = jwt_encode_str(jwt);
  std::string token = encoded != nullptr ? encoded : "";
  free(encoded);  // libjwt 1.10 has no jwt_free_str
  jwt_free(jwt);
  return token;
}

void BM_OursVerify(benchmark::State& state) {
  static const JwtCodec codec{kSecret};
  const std::string token = codec.Issue(SampleClaims());
  for (auto _ : state) benchmark::DoNotOptimize(codec.Verify(token, kNow));
}
BENCHMARK(BM_OursVerify)->Threads(1)->Threads(2);

void BM_OursIssue(benchmark::State& state) {
  const JwtCodec codec{kSecret};
  const Claims claims = SampleClaims();
  for (auto _ : state) benchmark::DoNotOptimize(codec.Issue(claims));
}
BENCHMARK(BM_OursIssue);

void BM_LibjwtVerify(benchmark::State& state) {
  const std::string token = LibjwtIssue(SampleClaims());
  if (!LibjwtVerify(token)) state.SkipWithError("libjwt rejected its own token");
  for (auto _ : state) benchmark::DoNotOptimize(LibjwtVerify(token));
}
BENCHMARK(BM_LibjwtVerify)->Threads(1)->Threads(2);

void BM_LibjwtIssue(benchmark::State& state) {
  const Claims claims = SampleClaims();
  for (auto _ : state) benchmark::DoNotOptimize(LibjwtIssue(claims));
}
BENCHMARK(BM_LibjwtIssue);

// Args: opslimit (passes), memlimit in MiB.
void BM_Argon2id(benchmark::State& state) {
  if (sodium_init() < 0) state.SkipWithError("sodium_init");
  char out[crypto_pwhash_STRBYTES];
  const auto ops = static_cast<unsigned long long>(state.range(0));
  const auto mem = static_cast<std::size_t>(state.range(1)) << 20;
  for (auto _ : state) {
    if (crypto_pwhash_str_alg(out, "password123", 11, ops, mem, crypto_pwhash_ALG_ARGON2ID13) != 0) {
      state.SkipWithError("out of memory");
    }
  }
}
BENCHMARK(BM_Argon2id)
    ->ArgNames({"t", "m_mib"})
    ->Args({2, 19})  // OWASP minimum
    ->Args({3, 32})  // ours
    ->Args({1, 46})  // OWASP alternative
    ->Args({2, 64})  // libsodium INTERACTIVE
    ->Unit(benchmark::kMillisecond)
    ->Iterations(10);

void BM_HashPassword(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(mp::security::HashPassword("password123"));
}
BENCHMARK(BM_HashPassword)->Unit(benchmark::kMillisecond)->Iterations(10);

}  // namespace
