#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "libs/bus/event.hpp"
#include "libs/sql/pool.hpp"
#include "services/order/src/domain/order.hpp"

// MariaDB/MySQL persistence of orders. Every change runs in one transaction: the order row is locked,
// the caller's decision is applied with one conditional UPDATE (WHERE id, status and version still match),
// and the change's events go into the outbox in the same transaction. Blocking: call from the blocking pool.
namespace mp::order::store {

struct ListQuery {
  std::optional<std::int64_t> customer_id;
  std::optional<std::int64_t> provider_id;
  std::vector<domain::Status> statuses;  // empty: any
  std::optional<std::string> location;
  std::optional<std::string> service_type;
  std::optional<money::Cents> min_price;
  std::optional<money::Cents> max_price;
  std::optional<std::string> keyword;  // matched in title or description, case-insensitively
  bool newest_updated_first = false;   // default: newest created first
  std::int64_t limit = 50;
  std::int64_t offset = 0;
};

struct ListResult {
  std::vector<domain::Order> items;
  std::int64_t total = 0;
};

// The order changed between our read and our write (a concurrent writer won): nothing was written.
class ConcurrentChange : public std::runtime_error {
 public:
  explicit ConcurrentChange(std::int64_t order_id)
      : std::runtime_error("order " + std::to_string(order_id) + " changed concurrently") {}
};

// `keyword` as a `LIKE ? ESCAPE '!'` pattern matching it anywhere: "%" "_" and '!' itself escaped, wrapped
// in %...%.
std::string LikeContains(std::string_view keyword);

// Events to write with a change, given the order before and after it.
using EventsFor =
    std::function<std::vector<bus::Event>(const domain::Order& before, const domain::Order& after)>;

// What ApplyEvent did with an incoming event.
enum class ApplyResult {
  kApplied,         // recorded as processed (its change, if any, committed with it)
  kAlreadyApplied,  // its event id was recorded before: nothing changed
  kNotYet,          // the order is not in a state the event can apply to yet: nothing recorded
};

// How long processed_events remembers an event id: longer than any event can come again. A copy waits in a
// consumer queue at most 24 h (x-message-ttl) plus its waits (15 min), and an operator may publish again what
// a SQL outbox still holds, up to 7 days after it was written (outbox retention): 8 days and 15 minutes at
// most after its first processing, so 14 days leaves almost a week of margin.
inline constexpr std::chrono::hours kProcessedEventsKept{24 * 14};

class OrderStore {
 public:
  explicit OrderStore(sql::Pool& pool) : pool_(pool) {}

  // Inserts the order (id, timestamps and version are set here) with its event.
  domain::Order Create(domain::Order order, const std::function<bus::Event(const domain::Order&)>& event);
  std::optional<domain::Order> Find(std::int64_t id);
  ListResult List(const ListQuery& query);

  // Locks the order and calls `decide` with it; `decide` returns the changed order or throws (the API's
  // answer to a refusal), which rolls everything back. nullopt when the order does not exist; throws
  // ConcurrentChange when the row changed meanwhile.
  std::optional<domain::Order> Change(std::int64_t id,
                                      const std::function<domain::Order(const domain::Order&)>& decide,
                                      const EventsFor& events);
  // Deletes the order with its event; nullopt when it did not exist; ConcurrentChange as for Change.
  std::optional<domain::Order> Delete(std::int64_t id,
                                      const std::function<bus::Event(const domain::Order&)>& event);

  // For consumers: applies `decide` once per event id (recorded in processed_events in the same
  // transaction). `decide` returns nullopt to change nothing, or a refusal: then nothing is recorded either,
  // so the event can come again (kNotYet). Throws ConcurrentChange (nothing recorded, so the event is
  // retried) when the row changed meanwhile. An order that does not exist (deleted) takes the event as
  // applied, changing nothing.
  ApplyResult ApplyEvent(const bus::Event& event, std::int64_t order_id,
                         const std::function<domain::EventOutcome(const domain::Order&)>& decide,
                         const EventsFor& events);

  // Forgets processed event ids recorded before `before` (in batches; returns how many). The consumer calls
  // it on a schedule with kProcessedEventsKept.
  std::int64_t PurgeProcessedEvents(time::TimePoint before);

 private:
  sql::Pool& pool_;
};

}  // namespace mp::order::store
