#!/usr/bin/env bash
# The cost of Spotlight's request pipeline (request id, access log, metrics, rate limiting, headers, error handling):
# /health/live on Spotlight (Release, Production settings, PostgreSQL) against a bare ASP.NET Core app answering the
# same route with the same body. Also the server's memory at idle and under the load. Usage: bench/platform.sh [seconds]
source "$(dirname "$0")/lib/common.sh"
need wrk wrk
seconds=${1:-20}
build_release
dotnet publish "$BENCH_DIR/BareApp" -c Release -o "$OUT/bare" -p:UseAppHost=false >/dev/null
start_postgres

start_spotlight 5101 postgres
sleep 2
idle=$(rss_mib "$SERVER_PID")
wrk -t2 -c64 -d30s http://127.0.0.1:5101/health/live >/dev/null   # warm-up: tiered JIT needs ~30 s on 2 cores to reach tier 1
read -r s_rps s_p50 s_p99 s_err < <(wrk_run platform-spotlight -t2 -c64 -d"${seconds}s" http://127.0.0.1:5101/health/live)
loaded=$(rss_mib "$SERVER_PID")
stop_server "$SERVER_PID"

(cd "$OUT/bare" && exec env ASPNETCORE_URLS=http://127.0.0.1:5102 dotnet BareApp.dll >/dev/null 2>&1) &
PIDS+=($!)
wait_ready http://127.0.0.1:5102/health/live
wrk -t2 -c64 -d30s http://127.0.0.1:5102/health/live >/dev/null
read -r b_rps b_p50 b_p99 b_err < <(wrk_run platform-bare -t2 -c64 -d"${seconds}s" http://127.0.0.1:5102/health/live)

ratio=$(awk -v s="$s_rps" -v b="$b_rps" 'BEGIN { printf "%.1f", 100 * s / b }')
echo "GET /health/live, 64 connections, 2 wrk threads, ${seconds}s, same 2-core machine:"
printf "  %-10s %10s req/s  p50 %-8s p99 %-8s non-2xx %s\n" spotlight "$s_rps" "$s_p50" "$s_p99" "$s_err" bare "$b_rps" "$b_p50" "$b_p99" "$b_err"
echo "  spotlight / bare = ${ratio}% of the throughput (goal: at least 85%)"
echo "  spotlight memory: ${idle} MiB RSS at idle, ${loaded} MiB after the load"
