#include <gtest/gtest.h>

#include "services/gateway/src/gateway.hpp"

namespace mp::gateway {
namespace {

TEST(ClientAddress, ForwardedForIsIgnoredFromUntrustedPeers) {
  EXPECT_EQ(ClientAddress("10.0.0.9", "1.2.3.4", {}), "10.0.0.9");
  EXPECT_EQ(ClientAddress("10.0.0.9", "", {"10.0.0.9"}), "10.0.0.9");
}

TEST(ClientAddress, RightmostUntrustedEntryBehindTrustedProxies) {
  TrustedProxies trusted{"10.0.0.9", "10.0.0.8"};
  EXPECT_EQ(ClientAddress("10.0.0.9", "6.6.6.6, 1.2.3.4", trusted), "1.2.3.4");
  EXPECT_EQ(ClientAddress("10.0.0.9", "1.2.3.4, 10.0.0.8", trusted), "1.2.3.4");
  EXPECT_EQ(ClientAddress("10.0.0.9", "10.0.0.8", trusted), "10.0.0.9");
}

TEST(ClientAddress, TrustedProxiesMayBeRanges) {
  TrustedProxies trusted{"10.42.0.0/16", "127.0.0.1", "fd00::/8"};
  EXPECT_TRUE(trusted.Contains("10.42.7.9"));
  EXPECT_FALSE(trusted.Contains("10.43.0.1"));
  EXPECT_TRUE(trusted.Contains("127.0.0.1"));
  EXPECT_FALSE(trusted.Contains("127.0.0.2"));
  EXPECT_TRUE(trusted.Contains("fd12::1"));
  EXPECT_FALSE(trusted.Contains("fe80::1"));
  EXPECT_FALSE(trusted.Contains("not an address"));
  // An ingress controller pod in the range forwards for the client.
  EXPECT_EQ(ClientAddress("10.42.3.4", "203.0.113.7, 10.42.1.1", trusted), "203.0.113.7");
  EXPECT_THROW(TrustedProxies{"10.0.0.0/33"}, std::invalid_argument);
  EXPECT_THROW(TrustedProxies{"10.0.0.0/"}, std::invalid_argument);
  EXPECT_THROW(TrustedProxies{"example.com"}, std::invalid_argument);
}

}  // namespace
}  // namespace mp::gateway
