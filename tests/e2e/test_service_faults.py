"""Faults in the middle of the lifecycle: the order service stops while customers pay, the broker stops while
orders are paid and completed. Nothing is charged without an answer saying so, nothing is charged twice, and
every order converges to the state its payments say once the component is back."""
import threading
import uuid

from conftest import (assert_error, marketplace, new_admin, order_at, ok, pay, payments_of, review, set_status,
                      signed_in, wait_for_notices, wait_order)


def test_order_service_stopping_while_customers_pay_charges_each_order_once():
    customer, provider, admin = signed_in(1), signed_in(2), new_admin()
    orders = [order_at(customer, provider, admin, "completed") for _ in range(9)]
    keys = {n: "pay-" + uuid.uuid4().hex for n in orders}
    answers = {}

    def pay_all(batch):
        for n in batch:
            answers[n] = pay(customer, n, key=keys[n])

    pay_all(orders[:3])
    wait_order(customer, orders[0], payment_status="paid")
    during = threading.Thread(target=pay_all, args=(orders[3:6],))
    during.start()
    marketplace("service", "stop", "order")  # graceful: requests in flight finish, new ones are refused
    try:
        during.join()
        pay_all(orders[6:])
        # The review service needs the order service too: a clear 503, nothing written.
        assert_error(review(customer, orders[0], 5), 503, "order_unavailable")
    finally:
        marketplace("service", "start", "order")

    for n in orders[:3] + orders[6:]:
        assert answers[n].status_code == (200 if n in orders[:3] else 503), (n, answers[n].text)
    refused = [n for n in orders if answers[n].status_code != 200]
    for n in refused:
        body = assert_error(answers[n], 503, "order_unavailable")
        assert "nothing was charged" in body["error"]
        assert payments_of(customer, n) == []
    # Retried with the same key once the order service is back: charged now, and only now.
    for n in refused:
        paid = ok(pay(customer, n, key=keys[n]))
        assert paid["order_id"] == n
    for n in orders:
        wait_order(customer, n, timeout=60, payment_status="paid")
        assert len(payments_of(customer, n)) == 1, n
        assert "Idempotent-Replayed" in pay(customer, n, key=keys[n]).headers
    ok(review(customer, orders[0], 5))
    wait_order(customer, orders[0], status="reviewed")


def test_broker_stopping_mid_lifecycle_delays_but_every_order_converges():
    customer, provider, admin = signed_in(1), signed_in(2), new_admin()
    completed = [order_at(customer, provider, admin, "completed") for _ in range(3)]
    working = order_at(customer, provider, admin, "in_progress")
    marketplace("infra", "stop", "rabbitmq")
    try:
        # The services keep answering; the events wait in their outboxes.
        for n in completed:
            assert ok(pay(customer, n))["order_id"] == n
        ok(set_status(provider, working, "completed"))
        for n in completed:
            detail = ok(customer.get("/customer/orders/my/%d" % n))
            assert detail["payment_status"] == "unpaid", detail  # payment.completed not delivered yet
        assert_error(review(customer, completed[0], 4), 409, "order_not_paid")
    finally:
        marketplace("infra", "start", "rabbitmq")

    for n in completed:
        wait_order(customer, n, timeout=120, payment_status="paid")
    ok(pay(customer, working))
    wait_order(customer, working, timeout=60, payment_status="paid")
    ok(review(customer, completed[0], 4))
    wait_order(customer, completed[0], status="reviewed")
    for n in completed + [working]:
        assert len(payments_of(customer, n)) == 1, n
    expected = [(customer, "customer", "Order %d status updated to completed." % working),
                (provider, "provider", "Order %d status updated to completed." % working)]
    for n in completed + [working]:
        expected += [(customer, "customer", "Payment for order %d completed successfully." % n),
                     (provider, "provider", "Payment for order %d received." % n)]
    wait_for_notices(*expected, timeout=120)
