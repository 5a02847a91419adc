#!/usr/bin/env bash
# Content benchmark (issue 10's targets), on PostgreSQL with production durability (fsync, synchronous_commit and
# full_page_writes on): seeds 2,000 creators, 64 readers following 500 of them and 1,000,000 posts, then measures with
# wrk at 64 connections: the following feed, the for-you feed, premium unlocks beside gifts, 2,000 concurrent likes on
# one post, and 12-megapixel JPEG uploads. Prints the load average before and after each run and the server's CPU per
# request, checks the ledger reconciles and the like count is exact, and logs the feed query's plan (auto_explain).
# Usage: bench/content/run.sh      (DURATION=30s CONNECTIONS=64 POSTS=1000000; RUNS=3 repeats each wrk run;
#        SCENARIOS="feed for-you unlock gift likes upload" picks some)
# Run it alone on the box: no build, test suite or helper meanwhile.
set -euo pipefail
duration=${DURATION:-30s}
connections=${CONNECTIONS:-64}
runs=${RUNS:-3}
scenarios=" ${SCENARIOS:-feed for-you unlock gift likes upload} "
want() { [[ "$scenarios" == *" $1 "* ]]; }
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d /tmp/spotlight-content-bench-XXXXXX)
chmod 711 "$work"
results="$work/results.txt"
cd "$root"
for tool in wrk jq ffmpeg; do
  command -v $tool >/dev/null || { apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $tool >/dev/null; }
done

echo "== building Release"
dotnet publish src/Spotlight -c Release -o "$work/app" >"$work/build.log" 2>&1 || { tail -n 30 "$work/build.log"; exit 1; }

server_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null || true
  tools/pg-throwaway stop "$work/pg"; rm -rf "$work/pg/data"
}
trap cleanup EXIT

eval "$(PG_DURABLE=1 PG_SHARED_BUFFERS=2GB tools/pg-throwaway start "$work/pg")"
psql_url="postgresql://postgres@127.0.0.1:$PG_PORT/postgres"
# auto_explain is loaded in every session but logs nothing until the plan step turns it on for one request.
psql "$psql_url" -qc "LOAD 'auto_explain'" -c "ALTER SYSTEM SET session_preload_libraries = 'auto_explain'" -c "ALTER SYSTEM SET auto_explain.log_min_duration = -1" \
  -c "ALTER SYSTEM SET auto_explain.log_analyze = on" -c "ALTER SYSTEM SET auto_explain.log_buffers = on" -c "SELECT pg_reload_conf()" >/dev/null
echo "PostgreSQL: $(psql "$psql_url" -Atc "SELECT string_agg(name || '=' || setting, ' ') FROM pg_settings WHERE name IN ('fsync','synchronous_commit','full_page_writes','shared_buffers')")"

export ASPNETCORE_ENVIRONMENT=Production Database__Provider=postgres Email__Sender=file # no mail server on a bench box
export Admin__RequireTwoFactor=false # the seeding admin has no authenticator; production keeps the default
export ConnectionStrings__Default="Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Database=postgres;Maximum Pool Size=200"
export Spotlight__DataDirectory="$work/data"
export Jwt__SigningKey=$(openssl rand -base64 32) Secrets__EncryptionKey=$(openssl rand -base64 32)
export Identity__PasswordHashIterations=1000 Logging__LogLevel__Default=Warning
export RateLimiting__Tiers__free=10000000 RateLimiting__Tiers__creator=10000000 RateLimiting__Anonymous=10000000
export RateLimiting__Policies__register__Limit=10000000 RateLimiting__Policies__login__Limit=10000000
export Storage__Quotas__free=1TiB Storage__Quotas__creator=1TiB
spotlight() { (cd "$work/app" && exec env 'RateLimiting__Policies__login-email__Limit=10000000' dotnet Spotlight.dll "$@"); }
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
base="http://127.0.0.1:$port"
admin_email="bench-admin@example.com"
admin_password="Bench-$(openssl rand -hex 12)"
echo "$admin_password" | spotlight admin create --email "$admin_email" --handle bench_admin --password-stdin >/dev/null
(cd "$work/app" && exec env 'RateLimiting__Policies__login-email__Limit=10000000' dotnet Spotlight.dll --urls "$base" >"$work/server.log" 2>&1) &
server_pid=$!
for _ in $(seq 1 60); do curl -fs "$base/health/ready" >/dev/null 2>&1 && break; sleep 1; done
curl -fs "$base/health/ready" >/dev/null || { tail -n 30 "$work/server.log"; exit 1; }
admin_token() { curl -fs "$base/api/v1/auth/login" -H 'Content-Type: application/json' -d "{\"email\":\"$admin_email\",\"password\":\"$admin_password\"}" | jq -r .accessToken; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$server_pid/stat"; }
load() { cut -d' ' -f1-3 /proc/loadavg; }

echo "== seeding (through the API, and SQL for the 1,000,000 posts and the follows)"
python3 bench/content/seed.py "$base" "$admin_email" "$admin_password" "$work" "$psql_url"

# measure NAME SCRIPT [env...]: RUNS wrk runs; prints each and the median.
measure() {
  local name=$1 script=$2; shift 2
  echo "== $name: warm-up (5 s, not counted)"
  env "$@" BENCH_DIR="$work" wrk -t2 -c"$connections" -d5s --timeout 10s -s "$script" "$base" >/dev/null
  local rates=() p99s=()
  for run in $(seq 1 "$runs"); do
    local before_load; before_load=$(load)
    local cpu_before; cpu_before=$(cpu_ticks)
    env "$@" BENCH_DIR="$work" wrk -t2 -c"$connections" -d"$duration" --latency --timeout 10s -s "$script" "$base" >"$work/$name-$run.txt"
    local cpu_ms=$(( ($(cpu_ticks) - cpu_before) * 1000 / $(getconf CLK_TCK) ))
    local requests; requests=$(grep -E '^status ' "$work/$name-$run.txt" | awk '{s+=$3} END {print s+0}')
    local statuses; statuses=$(grep -E '^status ' "$work/$name-$run.txt" | awk '{printf "%s%s ", $2, $3}')
    local rps p99; rps=$(awk '/^rps/ {print $2}' "$work/$name-$run.txt"); p99=$(awk '/^p99_ms/ {print $2}' "$work/$name-$run.txt")
    rates+=("$rps"); p99s+=("$p99")
    echo "$name run $run: $rps req/s, p50 $(awk '/^p50_ms/ {print $2}' "$work/$name-$run.txt") ms, p99 $p99 ms, statuses ${statuses}server CPU per request $(( requests > 0 ? cpu_ms * 1000 / requests : 0 )) µs, load average before $before_load after $(load)" | tee -a "$results"
  done
  echo "$name median of $runs: $(printf '%s\n' "${rates[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}') req/s (spread $(printf '%s\n' "${rates[@]}" | sort -n | head -1)–$(printf '%s\n' "${rates[@]}" | sort -n | tail -1)), p99 median $(printf '%s\n' "${p99s[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}') ms" | tee -a "$results"
}

echo "== the following feed's plan (auto_explain, one request)"
psql "$psql_url" -qc "LOAD 'auto_explain'" -c "ALTER SYSTEM SET auto_explain.log_min_duration = 0" -c "SELECT pg_reload_conf()" >/dev/null
curl -fs "$base/api/v1/feed" -H "Authorization: Bearer $(head -1 "$work/readers.txt")" >/dev/null
psql "$psql_url" -qc "LOAD 'auto_explain'" -c "ALTER SYSTEM SET auto_explain.log_min_duration = -1" -c "SELECT pg_reload_conf()" >/dev/null
sleep 1
python3 - "$work/pg/server.log" <<'PY' | tee "$work/feed-plan.txt"
import re, sys
blocks = re.split(r"\n(?=\S.* LOG:  duration: )", open(sys.argv[1]).read())
print("\n".join(b for b in blocks if "CROSS JOIN LATERAL" in b and "plan:" in b)[:6000])
PY

want feed && measure feed bench/content/feed.lua BENCH_PATH=/api/v1/feed
want for-you && measure for-you bench/content/feed.lua BENCH_PATH=/api/v1/feed/for-you

reconcile() { curl -fsS --max-time 120 "$base/api/v1/admin/ledger/reconciliation" -H "Authorization: Bearer $(admin_token)"; }
if want unlock; then
  measure unlock bench/content/unlock.lua
  sleep 5
  [ "$(reconcile | jq .balanced)" = true ] || { echo "UNBALANCED after unlocks"; exit 1; }
fi
# Gifts beside unlocks, same server, same data: the issue asks unlocks to be at least as fast.
if want gift; then
  cp "$work/buyers.txt" "$work/tokens.txt"
  measure gift bench/gifts/gifts.lua
  sleep 5
  [ "$(reconcile | jq .balanced)" = true ] || { echo "UNBALANCED after gifts"; exit 1; }
fi

want likes && echo "== 2,000 concurrent likes on one post" && python3 - "$base" "$work" <<'PY' | tee -a "$results"
import sys, time, urllib.request
from concurrent.futures import ThreadPoolExecutor
base, work = sys.argv[1:3]
tokens = [l.strip() for l in open(f"{work}/likers.txt") if l.strip()]
post = open(f"{work}/hot_post.txt").read().strip()
def like(token):
    request = urllib.request.Request(f"{base}/api/v1/posts/{post}/like", method="POST", data=b"")
    request.add_header("Authorization", "Bearer " + token)
    with urllib.request.urlopen(request, timeout=60) as response:
        return response.status
start = time.monotonic()
with ThreadPoolExecutor(256) as pool:
    statuses = list(pool.map(like, tokens))
elapsed = time.monotonic() - start
request = urllib.request.Request(f"{base}/api/v1/posts/{post}")
import json
count = json.loads(urllib.request.urlopen(request).read())["likeCount"]
print(f"likes: {len(tokens)} from distinct users in {elapsed:.2f} s ({len(tokens) / elapsed:.0f}/s, 256 in flight), statuses {sorted(set(statuses))}, likeCount {count}, exact: {count == len(tokens)}")
if count != len(tokens): sys.exit(1)
PY

if want upload; then
  echo "== 12-megapixel JPEG uploads"
  ffmpeg -loglevel error -f lavfi -i testsrc2=size=4000x3000 -frames:v 1 -q:v 3 "$work/photo.jpg"
  echo "image: $(stat -c %s "$work/photo.jpg") bytes, 4000x3000"
  connections=16 measure upload bench/content/upload.lua BENCH_IMAGE="$work/photo.jpg"
fi

echo "== results ($results)"
cat "$results"
