"""Revocation markers Redis lost (a restart without persistence, an outage while auth published them) are
written again by auth from MySQL: a logged-out token and a deleted user's token stop working again within
one restore round (MP_REVOCATION_RESTORE_INTERVAL_S, 2 s in instance test)."""
import base64
import json
import os
import subprocess

from conftest import assert_error, login, new_admin, ok, signed_in, wait_until


def redis(*args):
    result = subprocess.run(["redis-cli", "--no-auth-warning", "-p", os.environ["MP_REDIS_PORT"],
                             "-a", os.environ["MP_REDIS_PASSWORD"], *args],
                            capture_output=True, text=True, timeout=10)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def claims(token):
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def revoked(client, token):
    """True once the token is refused again (the order service trusts the gateway's Redis check)."""
    r = client.get("/customer/orders", token=token)
    return r.status_code == 401 and r.json()["code"] == "token_revoked"


def test_a_logged_out_token_lost_from_redis_is_revoked_again():
    customer = signed_in(1)
    tokens = login(customer, customer.account)
    out = customer.post("/auth/logout", token=tokens["access_token"], json={"refresh_token": tokens["refresh_token"]})
    assert out.status_code == 200, out.text
    assert revoked(customer, tokens["access_token"])

    key = "auth:jti:" + claims(tokens["access_token"])["jti"]
    assert redis("DEL", key) == "1"  # what a Redis restart without persistence does
    wait_until(lambda: revoked(customer, tokens["access_token"]), timeout=20, interval=0.5)
    assert redis("EXISTS", key) == "1"


def test_a_deleted_users_token_lost_from_redis_is_revoked_again():
    admin, victim = new_admin(), signed_in(1)
    ok(victim.get("/customer/orders"))
    ok(admin.delete("/admin/users/%d" % victim.id))
    assert_error(victim.get("/customer/orders"), 401, "token_revoked")

    key = "auth:tv:%d" % victim.id
    assert redis("DEL", key) == "1"
    wait_until(lambda: revoked(victim, victim.token), timeout=20, interval=0.5)
    assert int(redis("GET", key)) == 2 ** 63 - 1
