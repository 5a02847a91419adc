#!/usr/bin/env python3
"""Signs in to the admin console like a browser and times each page (time to the full response on loopback,
which is the server's time plus well under a millisecond). Usage: measure.py BASE_URL EMAIL PASSWORD USER_ID ACTOR_HANDLE
The money pages take what seed-ledger.sql made from the environment (run.sh sets it): BENCH_FAN (a fan's handle),
BENCH_FAN_ID, BENCH_FAN_BALANCE (their balance by the seed's arithmetic), BENCH_CREATOR (a creator's id),
BENCH_REVERSED (a reversed gift's id), BENCH_TX_MIDDLE (a transaction id halfway down the ledger), BENCH_DAY (a UTC day)."""
import base64, html as htmllib, http.client, os, re, statistics, sys, time, urllib.parse, uuid
from http.cookies import SimpleCookie

base, email, password, user_id, actor = sys.argv[1:6]
host = urllib.parse.urlparse(base)
connection = http.client.HTTPConnection(host.hostname, host.port, timeout=60)
cookies = {}

def request(method, path, body=None):
    headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())}
    if body is not None:
        body = urllib.parse.urlencode(body)
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    started = time.perf_counter()
    connection.request(method, path, body=body, headers=headers)
    response = connection.getresponse()
    data = response.read()
    elapsed = (time.perf_counter() - started) * 1000
    for header in response.headers.get_all("Set-Cookie") or []:
        cookie = SimpleCookie(); cookie.load(header)
        for key, morsel in cookie.items():
            cookies[key] = morsel.value
    return response.status, data.decode("utf-8", "replace"), elapsed, response.headers

status, html, _, _ = request("GET", "/admin/login")
token = re.search(r'name="__csrf" type="hidden" value="([^"]+)"', html).group(1)
status, _, _, headers = request("POST", "/admin/login", {"Email": email, "Password": password, "__csrf": token})
assert status == 302 and headers["Location"] == "/admin", f"sign-in failed: {status}"

middle = base64.urlsafe_b64encode(uuid.UUID(user_id).bytes).decode().rstrip("=")
env = os.environ
fan, fan_id, creator, reversed_gift, day = env["BENCH_FAN"], env["BENCH_FAN_ID"], env["BENCH_CREATOR"], env["BENCH_REVERSED"], env["BENCH_DAY"]
ledger_middle = base64.urlsafe_b64encode(uuid.UUID(env["BENCH_TX_MIDDLE"]).bytes).decode().rstrip("=")

# The seed is read the way the application reads it: the fan's balance on their page is the seed's arithmetic (so the
# seeded account ids are the wallet's), and the reconciliation the server ran at start-up found the books balanced.
status, page, _, _ = request("GET", f"/admin/users/{fan_id}")
shown = re.search(r'data-testid="wallet-balance">([^<]+)<', page).group(1)
assert shown == f"{int(env['BENCH_FAN_BALANCE']):,} coins", f"the fan's balance reads {shown}, the seed says {env['BENCH_FAN_BALANCE']}"
status, page, _, _ = request("GET", "/admin/money/reconciliation")
assert 'data-testid="ledger-status">balanced<' in page, "the start-up reconciliation of the seeded ledger is not balanced"
pages = [
    ("Dashboard", "/admin"),
    ("Users, first page", "/admin/users"),
    ("Users, a page in the middle (cursor)", f"/admin/users?cursor={middle}"),
    ("Users, search that matches one", "/admin/users?query=bench_54321%40"),
    ("Users, search that matches many", "/admin/users?query=bench_9"),
    ("Users, search that matches none", "/admin/users?query=nobody-at-all"),
    ("User page", f"/admin/users/{user_id}"),
    ("Audit log, first page", "/admin/audit"),
    ("Audit log, by actor", f"/admin/audit?actor={actor}"),
    ("Audit log, by action", "/admin/audit?action=user.banned"),
    ("Audit log, by target", f"/admin/audit?target={user_id}"),
    ("Audit log, one day", "/admin/audit?from=2026-06-01&to=2026-06-01"),
    ("Integrations", "/admin/settings"),
    ("System", "/admin/system"),
    ("Dashboard counters (JSON)", "/admin/dashboard.json"),
    ("Money, first page", "/admin/money"),
    ("Money, a page in the middle (cursor)", f"/admin/money?cursor={ledger_middle}"),
    ("Money, one type (common: gift)", "/admin/money?type=gift"),
    ("Money, one type (rare: reversal)", "/admin/money?type=reversal"),
    ("Money, one user (a fan)", f"/admin/money?user={fan}"),
    ("Money, one user (a creator, ~120 gifts)", f"/admin/money?user={creator}"),
    ("Money, one user and a rare type", f"/admin/money?user={creator}&type=payout_rejected"),
    ("Money, one day", f"/admin/money?from={day}&to={day}"),
    ("Money, one type on one day", f"/admin/money?type=adjustment&from={day}&to={day}"),
    ("Transaction page (a reversed gift)", f"/admin/money/transactions/{reversed_gift}"),
    ("Adjust a wallet (form)", f"/admin/money/adjust?user={fan_id}"),
    ("Reconciliation page", "/admin/money/reconciliation"),
    ("Payouts, pending", "/admin/payouts"),
    ("Payouts, paid", "/admin/payouts?status=paid"),
    ("User page of a creator (wallet card)", f"/admin/users/{creator}"),
]
print(f"| page | path | median ms | p95 ms | max ms |")
print(f"| --- | --- | ---: | ---: | ---: |")
for name, path in pages:
    times = []
    for i in range(35):
        status, body, elapsed, _ = request("GET", path)
        assert status == 200, f"{path}: {status}"
        if i >= 5:
            times.append(elapsed)
    times.sort()
    p95 = times[int(len(times) * 0.95) - 1]
    print(f"| {name} | `{path[:60]}` | {statistics.median(times):.1f} | {p95:.1f} | {times[-1]:.1f} |", flush=True)

# "Run now" on the reconciliation page: one POST (a full reconciliation of the ledger), then the page it redirects to.
status, page, _, _ = request("GET", "/admin/money/reconciliation")
token = htmllib.unescape(re.search(r'name="__csrf" type="hidden" value="([^"]+)"', page).group(1))
status, _, elapsed, headers = request("POST", "/admin/money/reconciliation?handler=Run", {"__csrf": token})
assert status == 302, f"run now: {status}"
status, page, _, _ = request("GET", headers["Location"])
assert 'data-testid="ledger-status">balanced<' in page, "run now did not find the seeded ledger balanced"
took = re.search(r'<dt>Took</dt><dd>([^<]+)</dd>', page).group(1)
print(f"\nReconciliation \"Run now\" (POST, full reconciliation, then redirect): {elapsed:.0f} ms; the reconciler's own time: {took}.")
