#pragma once

#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "libs/bus/options.hpp"

namespace mp::bus {

class AmqpConnection;

struct OutgoingMessage {
  std::string exchange;
  std::string routing_key;
  std::string message_id;  // the event_id
  std::string type;        // the event_type
  std::string body;
  nlohmann::json headers = nlohmann::json::object();  // string, integer or boolean values
};

enum class PublishOutcome {
  kConfirmed,    // the broker has it (persisted, routed to at least one queue)
  kNacked,       // the broker refused it
  kReturned,     // no queue is bound for its routing key: nobody subscribes to it
  kUnconfirmed,  // connection lost or no answer in time: it may or may not have arrived
};

// Publishes persistent JSON messages (delivery_mode 2, application/json, message_id) as mandatory, with
// publisher confirms, on a connection of its own that is opened on first use and again after any failure.
// Each new connection declares the whole topology first (DeclareTopology), so a message the broker returns
// has no subscriber. Not thread-safe.
class ConfirmPublisher {
 public:
  explicit ConfirmPublisher(AmqpOptions options);
  ~ConfirmPublisher();
  ConfirmPublisher(const ConfirmPublisher&) = delete;
  ConfirmPublisher& operator=(const ConfirmPublisher&) = delete;

  // One outcome per message, waiting at most options.timeout for the confirms. Throws AmqpError when no
  // connection can be opened (then nothing was sent).
  std::vector<PublishOutcome> Publish(const std::vector<OutgoingMessage>& messages);
  void Disconnect();

 private:
  void Connect();
  // Publishing to a missing exchange would close the channel and fail every later message in the batch.
  void DeclareIfNew(std::string_view exchange);

  AmqpOptions options_;
  std::unique_ptr<AmqpConnection> connection_;
  std::uint64_t next_tag_ = 1;
  std::set<std::string, std::less<>> declared_exchanges_;
};

}  // namespace mp::bus
