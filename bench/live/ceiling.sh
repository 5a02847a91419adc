#!/usr/bin/env bash
# The ceiling of bench/live's gifts phase on this box: bench/live/BareHub (ASP.NET Core + SignalR, a hub and a POST that
# sends a same-size `gift` to a group, nothing else) under the same load client, receiver and pinning as run.sh.
# Usage: bench/live/ceiling.sh        (VIEWERS=2000 RATE=50 DURATION=60 RECEIVER=raw)
# Pinning: with taskset and at least 2 cores, the server runs on core 0 and the client on core 1 (SERVER_CPUS, CLIENT_CPUS, PIN=0: bench/live/common.sh).
source "$(dirname "$0")/common.sh"
echo "== building Release" >&2
dotnet build bench/live/BareHub -c Release >/tmp/barehub-build.log 2>&1 || { tail -n 30 /tmp/barehub-build.log >&2; exit 1; }
dotnet build bench/live/LiveBench -c Release -warnaserror >>/tmp/barehub-build.log 2>&1 || { tail -n 30 /tmp/barehub-build.log >&2; exit 1; }
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
base="http://127.0.0.1:$port"
$server_pin dotnet bench/live/BareHub/bin/Release/net10.0/BareHub.dll --urls "$base" >"$out/barehub-$stamp.log" 2>&1 &
server_pid=$!
trap 'kill "$server_pid" 2>/dev/null; wait "$server_pid" 2>/dev/null || true' EXIT
for _ in $(seq 1 30); do curl -fs -X POST "$base/hubs/bench/negotiate?negotiateVersion=1" >/dev/null 2>&1 && break; sleep 0.5; done
$client_pin dotnet bench/live/LiveBench/bin/Release/net10.0/LiveBench.dll --target bare --url "$base" --server-pid "$server_pid" \
  --receiver "${RECEIVER:-raw}" --viewers "${VIEWERS:-2000}" --rate "${RATE:-50}" --duration "${DURATION:-60}" \
  | tee "$out/ceiling-$stamp.json"
echo "results: $out/ceiling-$stamp.json" >&2
