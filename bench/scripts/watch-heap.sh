#!/usr/bin/env bash
# Heap per watcher of one member, Strata or etcd: starts a fresh 1-member server on 127.0.0.1,
# measures its heap idle and again while strata-bench holds N watchers on it, then stops it.
# Strata's heap is measured after a full GC (jcmd GC.run, GC.heap_info: live objects only);
# etcd's is Go's heap in use from its /metrics (it cannot be made to collect from outside). With
# watchers held, the smallest of five samples is taken.
#
# usage: bench/scripts/watch-heap.sh strata|etcd [watchers] [client-port]
set -euo pipefail
sys=${1:?usage: watch-heap.sh strata|etcd [watchers] [client-port]}
watchers=${2:-10000}
port=${3:-23790}
peer=$((port + 10))
root=$(cd "$(dirname "$0")/../.." && pwd)
dir=$(mktemp -d)
member=""
cleanup() {
  [ -n "$member" ] && kill "$member" 2>/dev/null && wait "$member" 2>/dev/null
  rm -rf "$dir"
}
trap cleanup EXIT

flags=(--name h1 --data-dir "$dir/data"
  --listen-client-urls "http://127.0.0.1:$port" --advertise-client-urls "http://127.0.0.1:$port"
  --listen-peer-urls "http://127.0.0.1:$peer" --initial-advertise-peer-urls "http://127.0.0.1:$peer"
  --initial-cluster "h1=http://127.0.0.1:$peer")
case "$sys" in
  strata) "$root/bin/strata" "${flags[@]}" >"$dir/member.log" 2>&1 & ;;
  etcd) etcd "${flags[@]}" >"$dir/member.log" 2>&1 & ;;
  *) echo "watch-heap.sh: system must be strata or etcd" >&2; exit 2 ;;
esac
member=$!
for _ in $(seq 1 240); do
  ETCDCTL_API=3 etcdctl --endpoints "127.0.0.1:$port" put watch-heap/ready x >/dev/null 2>&1 && break
  sleep 0.5
done
# bin/strata execs java, so $member is the JVM's pid.

heap_bytes() {
  if [ "$sys" = strata ]; then
    jcmd "$member" GC.run >/dev/null
    jcmd "$member" GC.heap_info | awk '/used/ { for (i = 1; i <= NF; i++) if ($i == "used") { v = $(i + 1); sub(/K,?/, "", v); print v * 1024; exit } }'
  else
    curl -s "http://127.0.0.1:$port/metrics" | awk '/^go_memstats_heap_inuse_bytes/ { printf "%d\n", $2 }'
  fi
}
rss_bytes() { awk '/VmRSS/ { print $2 * 1024 }' "/proc/$member/status"; }

idle_heap=$(heap_bytes); idle_rss=$(rss_bytes)
"$root/bin/strata-bench" watch-latency --endpoints "127.0.0.1:$port" --conns 16 \
  --watchers "$watchers" --streams 100 --put-rate 1 --duration 40s >"$dir/bench.out" 2>&1 &
bench=$!
sleep 20 # the watchers are all open after a few seconds; one put per second keeps them busy
# A sample can catch a put's events on their way out; the smallest of five is the steady state.
held_heap=""
for _ in 1 2 3 4 5; do
  h=$(heap_bytes)
  if [ -z "$held_heap" ] || [ "$h" -lt "$held_heap" ]; then held_heap=$h; fi
  sleep 1.3
done
held_rss=$(rss_bytes)
wait "$bench"
echo "system=$sys watchers=$watchers"
echo "heap idle=$((idle_heap / 1024)) KiB with-watchers=$((held_heap / 1024)) KiB per-watcher=$(((held_heap - idle_heap) / watchers)) B"
echo "rss  idle=$((idle_rss / 1024)) KiB with-watchers=$((held_rss / 1024)) KiB per-watcher=$(((held_rss - idle_rss) / watchers)) B"
tail -1 "$dir/bench.out"
