#include "libs/bus/publisher.hpp"

#include <chrono>
#include <unordered_map>

#include <sys/time.h>

#include "libs/bus/amqp_connection.hpp"
#include "libs/bus/confirm_tracker.hpp"
#include "libs/bus/topology.hpp"
#include "libs/core/log.hpp"
#include "libs/core/time.hpp"

namespace mp::bus {
namespace {

// Holds the amqp_table_entry_t array pointing into `headers`, which must outlive it.
struct HeaderTable {
  explicit HeaderTable(const nlohmann::json& headers) {
    for (const auto& [key, value] : headers.items()) {
      amqp_table_entry_t entry{};
      entry.key = Bytes(key);
      if (value.is_string()) {
        entry.value.kind = AMQP_FIELD_KIND_UTF8;
        entry.value.value.bytes = Bytes(value.get_ref<const std::string&>());
      } else if (value.is_boolean()) {
        entry.value.kind = AMQP_FIELD_KIND_BOOLEAN;
        entry.value.value.boolean = value.get<bool>() ? 1 : 0;
      } else if (value.is_number_integer()) {
        entry.value.kind = AMQP_FIELD_KIND_I64;
        entry.value.value.i64 = value.get<std::int64_t>();
      } else {
        continue;
      }
      entries.push_back(entry);
    }
  }
  amqp_table_t table() { return amqp_table_t{static_cast<int>(entries.size()), entries.data()}; }

  std::vector<amqp_table_entry_t> entries;
};

timeval ToTimeval(std::chrono::steady_clock::duration d) {
  auto us = std::max<std::int64_t>(0, std::chrono::duration_cast<std::chrono::microseconds>(d).count());
  return timeval{static_cast<time_t>(us / 1000000), static_cast<suseconds_t>(us % 1000000)};
}

}  // namespace

ConfirmPublisher::ConfirmPublisher(AmqpOptions options) : options_(std::move(options)) {}

ConfirmPublisher::~ConfirmPublisher() = default;

void ConfirmPublisher::Disconnect() { connection_.reset(); }

void ConfirmPublisher::Connect() {
  connection_.reset();
  auto connection = std::make_unique<AmqpConnection>(options_, 0);
  declared_exchanges_.clear();
  // Every subscriber's queue exists before the first publish, so a returned message has no subscriber.
  DeclareTopology(*connection);
  amqp_confirm_select(connection->get(), AmqpConnection::kChannel);
  connection->Check("confirm.select");
  connection_ = std::move(connection);
  next_tag_ = 1;  // a channel in confirm mode numbers its publishes from 1
}

void ConfirmPublisher::DeclareIfNew(std::string_view exchange) {
  if (exchange.empty() || declared_exchanges_.contains(exchange)) return;
  for (std::string_view known : kEventExchanges) {
    if (known == exchange) return;
  }
  connection_->DeclareExchange(exchange);
  declared_exchanges_.emplace(exchange);
}

std::vector<PublishOutcome> ConfirmPublisher::Publish(const std::vector<OutgoingMessage>& messages) {
  if (connection_ != nullptr && connection_->broken()) connection_.reset();
  if (connection_ != nullptr) {
    // A broker that shut down while we were idle has sent connection.close (or the socket is gone): find out
    // now rather than after publishing into the void.
    amqp_frame_t frame;
    timeval zero{0, 0};
    int status = amqp_simple_wait_frame_noblock(connection_->get(), &frame, &zero);
    if (status != AMQP_STATUS_TIMEOUT) connection_.reset();
  }
  if (connection_ == nullptr) Connect();
  for (const OutgoingMessage& message : messages) DeclareIfNew(message.exchange);
  amqp_connection_state_t state = connection_->get();

  ConfirmTracker tracker;
  std::vector<std::uint64_t> tags(messages.size(), 0);
  std::unordered_map<std::string_view, std::uint64_t> tag_by_id;
  const std::int64_t now = time::ToUnixSeconds(time::Now());
  for (std::size_t i = 0; i < messages.size() && !connection_->broken(); ++i) {
    const OutgoingMessage& message = messages[i];
    HeaderTable headers(message.headers);
    amqp_basic_properties_t props{};
    props._flags = AMQP_BASIC_CONTENT_TYPE_FLAG | AMQP_BASIC_DELIVERY_MODE_FLAG | AMQP_BASIC_MESSAGE_ID_FLAG |
                   AMQP_BASIC_TIMESTAMP_FLAG | AMQP_BASIC_TYPE_FLAG;
    props.content_type = amqp_cstring_bytes("application/json");
    props.delivery_mode = AMQP_DELIVERY_PERSISTENT;
    props.message_id = Bytes(message.message_id);
    props.timestamp = static_cast<std::uint64_t>(now);
    props.type = Bytes(message.type);
    if (!headers.entries.empty()) {
      props._flags |= AMQP_BASIC_HEADERS_FLAG;
      props.headers = headers.table();
    }
    int status = amqp_basic_publish(state, AmqpConnection::kChannel, Bytes(message.exchange),
                                    Bytes(message.routing_key), /*mandatory=*/1, /*immediate=*/0, &props,
                                    Bytes(message.body));
    if (status != AMQP_STATUS_OK) {
      log::Debug("publish failed", {{"error", amqp_error_string2(status)}});
      connection_->MarkBroken();
      break;
    }
    tags[i] = next_tag_++;
    tracker.OnPublish(tags[i]);
    tag_by_id[message.message_id] = tags[i];
  }

  const auto deadline = std::chrono::steady_clock::now() + options_.timeout;
  while (tracker.pending() > 0 && !connection_->broken()) {
    auto left = deadline - std::chrono::steady_clock::now();
    if (left <= std::chrono::steady_clock::duration::zero()) break;
    amqp_frame_t frame;
    timeval wait = ToTimeval(left);
    int status = amqp_simple_wait_frame_noblock(state, &frame, &wait);
    if (status == AMQP_STATUS_TIMEOUT) break;
    if (status != AMQP_STATUS_OK) {
      connection_->MarkBroken();
      break;
    }
    if (frame.frame_type != AMQP_FRAME_METHOD) continue;
    switch (frame.payload.method.id) {
      case AMQP_BASIC_ACK_METHOD: {
        auto* ack = static_cast<amqp_basic_ack_t*>(frame.payload.method.decoded);
        tracker.OnAck(ack->delivery_tag, ack->multiple != 0);
        break;
      }
      case AMQP_BASIC_NACK_METHOD: {
        auto* nack = static_cast<amqp_basic_nack_t*>(frame.payload.method.decoded);
        tracker.OnNack(nack->delivery_tag, nack->multiple != 0);
        break;
      }
      case AMQP_BASIC_RETURN_METHOD: {
        auto* returned = static_cast<amqp_basic_return_t*>(frame.payload.method.decoded);
        std::string reason(View(returned->reply_text));
        // The returned message's header and body frames follow; they tell which message it was.
        amqp_message_t message;
        amqp_rpc_reply_t reply = amqp_read_message(state, frame.channel, &message, 0);
        if (reply.reply_type != AMQP_RESPONSE_NORMAL) {
          connection_->MarkBroken();
          break;
        }
        if (message.properties._flags & AMQP_BASIC_MESSAGE_ID_FLAG) {
          if (auto it = tag_by_id.find(View(message.properties.message_id)); it != tag_by_id.end()) {
            tracker.OnReturn(it->second);
          }
        }
        amqp_destroy_message(&message);
        break;
      }
      case AMQP_CHANNEL_CLOSE_METHOD:
      case AMQP_CONNECTION_CLOSE_METHOD: connection_->MarkBroken(); break;
      default: break;
    }
  }

  std::vector<PublishOutcome> outcomes;
  outcomes.reserve(messages.size());
  for (std::uint64_t tag : tags) {
    switch (tracker.outcome(tag)) {
      case ConfirmTracker::Outcome::kAcked: outcomes.push_back(PublishOutcome::kConfirmed); break;
      case ConfirmTracker::Outcome::kNacked: outcomes.push_back(PublishOutcome::kNacked); break;
      case ConfirmTracker::Outcome::kReturned: outcomes.push_back(PublishOutcome::kReturned); break;
      case ConfirmTracker::Outcome::kPending: outcomes.push_back(PublishOutcome::kUnconfirmed); break;
    }
  }
  // Late confirms would be misattributed to the next batch: start over on a fresh channel instead.
  if (tracker.pending() > 0 || connection_->broken()) {
    connection_.reset();
  } else {
    amqp_maybe_release_buffers(state);
  }
  return outcomes;
}

}  // namespace mp::bus
