#!/usr/bin/env bash
# Gift benchmark: builds Release, starts Spotlight on a throwaway PostgreSQL (tools/pg-throwaway) or on SQLite, seeds
# senders and creators through the API, drives gifts with wrk at 64 connections (many creators, then one hot creator),
# checks after each run that the ledger reconciles, then times the reconciliation of 1,000,000+ ledger entries.
# Usage: bench/gifts/run.sh [postgres|sqlite]     (DURATION=30s SENDERS=1000 CREATORS=100 CONNECTIONS=64)
# Exits non-zero when a run is unbalanced, when gifts failed with anything but 201, or when a step fails.
set -euo pipefail
provider=${1:-postgres}
duration=${DURATION:-30s}
senders=${SENDERS:-1000}
creators=${CREATORS:-100}
connections=${CONNECTIONS:-64}
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d /tmp/spotlight-wallet-bench-XXXXXX)
chmod 711 "$work" # the throwaway PostgreSQL runs as the postgres user and must reach its directory
results="$work/results.txt"
cd "$root"
command -v wrk >/dev/null || { apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }

echo "== building Release"
dotnet publish src/Spotlight -c Release -o "$work/app" >"$work/build.log" 2>&1 || { tail -n 30 "$work/build.log"; exit 1; }

server_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null || true
  if [ "$provider" = postgres ]; then tools/pg-throwaway stop "$work/pg"; rm -rf "$work/pg/data"; fi
}
trap cleanup EXIT

export ASPNETCORE_ENVIRONMENT=Production Email__Sender=file # Production refuses to start without a mail sender; a bench box has none
export Admin__RequireTwoFactor=false # the seeding admin has no authenticator; production keeps the default
export Spotlight__DataDirectory="$work/data"
export Jwt__SigningKey=$(openssl rand -base64 32) Secrets__EncryptionKey=$(openssl rand -base64 32)
export Payments__Sandbox__WebhookSecret="whsec_bench_$(openssl rand -hex 16)"
export Identity__PasswordHashIterations=1000
export RateLimiting__Tiers__free=10000000 RateLimiting__Tiers__creator=10000000 RateLimiting__Anonymous=10000000
export RateLimiting__Policies__register__Limit=10000000 RateLimiting__Policies__login__Limit=10000000
# A setting whose name has a hyphen cannot be exported by bash; env passes it.
# Run from the published folder: it is the content root, where appsettings.json (gift catalog, packages) lives.
spotlight() { (cd "$work/app" && exec env 'RateLimiting__Policies__login-email__Limit=10000000' dotnet Spotlight.dll "$@"); }
export Logging__LogLevel__Default=Warning
if [ "$provider" = postgres ]; then
  eval "$(tools/pg-throwaway start "$work/pg")"
  export Database__Provider=postgres
  export ConnectionStrings__Default="Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Database=postgres;Maximum Pool Size=200"
  psql_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)/psql
else
  export Database__Provider=sqlite
fi

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
base="http://127.0.0.1:$port"
admin_email="bench-admin@example.com"
admin_password="Bench-$(openssl rand -hex 12)"
echo "$admin_password" | spotlight admin create --email "$admin_email" --handle bench_admin --password-stdin >/dev/null
# exec all the way down, so that $! is the server itself and the trap can stop it.
(cd "$work/app" && exec env 'RateLimiting__Policies__login-email__Limit=10000000' dotnet Spotlight.dll --urls "$base" >"$work/server.log" 2>&1) &
server_pid=$!
for _ in $(seq 1 60); do curl -fs "$base/health/ready" >/dev/null 2>&1 && break; sleep 1; done
curl -fs "$base/health/ready" >/dev/null || { tail -n 30 "$work/server.log"; exit 1; }

admin_token() { curl -fs "$base/api/v1/auth/login" -H 'Content-Type: application/json' -d "{\"email\":\"$admin_email\",\"password\":\"$admin_password\"}" | jq -r .accessToken; }
reconcile() {
  curl -fsS --max-time 120 "$base/api/v1/admin/ledger/reconciliation" -H "Authorization: Bearer $(admin_token)" \
    || { echo "reconciliation call failed; server log:" >&2; tail -n 20 "$work/server.log" >&2; return 1; }
}

# CPU time (user + system, in clock ticks) the server process has used so far.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$server_pid/stat"; }

scenario() { # name creators
  local name=$1 count=$2 dir="$work/$1"
  mkdir -p "$dir"
  echo "== seeding $senders senders and $count creator(s) for '$name'"
  python3 bench/gifts/seed.py "$base" "$admin_email" "$admin_password" "$senders" "$count" 100000000 "$dir"
  echo "== $name: warm-up (5 s, not counted)"
  BENCH_DIR="$dir" wrk -t2 -c"$connections" -d5s --timeout 10s -s bench/gifts/gifts.lua "$base" >/dev/null
  sleep 10 # the warm-up's requests still in flight when it stopped must land before the count is taken
  local before; before=$(reconcile | jq .transactions)
  local cpu_before; cpu_before=$(cpu_ticks)
  echo "== $name: wrk -t2 -c$connections -d$duration (load average before: $(cut -d' ' -f1-3 /proc/loadavg))"
  if [ -n "${TRACE:-}" ]; then # TRACE=dir: a 15 s CPU-sampling trace of the server during each run (dotnet-trace)
    mkdir -p "$TRACE" && dotnet-trace collect -p "$server_pid" --profile dotnet-sampled-thread-time --duration 00:00:00:15 \
      -o "$TRACE/$name.nettrace" >"$dir/trace.log" 2>&1 &
    trace_pid=$!
  fi
  BENCH_DIR="$dir" wrk -t2 -c"$connections" -d"$duration" --latency --timeout 10s -s bench/gifts/gifts.lua "$base" | tee "$dir/wrk.txt"
  [ -z "${trace_pid:-}" ] || wait "$trace_pid"
  local cpu_ms=$(( ($(cpu_ticks) - cpu_before) * 1000 / $(getconf CLK_TCK) ))
  sleep 10 # requests still in flight when wrk stopped finish on the server
  local report; report=$(reconcile)
  local balanced gifts created other
  balanced=$(echo "$report" | jq .balanced)
  gifts=$(( $(echo "$report" | jq .transactions) - before ))
  created=$(grep -E '^status 201:' "$dir/wrk.txt" | awk '{print $3}'); created=${created:-0}
  other=$(grep -E '^status ' "$dir/wrk.txt" | { grep -v '^status 201:' || true; } | awk '{s+=$3} END {print s+0}')
  echo "$provider $name: $(grep -E '^rps' "$dir/wrk.txt" | awk '{print $2}') gifts/s, p50 $(grep p50_ms "$dir/wrk.txt" | awk '{print $2}') ms, p99 $(grep p99_ms "$dir/wrk.txt" | awk '{print $2}') ms, 201: $created, other: $other, ledger transactions added: $gifts, balanced: $balanced, server CPU per gift: $(( created > 0 ? cpu_ms * 1000 / created : 0 )) µs, load average after: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$results"
  [ "$balanced" = true ] || { echo "UNBALANCED: $report"; exit 1; }
  [ "$other" -eq 0 ] || { echo "FAILED REQUESTS in $name: $other"; failures=$((failures + other)); }
  # wrk stops counting at the deadline while up to one request per connection is still being served: those commit too.
  [ "$gifts" -ge "$created" ] && [ "$gifts" -le $(( created + connections )) ] || { echo "ledger has $gifts new transactions for $created gifts"; exit 1; }
}

failures=0
scenario many-creators "$creators"
scenario hot-creator 1

# Baseline for "where the time goes": what a request costs the server before any money moves.
echo "== baseline: GET /api/v1/wallet"
cpu_before=$(cpu_ticks)
BENCH_DIR="$work/hot-creator" wrk -t2 -c"$connections" -d10s --latency -s bench/gifts/wallet.lua "$base" >"$work/baseline.txt"
reads=$(grep -E '^\s+[0-9]+ requests in' "$work/baseline.txt" | awk '{print $1}')
echo "$provider baseline GET /api/v1/wallet: $(grep Requests/sec "$work/baseline.txt" | awk '{print $2}') req/s, p99 $(grep -E '^\s+99%' "$work/baseline.txt" | awk '{print $2}'), server CPU per request: $(( ($(cpu_ticks) - cpu_before) * 1000000 / $(getconf CLK_TCK) / (reads > 0 ? reads : 1) )) µs" | tee -a "$results"

echo "== adding synthetic entries to pass 1,000,000 and timing the reconciliation"
if [ "$provider" = postgres ]; then
  "$psql_bin" -q -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -v ON_ERROR_STOP=1 <<'SQL'
WITH accounts AS (
  SELECT (SELECT "Id" FROM ledger_accounts WHERE "Key" = 'revenue') AS credit, (SELECT "Id" FROM ledger_accounts WHERE "Key" = 'adjustments') AS debit),
t AS (INSERT INTO ledger_transactions ("Id", "Type", "Amount", "CreatedAt")
      SELECT gen_random_uuid(), 'synthetic', 1, now() FROM generate_series(1, 500000) RETURNING "Id")
INSERT INTO ledger_entries ("TransactionId", "AccountId", "Amount", "Type", "CreatedAt")
SELECT t."Id", x.account, x.amount, 'synthetic', now()
FROM t CROSS JOIN accounts CROSS JOIN LATERAL (VALUES (accounts.credit, 1::bigint), (accounts.debit, -1::bigint)) AS x(account, amount);
ANALYZE;
SQL
else
  python3 - "$work/data/spotlight.db" <<'PY'
import sqlite3, sys, uuid
db = sqlite3.connect(sys.argv[1])
credit = db.execute("SELECT Id FROM ledger_accounts WHERE Key = 'revenue'").fetchone()[0]
debit = db.execute("SELECT Id FROM ledger_accounts WHERE Key = 'adjustments'").fetchone()[0]
now = "2026-01-01 00:00:00"
for _ in range(10):
    ids = [str(uuid.uuid4()).upper() for _ in range(50000)]
    db.executemany('INSERT INTO ledger_transactions (Id, Type, Amount, CreatedAt) VALUES (?, ?, 1, ?)', [(i, "synthetic", now) for i in ids])
    db.executemany('INSERT INTO ledger_entries (TransactionId, AccountId, Amount, Type, CreatedAt) VALUES (?, ?, ?, ?, ?)',
                   [(i, a, amount, "synthetic", now) for i in ids for a, amount in ((credit, 1), (debit, -1))])
    db.commit()
PY
fi
reconcile >/dev/null
start=$(date +%s%N)
report=$(reconcile)
elapsed=$(( ($(date +%s%N) - start) / 1000000 ))
echo "$provider reconciliation of $(echo "$report" | jq .entries) entries: ${elapsed} ms over HTTP (server-side $(echo "$report" | jq .durationMs) ms), balanced: $(echo "$report" | jq .balanced)" | tee -a "$results"
[ "$(echo "$report" | jq .balanced)" = true ] || { echo "UNBALANCED after synthetic entries"; exit 1; }
echo "== results ($results)"
cat "$results"
[ "$failures" -eq 0 ] || { echo "$failures gift requests failed"; exit 1; }
