#!/usr/bin/env bash
# Admin console benchmark on PostgreSQL: 100,000 users, 40,000 sessions, 300,000 audit entries (seed.sql) and
# 1,010,400 ledger entries (seed-ledger.sql); then every console page is timed and the query plans of the list pages
# are printed. Results go to bench/admin/out/ (see docs/performance-admin.md). Uses $BENCH_POSTGRES (a connection string
# that may CREATE DATABASE) or starts a throwaway cluster. Usage: bench/admin/run.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
out="$root/bench/admin/out"
mkdir -p "$out"
work=$(mktemp -d /tmp/spotlight-bench-admin-XXXXXX)
server_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
  if [ -n "${pg_dir:-}" ]; then tools/pg-throwaway stop "$pg_dir"; rm -rf "$pg_dir"; fi
  rm -rf "$work"
}
trap cleanup EXIT

if [ -z "${BENCH_POSTGRES:-}" ]; then
  pg_dir=$(mktemp -d /tmp/spotlight-bench-pg-XXXXXX)
  eval "$(tools/pg-throwaway start "$pg_dir")"
  BENCH_POSTGRES=$SPOTLIGHT_TEST_POSTGRES
fi
pg_field() { echo "$BENCH_POSTGRES" | tr ';' '\n' | sed -n "s/^$1=//Ip" | head -n 1; }
export PGHOST=$(pg_field Host) PGPORT=$(pg_field Port) PGUSER=$(pg_field Username) PGPASSWORD=$(pg_field Password)
psql -q -d postgres -c 'DROP DATABASE IF EXISTS spotlight_bench_admin WITH (FORCE)' -c 'CREATE DATABASE spotlight_bench_admin'
export PGDATABASE=spotlight_bench_admin

dotnet build src/Spotlight -c Release -v q -nologo >/dev/null
server=(dotnet src/Spotlight/bin/Release/net10.0/Spotlight.dll)
export ASPNETCORE_ENVIRONMENT=Staging Database__Provider=postgres Spotlight__DataDirectory="$work/data" Logging__LogLevel__Default=Warning
export ConnectionStrings__Default="$(echo "$BENCH_POSTGRES" | sed -E 's/Database=[^;]*/Database=spotlight_bench_admin/I')"
"${server[@]}" migrate >/dev/null

echo "seeding..."
SECONDS=0
psql -q -f bench/admin/seed.sql >"$out/seed.txt"
echo "seeded in ${SECONDS}s: $(tail -n 3 "$out/seed.txt" | head -n 1)"
SECONDS=0
psql -q -f bench/admin/seed-ledger.sql >"$out/seed-ledger.txt"
echo "ledger seeded in ${SECONDS}s: $(tail -n 3 "$out/seed-ledger.txt" | head -n 1)"
password="Lantern-$(head -c 12 /dev/urandom | base64 | tr -dc a-zA-Z0-9)"
echo "$password" | "${server[@]}" admin create --email bench-admin@example.com --handle bench_admin --password-stdin >/dev/null

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
"${server[@]}" --urls "http://127.0.0.1:$port" "--Logging:LogLevel:Microsoft.EntityFrameworkCore.Database.Command=${BENCH_SQL_LOG:-Warning}" >"$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 60); do curl -fs "http://127.0.0.1:$port/health/ready" >/dev/null && break; sleep 1; done

user_id=$(psql -Atc "SELECT \"Id\" FROM users WHERE \"UserName\" = 'bench_50000'")
# What the money pages open: a fan (bench_50001 is one: n % 5 = 1) and their balance by the seed's arithmetic, a creator,
# a reversed gift, a transaction halfway down the ledger, a day in the middle of the period.
export BENCH_FAN=bench_50001
export BENCH_FAN_ID=$(psql -Atc "SELECT \"Id\" FROM users WHERE \"UserName\" = 'bench_50001'")
export BENCH_FAN_BALANCE=$(psql -Atc "SELECT COALESCE(sum(e.\"Amount\"), 0) FROM ledger_entries e JOIN ledger_accounts a ON a.\"Id\" = e.\"AccountId\" WHERE a.\"OwnerId\" = '$BENCH_FAN_ID' AND a.\"Kind\" = 'wallet'")
export BENCH_CREATOR=$(psql -Atc "SELECT \"Id\" FROM users WHERE \"UserName\" = 'bench_50000'")
export BENCH_REVERSED=$(psql -Atc "SELECT \"ReversesId\" FROM ledger_transactions WHERE \"ReversesId\" IS NOT NULL ORDER BY \"Id\" LIMIT 1")
export BENCH_TX_MIDDLE=$(psql -Atc "SELECT \"Id\" FROM ledger_transactions ORDER BY \"Id\" OFFSET (SELECT count(*) / 2 FROM ledger_transactions) LIMIT 1")
export BENCH_DAY=$(psql -Atc "SELECT to_char(now() - interval '45 days', 'YYYY-MM-DD')")
actor=bench_12345
echo "load average before timing: $(cut -d" " -f1-3 /proc/loadavg) on $(nproc) cores"
python3 bench/admin/measure.py "http://127.0.0.1:$port" bench-admin@example.com "$password" "$user_id" "$actor" | tee "$out/pages.md"

# The plans of the list queries, as EF Core sends them (see docs/performance-admin.md for how they were taken).
sed -e "s/:user_id/$user_id/g" -e "s/:actor/$actor/g" -e "s/:creator/$BENCH_CREATOR/g" -e "s/:fan_id/$BENCH_FAN_ID/g" \
    -e "s/:tx_middle/$BENCH_TX_MIDDLE/g" -e "s/:reversed/$BENCH_REVERSED/g" -e "s/:day/$BENCH_DAY/g" bench/admin/plans.sql | psql -q >"$out/plans.txt" 2>&1
echo "plans in $out/plans.txt"
cp "$work/server.log" "$out/server.log"
