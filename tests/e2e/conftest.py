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

GATEWAY = os.environ.get("MP_GATEWAY_URL", "http://127.0.0.1:18080")
MARKETPLACE = os.environ.get("MP_MARKETPLACE", "./marketplace")
JWT_SECRET = os.environ.get("MP_JWT_SECRET", "")


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


def make_jwt(claims, secret=None, header=None):
    header = header or {"alg": "HS256", "typ": "JWT"}
    signing_input = b64url(json.dumps(header).encode()) + "." + b64url(json.dumps(claims).encode())
    key = (secret if secret is not None else JWT_SECRET).encode()
    signature = hmac.new(key, signing_input.encode(), hashlib.sha256).digest()
    return signing_input + "." + b64url(signature)


def marketplace(*args):
    return subprocess.run([MARKETPLACE, *args], capture_output=True, text=True, timeout=120)


def wait_until(check, timeout=30.0, interval=0.2):
    deadline = time.time() + timeout
    while True:
        result = check()
        if result:
            return result
        if time.time() > deadline:
            raise AssertionError("condition not met within %.0f s" % timeout)
        time.sleep(interval)


@pytest.fixture(scope="session")
def admin():
    """An admin account created the operator's way: ./marketplace admin create."""
    name = unique("admin")
    account = {"username": name, "email": name + "@example.com", "password": "admin password 123"}
    result = marketplace("admin", "create", "--instance", "test", "--username", account["username"],
                         "--email", account["email"], "--password", account["password"])
    assert result.returncode == 0, result.stdout + result.stderr
    client = Client()
    tokens = login(client, account)
    client.token = tokens["access_token"]
    account["client"] = client
    return account


@pytest.fixture
def client():
    return Client()
