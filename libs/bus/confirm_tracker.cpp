#include "libs/bus/confirm_tracker.hpp"

#include <stdexcept>
#include <string>

namespace mp::bus {

void ConfirmTracker::OnPublish(std::uint64_t tag) {
  if (tag == 0 || (!states_.empty() && tag <= states_.rbegin()->first)) {
    throw std::logic_error("publish tags must strictly increase, got " + std::to_string(tag));
  }
  states_.emplace(tag, State{});
  ++pending_;
}

void ConfirmTracker::Settle(std::uint64_t tag, bool multiple, bool nacked) {
  auto settle = [&](State& state) {
    if (state.settled) return;
    state.settled = true;
    state.nacked = nacked;
    --pending_;
  };
  if (!multiple) {
    if (auto it = states_.find(tag); it != states_.end()) settle(it->second);
    return;
  }
  for (auto it = states_.begin(); it != states_.end() && it->first <= tag; ++it) settle(it->second);
}

void ConfirmTracker::OnAck(std::uint64_t tag, bool multiple) { Settle(tag, multiple, false); }

void ConfirmTracker::OnNack(std::uint64_t tag, bool multiple) { Settle(tag, multiple, true); }

void ConfirmTracker::OnReturn(std::uint64_t tag) {
  if (auto it = states_.find(tag); it != states_.end()) it->second.returned = true;
}

ConfirmTracker::Outcome ConfirmTracker::outcome(std::uint64_t tag) const {
  auto it = states_.find(tag);
  if (it == states_.end() || !it->second.settled) return Outcome::kPending;
  if (it->second.nacked) return Outcome::kNacked;
  if (it->second.returned) return Outcome::kReturned;
  return Outcome::kAcked;
}

}  // namespace mp::bus
