#include <stdexcept>

#include <gtest/gtest.h>

#include "libs/bus/confirm_tracker.hpp"

namespace mp::bus {
namespace {

using Outcome = ConfirmTracker::Outcome;

ConfirmTracker Published(std::uint64_t first, std::uint64_t last) {
  ConfirmTracker tracker;
  for (std::uint64_t tag = first; tag <= last; ++tag) tracker.OnPublish(tag);
  return tracker;
}

// The outcomes of tags first..last, in order.
std::vector<Outcome> Outcomes(const ConfirmTracker& tracker, std::uint64_t first, std::uint64_t last) {
  std::vector<Outcome> outcomes;
  for (std::uint64_t tag = first; tag <= last; ++tag) outcomes.push_back(tracker.outcome(tag));
  return outcomes;
}

using enum ConfirmTracker::Outcome;

TEST(ConfirmTracker, EveryPublishIsPendingUntilConfirmed) {
  ConfirmTracker tracker = Published(1, 3);
  EXPECT_EQ(tracker.pending(), 3u);
  EXPECT_EQ(Outcomes(tracker, 1, 3), (std::vector{kPending, kPending, kPending}));
}

TEST(ConfirmTracker, SingleAckSettlesOnlyThatTag) {
  ConfirmTracker tracker = Published(1, 3);
  tracker.OnAck(2, false);
  EXPECT_EQ(Outcomes(tracker, 1, 3), (std::vector{kPending, kAcked, kPending}));
  EXPECT_EQ(tracker.pending(), 2u);
}

TEST(ConfirmTracker, MultipleAckSettlesEveryTagUpToIt) {
  ConfirmTracker tracker = Published(1, 5);
  tracker.OnAck(3, true);
  EXPECT_EQ(Outcomes(tracker, 1, 4), (std::vector{kAcked, kAcked, kAcked, kPending}));
  EXPECT_EQ(tracker.pending(), 2u);
  tracker.OnAck(5, true);
  EXPECT_EQ(tracker.outcome(4), Outcome::kAcked);
  EXPECT_EQ(tracker.pending(), 0u);
}

TEST(ConfirmTracker, MultipleNackFailsOnlyTheStillPendingTags) {
  ConfirmTracker tracker = Published(1, 4);
  tracker.OnAck(2, false);
  tracker.OnNack(3, true);
  EXPECT_EQ(Outcomes(tracker, 1, 4), (std::vector{kNacked, kAcked, kNacked, kPending}));
  EXPECT_EQ(tracker.pending(), 1u);
}

TEST(ConfirmTracker, ReturnedMessageStaysFailedWhenItsAckFollows) {
  ConfirmTracker tracker = Published(1, 2);
  tracker.OnReturn(1);
  EXPECT_EQ(tracker.outcome(1), Outcome::kPending);  // the ack is still due
  EXPECT_EQ(tracker.pending(), 2u);
  tracker.OnAck(2, true);
  EXPECT_EQ(Outcomes(tracker, 1, 2), (std::vector{kReturned, kAcked}));
  EXPECT_EQ(tracker.pending(), 0u);
}

TEST(ConfirmTracker, RepeatedAndUnknownConfirmsChangeNothing) {
  ConfirmTracker tracker = Published(5, 6);  // a batch that starts mid-channel
  tracker.OnAck(3, true);                    // tags of an earlier batch
  tracker.OnAck(9, false);
  tracker.OnReturn(9);
  EXPECT_EQ(tracker.pending(), 2u);
  tracker.OnAck(5, false);
  tracker.OnNack(5, false);  // a second answer for a settled tag is ignored
  EXPECT_EQ(tracker.outcome(5), Outcome::kAcked);
  EXPECT_EQ(tracker.outcome(7), Outcome::kPending);  // never published
  EXPECT_EQ(tracker.pending(), 1u);
}

TEST(ConfirmTracker, TagsMustIncrease) {
  ConfirmTracker tracker = Published(1, 2);
  EXPECT_THROW(tracker.OnPublish(2), std::logic_error);
  EXPECT_THROW(tracker.OnPublish(1), std::logic_error);
  EXPECT_THROW(ConfirmTracker().OnPublish(0), std::logic_error);
  EXPECT_NO_THROW(tracker.OnPublish(10));
}

TEST(ConfirmTracker, ExhaustiveAgainstAModel) {
  // Every sequence of up to 4 confirm frames over 4 tags agrees with a straightforward model.
  struct Frame {
    int kind;  // 0 ack, 1 nack, 2 return
    std::uint64_t tag;
    bool multiple;
  };
  std::vector<Frame> alphabet;
  for (int kind = 0; kind < 3; ++kind) {
    for (std::uint64_t tag = 1; tag <= 4; ++tag) {
      alphabet.push_back({kind, tag, false});
      if (kind != 2) alphabet.push_back({kind, tag, true});
    }
  }
  const std::size_t n = alphabet.size();
  for (std::size_t code = 0; code < n * n * n * n; ++code) {
    ConfirmTracker tracker = Published(1, 4);
    Outcome model[5] = {Outcome::kPending, Outcome::kPending, Outcome::kPending, Outcome::kPending,
                        Outcome::kPending};
    bool returned[5] = {};
    std::size_t rest = code;
    for (int step = 0; step < 4; ++step) {
      const Frame& f = alphabet[rest % n];
      rest /= n;
      if (f.kind == 2) {
        tracker.OnReturn(f.tag);
        returned[f.tag] = true;
        continue;
      }
      f.kind == 0 ? tracker.OnAck(f.tag, f.multiple) : tracker.OnNack(f.tag, f.multiple);
      for (std::uint64_t t = f.multiple ? 1 : f.tag; t <= f.tag; ++t) {
        if (model[t] != Outcome::kPending) continue;
        model[t] = f.kind == 1 ? Outcome::kNacked : (returned[t] ? Outcome::kReturned : Outcome::kAcked);
      }
    }
    std::size_t pending = 0;
    for (std::uint64_t t = 1; t <= 4; ++t) {
      // A return that arrives after the tag was settled cannot happen on the wire; the model ignores order.
      Outcome expected = model[t];
      if (expected == Outcome::kAcked && returned[t]) expected = Outcome::kReturned;
      ASSERT_EQ(tracker.outcome(t), expected) << "sequence " << code << " tag " << t;
      pending += expected == Outcome::kPending;
    }
    ASSERT_EQ(tracker.pending(), pending) << "sequence " << code;
  }
}

}  // namespace
}  // namespace mp::bus
