#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string_view>
#include <thread>

#include "libs/bus/event.hpp"
#include "libs/bus/options.hpp"
#include "libs/bus/publisher.hpp"

namespace mp::bus {

// Why an outbox event was given up; its name is stored with it (SqlOutbox's drop_reason) and labels
// outbox_dropped_total. ADR 0010.
enum class DropReason {
  kNoSubscriber,   // the broker returned it: no queue is bound for its routing key (DeclareTopology)
  kBrokerRefused,  // the broker refused it (basic.nack) kMaxRefusals times
};
inline constexpr std::array<DropReason, 2> kDropReasons = {DropReason::kNoSubscriber,
                                                           DropReason::kBrokerRefused};
std::string_view Name(DropReason reason);  // "no_subscriber", "broker_refused"

// An event the broker refuses (nack) is tried again after 2 s, 4 s, ... 5 min, without holding up the others;
// refused this many times (about 13 minutes) it is dropped and logged as an error. An event the broker does
// not confirm at all (connection lost, no answer in time) is an outage, not a refusal: it stays and the relay
// backs off, however long that lasts.
inline constexpr std::int64_t kMaxRefusals = 10;

// What becomes of an outbox event after one publish attempt.
struct Settlement {
  enum class Kind {
    kPublished,   // confirmed: mark it published
    kDropped,     // given up for `reason`: mark it dropped
    kRetryLater,  // refused: try again in `retry_in`, counting the refusal
    kKeep,        // unconfirmed: leave it as it is
  };
  Kind kind = Kind::kKeep;
  DropReason reason = DropReason::kNoSubscriber;
  std::chrono::seconds retry_in{0};
};

struct RelayOptions {
  std::size_t batch_size = 100;
  std::chrono::milliseconds poll_interval{500};
  // After a poll that found nothing the next wait doubles, up to this (Notify() still wakes the relay at
  // once). For a source whose every write is followed by Notify(), the poll only catches what a crashed
  // process left behind, and a scan can be expensive (FerretDB on SQLite scans whole collections).
  std::chrono::milliseconds idle_poll_interval{500};
  std::chrono::milliseconds min_backoff{100};
  std::chrono::milliseconds max_backoff{5000};
  std::chrono::hours retention{24 * 7};  // published rows older than this are deleted
};

struct OutboxBatch {
  std::size_t taken = 0;                   // events read from the store (a full batch means: more may wait)
  std::uint64_t published = 0;             // confirmed by the broker and marked published
  std::array<std::uint64_t, 2> dropped{};  // given up, by DropReason
  std::uint64_t refused = 0;               // refused by the broker, to be tried again later
  bool broker_failed = false;              // some were unconfirmed: back off before the next try

  // Decides what becomes of `message` after `outcome`, when the broker had refused it `refusals` times
  // before; logs refusals and drops, and counts the outcome in this batch.
  Settlement Settle(const OutgoingMessage& message, PublishOutcome outcome, std::int64_t refusals);
};

struct OutboxGauges {
  std::int64_t backlog = 0;       // events not yet published
  double oldest_age_seconds = 0;  // age of the oldest of them
};

// Where a relay takes its unpublished events from: the SQL outbox table (SqlOutbox, sql_outbox.hpp) or the
// outboxes embedded in MongoDB documents (mongo::EmbeddedOutbox). Called from the relay's thread only.
class OutboxSource {
 public:
  virtual ~OutboxSource() = default;
  // Takes up to `limit` pending events, publishes them with `publisher` and records each one's
  // OutboxBatch::Settle. Throws when the store or the broker is unreachable; the events then stay as they
  // are.
  virtual OutboxBatch PublishBatch(ConfirmPublisher& publisher, std::size_t limit) = 0;
  virtual OutboxGauges Measure() = 0;
  // Deletes published and dropped events older than `retention` (stores that keep them).
  virtual void Purge(std::chrono::hours retention) { (void)retention; }
};

// Publishes committed outbox events to RabbitMQ on its own thread, with publisher confirms. When the
// broker or the store is down it logs once per outage, keeps the events, and retries with exponential
// backoff; it never throws into the service.
// Delivery is at least once: a crash between the broker's confirm and the commit publishes a row again,
// so consumers deduplicate by event_id.
class OutboxRelay {
 public:
  OutboxRelay(std::unique_ptr<OutboxSource> source, AmqpOptions amqp, RelayOptions options = {});
  ~OutboxRelay();  // Stop()
  OutboxRelay(const OutboxRelay&) = delete;
  OutboxRelay& operator=(const OutboxRelay&) = delete;

  void Start();
  // Publishes what it can until nothing is left or the deadline passes, then joins the thread.
  void Stop(std::chrono::milliseconds flush_deadline = std::chrono::seconds(5));
  // Wakes the relay now instead of at the next poll; call after committing an Enqueue.
  void Notify();

  // Gauges for /metrics, refreshed by the relay at most once per second.
  std::int64_t backlog() const { return backlog_.load(); }  // pending events
  double oldest_age_seconds() const { return oldest_age_seconds_.load(); }
  // Running counts of this relay's outcomes.
  std::uint64_t published_total() const { return published_total_.load(); }
  std::uint64_t dropped_total(DropReason reason) const {
    return dropped_total_[static_cast<std::size_t>(reason)].load();
  }
  std::uint64_t refused_total() const { return refused_total_.load(); }

 private:
  void Run();
  void RefreshGauges();
  void Purge();

  std::unique_ptr<OutboxSource> source_;
  ConfirmPublisher publisher_;
  const RelayOptions options_;

  std::mutex mutex_;
  std::condition_variable wake_;
  bool notified_ = false;
  bool stopping_ = false;
  std::chrono::steady_clock::time_point flush_deadline_;
  std::thread thread_;

  std::chrono::steady_clock::time_point gauges_at_{};
  std::chrono::steady_clock::time_point purged_at_{};
  std::atomic<std::int64_t> backlog_{0};
  std::atomic<double> oldest_age_seconds_{0};
  std::atomic<std::uint64_t> published_total_{0};
  std::array<std::atomic<std::uint64_t>, 2> dropped_total_{};
  std::atomic<std::uint64_t> refused_total_{0};
};

}  // namespace mp::bus
