#pragma once

#include <utility>
#include <variant>

// What a domain decision returns: the outcome (an order after the change, a payment to write, ...) or the
// domain's reason for refusing it, a plain enum the API layer maps to a status and a text. Domain code never
// throws for a refusal and never knows about HTTP.
//
//   Outcome<Order, Refusal> AcceptOrder(const Order& order, std::int64_t provider_id);
//   auto accepted = AcceptOrder(order, caller.id);
//   if (!accepted) throw ToApiError(accepted.refusal());
//   store.Save(*accepted);
namespace mp {

template <class T, class Refusal>
class [[nodiscard]] Outcome {
  static_assert(!std::is_same_v<T, Refusal>, "an outcome and its refusal need distinct types");

 public:
  Outcome(T value)
      : state_(std::in_place_index<0>, std::move(value)) {}  // NOLINT(google-explicit-constructor)
  Outcome(Refusal refusal)
      : state_(std::in_place_index<1>, refusal) {}  // NOLINT(google-explicit-constructor)

  bool ok() const { return state_.index() == 0; }
  explicit operator bool() const { return ok(); }

  const T& value() const& { return std::get<0>(state_); }
  T& value() & { return std::get<0>(state_); }
  T&& value() && { return std::get<0>(std::move(state_)); }
  const T& operator*() const& { return value(); }
  T& operator*() & { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  const T* operator->() const { return &value(); }
  T* operator->() { return &value(); }

  Refusal refusal() const { return std::get<1>(state_); }

 private:
  std::variant<T, Refusal> state_;
};

}  // namespace mp
