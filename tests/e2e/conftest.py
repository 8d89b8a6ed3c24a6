"""Shared helpers for the end-to-end tests: they talk to the gateway of the `test` instance that
`./marketplace test` starts (MP_GATEWAY_URL), with real auth, MariaDB, Redis and RabbitMQ behind it."""
import base64
import hashlib
import hmac
import json
import os
import subprocess
import time
import uuid

import pytest
import requests
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

GATEWAY = os.environ.get("MP_GATEWAY_URL", "http://127.0.0.1:18080")
MARKETPLACE = os.environ.get("MP_MARKETPLACE", "./marketplace")
INSTANCE = os.environ.get("MP_E2E_INSTANCE", "test")  # the instance ./marketplace controls for the tests
# Auth's token signing key (only auth and these tests hold it) and the claims every verifier checks.
JWT_PRIVATE_KEY = os.environ.get("MP_JWT_PRIVATE_KEY", "")
JWT_ISSUER = os.environ.get("MP_JWT_ISSUER", "marketplace-auth")
JWT_AUDIENCE = os.environ.get("MP_JWT_AUDIENCE", "marketplace-api")


def api(path):
    return GATEWAY + "/api/v1" + path


class Client:
    """One simulated client: its own address (X-Forwarded-For; the test gateway trusts 127.0.0.1) so
    per-address rate limits of different tests never interfere."""

    def __init__(self, token=None):
        self.session = requests.Session()
        self.address = "10.%d.%d.%d" % tuple(uuid.uuid4().bytes[:3])
        self.token = token

    def request(self, method, path, token=None, headers=None, **kwargs):
        h = {"X-Forwarded-For": self.address}
        tok = token if token is not None else self.token
        if tok:
            h["Authorization"] = "Bearer " + tok
        h.update(headers or {})
        return self.session.request(method, api(path), headers=h, timeout=15, **kwargs)

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, **kw):
        return self.request("POST", path, **kw)

    def put(self, path, **kw):
        return self.request("PUT", path, **kw)

    def delete(self, path, **kw):
        return self.request("DELETE", path, **kw)


def unique(prefix):
    return "%s_%s" % (prefix, uuid.uuid4().hex[:10])


def new_account(role_id=1):
    name = unique("user")
    return {"username": name, "email": name + "@example.com", "password": "correct horse battery", "role_id": role_id}


def register(client, role_id=1):
    account = new_account(role_id)
    r = client.post("/auth/register", json=account)
    assert r.status_code == 200, r.text
    account["id"] = r.json()["data"]["id"]
    return account


def login(client, account):
    r = client.post("/auth/login", json={"email": account["email"], "password": account["password"]})
    assert r.status_code == 200, r.text
    return r.json()["data"]


def assert_error(response, status, code=None):
    assert response.status_code == status, "%s %s" % (response.status_code, response.text)
    body = response.json()
    assert body["success"] is False and body["data"] is None, body
    assert isinstance(body["error"], str) and body["error"], body
    if code:
        assert body["code"] == code, body
    return body


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64url_decode(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def new_signing_key():
    """A fresh Ed25519 private key in the settings' form (base64url of the 32-byte seed): not auth's."""
    from cryptography.hazmat.primitives.serialization import NoEncryption, PrivateFormat
    key = Ed25519PrivateKey.generate()
    return b64url(key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption()))


def make_jwt(claims, private_key=None, header=None):
    """An EdDSA token signed with auth's key (MP_JWT_PRIVATE_KEY) unless another is given; `iss` and `aud`
    are ours unless `claims` says otherwise. The header names the key's RFC 7638 thumbprint."""
    key = Ed25519PrivateKey.from_private_bytes(b64url_decode(private_key or JWT_PRIVATE_KEY))
    public = b64url(key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw))
    kid = b64url(hashlib.sha256(('{"crv":"Ed25519","kty":"OKP","x":"%s"}' % public).encode()).digest())
    header = header or {"alg": "EdDSA", "typ": "JWT", "kid": kid}
    claims = {"iss": JWT_ISSUER, "aud": JWT_AUDIENCE, **claims}
    signing_input = b64url(json.dumps(header).encode()) + "." + b64url(json.dumps(claims).encode())
    return signing_input + "." + b64url(key.sign(signing_input.encode()))


def make_hmac_jwt(claims, secret, header=None):
    """An HS256 token: what an attacker makes with a shared secret, or with our public key as one."""
    header = header or {"alg": "HS256", "typ": "JWT"}
    signing_input = b64url(json.dumps(header).encode()) + "." + b64url(json.dumps(claims).encode())
    signature = hmac.new(secret, signing_input.encode(), hashlib.sha256).digest()
    return signing_input + "." + b64url(signature)


def marketplace(*args):
    """Runs `./marketplace <args> --instance test`, which must succeed; returns the completed process."""
    result = subprocess.run([MARKETPLACE, *args, "--instance", INSTANCE], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def process_alive(pid):
    """False once the process is gone or a zombie (a killed service whose parent has not reaped it yet)."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(")", 1)[1].split()[0] not in ("Z", "X")
    except OSError:
        return False


def wait_until(check, timeout=30.0, interval=0.2):
    deadline = time.time() + timeout
    while True:
        result = check()
        if result:
            return result
        if time.time() > deadline:
            raise AssertionError("condition not met within %.0f s" % timeout)
        time.sleep(interval)


def ok(response):
    """The `data` of a successful answer (asserts the envelope)."""
    assert response.status_code == 200, "%s %s" % (response.status_code, response.text)
    body = response.json()
    assert body["success"] is True and body["error"] is None, body
    return body["data"]


def signed_in(role_id):
    """A freshly registered, signed-in customer (1) or provider (2): a Client with .account, .token, .id."""
    client = Client()
    client.account = register(client, role_id)
    client.token = login(client, client.account)["access_token"]
    client.id = client.account["id"]
    return client


def new_admin():
    """A fresh admin (its own rate-limit budget), created the operator's way."""
    name = unique("admin")
    account = {"username": name, "email": name + "@example.com", "password": "admin password 123"}
    marketplace("admin", "create", "--username", name, "--email", account["email"], "--password", account["password"])
    client = Client()
    client.account = account
    client.token = login(client, account)["access_token"]
    client.id = ok(client.get("/auth/me"))["id"]
    return client


# Orders: a valid publish body and the steps of the lifecycle.
ORDER = {
    "title": "Fix the kitchen sink",
    "description": "The tap leaks",
    "service_type": "cleaning_repair",
    "price": 200.0,
    "location": "NORTH",
    "address": "1 Main Street",
    "service_start_time": "2030-01-02T09:00:00Z",
    "service_end_time": "2030-01-02T11:00:00Z",
}


def publish(customer, **changes):
    body = dict(ORDER, **changes)
    data = ok(customer.post("/customer/orders/publish", json=body))
    assert data["status"] == "pending_review"
    assert data["message"] == "You have successfully published the order: %d." % data["order_id"]
    return data["order_id"]


def approve(admin, order_id):
    data = ok(admin.post("/admin/orders/%d/approve" % order_id, json={"approved": True}))
    assert data == {"order_id": order_id, "status": "pending", "message": "Order approved successfully"}


def accept(provider, order_id):
    return provider.post("/provider/orders/accept/%d" % order_id)


def set_status(provider, order_id, status):
    return provider.post("/provider/orders/status/%d" % order_id, json={"new_status": status})


def order_at(customer, provider, admin, status, **changes):
    """An order of `customer` brought to `status` (provider accepts where needed)."""
    order_id = publish(customer, **changes)
    path = ["pending", "accepted", "in_progress", "completed"]
    if status == "pending_review":
        return order_id
    approve(admin, order_id)
    for step in path[1:path.index(status) + 1] if status in path else []:
        if step == "accepted":
            ok(accept(provider, order_id))
        else:
            ok(set_status(provider, order_id, step))
    return order_id


# Inboxes (filled asynchronously from events: poll, with a deadline).
def inbox_items(client, kind, limit=200, offset=0):
    r = client.get("/%s/inbox" % kind, params={"limit": limit, "offset": offset})
    if r.status_code != 200:
        return None  # e.g. 503 while the notification service restarts
    return r.json()["data"]["items"]


def inbox_messages(client, kind):
    items = inbox_items(client, kind)
    return None if items is None else [item["message"] for item in items]


def wait_for_notice(client, kind, text, timeout=30):
    """Polls the inbox until `text` is there, then checks it is there exactly once."""
    wait_for_notices((client, kind, text), timeout=timeout)


def wait_for_notices(*expected, timeout=30):
    """wait_for_notice for several (client, kind, text): each inbox is polled until all its texts are there
    (one read per poll per inbox, however many texts), then each text must be there exactly once."""
    inboxes = {}
    for client, kind, text in expected:
        inboxes.setdefault((id(client), kind), (client, kind, []))[2].append(text)
    for client, kind, texts in inboxes.values():
        def arrived():
            messages = inbox_messages(client, kind)
            return messages if messages and all(t in messages for t in texts) else None
        messages = wait_until(arrived, timeout=timeout, interval=0.3)
        for text in texts:
            assert messages.count(text) == 1, (text, messages)


def inbox_all(client, kind):
    """Every item of the inbox, newest first (pages of 200); None while the inbox cannot be read."""
    items, offset = [], 0
    while True:
        page = inbox_items(client, kind, limit=200, offset=offset)
        if page is None:
            return None
        items += page
        if len(page) < 200:
            return items
        offset += 200


def order_messages(client, kind, order_id):
    """The inbox texts about one order, sorted (for comparing with the exact expected set)."""
    items = inbox_all(client, kind)
    return None if items is None else sorted(i["message"] for i in items if i["order_id"] == order_id)


def wait_order(customer, order_id, timeout=30, **expected):
    """Polls the customer's view of the order until every `expected` field has its value."""
    def check():
        r = customer.get("/customer/orders/my/%d" % order_id)
        if r.status_code != 200:
            return None
        data = r.json()["data"]
        return data if all(data[k] == v for k, v in expected.items()) else None
    return wait_until(check, timeout=timeout, interval=0.3)


def wait_profile(client, kind, timeout=30):
    """The caller's customer or provider profile, once the user.registered consumer created it."""
    def check():
        r = client.get("/%s/profile" % kind)
        return r.json()["data"] if r.status_code == 200 else None
    return wait_until(check, timeout=timeout, interval=0.3)


# Payments and reviews.
def pay(customer, order_id, key=None):
    return customer.post("/customer/payments/pay", json={"order_id": order_id},
                         headers={"Idempotency-Key": key} if key is not None else None)


def review(customer, order_id, stars, content=None):
    body = {"order_id": order_id, "stars": stars}
    if content is not None:
        body["content"] = content
    return customer.post("/reviews", json=body)


def payments_of(customer, order_id):
    """The customer's payments of one order, from the payment history."""
    return [p for p in ok(customer.get("/customer/payments", params={"limit": 200})) if p["order_id"] == order_id]


def paid_order(customer, provider, admin, **changes):
    """A completed order of `customer`, done by `provider`, paid, with payment_status `paid` seen."""
    order_id = order_at(customer, provider, admin, "completed", **changes)
    ok(pay(customer, order_id))
    wait_order(customer, order_id, payment_status="paid")
    return order_id


@pytest.fixture(scope="session")
def admin():
    """An admin account created the operator's way: ./marketplace admin create."""
    name = unique("admin")
    account = {"username": name, "email": name + "@example.com", "password": "admin password 123"}
    marketplace("admin", "create", "--username", account["username"], "--email", account["email"],
                "--password", account["password"])
    client = Client()
    tokens = login(client, account)
    client.token = tokens["access_token"]
    account["client"] = client
    return account


@pytest.fixture
def client():
    return Client()
