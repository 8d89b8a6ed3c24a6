#include "libs/bus/consumer.hpp"

#include <algorithm>
#include <array>
#include <optional>

#include <amqp.h>

#include "libs/bus/amqp_connection.hpp"
#include "libs/bus/topology.hpp"
#include "libs/core/log.hpp"
#include "libs/core/time.hpp"

namespace mp::bus {
namespace {

constexpr int kHeartbeatSeconds = 30;
constexpr std::chrono::milliseconds kMinBackoff{100};
constexpr std::chrono::milliseconds kMaxBackoff{5000};
constexpr timeval kPollInterval{0, 200 * 1000};  // how often Stop() is noticed
constexpr std::string_view kAttemptsHeader = "x-attempts";
// A retry is re-published straight to the queue; these keep where the event was first published.
constexpr std::string_view kOriginalExchangeHeader = "x-original-exchange";
constexpr std::string_view kOriginalRoutingKeyHeader = "x-original-routing-key";
// A NotYet event waits in `<queue>.wait.<step>s` for its step (the n-th wait takes the n-th step, then the
// last one over and over): quick for the usual reordering of a few milliseconds, gentle when it lasts.
// Per-queue TTLs, one queue each, so every message of a wait queue expires in arrival order; the step is in
// the queue's name, so changing a step declares a new queue instead of clashing with the old arguments.
constexpr std::array<std::chrono::seconds, 3> kWaitSteps = {std::chrono::seconds(1), std::chrono::seconds(10),
                                                            std::chrono::seconds(60)};
constexpr std::string_view kWaitsHeader = "x-waits";                 // how often it waited already
constexpr std::string_view kWaitingSinceHeader = "x-waiting-since";  // its first NotYet, Unix milliseconds

std::string WaitQueue(const std::string& queue, std::chrono::seconds step) {
  return queue + ".wait." + std::to_string(step.count()) + "s";
}

const amqp_field_value_t* FindHeader(const amqp_basic_properties_t& props, std::string_view name) {
  if ((props._flags & AMQP_BASIC_HEADERS_FLAG) == 0) return nullptr;
  for (int i = 0; i < props.headers.num_entries; ++i) {
    if (View(props.headers.entries[i].key) == name) return &props.headers.entries[i].value;
  }
  return nullptr;
}

std::int64_t IntHeader(const amqp_basic_properties_t& props, std::string_view name) {
  const amqp_field_value_t* value = FindHeader(props, name);
  if (value == nullptr) return 0;
  switch (value->kind) {
    case AMQP_FIELD_KIND_I8: return value->value.i8;
    case AMQP_FIELD_KIND_U8: return value->value.u8;
    case AMQP_FIELD_KIND_I16: return value->value.i16;
    case AMQP_FIELD_KIND_U16: return value->value.u16;
    case AMQP_FIELD_KIND_I32: return value->value.i32;
    case AMQP_FIELD_KIND_U32: return value->value.u32;
    case AMQP_FIELD_KIND_I64: return value->value.i64;
    case AMQP_FIELD_KIND_U64: return static_cast<std::int64_t>(value->value.u64);
    default: return 0;
  }
}

std::optional<std::string> StringHeader(const amqp_basic_properties_t& props, std::string_view name) {
  const amqp_field_value_t* value = FindHeader(props, name);
  if (value == nullptr || (value->kind != AMQP_FIELD_KIND_UTF8 && value->kind != AMQP_FIELD_KIND_BYTES)) {
    return std::nullopt;
  }
  return std::string(View(value->value.bytes));
}

void CheckStatus(AmqpConnection& connection, int status, std::string_view what) {
  if (status == AMQP_STATUS_OK) return;
  connection.MarkBroken();
  throw AmqpError(std::string(what) + ": " + amqp_error_string2(status));
}

}  // namespace

std::vector<std::string> WaitQueues(const std::string& queue) {
  std::vector<std::string> names;
  names.reserve(kWaitSteps.size());
  for (auto step : kWaitSteps) names.push_back(WaitQueue(queue, step));
  return names;
}

Consumer::Consumer(AmqpOptions options, QueueSpec spec, Handler handler)
    : options_(std::move(options)),
      spec_(std::move(spec)),
      handler_(std::move(handler)),
      retry_publisher_(options_),
      transient_backoff_(kMinBackoff) {}

Consumer::~Consumer() { Stop(); }

void Consumer::Start() {
  std::lock_guard lock(mutex_);
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] { Run(); });
}

void Consumer::Stop() {
  {
    std::lock_guard lock(mutex_);
    if (!thread_.joinable()) return;
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

bool Consumer::Pause(std::chrono::milliseconds duration) {
  std::unique_lock lock(mutex_);
  return !wake_.wait_for(lock, duration, [this] { return stopping_; });
}

void Consumer::Run() {
  std::chrono::milliseconds backoff = kMinBackoff;
  bool failing = false;
  for (;;) {
    try {
      ConsumeUntilStopped([&] {
        if (failing) log::Info("consumer connected again", {{"queue", spec_.queue}});
        failing = false;
        backoff = kMinBackoff;
      });
      break;
    } catch (const std::exception& e) {
      connected_ = false;
      if (!failing) {
        log::Warn("consumer cannot reach the broker; reconnecting",
                  {{"queue", spec_.queue}, {"error", e.what()}});
      }
      failing = true;
    }
    if (!Pause(backoff)) break;
    backoff = std::min(backoff * 2, kMaxBackoff);
  }
  connected_ = false;
  retry_publisher_.Disconnect();
}

void Consumer::ConsumeUntilStopped(const std::function<void()>& on_ready) {
  AmqpConnection connection(options_, kHeartbeatSeconds);
  amqp_connection_state_t state = connection.get();
  constexpr amqp_channel_t kChannel = AmqpConnection::kChannel;

  connection.DeclareExchange(kDeadLetterExchange);
  for (const auto& binding : spec_.bindings) connection.DeclareExchange(binding.first);
  DeclareSubscriberQueue(connection, spec_.queue);
  // The wait queues expire their messages into the default exchange, which routes them back by queue name.
  for (auto step : kWaitSteps) {
    const std::string wait_queue = WaitQueue(spec_.queue, step);
    amqp_table_entry_t wait_arguments[3] = {
        StringEntry("x-dead-letter-exchange", ""), StringEntry("x-dead-letter-routing-key", spec_.queue),
        IntEntry("x-message-ttl", std::chrono::milliseconds(step).count())};
    amqp_queue_declare(state, kChannel, Bytes(wait_queue), 0, /*durable=*/1, 0, 0,
                       amqp_table_t{3, wait_arguments});
    connection.Check("declaring queue " + wait_queue);
  }
  for (const auto& [exchange, routing_key] : spec_.bindings) {
    amqp_queue_bind(state, kChannel, Bytes(spec_.queue), Bytes(exchange), Bytes(routing_key),
                    amqp_empty_table);
    connection.Check("binding queue " + spec_.queue + " to " + exchange);
  }
  amqp_basic_qos(state, kChannel, 0, spec_.prefetch, 0);
  connection.Check("basic.qos");
  amqp_basic_consume(state, kChannel, Bytes(spec_.queue), amqp_empty_bytes, 0, /*no_ack=*/0, 0,
                     amqp_empty_table);
  connection.Check("basic.consume on " + spec_.queue);
  connected_ = true;
  on_ready();

  for (;;) {
    {
      std::lock_guard lock(mutex_);
      if (stopping_) return;
    }
    amqp_maybe_release_buffers(state);
    amqp_envelope_t envelope;
    timeval timeout = kPollInterval;
    amqp_rpc_reply_t reply = amqp_consume_message(state, &envelope, &timeout, 0);
    if (reply.reply_type == AMQP_RESPONSE_LIBRARY_EXCEPTION && reply.library_error == AMQP_STATUS_TIMEOUT)
      continue;
    if (reply.reply_type == AMQP_RESPONSE_LIBRARY_EXCEPTION &&
        reply.library_error == AMQP_STATUS_UNEXPECTED_STATE) {
      // Something other than a delivery arrived: the broker closing the channel or connection, or
      // cancelling the consumer because the queue was deleted. Each means: reconnect and declare again.
      amqp_frame_t frame;
      CheckStatus(connection, amqp_simple_wait_frame(state, &frame), "reading from the broker");
      if (frame.frame_type == AMQP_FRAME_METHOD && (frame.payload.method.id == AMQP_CHANNEL_CLOSE_METHOD ||
                                                    frame.payload.method.id == AMQP_CONNECTION_CLOSE_METHOD ||
                                                    frame.payload.method.id == AMQP_BASIC_CANCEL_METHOD)) {
        connection.MarkBroken();
        throw AmqpError(DescribeMethod(frame.payload.method));
      }
      continue;
    }
    if (reply.reply_type != AMQP_RESPONSE_NORMAL) {
      connection.MarkBroken();
      throw AmqpError("consuming " + spec_.queue + ": " + DescribeReply(reply));
    }
    struct EnvelopeGuard {
      amqp_envelope_t* envelope;
      ~EnvelopeGuard() { amqp_destroy_envelope(envelope); }
    } guard{&envelope};
    Handle(connection, envelope);
  }
}

void Consumer::Handle(AmqpConnection& connection, const amqp_envelope_t_& envelope) {
  amqp_connection_state_t state = connection.get();
  constexpr amqp_channel_t kChannel = AmqpConnection::kChannel;
  const amqp_basic_properties_t& props = envelope.message.properties;
  const std::uint64_t tag = envelope.delivery_tag;
  const std::string exchange =
      StringHeader(props, kOriginalExchangeHeader).value_or(std::string(View(envelope.exchange)));
  const std::string routing_key =
      StringHeader(props, kOriginalRoutingKeyHeader).value_or(std::string(View(envelope.routing_key)));
  const std::string_view body = View(envelope.message.body);

  std::optional<Event> event = ParseEvent(body, exchange, routing_key);
  if (!event) {
    log::Warn("malformed event dead-lettered",
              {{"queue", spec_.queue}, {"exchange", exchange}, {"routing_key", routing_key}});
    CheckStatus(connection, amqp_basic_reject(state, kChannel, tag, /*requeue=*/0), "basic.reject");
    ++dead_lettered_total_;
    return;
  }

  std::string failure;
  bool transient = false;
  bool poison = false;
  bool not_yet = false;
  try {
    handler_(*event);
  } catch (const Poison& e) {
    failure = e.what();
    poison = true;
  } catch (const RetryLater& e) {
    failure = e.what();
    transient = true;
  } catch (const NotYet& e) {
    failure = e.what();
    not_yet = true;
  } catch (const std::exception& e) {
    failure = e.what();
  } catch (...) {
    failure = "unknown exception";
  }
  if (failure.empty()) {
    CheckStatus(connection, amqp_basic_ack(state, kChannel, tag, 0), "basic.ack");
    ++handled_total_;
    double lag = 0;
    if (auto it = event->body.find("occurred_at"); it != event->body.end() && it->is_string()) {
      if (auto at = time::ParseIso(it->get<std::string>())) {
        lag = std::max(0.0, std::chrono::duration<double>(time::Now() - *at).count());
        lag_seconds_.store(lag);
      }
    }
    log::Info("event handled", {{"queue", spec_.queue},
                                {"event_id", event->event_id},
                                {"routing_key", routing_key},
                                {"request_id", RequestIdOf(*event)},
                                {"lag_ms", static_cast<std::int64_t>(lag * 1000)}});
    transient_backoff_ = kMinBackoff;
    return;
  }

  if (transient) {
    log::Warn("event handler cannot run now; requeued", {{"queue", spec_.queue},
                                                         {"event_id", event->event_id},
                                                         {"request_id", RequestIdOf(*event)},
                                                         {"error", failure}});
    Pause(transient_backoff_);
    transient_backoff_ = std::min(transient_backoff_ * 2, kMaxBackoff);
    CheckStatus(connection, amqp_basic_nack(state, kChannel, tag, 0, /*requeue=*/1), "basic.nack");
    return;
  }

  // What a copy keeps of the message's history: where it was first published, its failed attempts, its
  // waits.
  const std::int64_t attempts = IntHeader(props, kAttemptsHeader);
  const std::int64_t waits = IntHeader(props, kWaitsHeader);
  const std::int64_t waiting_since = IntHeader(props, kWaitingSinceHeader);
  nlohmann::json headers = {{std::string(kOriginalExchangeHeader), exchange},
                            {std::string(kOriginalRoutingKeyHeader), routing_key}};
  if (attempts > 0) headers[std::string(kAttemptsHeader)] = attempts;
  if (waits > 0) headers[std::string(kWaitsHeader)] = waits;
  if (waiting_since > 0) headers[std::string(kWaitingSinceHeader)] = waiting_since;

  if (not_yet) {
    const std::int64_t now_ms = time::ToUnixMillis(time::Now());
    const std::int64_t since = waiting_since > 0 ? waiting_since : now_ms;
    nlohmann::json fields = {{"queue", spec_.queue},
                             {"event_id", event->event_id},
                             {"routing_key", routing_key},
                             {"request_id", RequestIdOf(*event)},
                             {"waits", waits},
                             {"waited_s", (now_ms - since) / 1000},
                             {"reason", failure}};
    if (now_ms - since >= std::chrono::milliseconds(spec_.max_wait).count()) {
      log::Error("event never became applicable; dead-lettered", fields);
      CheckStatus(connection, amqp_basic_reject(state, kChannel, tag, /*requeue=*/0), "basic.reject");
      ++dead_lettered_total_;
      ++not_applicable_total_;
      return;
    }
    const auto step = kWaitSteps[std::min<std::size_t>(waits, kWaitSteps.size() - 1)];
    fields["wait_s"] = step.count();
    log::Info("event not applicable yet; waiting", fields);
    headers[std::string(kWaitsHeader)] = waits + 1;
    headers[std::string(kWaitingSinceHeader)] = since;
    Requeue(connection, envelope, *event, WaitQueue(spec_.queue, step), std::move(headers));
    ++waits_total_;
    return;
  }

  ++failed_total_;
  const std::int64_t attempt = attempts + 1;
  nlohmann::json fields = {{"queue", spec_.queue},       {"event_id", event->event_id},
                           {"routing_key", routing_key}, {"request_id", RequestIdOf(*event)},
                           {"attempt", attempt},         {"error", failure}};
  if (attempt >= spec_.max_attempts || poison) {
    log::Error("event handler failed for the last time; dead-lettered", fields);
    CheckStatus(connection, amqp_basic_reject(state, kChannel, tag, /*requeue=*/0), "basic.reject");
    ++dead_lettered_total_;
    return;
  }
  log::Warn("event handler failed; will retry", fields);
  headers[std::string(kAttemptsHeader)] = attempt;
  Requeue(connection, envelope, *event, spec_.queue, std::move(headers));
}

void Consumer::Requeue(AmqpConnection& connection, const amqp_envelope_t_& envelope, const Event& event,
                       const std::string& queue, nlohmann::json headers) {
  OutgoingMessage copy{.exchange = "",  // the default exchange routes by queue name
                       .routing_key = queue,
                       .message_id = event.event_id,
                       .type = event.routing_key,
                       .body = std::string(View(envelope.message.body)),
                       .headers = std::move(headers)};
  // Ack the original only once the copy is safely queued; otherwise reconnecting redelivers the original.
  if (retry_publisher_.Publish({copy}).at(0) != PublishOutcome::kConfirmed) {
    connection.MarkBroken();
    throw AmqpError("could not re-publish event " + event.event_id + " to " + queue);
  }
  CheckStatus(connection,
              amqp_basic_ack(connection.get(), AmqpConnection::kChannel, envelope.delivery_tag, 0),
              "basic.ack");
}

}  // namespace mp::bus
