"""Schemathesis hooks of the `fuzz` label (loaded through SCHEMATHESIS_HOOKS=hooks; run.py passes the data).

- Safety: a destructive admin call (change or delete a user or an order, decide an order or a refund, send a
  notice) may only touch data this run created: a well-formed id in its path is swapped, just before the call,
  for one of the run's own (MP_FUZZ_DATA). Ids the API must refuse anyway (0, too large, not a number) are
  sent as generated, so refusals are still tested.
- Logouts revoke the caller's token: each is sent with a throwaway token of the same role, so the rest of
  the run keeps its identity.
- Allowed failures: allowed.txt lists failures that are not defects, each with its reason.
"""
import json
import os

import schemathesis
from schemathesis.transport.prepare import get_exclude_headers  # pinned version (requirements.txt)

MAX_ID = 9007199254740991
DATA = json.loads(os.environ.get("MP_FUZZ_DATA", "{}"))
LOGOUT_TOKENS = list(DATA.get("logout_tokens", []))

# (method, path) -> {path parameter: kind of the run's own ids}
DESTRUCTIVE = {
    ("PUT", "/api/v1/admin/users/{user_id}"): {"user_id": "users"},
    ("DELETE", "/api/v1/admin/users/{user_id}"): {"user_id": "users"},
    ("PUT", "/api/v1/admin/orders/{order_id}"): {"order_id": "orders"},
    ("DELETE", "/api/v1/admin/orders/{order_id}"): {"order_id": "orders"},
    ("POST", "/api/v1/admin/orders/{order_id}/approve"): {"order_id": "orders"},
    ("POST", "/api/v1/admin/refunds/{refund_id}/approve"): {"refund_id": "refunds"},
    ("POST", "/api/v1/admin/notifications/customer/{user_id}"): {"user_id": "users"},
    ("POST", "/api/v1/admin/notifications/provider/{user_id}"): {"user_id": "users"},
}


def load_allowed():
    """{(operation, failure code)} from allowed.txt: `METHOD /path | CODE | why` lines."""
    allowed = set()
    with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "allowed.txt")) as f:
        for line in f:
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            operation, code, reason = (part.strip() for part in line.split("|", 2))
            if not reason:
                raise ValueError("allowed.txt: %s %s has no reason" % (operation, code))
            allowed.add((operation, code))
    return allowed


ALLOWED = load_allowed()


def own_id(value, kind):
    ids = DATA.get(kind) or []
    try:
        number = int(value)
    except (TypeError, ValueError):
        return value
    if not ids or str(number) != str(value) or not 1 <= number <= MAX_ID:
        return value
    return ids[number % len(ids)]


@schemathesis.hook
def before_call(ctx, case, **kwargs):
    key = (case.operation.method.upper(), case.operation.path)
    for name, kind in DESTRUCTIVE.get(key, {}).items():
        if case.path_parameters and name in case.path_parameters:
            case.path_parameters[name] = own_id(case.path_parameters[name], kind)
    # (Not for a case that tests a missing Authorization header: giving it one would turn it into another.)
    if key == ("POST", "/api/v1/auth/logout") and LOGOUT_TOKENS and "Authorization" not in get_exclude_headers(case):
        token = LOGOUT_TOKENS.pop() if len(LOGOUT_TOKENS) > 1 else LOGOUT_TOKENS[0]
        case.headers = dict(case.headers or {}, Authorization="Bearer " + token)


@schemathesis.hook
def filter_failure(ctx, failure, case, response):
    operation = "%s %s" % (case.operation.method.upper(), case.operation.path)
    return (operation, failure.code) not in ALLOWED
