#pragma once

#include <cstddef>
#include <cstdint>
#include <map>

namespace mp::bus {

// Book-keeping for RabbitMQ publisher confirms on one channel (rabbitmq-c 0.11 has no helper). The broker
// numbers publishes 1, 2, 3... per channel and answers each with basic.ack or basic.nack, possibly for
// several at once (`multiple`: every tag up to and including this one). An unroutable mandatory message
// first comes back as basic.return and is then acked: it still counts as failed.
class ConfirmTracker {
 public:
  enum class Outcome { kPending, kAcked, kNacked, kReturned };

  // Tags must strictly increase; throws std::logic_error otherwise.
  void OnPublish(std::uint64_t tag);
  void OnAck(std::uint64_t tag, bool multiple);
  void OnNack(std::uint64_t tag, bool multiple);
  void OnReturn(std::uint64_t tag);

  // kPending also for a tag this tracker never saw.
  Outcome outcome(std::uint64_t tag) const;
  std::size_t pending() const { return pending_; }

 private:
  struct State {
    bool settled = false;
    bool returned = false;
    bool nacked = false;
  };
  void Settle(std::uint64_t tag, bool multiple, bool nacked);

  std::map<std::uint64_t, State> states_;
  std::size_t pending_ = 0;
};

}  // namespace mp::bus
