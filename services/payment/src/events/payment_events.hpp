#pragma once

#include <string_view>

#include "libs/bus/event.hpp"
#include "services/payment/src/domain/payment.hpp"

// What the payment service tells the others, on payment_events (through the outbox). Every event carries
// event_id, event_type and occurred_at (the time of the change); amounts are strings with two decimals
// ("120.50"), exact. The service consumes nothing.
namespace mp::payment::events {

inline constexpr std::string_view kExchange = "payment_events";

// payment.completed {payment_id, order_id, customer_id, provider_id (int|null), amount, payment_method,
// transaction_id}: the order service sets payment_status=paid, the notification service tells both sides.
bus::Event PaymentCompleted(const domain::Payment& payment);
// refund.requested {refund_id, payment_id, order_id, customer_id, provider_id, amount, reason}.
bus::Event RefundRequested(const domain::Refund& refund);
// refund.processed {refund_id, payment_id, order_id, customer_id, provider_id, amount, status
// ("completed"|"rejected"), reason (the admin's; always set when rejected, else the admin's note or null)}.
bus::Event RefundProcessed(const domain::Refund& refund);

}  // namespace mp::payment::events
