#!/usr/bin/env bash
# Three mcp-host replicas sharing Redis behind HAProxy, on this machine (issue 15). Starts Redis if
# it does not answer, the replicas r1..r3 (mcp-host.yaml, ports 3001-3003, admin 9101-9103) and
# HAProxy (haproxy.cfg, port 3000), then prints the endpoint. Ctrl-C stops everything it started.
#
#   pnpm install && pnpm build        # once, at the repository root
#   examples/cluster/start.sh
#
# Needs redis-server/redis-cli and haproxy (Debian: apt-get install redis-server haproxy). Ports can
# be moved with the variables haproxy.cfg reads: MCP_LB_PORT, MCP_LB_STATS_PORT, MCP_R{1,2,3}_PORT,
# MCP_R{1,2,3}_ADMIN_PORT. Logs go to $LOG_DIR (default: a fresh folder under /tmp).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
haproxy="${HAPROXY_BIN:-/usr/sbin/haproxy}"
redis_port=6379

[[ -f "$root/core/dist/index.js" ]] || { echo "build the host first: pnpm install && pnpm build (at $root)" >&2; exit 1; }
[[ -x "$haproxy" ]] || { echo "HAProxy not found at $haproxy: apt-get install haproxy (or set HAPROXY_BIN)" >&2; exit 1; }
command -v redis-cli >/dev/null || { echo "redis-cli not found: apt-get install redis-server" >&2; exit 1; }

export MCP_LB_HOST=127.0.0.1 MCP_LB_PORT="${MCP_LB_PORT:-3000}" MCP_LB_STATS_PORT="${MCP_LB_STATS_PORT:-8404}"
for i in 1 2 3; do
  export "MCP_R${i}_PORT=$(printenv "MCP_R${i}_PORT" || echo $((3000 + i)))"
  export "MCP_R${i}_ADMIN_PORT=$(printenv "MCP_R${i}_ADMIN_PORT" || echo $((9100 + i)))"
done
LOG_DIR="${LOG_DIR:-$(mktemp -d /tmp/mcp-host-cluster-XXXXXX)}"
mkdir -p "$LOG_DIR"

pids=() replica_pids=()
stop_all() {
  trap - INT TERM EXIT
  echo "stopping…"
  # SIGTERM: the replicas drain their calls in flight (server.drainTimeoutMs) and exit.
  ((${#pids[@]})) && kill "${pids[@]}" 2>/dev/null || true
  wait || true
}
trap stop_all INT TERM EXIT

ping_redis() { [[ "$(redis-cli -h 127.0.0.1 -p "$redis_port" ping 2>/dev/null)" == PONG ]]; }
if ! ping_redis; then
  echo "starting Redis on 127.0.0.1:$redis_port (nothing persisted; stopped with the rest)"
  redis-server --bind 127.0.0.1 -::1 --port "$redis_port" --save "" --appendonly no >"$LOG_DIR/redis.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 50); do ping_redis && break; sleep 0.1; done
  ping_redis || { echo "Redis did not start; see $LOG_DIR/redis.log" >&2; exit 1; }
fi

# Shared by every replica: the Redis, and the secret a 2026-07-28 requestState is sealed with (a
# state sealed by r1 is opened by r3). A fresh one per run unless given.
export MCP_HOST_REDIS_URL="redis://127.0.0.1:$redis_port"
export MCP_HOST_REQUEST_STATE_SECRET="${MCP_HOST_REQUEST_STATE_SECRET:-$(node -e "console.log(require('crypto').randomBytes(32).toString('base64url'))")}"

for i in 1 2 3; do
  port_var="MCP_R${i}_PORT" admin_var="MCP_R${i}_ADMIN_PORT"
  MCP_HOST_REPLICA_ID="r$i" node "$root/core/bin/mcp-host.js" --config "$here/mcp-host.yaml" \
    --port "${!port_var}" --admin-port "${!admin_var}" 2>"$LOG_DIR/r$i.log" &
  pids+=($!) replica_pids+=($!)
done

ready() { node -e "fetch('http://127.0.0.1:$1/readyz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"; }
for i in 1 2 3; do
  admin_var="MCP_R${i}_ADMIN_PORT"
  for _ in $(seq 60); do ready "${!admin_var}" && break; sleep 0.5; done
  ready "${!admin_var}" || { echo "replica r$i is not ready; see $LOG_DIR/r$i.log" >&2; tail -5 "$LOG_DIR/r$i.log" >&2; exit 1; }
done

"$haproxy" -f "$here/haproxy.cfg" -db 2>"$LOG_DIR/haproxy.log" &
pids+=($!)

cat <<EOF

  MCP endpoint (HAProxy, round robin over r1..r3):  http://127.0.0.1:$MCP_LB_PORT/mcp
  HAProxy stats:                                     http://127.0.0.1:$MCP_LB_STATS_PORT/stats
  replicas:  r1 127.0.0.1:$MCP_R1_PORT (admin :$MCP_R1_ADMIN_PORT, pid ${replica_pids[0]})   r2 :$MCP_R2_PORT (:$MCP_R2_ADMIN_PORT, pid ${replica_pids[1]})   r3 :$MCP_R3_PORT (:$MCP_R3_ADMIN_PORT, pid ${replica_pids[2]})
  logs:      $LOG_DIR/{r1,r2,r3,haproxy}.log

  Ctrl-C stops everything.
EOF

# Runs until Ctrl-C (it reaches every process of the terminal at once: the replicas drain and exit).
# A replica that dies is not restarted, and the rest go on: try `kill -9` on one and watch HAProxy's
# stats page take it out while clients keep being served.
wait
