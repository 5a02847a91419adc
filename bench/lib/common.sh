# Shared by the bench scripts: build, a throwaway PostgreSQL, start/stop the server, read its memory, run wrk.
set -euo pipefail
BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ROOT=$(cd "$BENCH_DIR/.." && pwd)
OUT="$BENCH_DIR/out"
mkdir -p "$OUT"
PIDS=()
cleanup() {
  for pid in "${PIDS[@]:-}"; do [ -n "$pid" ] && kill "$pid" 2>/dev/null || true; done
  [ -n "${PG_BENCH_DIR:-}" ] && "$ROOT/tools/pg-throwaway" stop "$PG_BENCH_DIR" || true
}
trap cleanup EXIT

need() { command -v "$1" >/dev/null || { echo "needs $1 (apt-get install -y $2)" >&2; exit 1; }; }

build_release() {
  dotnet publish "$ROOT/src/Spotlight" -c Release -o "$OUT/spotlight" -p:UseAppHost=false >/dev/null
}

start_postgres() {
  PG_BENCH_DIR=$(mktemp -d /tmp/spotlight-bench-pg-XXXXXX)
  eval "$("$ROOT/tools/pg-throwaway" start "$PG_BENCH_DIR")"
  BENCH_PG="$SPOTLIGHT_TEST_POSTGRES"
  psql "postgresql://postgres@127.0.0.1:$PG_PORT/postgres" -qc "CREATE DATABASE spotlight_bench" >/dev/null
  BENCH_DB="Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Database=spotlight_bench;Maximum Pool Size=100"
}

# start_spotlight PORT PROVIDER [extra env assignments...]: production settings, fresh keys, JSON logs to a file.
start_spotlight() {
  local port=$1 provider=$2; shift 2
  local data; data=$(mktemp -d /tmp/spotlight-bench-data-XXXXXX)
  local conn="Data Source=$data/spotlight.db"
  [ "$provider" = postgres ] && conn="$BENCH_DB"
  (cd "$OUT/spotlight" && exec env ASPNETCORE_ENVIRONMENT=Production Email__Sender=file ASPNETCORE_URLS="http://127.0.0.1:$port" \
    Database__Provider="$provider" ConnectionStrings__Default="$conn" Spotlight__DataDirectory="$data" \
    Jwt__SigningKey="$(openssl rand -base64 32)" Secrets__EncryptionKey="$(openssl rand -base64 32)" \
    Metrics__Restrict=false "$@" dotnet Spotlight.dll >"$OUT/server-$port.log" 2>&1) &
  SERVER_PID=$!
  PIDS+=("$SERVER_PID")
  wait_ready "http://127.0.0.1:$port/health/ready"
}

stop_server() { kill "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true; }

wait_ready() {
  for _ in $(seq 1 120); do curl -fs "$1" >/dev/null 2>&1 && return 0; sleep 0.5; done
  echo "server at $1 did not become ready" >&2; exit 1
}

rss_mib() { awk '/VmRSS/ { printf "%.0f", $2 / 1024 }' "/proc/$1/status"; }

# wrk_run NAME ARGS...: runs wrk with latency stats, prints "req/s p50 p99" and keeps the raw output.
wrk_run() {
  local name=$1; shift
  wrk --latency "$@" >"$OUT/$name.txt" 2>&1
  local rps p50 p99
  rps=$(awk '/Requests\/sec/ { print $2 }' "$OUT/$name.txt")
  p50=$(awk '$1 == "50%" { print $2 }' "$OUT/$name.txt")
  p99=$(awk '$1 == "99%" { print $2 }' "$OUT/$name.txt")
  local non2xx; non2xx=$(awk '/Non-2xx/ { print $NF }' "$OUT/$name.txt")
  echo "$rps $p50 $p99 ${non2xx:-0}"
}
