#include <gtest/gtest.h>

#include "services/gateway/src/gateway.hpp"

namespace mp::gateway {
namespace {

TEST(ClientAddress, ForwardedForIsIgnoredFromUntrustedPeers) {
  EXPECT_EQ(ClientAddress("10.0.0.9", "1.2.3.4", {}), "10.0.0.9");
  EXPECT_EQ(ClientAddress("10.0.0.9", "", {"10.0.0.9"}), "10.0.0.9");
}

TEST(ClientAddress, RightmostUntrustedEntryBehindTrustedProxies) {
  std::set<std::string> trusted{"10.0.0.9", "10.0.0.8"};
  EXPECT_EQ(ClientAddress("10.0.0.9", "6.6.6.6, 1.2.3.4", trusted), "1.2.3.4");
  EXPECT_EQ(ClientAddress("10.0.0.9", "1.2.3.4, 10.0.0.8", trusted), "1.2.3.4");
  EXPECT_EQ(ClientAddress("10.0.0.9", "10.0.0.8", trusted), "10.0.0.9");
}

}  // namespace
}  // namespace mp::gateway
