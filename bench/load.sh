#!/usr/bin/env bash
# Load benchmark: forwards against an echo of the same bytes, small and large batches, JSON and
# .npy, memory and Redis stores, at concurrency 16.
#
#   bash bench/load.sh [path/to/batchnorm-service-0.1.0-SNAPSHOT.jar]
#
# Installs what it lacks (wrk, redis-server, redis-cli, curl, python3; a JDK 25 if none is found),
# writes the bodies with bench/bodies.py (10x2 and 1024x64 float32, as JSON and .npy), starts its
# own redis-server on a free loopback port and, for each store, the service with the "echo"
# profile (which adds POST /v1/echo: the request bytes back through the same server). Each run is
# wrk -t2 -c16 with post.lua over 16 sessions (in-place training forwards, "updateOpsCollection":
# null; each wrk thread cycles over its own 8), after a warm-up. The echo runs once (it does not
# touch the store), in the memory pass. It prints requests/s, p50, p99 and MB/s per run and
# each forward's rate as a fraction of the echo of the same body, against the targets:
#   small JSON forward >= 0.60 x echo;  large .npy forward >= 0.50 x echo.
# Any socket error or non-2xx answer makes the run INVALID (exit 1). Loopback only; every step
# is bounded in time; every process it started is stopped on exit.
#
# Knobs (environment): JIT_WARMUP (15s for each forward and echo once per store, before any
# measurement), WARMUP (8s per run), DURATION (10s), THREADS (2), CONNECTIONS (16),
# JAVA_OPTS (none), QUIET_WAIT (300: seconds in all to wait for other processes to use under 0.25
# cores before each store and run), STORES ("memory redis"), ROUNDS (1: how many times every
# run is measured, the forwards and echoes alternating; each row then shows the round with the
# median rate, so one slow stretch of a shared VM does not decide a target), BENCH_LOG_DIR (a new
# temporary directory: bodies, raw wrk output, service logs).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/.." && pwd)"
WARMUP="${WARMUP:-8s}"
JIT_WARMUP="${JIT_WARMUP:-15s}"
DURATION="${DURATION:-10s}"
THREADS="${THREADS:-2}"
CONNECTIONS="${CONNECTIONS:-16}"
JAVA_OPTS="${JAVA_OPTS:-}"
QUIET_WAIT="${QUIET_WAIT:-300}"
STORES="${STORES:-memory redis}"
ROUNDS="${ROUNDS:-1}"
WRK_SCRIPT=post.lua

# shellcheck source=lib.sh
source "$here/lib.sh"
bench_init "$@"
start_redis

python3 "$here/bodies.py" "$logdir"
per_thread=$(( (CONNECTIONS + THREADS - 1) / THREADS ))
nsessions=$(( per_thread * THREADS ))

# the cases (lib.sh), in the order they run
order=(small-json small-npy large-json large-npy)

invalid=0
results=() # "store case rps p50 p99 mbps"

run_case() { # store, case, echo|forward, round
  local store="$1" name="$2" kind="$3" round="$4" path ctype accept file prefix
  read -r path ctype accept file prefix <<<"${cases[$name]}"
  local label="$name"
  if [ "$kind" = echo ]; then path=/v1/echo; label="echo-$name"; fi
  local args=("$path" "$ctype" "$accept" "$logdir/$file" "$prefix" "$per_thread")
  # file names as before when there is one round
  local run="$store-$label"
  if [ "$ROUNDS" -gt 1 ]; then run="$run-r$round"; fi
  wait_quiet
  log "$store / $label (round $round of $ROUNDS): warm-up $WARMUP"
  run_wrk "$logdir/wrk-$run-warmup.txt" "$WARMUP" "${args[@]}"
  log "$store / $label: measuring $DURATION (background load before: $QUIET_LOAD cores)"
  run_wrk "$logdir/wrk-$run.txt" "$DURATION" "${args[@]}"
  local line f bad=0
  line=$(grep '^BENCH ' "$logdir/wrk-$run.txt")
  for f in non2xx badbody connect read write timeout status; do
    [ "$(field "$line" "$f")" = 0 ] || bad=1
  done
  if [ "$bad" != 0 ]; then
    invalid=1
    log "INVALID: $store / $label: $line"
    grep '^BENCH-SAMPLE' "$logdir/wrk-$store-$label.txt" >&2 || true
  fi
  results+=("$store $label $(field "$line" rps) $(field "$line" p50_ms) $(field "$line" p99_ms) $(field "$line" mbps_in)")
  log "$store / $label: $(field "$line" rps) req/s, p50 $(field "$line" p50_ms) ms, p99 $(field "$line" p99_ms) ms"
}

probe() { # case: one request by hand must answer 200
  local path ctype accept file prefix code
  read -r path ctype accept file prefix <<<"${cases[$1]}"
  path="${path//\{id\}/${prefix}00}"
  code=$(curl -sS --max-time 30 -o "$logdir/probe.out" -w '%{http_code}' -X POST "http://127.0.0.1:$svc_port$path" \
    -H "Content-Type: $ctype" -H "Accept: $accept" --data-binary "@$logdir/$file")
  [ "$code" = 200 ] || die "probe $1 answered $code: $(head -c 300 "$logdir/probe.out")"
}

first=1
for store in $STORES; do
  wait_quiet
  start_service "$store" --spring.profiles.active=echo
  for ((s = 0; s < nsessions; s++)); do
    create_session "$(printf 's-%02d' "$s")"
    create_session "$(printf 'l-%02d' "$s")"
  done
  for name in "${order[@]}"; do probe "$name"; done
  # the JIT needs far longer than one case's warm-up to settle on two cores (C2 still used a third
  # of the CPU after 40 s in a profile): every path is exercised once before any is measured, so
  # the first cases are not measured half-compiled while the later ones are not
  for name in "${order[@]}"; do
    for kind in forward echo; do
      read -r path ctype accept file prefix <<<"${cases[$name]}"
      [ "$kind" = echo ] && path=/v1/echo
      log "$store / $kind $name: JIT warm-up $JIT_WARMUP"
      run_wrk "$logdir/wrk-$store-$name-$kind-jit.txt" "$JIT_WARMUP" "$path" "$ctype" "$accept" "$logdir/$file" "$prefix" "$per_thread"
    done
  done
  for ((round = 1; round <= ROUNDS; round++)); do
    for name in "${order[@]}"; do
      run_case "$store" "$name" forward "$round"
      if [ "$first" = 1 ]; then run_case "$store" "$name" echo "$round"; fi
    done
  done
  first=0
  stop_pid "$svc_pid" 20
  svc_pid=""
done

# ---------------------------------------------------------------- report
# one row per store and run: the round with the median rate (the upper one of an even count)
declare -A seen=()
medians=()
for r in "${results[@]}"; do
  set -- $r
  [ -n "${seen[$1 $2]:-}" ] && continue
  seen[$1 $2]=1
  medians+=("$(printf '%s\n' "${results[@]}" | awk -v s="$1" -v l="$2" '$1 == s && $2 == l' | sort -k3,3g \
    | awk '{ row[NR] = $0 } END { print row[int(NR / 2) + 1] }')")
done
results=("${medians[@]}")
declare -A echo_rps=()
for r in "${results[@]}"; do
  set -- $r
  case "$2" in echo-*) echo_rps[${2#echo-}]=$3 ;; esac
done
echo
echo "batchnorm-service load: wrk -t$THREADS -c$CONNECTIONS -d$DURATION (warm-up $WARMUP, $ROUNDS round(s), median shown), in-place training forwards over $nsessions sessions, $(nproc) cores, $("$java" -version 2>&1 | head -1)"
echo
printf '| %-6s | %-15s | %9s | %8s | %8s | %8s | %8s | %-22s |\n' store run 'req/s' 'p50 ms' 'p99 ms' 'MB/s in' 'vs echo' target
printf '|%s|%s|%s|%s|%s|%s|%s|%s|\n' -------- ----------------- ----------- ---------- ---------- ---------- ---------- ------------------------
met=1
for r in "${results[@]}"; do
  set -- $r
  ratio="-" target=""
  case "$2" in
    echo-*) ;;
    *)
      # three decimals, and the target compared with the unrounded ratio (0.496 is not 0.50)
      if [ -n "${echo_rps[$2]:-}" ]; then ratio=$(awk -v a="$3" -v b="${echo_rps[$2]}" 'BEGIN { printf "%.3f", a / b }'); fi
      want=""
      [ "$2" = small-json ] && want=0.60
      [ "$2" = large-npy ] && want=0.50
      if [ -n "$want" ] && [ "$ratio" != "-" ]; then
        if awk -v a="$3" -v b="${echo_rps[$2]}" -v w="$want" 'BEGIN { exit !(a / b >= w) }'; then target=">= $want: met"; else target=">= $want: MISSED"; met=0; fi
      fi
      ;;
  esac
  printf '| %-6s | %-15s | %9s | %8s | %8s | %8s | %8s | %-22s |\n' "$1" "$2" "$3" "$4" "$5" "$6" "$ratio" "$target"
done
echo
echo "raw output: $logdir"
if [ "$invalid" != 0 ]; then
  echo "RESULT: INVALID (socket errors or non-2xx answers; see above)"
  exit 1
fi
echo "RESULT: valid; targets $([ "$met" = 1 ] && echo met || echo 'not all met')"
