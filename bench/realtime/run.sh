#!/usr/bin/env bash
# Realtime benchmark (docs/performance-realtime.md): one Spotlight node on PostgreSQL, the load client on the same box.
#   bench/realtime/run.sh                      all three phases with the issue's figures
#   bench/realtime/run.sh --phases latency     one phase (connections, latency, fanout); other RealtimeBench options pass through
# Prints the results as JSON and keeps them, with the server's log, in bench/out/realtime/.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
out="$root/bench/out/realtime"
mkdir -p "$out"
stamp=$(date -u +%Y%m%dT%H%M%SZ)

# 10,000 WebSockets take 10,000 descriptors in the server and as many in the client, plus PostgreSQL connections and
# files: raise the soft limit to the hard one (and try 65,536).
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
echo "file descriptors per process: $(ulimit -n)" >&2

pg_dir=$(mktemp -d /tmp/spotlight-bench-pg-XXXXXX)
eval "$(tools/pg-throwaway start "$pg_dir")"
server_pid=""
data=""
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  tools/pg-throwaway stop "$pg_dir"
  rm -rf "$pg_dir" ${data:+"$data"}
}
trap cleanup EXIT

# The throwaway cluster starts with fsync off (fast tests); measure with commits as durable as production unless told not to.
if [ "${BENCH_PG_DURABLE:-1}" = 1 ]; then
  psql -q -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres \
    -c "ALTER SYSTEM SET fsync = on" -c "ALTER SYSTEM SET synchronous_commit = on" -c "ALTER SYSTEM SET full_page_writes = on" \
    -c "SELECT pg_reload_conf()" >/dev/null
fi
psql -q -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -c "CREATE DATABASE spotlight_bench" >/dev/null

dotnet build src/Spotlight -c Release -warnaserror >"$out/build-$stamp.log" 2>&1
dotnet build bench/realtime/RealtimeBench -c Release -warnaserror >>"$out/build-$stamp.log" 2>&1

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
data=$(mktemp -d /tmp/spotlight-bench-data-XXXXXX)
# Production settings, except: cheap password hashing (10,000 accounts are registered first) and no per-user REST rate
# limit (the setup calls come from one address). The hub's own limits stay on.
(
  cd "$data"
  ASPNETCORE_ENVIRONMENT=Production Email__Sender=file \
  ASPNETCORE_URLS="http://127.0.0.1:$port" \
  Database__Provider=postgres \
  ConnectionStrings__Default="Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Database=spotlight_bench;Maximum Pool Size=100" \
  Spotlight__DataDirectory="$data" \
  Jwt__SigningKey="$(openssl rand -base64 32)" \
  Secrets__EncryptionKey="$(openssl rand -base64 32)" \
  Identity__PasswordHashIterations=1000 \
  RateLimiting__Enabled=false \
  Logging__LogLevel__Default=Warning \
  exec dotnet "$root/src/Spotlight/bin/Release/net10.0/Spotlight.dll"
) >"$out/server-$stamp.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 120); do
  curl -fs "http://127.0.0.1:$port/health/ready" >/dev/null 2>&1 && break
  sleep 0.5
done
curl -fs "http://127.0.0.1:$port/health/ready" >/dev/null || { tail -n 30 "$out/server-$stamp.log" >&2; exit 1; }

dotnet bench/realtime/RealtimeBench/bin/Release/net10.0/RealtimeBench.dll --url "http://127.0.0.1:$port" --server-pid "$server_pid" "$@" \
  | tee "$out/results-$stamp.json"
echo "results: $out/results-$stamp.json, server log: $out/server-$stamp.log" >&2
