#!/usr/bin/env bash
# Matching benchmark (issue 11: 1,000 users joining a minute, p99 time to pair < 1 s). One Spotlight node on PostgreSQL
# with production durability (fsync, synchronous_commit and full_page_writes on), the load client
# (bench/matching/MatchBench, the official .NET SignalR client) on the same box.
#   USERS users sign up and connect to the hub first; then joins come at RATE a minute for DURATION s, evenly spaced by
#   the clock (open loop), each from the user idle longest. A pair stays matched 5-20 s, then one of them presses `next`
#   (re-queued: that join takes one of the schedule's slots) and the other, told by `matchEnded`, rejoins later. USERS/20
#   random blocks are seeded and checked. Prints p50/p95/p99/max from each join's POST to `matched` on that user's
#   connection, joins not matched within TIMEOUT s, pairing integrity (nobody in two matches at once, no blocked pair),
#   the load average before and after, the server's CPU.
# Usage: bench/matching/run.sh                                   (USERS=2000 RATE=1000 DURATION=120 TIMEOUT=10)
#        USERS=100 RATE=300 DURATION=20 bench/matching/run.sh    a smoke run
#        LIVEKIT_DELAY_MS=200 ...   the LiveKit stub answers `next`'s DeleteRoom after 200 ms (a LiveKit further away)
# Results (JSON) and the server's log go to bench/out/matching/. Run the full size alone on the box.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
out="$root/bench/out/matching"
mkdir -p "$out"
stamp=$(date -u +%Y%m%dT%H%M%SZ)
work=$(mktemp -d /tmp/spotlight-matching-bench-XXXXXX)
chmod 711 "$work" # the throwaway PostgreSQL runs as the postgres user and must reach its directory
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)" # a WebSocket per user on both sides

echo "== building Release" >&2
dotnet publish src/Spotlight -c Release -o "$work/app" >"$work/build.log" 2>&1 || { tail -n 30 "$work/build.log" >&2; exit 1; }
dotnet build bench/matching/MatchBench -c Release -warnaserror >>"$work/build.log" 2>&1 || { tail -n 30 "$work/build.log" >&2; exit 1; }

server_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null || true
  tools/pg-throwaway stop "$work/pg"; rm -rf "$work/pg/data"
}
trap cleanup EXIT
eval "$(PG_DURABLE=1 tools/pg-throwaway start "$work/pg")"
echo "PostgreSQL: $(psql "postgresql://postgres@127.0.0.1:$PG_PORT/postgres" -Atc "SELECT string_agg(name || '=' || setting, ' ') FROM pg_settings WHERE name IN ('fsync','synchronous_commit','full_page_writes','shared_buffers')")" >&2

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
connection="Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Database=postgres"
livekit_port=$(free_port)
# Production settings, except: cheap password hashing and no rate limits (the sign-ups come from one address; the
# per-user `match-queue` policy, 30 joins a minute, would refuse nothing here: a user joins at most once per 5 s stay).
# LiveKit is configured (tokens are minted locally); the only call matching makes, `next`'s DeleteRoom, is answered at
# once by a stub in MatchBench (--livekit-port), so a missing LiveKit does not hold `next` for its retries.
export ASPNETCORE_ENVIRONMENT=Production Database__Provider=postgres Email__Sender=file Admin__RequireTwoFactor=false
export ConnectionStrings__Default="$connection;Maximum Pool Size=200" Spotlight__DataDirectory="$work/data"
export Jwt__SigningKey=$(openssl rand -base64 32) Secrets__EncryptionKey=$(openssl rand -base64 32)
export Identity__PasswordHashIterations=1000 Logging__LogLevel__Default=Warning RateLimiting__Enabled=false
export LiveKit__Url=ws://127.0.0.1:$livekit_port LiveKit__ApiKey=APIbench LiveKit__ApiSecret=$(openssl rand -hex 32)
port=$(free_port)
base="http://127.0.0.1:$port"
(cd "$work/app" && exec dotnet Spotlight.dll --urls "$base" >"$out/server-$stamp.log" 2>&1) &
server_pid=$!
for _ in $(seq 1 60); do curl -fs "$base/health/ready" >/dev/null 2>&1 && break; sleep 1; done
curl -fs "$base/health/ready" >/dev/null || { tail -n 30 "$out/server-$stamp.log" >&2; exit 1; }

dotnet bench/matching/MatchBench/bin/Release/net10.0/MatchBench.dll --url "$base" --server-pid "$server_pid" --pg "$connection" \
  --livekit-port "$livekit_port" --users "${USERS:-2000}" --rate "${RATE:-1000}" --duration "${DURATION:-120}" \
  --timeout "${TIMEOUT:-10}" --livekit-delay-ms "${LIVEKIT_DELAY_MS:-0}" ${BLOCKS:+--blocks "$BLOCKS"} | tee "$out/results-$stamp.json"
echo "results: $out/results-$stamp.json, server log: $out/server-$stamp.log" >&2
