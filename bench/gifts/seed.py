#!/usr/bin/env python3
"""Seeds a running Spotlight for the gift benchmark: senders with funded wallets, creators, and the files wrk reads.

usage: seed.py BASE_URL ADMIN_EMAIL ADMIN_PASSWORD SENDERS CREATORS COINS OUT_DIR
Writes OUT_DIR/tokens.txt (one sender access token per line) and OUT_DIR/creators.txt (one creator id per line).
Everything goes through the public API: registration, role change by the admin, funding by admin adjustments."""
import json, sys, uuid, urllib.request
from concurrent.futures import ThreadPoolExecutor

base, admin_email, admin_password, senders, creators, coins, out = sys.argv[1:8]
senders, creators, coins = int(senders), int(creators), int(coins)


def call(method, path, body=None, token=None, headers=None):
    request = urllib.request.Request(base + path, method=method, data=None if body is None else json.dumps(body).encode())
    request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", "Bearer " + token)
    for key, value in (headers or {}).items():
        request.add_header(key, value)
    with urllib.request.urlopen(request, timeout=60) as response:
        text = response.read().decode()
        return json.loads(text) if text else None


admin = call("POST", "/api/v1/auth/login", {"email": admin_email, "password": admin_password})["accessToken"]
run = uuid.uuid4().hex[:6]


def register(i, kind):
    handle = f"b{kind}{run}_{i}"
    password = "Bench-" + uuid.uuid4().hex
    tokens = call("POST", "/api/v1/auth/register", {"email": f"{handle}@bench.example", "password": password, "handle": handle})
    return tokens["user"]["id"], tokens["accessToken"]


with ThreadPoolExecutor(16) as pool:
    made_creators = list(pool.map(lambda i: register(i, "c"), range(creators)))
    list(pool.map(lambda c: call("PUT", f"/api/v1/admin/users/{c[0]}/roles", {"roles": ["user", "creator"]}, admin), made_creators))
    made_senders = list(pool.map(lambda i: register(i, "s"), range(senders)))
    list(pool.map(lambda s: call("POST", f"/api/v1/admin/wallets/{s[0]}/adjustments", {"amount": coins, "reason": "benchmark funding"}, admin,
                                 {"Idempotency-Key": uuid.uuid4().hex}), made_senders))

with open(f"{out}/tokens.txt", "w") as f:
    f.write("\n".join(token for _, token in made_senders) + "\n")
with open(f"{out}/creators.txt", "w") as f:
    f.write("\n".join(user_id for user_id, _ in made_creators) + "\n")
print(f"seeded {senders} senders with {coins} coins each and {creators} creators")
