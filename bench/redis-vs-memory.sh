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
#   per-conn      16 sessions, one per connection (see forward.lua for how wrk spreads them)
# Each store is warmed up first with both workloads (WARMUP each: the JIT needs well over 10 s
# before the Redis path stops getting faster), then each workload is measured for DURATION.
# It prints requests/s, p50 and p99 per run, the Redis/memory ratio, and where the time goes
# (server-side means from the service's own meters, CPU used by each process including wrk and
# anything else on the machine, Redis's own time per script call). A run with any socket error,
# non-2xx or unexpected body is reported INVALID and the script exits 1. Every process it started
# is stopped on exit. Traffic goes to 127.0.0.1 only; every step is bounded in time.
#
# Knobs (environment): WARMUP (20s per workload), DURATION (20s), THREADS (2), CONNECTIONS (16),
# JAVA_OPTS (none), QUIET_WAIT (600: seconds in all that the script may spend waiting, before each
# store and each measurement, for other processes to use under 0.25 cores; then it goes on
# regardless), RETRIES (2: a measurement during which processes this script did not start used
# over 0.10 cores is repeated up to this many times; the last try is reported, with a warning if it
# was still disturbed), BENCH_LOG_DIR (a new temporary directory: raw wrk output, metrics
# scrapes, service logs).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/.." && pwd)"
WARMUP="${WARMUP:-20s}"
DURATION="${DURATION:-20s}"
THREADS="${THREADS:-2}"
CONNECTIONS="${CONNECTIONS:-16}"
JAVA_OPTS="${JAVA_OPTS:-}"
QUIET_WAIT="${QUIET_WAIT:-600}"
RETRIES="${RETRIES:-2}"

log() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "FATAL: $*"; exit 2; }

# ---------------------------------------------------------------- the jar
jar="${1:-target/batchnorm-service-0.1.0-SNAPSHOT.jar}"
if [ ! -f "$jar" ] && [ -f "$repo/$jar" ]; then jar="$repo/$jar"; fi
[ -f "$jar" ] || die "no jar at '$jar' (build it with ./mvnw -B package -DskipTests, or pass its path)"
jar="$(cd "$(dirname "$jar")" && pwd)/$(basename "$jar")"

# ---------------------------------------------------------------- tools
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
apt_updated=""
apt_install() {
  log "installing: $*"
  if [ -z "$apt_updated" ]; then as_root apt-get update -qq; apt_updated=1; fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}
missing=()
command -v wrk >/dev/null 2>&1 || missing+=(wrk)
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
command -v redis-cli >/dev/null 2>&1 || missing+=(redis-tools)
command -v curl >/dev/null 2>&1 || missing+=(curl)
command -v awk >/dev/null 2>&1 || missing+=(mawk)
if [ ${#missing[@]} -gt 0 ]; then apt_install "${missing[@]}"; fi

find_jdk25() {
  local d
  for d in "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/temurin-25* /usr/lib/jvm/java-25-openjdk* /usr/lib/jvm/*25*; do
    if [ -n "$d" ] && [ -x "$d/bin/java" ] && "$d/bin/java" -version 2>&1 | grep -q 'version "25'; then
      echo "$d"; return 0
    fi
  done
  return 1
}
if ! jdk="$(find_jdk25)"; then
  apt_install openjdk-25-jdk-headless || true
  jdk="$(find_jdk25)" || die "batchnorm-service needs a JDK 25"
fi
java="$jdk/bin/java"

# ---------------------------------------------------------------- bookkeeping and cleanup
logdir="${BENCH_LOG_DIR:-$(mktemp -d /tmp/batchnorm-bench.XXXXXX)}"
mkdir -p "$logdir"
redis_pid=""
svc_pid=""
wrk_pid=""

stop_pid() { # pid, seconds to wait after TERM before KILL
  local pid="$1" wait="${2:-15}" i
  [ -n "$pid" ] || return 0
  kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < wait * 10; i++)); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
}
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  stop_pid "$wrk_pid" 2
  stop_pid "$svc_pid" 20
  stop_pid "$redis_pid" 10
  wait 2>/dev/null || true
  log "stopped everything this script started; logs in $logdir"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# a loopback port nobody listens on (preferred first, then random ones)
free_port() {
  local p
  for p in "$@" $(shuf -i 20000-59999 -n 64); do
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; return 0; fi
  done
  die "no free port found"
}

# ---------------------------------------------------------------- measurements
cpu_ticks() { # utime+stime of a process, in clock ticks
  awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$1/stat" 2>/dev/null || echo 0
}
machine_ticks() { # ticks of the whole machine: "processes (user+nice+system+steal) irq+softirq total"
  awk '/^cpu / { p = $2 + $3 + $4 + $9; q = $7 + $8; print p, q, p + q + $5 + $6 }' /proc/stat
}
background_load() { # cores busy over 3 s right now (before this script's load starts)
  local a b
  a=$(machine_ticks); sleep 3; b=$(machine_ticks)
  awk -v a="$a" -v b="$b" -v n="$(nproc)" 'BEGIN { split(a, x, " "); split(b, y, " ")
    printf "%.2f", (y[1] + y[2] - x[1] - x[2]) / ((y[3] - x[3]) / n) }'
}
metric_sum() { # file, metric name, extra filter (a substring of the labels); sums every matching series
  awk -v name="$2" -v filt="$3" '
    index($0, name "{") == 1 && (filt == "" || index($0, filt) > 0) { s += $NF }
    END { printf "%.9f", s + 0 }' "$1"
}
children_cpu() { # sets CHILD_CPU: CPU seconds (user+sys) of this shell's waited-for children (wrk among them)
  times >"$logdir/times.txt" # in this shell: a $(...) subshell would report its own children only
  CHILD_CPU=$(awk 'NR == 2 { t = 0; for (i = 1; i <= 2; i++) { split($i, a, /[ms]/); t += a[1] * 60 + a[2] } printf "%.3f", t }' "$logdir/times.txt")
}
scrape() { curl -fsS --max-time 10 "http://127.0.0.1:$svc_port/actuator/prometheus" >"$1"; }
mean_ms() { # before-file, after-file, metric base (without _sum/_count), filter
  local s0 s1 c0 c1
  s0=$(metric_sum "$1" "${3}_sum" "$4"); s1=$(metric_sum "$2" "${3}_sum" "$4")
  c0=$(metric_sum "$1" "${3}_count" "$4"); c1=$(metric_sum "$2" "${3}_count" "$4")
  awk -v s0="$s0" -v s1="$s1" -v c0="$c0" -v c1="$c1" 'BEGIN {
    if (c1 - c0 > 0) printf "%.3f", (s1 - s0) * 1000 / (c1 - c0); else printf "-" }'
}

# ---------------------------------------------------------------- redis
redis_port="$(free_port 16500)"
mkdir -p "$logdir/redis"
log "starting redis-server on 127.0.0.1:$redis_port"
redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no --daemonize no \
  --dir "$logdir/redis" --logfile "$logdir/redis/redis.log" &
redis_pid=$!
for ((i = 0; i < 100; i++)); do
  redis-cli -h 127.0.0.1 -p "$redis_port" ping 2>/dev/null | grep -q PONG && break
  kill -0 "$redis_pid" 2>/dev/null || die "redis-server exited; see $logdir/redis/redis.log"
  sleep 0.1
done
redis-cli -h 127.0.0.1 -p "$redis_port" ping | grep -q PONG || die "redis-server does not answer"
rcli() { redis-cli -h 127.0.0.1 -p "$redis_port" "$@"; }

# ---------------------------------------------------------------- the service
start_service() { # store
  local store="$1" args
  svc_port="$(free_port 18181)"
  args=(--server.port="$svc_port" --server.address=127.0.0.1 --batchnorm.store.type="$store")
  if [ "$store" = redis ]; then
    args+=(--spring.data.redis.url="redis://127.0.0.1:$redis_port" --batchnorm.store.redis.key-prefix="bench$$")
  fi
  log "starting the service ($store store) on 127.0.0.1:$svc_port"
  # shellcheck disable=SC2086
  "$java" $JAVA_OPTS -jar "$jar" "${args[@]}" >"$logdir/service-$store.log" 2>&1 &
  svc_pid=$!
  local i
  for ((i = 0; i < 240; i++)); do
    if curl -fsS --max-time 2 "http://127.0.0.1:$svc_port/actuator/health/readiness" 2>/dev/null | grep -q '"UP"'; then
      return 0
    fi
    kill -0 "$svc_pid" 2>/dev/null || die "the service exited; see $logdir/service-$store.log"
    sleep 0.5
  done
  die "the service was not ready within 120 s; see $logdir/service-$store.log"
}

create_session() { # id
  local code
  code=$(curl -sS --max-time 10 -o "$logdir/create.out" -w '%{http_code}' -X POST "http://127.0.0.1:$svc_port/v1/sessions" \
    -H 'Content-Type: application/json' -d "{\"id\": \"$1\", \"updateOpsCollection\": null}")
  [ "$code" = 201 ] || die "creating session $1 answered $code: $(cat "$logdir/create.out")"
}

session_forwards() { # id -> counters.forwards
  curl -fsS --max-time 10 "http://127.0.0.1:$svc_port/v1/sessions/$1" | grep -o '"forwards":[0-9]*' | cut -d: -f2
}

# ---------------------------------------------------------------- one wrk run
# fields of the BENCH line
field() { sed -n 's/.*[[:space:]]'"$2"'=\([^[:space:]]*\).*/\1/p' <<<"$1" | head -1; }

run_wrk() { # out-file, duration, lua args...
  local out="$1" dur="$2"; shift 2
  local secs=${dur%s}
  timeout --signal=INT --kill-after=10 "$((secs + 30))" \
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"$dur" --timeout 5s --latency -s "$here/forward.lua" \
    "http://127.0.0.1:$svc_port" -- "$@" >"$out" 2>&1 &
  wrk_pid=$!
  local rc=0
  wait "$wrk_pid" || rc=$?
  wrk_pid=""
  [ "$rc" = 0 ] || die "wrk failed ($rc): $(tail -5 "$out")"
  grep -q '^BENCH ' "$out" || die "wrk printed no BENCH line: $(tail -5 "$out")"
}

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

quiet_deadline=$((SECONDS + QUIET_WAIT))
wait_quiet() { # sets QUIET_LOAD: waits (within the script's QUIET_WAIT budget) for a quiet machine
  while QUIET_LOAD=$(background_load); awk -v b="$QUIET_LOAD" 'BEGIN { exit !(b > 0.25) }' && [ "$SECONDS" -lt "$quiet_deadline" ]; do
    log "background load $QUIET_LOAD cores: waiting for the machine to be quiet ($((quiet_deadline - SECONDS))s of waiting left)"
    sleep 7
  done
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
  # one forward by hand: the request forward.lua sends must succeed
  code=$(curl -sS --max-time 10 -o "$logdir/probe-$store.out" -w '%{http_code}' -X POST \
    "http://127.0.0.1:$svc_port/v1/sessions/bench-00/forward" -H 'Content-Type: application/json' \
    -d '{"inputs": [[9.8, 11.2], [10.4, 8.1], [9.1, 10.7], [10.9, 9.6], [10.2, 10.3], [9.5, 11.8], [10.7, 9.2], [9.9, 10.1], [10.1, 8.8], [9.6, 10.5]], "isTraining": true}')
  [ "$code" = 200 ] && grep -q '"updatesApplied":true' "$logdir/probe-$store.out" \
    || die "probe forward answered $code: $(cat "$logdir/probe-$store.out")"

  wrk_completed=1 # the probe
  warm_up "$store" one-session single bench
  warm_up "$store" per-conn spread bench- "$per_thread"
  measure "$store" one-session single bench
  measure "$store" per-conn spread bench- "$per_thread"

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
