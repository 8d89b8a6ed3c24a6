#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "libs/bus/event.hpp"
#include "libs/bus/options.hpp"
#include "libs/bus/publisher.hpp"

struct amqp_envelope_t_;

namespace mp::bus {

class AmqpConnection;

struct QueueSpec {
  std::string queue;
  std::vector<std::pair<std::string, std::string>> bindings;  // (exchange, routing key pattern)
  std::uint16_t prefetch = 32;
  int max_attempts = 5;
  // How long an event whose handler keeps throwing NotYet may wait, counted from its first NotYet, before it
  // is dead-lettered as never applicable. Far longer than any reordering of deliveries (seconds).
  std::chrono::seconds max_wait{15 * 60};
};

// The wait queues of `queue` (`<queue>.wait.1s`, `.wait.10s`, `.wait.60s`): a NotYet event waits in one for
// that long (its message TTL), then the queue dead-letters it back into `queue`. Nothing consumes them.
std::vector<std::string> WaitQueues(const std::string& queue);

// Thrown by a handler that cannot run right now (its own store is down). The message is requeued after a
// pause and the attempt is not counted. (The order service turns a MySQL outage or deadlock into this.)
class RetryLater : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Thrown by a handler for an event that can never be applied (its payload lacks what the handler needs):
// the message goes to the dead-letter queue at once instead of being retried.
class Poison : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Thrown by a handler for an event that arrived before the state it needs (e.g. a review of an order whose
// completion is not visible yet). The handler must have recorded nothing (not even the event_id as
// processed). The message waits in a wait queue and comes back after 1 s, 10 s, then every 60 s, without
// spending an attempt, until QueueSpec::max_wait has passed since its first NotYet; then it is dead-lettered
// and counted in not_applicable_total() (alert on it: a producer and a consumer disagree).
class NotYet : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Consumes one durable queue on its own thread with manual acks.
//
// Handler contract: return normally only after your own write is committed (the message is then acked);
// throw to have it retried. The same event_id can arrive more than once (redelivery after a crash or a
// lost ack, a relay re-publish), so handlers must be idempotent: record event_id in the same transaction
// as the change (a processed_events table with a unique key, or a unique index) and skip ones already seen.
//
// Failures: a throwing handler's message is re-published to the queue with header x-attempts incremented
// (and the original acked) until max_attempts calls have failed (at once for Poison); then it is rejected,
// and the queue's dead-letter settings route it to `<queue>.dead` through the `dead_letters` exchange. A body
// that is not a JSON object with an event_id is dead-lettered at once. A NotYet waits (see above); its
// attempts count on. Queues are durable, with a 24 h message TTL. When the broker goes away the consumer
// reconnects with backoff and declares everything again.
class Consumer {
 public:
  using Handler = std::function<void(const Event&)>;

  Consumer(AmqpOptions options, QueueSpec spec, Handler handler);
  ~Consumer();  // Stop()
  Consumer(const Consumer&) = delete;
  Consumer& operator=(const Consumer&) = delete;

  void Start();
  // Finishes the message in hand, then closes; unacked prefetched messages go back to the queue.
  void Stop();

  bool connected() const { return connected_.load(); }
  std::uint64_t handled_total() const { return handled_total_.load(); }
  // How late the last acknowledged event was handled: its ack time minus its occurred_at, in seconds
  // (0 before the first one). It stays put while the queue is idle, so it never grows without events.
  double lag_seconds() const { return lag_seconds_.load(); }
  const std::string& queue() const { return spec_.queue; }
  std::uint64_t failed_total() const { return failed_total_.load(); }
  // Every event sent to `<queue>.dead`, whatever the reason (includes not_applicable_total()).
  std::uint64_t dead_lettered_total() const { return dead_lettered_total_.load(); }
  // NotYet answers that sent an event to wait; events dead-lettered because they were still NotYet after
  // QueueSpec::max_wait.
  std::uint64_t waits_total() const { return waits_total_.load(); }
  std::uint64_t not_applicable_total() const { return not_applicable_total_.load(); }

 private:
  void Run();
  // Returns when stopped; throws when the connection fails. on_ready runs once the queue is being consumed.
  void ConsumeUntilStopped(const std::function<void()>& on_ready);
  void Handle(AmqpConnection& connection, const amqp_envelope_t_& envelope);
  // Re-publishes the message (confirmed) to `queue` through the default exchange with `headers`, then acks
  // the original; throws AmqpError when the copy is not confirmed (the original is redelivered).
  void Requeue(AmqpConnection& connection, const amqp_envelope_t_& envelope, const Event& event,
               const std::string& queue, nlohmann::json headers);
  // Sleeps up to `duration`; returns false when Stop() was called.
  bool Pause(std::chrono::milliseconds duration);

  const AmqpOptions options_;
  const QueueSpec spec_;
  const Handler handler_;
  ConfirmPublisher retry_publisher_;

  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
  std::chrono::milliseconds transient_backoff_;

  std::atomic<bool> connected_{false};
  std::atomic<std::uint64_t> handled_total_{0};
  std::atomic<double> lag_seconds_{0};
  std::atomic<std::uint64_t> failed_total_{0};
  std::atomic<std::uint64_t> dead_lettered_total_{0};
  std::atomic<std::uint64_t> waits_total_{0};
  std::atomic<std::uint64_t> not_applicable_total_{0};
};

}  // namespace mp::bus
