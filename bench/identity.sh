#!/usr/bin/env bash
# Identity under load, on PostgreSQL (Release, Production settings, production hash cost):
#  1. GET /api/v1/me with a valid token, 64 connections;
#  2. POST /api/v1/auth/login throughput (wrong password: the same hash work without creating sessions);
#  3. a login flood (256 connections) while other clients call /me (64 connections): /me must keep p99 < 50 ms.
# Rate limits are raised for the run (they would otherwise, correctly, stop one client at 300/min).
# Usage: bench/identity.sh [seconds]
source "$(dirname "$0")/lib/common.sh"
need wrk wrk
seconds=${1:-20}
build_release
start_postgres
start_spotlight 5103 postgres RateLimiting__Tiers__free=100000000 RateLimiting__Anonymous=100000000 \
  RateLimiting__Policies__login__Limit=100000000 RateLimiting__Policies__login-email__Limit=100000000
base=http://127.0.0.1:5103
email="bench-$(date +%s)@example.com"; password="bench passphrase $(openssl rand -hex 4)"
token=$(curl -fs -X POST "$base/api/v1/auth/register" -H 'content-type: application/json' \
  -d "{\"email\":\"$email\",\"password\":\"$password\",\"handle\":\"bench_$(openssl rand -hex 3)\"}" | sed -E 's/.*"accessToken":"([^"]+)".*/\1/')

cat >"$OUT/login.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"email":"$email","password":"wrong $password"}'
LUA
# One hash, timed in process by the server's own hasher settings: the login latency at concurrency 1.
single=$(for i in 1 2 3 4 5 6 7 8 9 10; do curl -s -o /dev/null -w "%{time_total}\n" -X POST "$base/api/v1/auth/login" -H 'content-type: application/json' -d "{\"email\":\"$email\",\"password\":\"nope $i\"}"; done | sort -n | sed -n 5p)

wrk -t2 -c64 -d30s -H "Authorization: Bearer $token" "$base/api/v1/me" >/dev/null   # warm-up: tiered JIT
read -r me_rps me_p50 me_p99 me_err < <(wrk_run identity-me -t2 -c64 -d"${seconds}s" -H "Authorization: Bearer $token" "$base/api/v1/me")
read -r lg_rps lg_p50 lg_p99 lg_err < <(wrk_run identity-login -t2 -c16 -d"${seconds}s" -s "$OUT/login.lua" "$base/api/v1/auth/login")

# Both at once: the flood and the /me clients.
wrk_run identity-flood-login -t1 -c256 -d"${seconds}s" -s "$OUT/login.lua" "$base/api/v1/auth/login" >"$OUT/flood-login.res" &
flood=$!
sleep 1
read -r fm_rps fm_p50 fm_p99 fm_err < <(wrk_run identity-flood-me -t1 -c64 -d"$((seconds - 2))s" -H "Authorization: Bearer $token" "$base/api/v1/me")
wait "$flood"
read -r fl_rps fl_p50 fl_p99 fl_err <"$OUT/flood-login.res"

echo "Identity on PostgreSQL, same 2-core machine as the load generator, ${seconds}s per run:"
echo "  one login (median of 10 sequential, PBKDF2-SHA512 at the configured cost): ${single}s"
printf "  GET /me, 64 conns:                %8s req/s  p50 %-8s p99 %-8s non-2xx %s\n" "$me_rps" "$me_p50" "$me_p99" "$me_err"
printf "  POST /login, 16 conns:            %8s req/s  p50 %-8s p99 %-8s (401 expected)\n" "$lg_rps" "$lg_p50" "$lg_p99"
printf "  during a 256-conn login flood:    login %8s req/s (non-2xx incl. 401/429: %s)\n" "$fl_rps" "$fl_err"
printf "                                    /me   %8s req/s  p50 %-8s p99 %-8s non-2xx %s\n" "$fm_rps" "$fm_p50" "$fm_p99" "$fm_err"
