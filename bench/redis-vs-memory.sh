#!/usr/bin/env bash
# Redis store vs memory store: in-place training forwards (10x2 batches) at concurrency 16.
#
#   bash bench/redis-vs-memory.sh [path/to/batchnorm-service-0.1.0-SNAPSHOT.jar]
#
# Installs what it lacks (wrk, redis-server, redis-cli, curl; a JDK 25 if none is found), starts
# its own redis-server on a free loopback port, and for each store (memory, then redis) starts the
# service on a free loopback port, creates sessions with "updateOpsCollection": null, and runs two
# workloads with wrk -t2 -c16:
#   one-session   all 16 connections on the session "bench" (worst case for contention)
#   per-conn      16 sessions, one per connection (see post.lua for how wrk spreads them)
# Each store is warmed up first with both workloads (WARMUP each: the JIT needs well over 10 s
# before the Redis path stops getting faster), then each workload is measured for DURATION.
# It prints requests/s, p50 and p99 per run, the Redis/memory ratio, and where the time goes
# (server-side means from the service's own meters, CPU used by each process including wrk and
# anything else on the machine, Redis's own time per script call). A run with any socket error,
# non-2xx or unexpected body is reported INVALID and the script exits 1. Every process it started
# is stopped on exit. Traffic goes to 127.0.0.1 only; every step is bounded in time.
#
# Knobs (environment): WARMUP (40s per workload), DURATION (20s), THREADS (2), CONNECTIONS (16),
# JAVA_OPTS (none), QUIET_WAIT (600: seconds in all that the script may spend waiting, before each
# store and each measurement, for other processes to use under 0.25 cores; then it goes on
# regardless), RETRIES (2: a measurement during which processes this script did not start used
# over 0.10 cores is repeated up to this many times; the last try is reported, with a warning if it
# was still disturbed), BENCH_LOG_DIR (a new temporary directory: raw wrk output, metrics
# scrapes, service logs).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/.." && pwd)"
WARMUP="${WARMUP:-40s}"
DURATION="${DURATION:-20s}"
THREADS="${THREADS:-2}"
CONNECTIONS="${CONNECTIONS:-16}"
JAVA_OPTS="${JAVA_OPTS:-}"
QUIET_WAIT="${QUIET_WAIT:-600}"
RETRIES="${RETRIES:-2}"

# shellcheck source=lib.sh
source "$here/lib.sh"
bench_init "$@"
start_redis
python3 "$here/bodies.py" "$logdir"
WRK_SCRIPT=post.lua
expect='"updatesApplied":true'
single=(/v1/sessions/bench/forward application/json application/json "$logdir/small.json" - 1 "$expect")

results=()   # "store workload rps p50 p99 non2xx sockerr badbody"
details=()   # "store workload http_ms find_ms commit_ms java_cores redis_cores wrk_cores irq_cores foreign_cores idle_cores redis_us_per_eval"
invalid=0
wrk_completed=0

check_line() { # store, workload, BENCH line: any error makes the whole benchmark invalid
  local line="$3"
  if [ "$(field "$line" non2xx)" != 0 ] || [ "$(field "$line" badbody)" != 0 ] || [ "$(field "$line" connect)" != 0 ] \
     || [ "$(field "$line" read)" != 0 ] || [ "$(field "$line" write)" != 0 ] || [ "$(field "$line" timeout)" != 0 ] \
     || [ "$(field "$line" status)" != 0 ]; then
    invalid=1
    log "INVALID: $1 / $2: $line"
  fi
}

warm_up() { # store, workload, lua args...
  local store="$1" workload="$2"; shift 2
  log "$store / $workload: warm-up $WARMUP"
  run_wrk "$logdir/wrk-$store-$workload-warmup.txt" "$WARMUP" "$@"
  local wline
  wline=$(grep '^BENCH ' "$logdir/wrk-$store-$workload-warmup.txt")
  wrk_completed=$((wrk_completed + $(field "$wline" requests)))
  check_line "$store" "$workload warm-up" "$wline"
  log "$store / $workload warm-up: $(field "$wline" rps) req/s"
}


measure() { # store, workload, lua args...
  local try
  for ((try = 0; ; try++)); do
    wait_quiet
    measure_once "$@"
    if awk -v f="$M_FOREIGN" 'BEGIN { exit !(f > 0.10) }' && [ "$try" -lt "$RETRIES" ]; then
      log "$1 / $2: other processes used $M_FOREIGN cores during the measurement: repeating it"
      continue
    fi
    break
  done
  results+=("$M_RESULT")
  details+=("$M_DETAIL")
}

measure_once() { # store, workload, lua args; sets M_RESULT, M_DETAIL, M_FOREIGN
  local store="$1" workload="$2"; shift 2
  scrape "$logdir/prom-$store-$workload-before.txt"
  [ "$store" = redis ] && rcli config resetstat >/dev/null
  local j0 r0 m0 m1 j1 r1
  local w0 w1
  children_cpu; w0=$CHILD_CPU; j0=$(cpu_ticks "$svc_pid"); r0=$(cpu_ticks "$redis_pid"); m0=$(machine_ticks)
  log "$store / $workload: measuring $DURATION"
  run_wrk "$logdir/wrk-$store-$workload.txt" "$DURATION" "$@"
  j1=$(cpu_ticks "$svc_pid"); r1=$(cpu_ticks "$redis_pid"); m1=$(machine_ticks); children_cpu; w1=$CHILD_CPU
  scrape "$logdir/prom-$store-$workload-after.txt"
  local redis_stats="-"
  if [ "$store" = redis ]; then
    rcli info commandstats >"$logdir/redis-commandstats-$workload.txt"
    # time Redis itself spends per script call (evalsha, plus eval on a script-cache miss)
    redis_stats=$(awk -F'[:,=]' '/^cmdstat_(evalsha|eval):/ { c += $3; u += $5 } END { if (c) printf "%.1f", u / c; else printf "-" }' \
      "$logdir/redis-commandstats-$workload.txt" | tr -d '\r')
  fi

  local line; line=$(grep '^BENCH ' "$logdir/wrk-$store-$workload.txt")
  local rps p50 p99 non2xx badbody sockerr requests ok
  rps=$(field "$line" rps); p50=$(field "$line" p50_ms); p99=$(field "$line" p99_ms)
  requests=$(field "$line" requests); ok=$(field "$line" ok)
  non2xx=$(field "$line" non2xx); badbody=$(field "$line" badbody)
  sockerr=$(( $(field "$line" connect) + $(field "$line" read) + $(field "$line" write) + $(field "$line" timeout) ))
  wrk_completed=$((wrk_completed + requests))
  check_line "$store" "$workload" "$line"
  grep '^BENCH-SAMPLE' "$logdir/wrk-$store-$workload.txt" >&2 || true
  M_RESULT="$store $workload $rps $p50 $p99 $non2xx $sockerr $badbody"

  # CPU over the run in cores (CPU seconds per wall second): java, redis, wrk, the kernel's
  # interrupt work (loopback TCP is mostly softirq, charged to no process), everything else, idle
  local cores
  cores=$(awk -v j=$((j1 - j0)) -v r=$((r1 - r0)) -v w0="$w0" -v w1="$w1" -v m0="$m0" -v m1="$m1" \
      -v hz="$(getconf CLK_TCK)" -v n="$(nproc)" 'BEGIN {
      split(m0, a, " "); split(m1, b, " ")
      procs = b[1] - a[1]; irq = b[2] - a[2]; wall = (b[3] - a[3]) / n   # ticks of wall time
      w = (w1 - w0) * hz
      fc = (procs - j - r - w) / wall; if (fc < 0) fc = 0
      printf "%.2f %.2f %.2f %.2f %.2f %.2f", j / wall, r / wall, w / wall, irq / wall, fc, n - (procs + irq) / wall }')
  local http find commit
  http=$(mean_ms "$logdir/prom-$store-$workload-before.txt" "$logdir/prom-$store-$workload-after.txt" \
    http_server_requests_seconds 'uri="/v1/sessions/{id}/forward"')
  find=$(mean_ms "$logdir/prom-$store-$workload-before.txt" "$logdir/prom-$store-$workload-after.txt" \
    batchnorm_store_operations_seconds 'operation="find"')
  commit=$(mean_ms "$logdir/prom-$store-$workload-before.txt" "$logdir/prom-$store-$workload-after.txt" \
    batchnorm_store_operations_seconds 'operation="commit_forward"')
  M_DETAIL="$store $workload $http $find $commit $cores $redis_stats"
  M_FOREIGN=$(cut -d' ' -f5 <<<"$cores")
  log "$store / $workload: $rps req/s, p50 $p50 ms, p99 $p99 ms, non-2xx $non2xx, socket errors $sockerr"
}

per_thread=$(( (CONNECTIONS + THREADS - 1) / THREADS ))
spread=("/v1/sessions/{id}/forward" application/json application/json "$logdir/small.json" bench- "$per_thread" "$expect")
nsessions=$(( per_thread * THREADS ))

background=""
for store in memory redis; do
  # on a shared machine, wait (bounded) for other work to calm down before starting
  wait_quiet
  log "background load before the $store runs: $QUIET_LOAD cores busy of $(nproc)"
  background="$background${background:+, }$store $QUIET_LOAD"
  start_service "$store"
  create_session bench
  for ((s = 0; s < nsessions; s++)); do create_session "$(printf 'bench-%02d' "$s")"; done
  # one forward by hand: the request post.lua sends must succeed
  code=$(curl -sS --max-time 10 -o "$logdir/probe-$store.out" -w '%{http_code}' -X POST \
    "http://127.0.0.1:$svc_port/v1/sessions/bench-00/forward" -H 'Content-Type: application/json' \
    -d '{"inputs": [[9.8, 11.2], [10.4, 8.1], [9.1, 10.7], [10.9, 9.6], [10.2, 10.3], [9.5, 11.8], [10.7, 9.2], [9.9, 10.1], [10.1, 8.8], [9.6, 10.5]], "isTraining": true}')
  [ "$code" = 200 ] && grep -q '"updatesApplied":true' "$logdir/probe-$store.out" \
    || die "probe forward answered $code: $(cat "$logdir/probe-$store.out")"

  wrk_completed=1 # the probe
  warm_up "$store" one-session "${single[@]}"
  warm_up "$store" per-conn "${spread[@]}"
  measure "$store" one-session "${single[@]}"
  measure "$store" per-conn "${spread[@]}"

  # the sessions' forward counters must account for every forward wrk saw answered
  # (they may be a little higher: wrk drops the requests still in flight when a run ends)
  counted=$(session_forwards bench)
  for ((s = 0; s < nsessions; s++)); do counted=$((counted + $(session_forwards "$(printf 'bench-%02d' "$s")"))); done
  log "$store: the sessions counted $counted forwards; wrk saw $wrk_completed answered"
  if [ "$counted" -lt "$wrk_completed" ] || [ "$counted" -gt $((wrk_completed + 4 * CONNECTIONS)) ]; then
    invalid=1
    log "INVALID: $store: forward counters ($counted) do not match the answered forwards ($wrk_completed)"
  fi
  stop_pid "$svc_pid" 20
  svc_pid=""
done

# ---------------------------------------------------------------- report
declare -A memory_rps=()
for r in "${results[@]}"; do
  set -- $r
  if [ "$1" = memory ]; then memory_rps[$2]=$3; fi
done
echo
echo "batchnorm-service: in-place training forwards, 10x2 float32 batch, wrk -t$THREADS -c$CONNECTIONS -d$DURATION (after a warm-up of $WARMUP per workload), $(nproc) cores, $("$java" -version 2>&1 | head -1)"
echo
printf '| %-6s | %-11s | %10s | %8s | %8s | %7s | %9s | %12s |\n' store workload 'req/s' 'p50 ms' 'p99 ms' 'non-2xx' 'sock errs' 'redis/memory'
printf '|%s|%s|%s|%s|%s|%s|%s|%s|\n' -------- ------------- ------------ ---------- ---------- --------- ----------- --------------
for r in "${results[@]}"; do
  set -- $r
  ratio="-"
  if [ "$1" = redis ] && [ -n "${memory_rps[$2]:-}" ]; then
    ratio=$(awk -v a="$3" -v b="${memory_rps[$2]}" 'BEGIN { printf "%.2f", a / b }')
  fi
  printf '| %-6s | %-11s | %10s | %8s | %8s | %7s | %9s | %12s |\n' "$1" "$2" "$3" "$4" "$5" "$6" "$7" "$ratio"
done
echo
echo "Where the time goes (means over the measured run; java..idle in cores = CPU seconds per wall second, of $(nproc)):"
echo
printf '| %-6s | %-11s | %13s | %7s | %9s | %4s | %5s | %4s | %7s | %5s | %4s | %15s |\n' store workload 'server ms/fwd' 'find ms' 'commit ms' java redis wrk softirq other idle 'redis us/script'
printf '|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|\n' -------- ------------- --------------- --------- ----------- ------ ------- ------ --------- ------- ------ -----------------
foreign_max=0
for d in "${details[@]}"; do
  set -- $d
  printf '| %-6s | %-11s | %13s | %7s | %9s | %4s | %5s | %4s | %7s | %5s | %4s | %15s |\n' "$1" "$2" "$3" "$4" "$5" "$6" "$7" "$8" "$9" "${10}" "${11}" "${12}"
  foreign_max=$(awk -v a="$foreign_max" -v b="${10}" 'BEGIN { print (b > a) ? b : a }')
done
echo
echo "server ms/fwd: http_server_requests_seconds for the forward (inside the service); find/commit: batchnorm_store_operations_seconds;"
echo "softirq: the kernel's interrupt work (loopback TCP), charged to no process; other: processes this script did not start"
echo "(about 0 on a quiet machine; includes hypervisor steal); redis us/script: Redis's own usec_per_call for EVALSHA/EVAL."
echo "background load before the runs (cores): $background"
if awk -v f="$foreign_max" 'BEGIN { exit !(f > 0.10) }'; then
  echo "WARNING: other processes used up to $foreign_max cores during a measurement: the machine was not quiet, the figures are pessimistic"
fi
echo "raw output: $logdir"
if [ "$invalid" != 0 ]; then
  echo "RESULT: INVALID (errors, non-2xx responses or unexpected bodies; see above)"
  exit 1
fi
echo "RESULT: valid (no socket errors, no non-2xx responses, every body reported updatesApplied:true)"
