#include <optional>
#include <set>
#include <stdexcept>
#include <vector>

#include <gtest/gtest.h>

#include "libs/bus/event.hpp"
#include "libs/core/time.hpp"

namespace mp::bus {
namespace {

TEST(MakeEvent, BodyCarriesEnvelopeFieldsAndPayload) {
  Event event = MakeEvent("order_events", "order.created", {{"order_id", 42}, {"title", "Fix sink"}});
  EXPECT_EQ(event.exchange, "order_events");
  EXPECT_EQ(event.routing_key, "order.created");
  EXPECT_EQ(event.body["event_id"], event.event_id);
  EXPECT_EQ(event.body["event_type"], "order.created");
  EXPECT_EQ(event.body["order_id"], 42);
  EXPECT_EQ(event.body["title"], "Fix sink");
  auto occurred = time::ParseIso(event.body["occurred_at"].get<std::string>());
  ASSERT_TRUE(occurred.has_value());
  EXPECT_LT(std::chrono::abs(*occurred - time::Now()), std::chrono::seconds(5));
  EXPECT_EQ(event.body["occurred_at"].get<std::string>().back(), 'Z');
}

TEST(MakeEvent, KeepsACallerGivenOccurredAt) {
  Event event = MakeEvent("order_events", "order.approved", {{"occurred_at", "2025-10-25T09:00:00Z"}});
  EXPECT_EQ(event.body["occurred_at"], "2025-10-25T09:00:00Z");
}

TEST(MakeEvent, RefusesNonObjectsAndReservedFields) {
  EXPECT_THROW(MakeEvent("order_events", "order.created", nlohmann::json::array()), std::invalid_argument);
  EXPECT_THROW(MakeEvent("order_events", "order.created", {{"event_id", "mine"}}), std::invalid_argument);
  EXPECT_THROW(MakeEvent("", "order.created", nullptr), std::invalid_argument);
  EXPECT_NO_THROW(MakeEvent("order_events", "order.created", nullptr));
}

bool IsUuidV4(const std::string& id) {
  if (id.size() != 36) return false;
  for (std::size_t i = 0; i < id.size(); ++i) {
    bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash != (id[i] == '-')) return false;
    if (!dash && std::string_view("0123456789abcdef").find(id[i]) == std::string_view::npos) return false;
  }
  return id[14] == '4' && std::string_view("89ab").find(id[19]) != std::string_view::npos;
}

TEST(Traced, EventsCarryTheRequestThatCausedThem) {
  auto factory = [](int n) { return MakeEvent("order_events", "order.created", {{"order_id", n}}); };
  Event event = Traced("req-1", factory)(7);
  EXPECT_EQ(event.body["request_id"], "req-1");
  EXPECT_EQ(event.body["order_id"], 7);
  EXPECT_EQ(RequestIdOf(event), "req-1");
  EXPECT_FALSE(Traced("", factory)(7).body.contains("request_id"));  // no id: no field
  EXPECT_EQ(RequestIdOf(factory(7)), "");

  auto many = [](int n) { return std::vector<Event>(n, MakeEvent("order_events", "order.updated", {})); };
  for (const Event& e : Traced("req-2", many)(3)) EXPECT_EQ(RequestIdOf(e), "req-2");
  auto none = [](bool some) { return some ? std::optional<Event>(MakeEvent("x", "y", {})) : std::nullopt; };
  EXPECT_EQ(RequestIdOf(*Traced("req-3", none)(true)), "req-3");
  EXPECT_FALSE(Traced("req-3", none)(false).has_value());
}

TEST(NewEventId, IsARandomVersion4Uuid) {
  EXPECT_FALSE(IsUuidV4("123e4567-e89b-12d3-a456-426614174000"));  // version 1
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    std::string id = NewEventId();
    ASSERT_TRUE(IsUuidV4(id)) << id;
    seen.insert(id);
  }
  EXPECT_EQ(seen.size(), 1000u);
}

TEST(ParseEvent, AcceptsAnObjectWithEventId) {
  auto event = ParseEvent(R"({"event_id":"abc","event_type":"order.created","order_id":7})", "order_events",
                          "order.created");
  ASSERT_TRUE(event.has_value());
  EXPECT_EQ(event->event_id, "abc");
  EXPECT_EQ(event->exchange, "order_events");
  EXPECT_EQ(event->routing_key, "order.created");
  EXPECT_EQ(event->body["order_id"], 7);
}

TEST(ParseEvent, RejectsWhatCanNeverBeHandled) {
  EXPECT_FALSE(ParseEvent("not json", "x", "y"));
  EXPECT_FALSE(ParseEvent("[1,2]", "x", "y"));
  EXPECT_FALSE(ParseEvent(R"({"order_id":7})", "x", "y"));
  EXPECT_FALSE(ParseEvent(R"({"event_id":7})", "x", "y"));
  EXPECT_FALSE(ParseEvent(R"({"event_id":""})", "x", "y"));
  EXPECT_FALSE(ParseEvent("", "x", "y"));
}

}  // namespace
}  // namespace mp::bus
