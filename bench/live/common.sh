# Sourced by bench/live/run.sh and ceiling.sh: the repository root as working directory, the output folder, a time stamp,
# a file limit for a WebSocket per viewer on both sides, and the pinning: one core for the server, another for the load
# client, when taskset is there and the box has 2 cores or more (SERVER_CPUS / CLIENT_CPUS override, PIN=0 turns it
# off). Sets root, out, stamp, server_pin and client_pin.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$root"
out="$root/bench/out/live"
mkdir -p "$out"
stamp=$(date -u +%Y%m%dT%H%M%SZ)
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
server_pin="" client_pin=""
if [ "${PIN:-1}" != 0 ] && command -v taskset >/dev/null && [ "$(nproc)" -ge 2 ]; then
  server_pin="taskset -c ${SERVER_CPUS:-0}" client_pin="taskset -c ${CLIENT_CPUS:-1}"
  echo "pinning: server on cpu ${SERVER_CPUS:-0}, load client on cpu ${CLIENT_CPUS:-1} (PostgreSQL, if any, unpinned)" >&2
else
  echo "pinning: none (server and load client share every core)" >&2
fi
