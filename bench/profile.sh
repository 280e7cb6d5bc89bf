#!/usr/bin/env bash
# Where one load case's CPU goes: microseconds of CPU per forward for each process (the service,
# redis-server, wrk) and for the idle cores, context switches per forward, and, with a profiler,
# its per-thread or per-frame breakdown. One store, one case of bench/load.sh, one jar:
#
#   STORE=redis CASE=small-json bash bench/profile.sh [path/to/batchnorm-service-0.1.0-SNAPSHOT.jar]
#
# Same service, sessions (16, in-place training forwards), bodies and wrk script as load.sh. Knobs
# (environment): STORE (memory | redis), CASE (small-json | small-npy | large-json | large-npy),
# WARMUP (25s), DURATION (15s), PROFILER (none | perf | jfr; perf needs linux-perf and samples
# every process with cpu-clock and the JIT's perf map; jfr records the service alone),
# THREADS (2), CONNECTIONS (16), JAVA_OPTS, BENCH_LOG_DIR. Compare two jars by running this for
# each in turn, more than once: one run on a shared VM moves by 10% or more.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/.." && pwd)"
STORE="${STORE:-redis}"
CASE="${CASE:-small-json}"
WARMUP="${WARMUP:-25s}"
DURATION="${DURATION:-15s}"
PROFILER="${PROFILER:-none}"
THREADS="${THREADS:-2}"
CONNECTIONS="${CONNECTIONS:-16}"
JAVA_OPTS="${JAVA_OPTS:-}"
QUIET_WAIT="${QUIET_WAIT:-120}"
WRK_SCRIPT=post.lua

# shellcheck source=lib.sh
source "$here/lib.sh"
bench_init "$@"

[ -n "${cases[$CASE]:-}" ] || die "CASE must be one of: ${!cases[*]}"
case "$STORE" in memory | redis) ;; *) die "STORE must be memory or redis" ;; esac
case "$PROFILER" in
  none) ;;
  perf) command -v perf >/dev/null 2>&1 || die "PROFILER=perf needs perf (Debian: linux-perf)"
        JAVA_OPTS="$JAVA_OPTS -XX:+PreserveFramePointer" ;;
  jfr) JAVA_OPTS="$JAVA_OPTS -XX:+UnlockDiagnosticVMOptions -XX:+DebugNonSafepoints" ;;
  *) die "PROFILER must be none, perf or jfr" ;;
esac
secs=${DURATION%s}

[ "$STORE" = redis ] && start_redis
python3 "$here/bodies.py" "$logdir"
wait_quiet
start_service "$STORE"
read -r path ctype accept file prefix <<<"${cases[$CASE]}"
per_thread=$(( (CONNECTIONS + THREADS - 1) / THREADS ))
for ((s = 0; s < per_thread * THREADS; s++)); do create_session "$(printf '%s%02d' "$prefix" "$s")"; done
args=("$path" "$ctype" "$accept" "$logdir/$file" "$prefix" "$per_thread")

log "$STORE / $CASE: warm-up $WARMUP"
run_wrk "$logdir/wrk-warmup.txt" "$WARMUP" "${args[@]}"

switches() { cat /proc/"$svc_pid"/task/*/status 2>/dev/null | awk '/ctxt_switches/ { s += $2 } END { print s + 0 }'; }
m0=$(machine_ticks); j0=$(cpu_ticks "$svc_pid"); r0=$(cpu_ticks "${redis_pid:-0}"); c0=$(switches)
case "$PROFILER" in
  perf) perf record -a -g -F 1999 -e cpu-clock -o "$logdir/perf.data" -- sleep $((secs - 2)) >"$logdir/perf.log" 2>&1 &
        perf_pid=$! ;;
  jfr) "$jdk/bin/jcmd" "$svc_pid" JFR.start name=profile settings=profile filename="$logdir/profile.jfr" >/dev/null ;;
esac
log "$STORE / $CASE: measuring $DURATION with profiler $PROFILER"
run_wrk "$logdir/wrk.txt" "$DURATION" "${args[@]}"
m1=$(machine_ticks); j1=$(cpu_ticks "$svc_pid"); r1=$(cpu_ticks "${redis_pid:-0}"); c1=$(switches)
case "$PROFILER" in
  perf) wait "$perf_pid" || true
        # the JIT's symbols, for perf report (written where perf looks for them)
        "$jdk/bin/jcmd" "$svc_pid" Compiler.perfmap >/dev/null ;;
  jfr) "$jdk/bin/jcmd" "$svc_pid" JFR.stop name=profile >/dev/null ;;
esac

line=$(grep '^BENCH ' "$logdir/wrk.txt")
rps=$(field "$line" rps)
for f in non2xx connect read write timeout; do
  [ "$(field "$line" "$f")" = 0 ] || die "INVALID run: $line"
done
echo
echo "batchnorm-service profile: $STORE store, $CASE, wrk -t$THREADS -c$CONNECTIONS -d$DURATION, $(nproc) cores"
echo "rate: $rps forwards/s (p50 $(field "$line" p50_ms) ms, p99 $(field "$line" p99_ms) ms)"
# ticks are 1/100 s; microseconds per forward = ticks * 10^4 / seconds / rate
awk -v m0="$m0" -v m1="$m1" -v j="$((j1 - j0))" -v r="$((r1 - r0))" -v c="$((c1 - c0))" -v s="$secs" -v rps="$rps" -v n="$(nproc)" 'BEGIN {
  split(m0, a, " "); split(m1, b, " ")
  busy = b[1] + b[2] - a[1] - a[2]; total = b[3] - a[3]; idle = total - busy
  us = 1e4 / s / rps
  printf "CPU per forward (µs): service %.1f, redis-server %.1f, everything else (wrk, kernel threads) %.1f, idle %.1f; all %.1f\n",
    j * us, r * us, (busy - j - r) * us, idle * us, total * us
  printf "service context switches per forward: %.2f\n", c / s / rps
}'
case "$PROFILER" in
  perf)
    echo; echo "perf: CPU per forward by thread name (µs), then the service's hottest symbols:"
    perf report -i "$logdir/perf.data" --stdio --sort comm -g none 2>/dev/null | awk -v rps="$rps" -v n="$(nproc)" \
      '/^ *[0-9.]+%/ { sub(/%/, "", $2); printf "  %7.1f  %s\n", $2 / 100 * n / rps * 1e6, substr($0, index($0, $3)) }' | head -15
    perf report -i "$logdir/perf.data" --stdio --pid "$svc_pid" --sort sym -g none 2>/dev/null | grep -v '^#' | grep -v '^$' \
      | sort -t% -k2 -rn | head -25 ;;
  jfr)
    echo; echo "JFR execution samples of the service, hottest frames (self):"
    "$jdk/bin/jfr" print --events jdk.ExecutionSample --stack-depth 1 "$logdir/profile.jfr" \
      | awk '/stackTrace = \[/ { getline; sub(/^ +/, ""); sub(/ +line:.*/, ""); n[$0]++; t++ } END { for (f in n) printf "  %5.1f%%  %s\n", 100 * n[f] / t, f }' \
      | sort -rn | head -25 ;;
esac
echo
echo "raw output: $logdir"
