#!/usr/bin/env bash
# Live benchmark (issue 11): one Spotlight node on PostgreSQL with production durability (fsync, synchronous_commit and
# full_page_writes on), the load client (bench/live/LiveBench) on the same box: RECEIVER=raw (default; bare WebSockets
# that scan each record for the gift's id and time, so the client costs little) or RECEIVER=signalr (the official .NET
# client, a JSON document per message). With taskset and 2+ cores the server is pinned to core 0 and the client to core 1
# (bench/live/common.sh; PIN=0 turns it off). bench/live/ceiling.sh runs the same load against a bare SignalR app.
#   gifts:       one live with VIEWERS hub viewers (JoinLive), RATE gifts/s into it for DURATION s; every viewer must
#                receive every gift: prints p50/p95/p99 from the gift's ledger time (its transaction, just before commit)
#                to receipt, lost and duplicated deliveries, the load average before and after, the server's CPU.
#   leaderboard: USERS scored users seeded with SQL (0.1 % banned), p50/p95/p99 of the top 50 (signed out) and of the
#                read with `me` for callers at ranks 1, 100, 10,000, USERS/2 and USERS (READS reads each, one at a time).
# Usage: bench/live/run.sh                       (VIEWERS=2000 RATE=50 DURATION=60 USERS=1000000 READS=500 PHASES=gifts,leaderboard RECEIVER=raw)
#        VIEWERS=50 DURATION=5 USERS=10000 READS=50 bench/live/run.sh      a smoke run
# Results (JSON) and the server's log go to bench/out/live/. Run the full size alone on the box.
source "$(dirname "$0")/common.sh"
work=$(mktemp -d /tmp/spotlight-live-bench-XXXXXX)
chmod 711 "$work" # the throwaway PostgreSQL runs as the postgres user and must reach its directory

echo "== building Release" >&2
dotnet publish src/Spotlight -c Release -o "$work/app" >"$work/build.log" 2>&1 || { tail -n 30 "$work/build.log" >&2; exit 1; }
dotnet build bench/live/LiveBench -c Release -warnaserror >>"$work/build.log" 2>&1 || { tail -n 30 "$work/build.log" >&2; exit 1; }

server_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null || true
  tools/pg-throwaway stop "$work/pg"; rm -rf "$work/pg/data"
}
trap cleanup EXIT
eval "$(PG_DURABLE=1 tools/pg-throwaway start "$work/pg")"
echo "PostgreSQL: $(psql "postgresql://postgres@127.0.0.1:$PG_PORT/postgres" -Atc "SELECT string_agg(name || '=' || setting, ' ') FROM pg_settings WHERE name IN ('fsync','synchronous_commit','full_page_writes','shared_buffers')")" >&2

connection="Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Database=postgres"
# Production settings, except: cheap password hashing and no rate limits (the set-up comes from one address), a LiveKit
# that is configured (tokens are minted locally) but never asked: the watch is off, so the live is not ended as unreachable.
export ASPNETCORE_ENVIRONMENT=Production Database__Provider=postgres Email__Sender=file Admin__RequireTwoFactor=false
export ConnectionStrings__Default="$connection;Maximum Pool Size=200" Spotlight__DataDirectory="$work/data"
export Jwt__SigningKey=$(openssl rand -base64 32) Secrets__EncryptionKey=$(openssl rand -base64 32)
export Identity__PasswordHashIterations=1000 Logging__LogLevel__Default=Warning RateLimiting__Enabled=false
export LiveKit__Url=ws://127.0.0.1:9 LiveKit__ApiKey=APIbench LiveKit__ApiSecret=$(openssl rand -hex 32)
export Live__WatchIntervalSeconds=3600 Live__UnreachableTimeoutSeconds=86400 Live__AbsentTimeoutSeconds=86400
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
base="http://127.0.0.1:$port"
admin_email="bench-admin@example.com"
admin_password="Bench-$(openssl rand -hex 12)"
echo "$admin_password" | (cd "$work/app" && dotnet Spotlight.dll admin create --email "$admin_email" --handle bench_admin --password-stdin >/dev/null)
(cd "$work/app" && exec $server_pin dotnet Spotlight.dll --urls "$base" >"$out/server-$stamp.log" 2>&1) &
server_pid=$!
for _ in $(seq 1 60); do curl -fs "$base/health/ready" >/dev/null 2>&1 && break; sleep 1; done
curl -fs "$base/health/ready" >/dev/null || { tail -n 30 "$out/server-$stamp.log" >&2; exit 1; }

$client_pin dotnet bench/live/LiveBench/bin/Release/net10.0/LiveBench.dll --receiver "${RECEIVER:-raw}" --url "$base" --server-pid "$server_pid" --pg "$connection" \
  --admin-email "$admin_email" --admin-password "$admin_password" --viewers "${VIEWERS:-2000}" --rate "${RATE:-50}" \
  --duration "${DURATION:-60}" --users "${USERS:-1000000}" --reads "${READS:-500}" --phases "${PHASES:-gifts,leaderboard}" \
  | tee "$out/results-$stamp.json"
echo "results: $out/results-$stamp.json, server log: $out/server-$stamp.log" >&2
