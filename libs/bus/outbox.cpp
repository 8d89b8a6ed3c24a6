#include "libs/bus/outbox.hpp"

#include <algorithm>
#include <string>
#include <vector>

#include "libs/core/log.hpp"

namespace mp::bus {
namespace {

using SteadyClock = std::chrono::steady_clock;

constexpr std::chrono::seconds kGaugeInterval{1};
constexpr std::chrono::minutes kPurgeInterval{10};

// 2 s, 4 s, ... up to 5 min before the next attempt of an event the broker refused.
std::chrono::seconds RefusalDelay(std::int64_t refusals) {
  return std::chrono::seconds(
      std::min<std::int64_t>(300, std::int64_t{1} << std::clamp<std::int64_t>(refusals + 1, 1, 9)));
}

nlohmann::json Describe(const OutgoingMessage& message) {
  return {
      {"event_id", message.message_id}, {"exchange", message.exchange}, {"routing_key", message.routing_key}};
}

}  // namespace

std::string_view Name(DropReason reason) {
  switch (reason) {
    case DropReason::kNoSubscriber: return "no_subscriber";
    case DropReason::kBrokerRefused: return "broker_refused";
  }
  return "unknown";
}

Settlement OutboxBatch::Settle(const OutgoingMessage& message, PublishOutcome outcome,
                               std::int64_t refusals) {
  using Kind = Settlement::Kind;
  switch (outcome) {
    case PublishOutcome::kConfirmed: ++published; return {.kind = Kind::kPublished};
    case PublishOutcome::kReturned:
      // A normal outcome: every subscriber's queue is declared before anything is published.
      ++dropped[static_cast<std::size_t>(DropReason::kNoSubscriber)];
      log::Debug("event has no subscriber; dropped", Describe(message));
      return {.kind = Kind::kDropped, .reason = DropReason::kNoSubscriber};
    case PublishOutcome::kNacked: {
      nlohmann::json fields = Describe(message);
      fields["refusals"] = refusals + 1;
      if (refusals + 1 >= kMaxRefusals) {
        ++dropped[static_cast<std::size_t>(DropReason::kBrokerRefused)];
        log::Error("event dropped: the broker refused it in all its attempts", fields);
        return {.kind = Kind::kDropped, .reason = DropReason::kBrokerRefused};
      }
      ++refused;
      const std::chrono::seconds delay = RefusalDelay(refusals);
      fields["retry_in_s"] = delay.count();
      log::Warn("the broker refused an event; it is tried again later", fields);
      return {.kind = Kind::kRetryLater, .retry_in = delay};
    }
    case PublishOutcome::kUnconfirmed: break;
  }
  broker_failed = true;
  return {.kind = Kind::kKeep};
}

OutboxRelay::OutboxRelay(std::unique_ptr<OutboxSource> source, AmqpOptions amqp, RelayOptions options)
    : source_(std::move(source)), publisher_(std::move(amqp)), options_(options) {}

OutboxRelay::~OutboxRelay() { Stop(); }

void OutboxRelay::Start() {
  std::lock_guard lock(mutex_);
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] { Run(); });
}

void OutboxRelay::Stop(std::chrono::milliseconds flush_deadline) {
  {
    std::lock_guard lock(mutex_);
    if (!thread_.joinable()) return;
    stopping_ = true;
    notified_ = true;
    flush_deadline_ = SteadyClock::now() + flush_deadline;
  }
  wake_.notify_all();
  thread_.join();
}

void OutboxRelay::Notify() {
  {
    std::lock_guard lock(mutex_);
    notified_ = true;
  }
  wake_.notify_all();
}

void OutboxRelay::Run() {
  std::chrono::milliseconds backoff = options_.min_backoff;
  std::chrono::milliseconds idle_wait = options_.poll_interval;
  bool failing = false;
  for (;;) {
    bool stopping = false;
    SteadyClock::time_point deadline;
    {
      std::lock_guard lock(mutex_);
      stopping = stopping_;
      deadline = flush_deadline_;
      notified_ = false;
    }
    if (stopping && SteadyClock::now() >= deadline) break;

    OutboxBatch result;
    std::string error;
    try {
      result = source_->PublishBatch(publisher_, options_.batch_size);
      published_total_ += result.published;
      for (std::size_t i = 0; i < result.dropped.size(); ++i) dropped_total_[i] += result.dropped[i];
      refused_total_ += result.refused;
      if (result.broker_failed) error = "the broker did not confirm every message";
    } catch (const std::exception& e) {
      error = e.what();
    }
    const bool failed = !error.empty();
    if (failed && !failing) {
      log::Warn("outbox relay cannot publish; events stay in the outbox and are retried", {{"error", error}});
    } else if (!failed && failing) {
      log::Info("outbox relay is publishing again");
    }
    failing = failed;
    RefreshGauges();
    Purge();

    std::chrono::milliseconds wait = options_.poll_interval;
    if (failed) {
      wait = backoff;
      backoff = std::min(backoff * 2, options_.max_backoff);
    } else {
      backoff = options_.min_backoff;
      if (result.taken == options_.batch_size) continue;  // more are waiting
      if (stopping) break;                                // flushed
      if (result.taken == 0) {
        wait = idle_wait;
        idle_wait = std::max(options_.poll_interval, std::min(idle_wait * 2, options_.idle_poll_interval));
      } else {
        idle_wait = options_.poll_interval;
      }
    }
    std::unique_lock lock(mutex_);
    if (stopping)
      wait = std::min(wait, std::chrono::ceil<std::chrono::milliseconds>(deadline - SteadyClock::now()));
    wake_.wait_for(lock, wait, [this] { return notified_; });
  }
  RefreshGauges();
}

void OutboxRelay::RefreshGauges() {
  auto now = SteadyClock::now();
  if (now - gauges_at_ < kGaugeInterval) return;
  gauges_at_ = now;
  try {
    OutboxGauges gauges = source_->Measure();
    backlog_ = gauges.backlog;
    oldest_age_seconds_ = gauges.oldest_age_seconds;
  } catch (const std::exception&) {
    // The gauges keep their last values while the database is away; PublishBatch already logged it.
  }
}

void OutboxRelay::Purge() {
  auto now = SteadyClock::now();
  if (purged_at_ != SteadyClock::time_point{} && now - purged_at_ < kPurgeInterval) return;
  purged_at_ = now;
  try {
    source_->Purge(options_.retention);
  } catch (const std::exception& e) {
    log::Debug("outbox purge failed", {{"error", e.what()}});
  }
}

}  // namespace mp::bus
