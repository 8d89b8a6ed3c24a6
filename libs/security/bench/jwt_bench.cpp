// Times token signing and verification (Ed25519, with and without the verified-token cache), the
// attestation MAC, and Argon2id at candidate parameters.
// Run from an optimised build: build/release/libs/security/security_bench
#include <string>
#include <vector>

#include <benchmark/benchmark.h>
#include <sodium.h>

#include "libs/security/jwt.hpp"
#include "libs/security/mac.hpp"
#include "libs/security/password.hpp"

namespace {

using mp::security::Claims;
using mp::security::TokenScope;
using mp::security::TokenSigner;
using mp::security::TokenVerifier;

constexpr std::int64_t kNow = 1'760'000'000;

Claims SampleClaims() { return {42, 2, kNow, kNow + 1800, "", 7}; }

const mp::security::KeyPair& Keys() {
  static const auto keys = mp::security::GenerateKeyPair();
  return keys;
}

// A client's second and later requests with the same token: a cache hit.
void BM_VerifyCached(benchmark::State& state) {
  static const TokenVerifier verifier({Keys().public_key}, TokenScope{});
  const TokenSigner signer(Keys().private_key, TokenScope{});
  const std::string token = signer.Issue(SampleClaims());
  for (auto _ : state) benchmark::DoNotOptimize(verifier.Verify(token, kNow));
}
BENCHMARK(BM_VerifyCached)->Threads(1)->Threads(2);

// A token seen for the first time: the full Ed25519 verification (the cache is off).
void BM_VerifyUncached(benchmark::State& state) {
  static const TokenVerifier verifier({Keys().public_key}, TokenScope{}, /*cache_capacity=*/0);
  const TokenSigner signer(Keys().private_key, TokenScope{});
  const std::string token = signer.Issue(SampleClaims());
  for (auto _ : state) benchmark::DoNotOptimize(verifier.Verify(token, kNow));
}
BENCHMARK(BM_VerifyUncached)->Threads(1)->Threads(2);

void BM_Issue(benchmark::State& state) {
  const TokenSigner signer(Keys().private_key, TokenScope{});
  const Claims claims = SampleClaims();
  for (auto _ : state) benchmark::DoNotOptimize(signer.Issue(claims));
}
BENCHMARK(BM_Issue);

void BM_AttestationMac(benchmark::State& state) {
  const mp::security::MacKey key("bench-attestation-key-0123456789abcdef");
  for (auto _ : state) benchmark::DoNotOptimize(key.Mac("revocation-checked:0123456789abcdef:1760000000000"));
}
BENCHMARK(BM_AttestationMac);

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
