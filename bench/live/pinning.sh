# Sourced by bench/live/*.sh: one core for the server, another for the load client, when taskset is there and the box
# has 2 cores or more (SERVER_CPUS / CLIENT_CPUS override, PIN=0 turns it off). Sets server_pin and client_pin.
server_pin="" client_pin=""
if [ "${PIN:-1}" != 0 ] && command -v taskset >/dev/null && [ "$(nproc)" -ge 2 ]; then
  server_pin="taskset -c ${SERVER_CPUS:-0}" client_pin="taskset -c ${CLIENT_CPUS:-1}"
  echo "pinning: server on cpu ${SERVER_CPUS:-0}, load client on cpu ${CLIENT_CPUS:-1} (PostgreSQL, if any, unpinned)" >&2
else
  echo "pinning: none (server and load client share every core)" >&2
fi
