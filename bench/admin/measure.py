#!/usr/bin/env python3
"""Signs in to the admin console like a browser and times each page (time to the full response on loopback,
which is the server's time plus well under a millisecond). Usage: measure.py BASE_URL EMAIL PASSWORD USER_ID ACTOR_HANDLE"""
import base64, http.client, re, statistics, sys, time, urllib.parse, uuid
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
