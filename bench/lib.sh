# Shared by the benchmark scripts (sourced, not run): tools, the jar, cleanup, ports, a private
# redis-server, the service, CPU accounting and wrk runs. The sourcing script sets `here` (this
# folder), WRK_SCRIPT (the wrk Lua script in this folder) and the knobs it documents (THREADS,
# CONNECTIONS, JAVA_OPTS, QUIET_WAIT, BENCH_LOG_DIR)
# and passes its jar argument as $1 to bench_init.

log() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "FATAL: $*"; exit 2; }

bench_init() { # jar argument
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
  command -v python3 >/dev/null 2>&1 || missing+=(python3)
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

}
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
start_redis() { # sets redis_port, redis_pid
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
}
rcli() { redis-cli -h 127.0.0.1 -p "$redis_port" "$@"; }

# ---------------------------------------------------------------- the service
start_service() { # store, extra service arguments...
  local store="$1" args
  shift
  svc_port="$(free_port 18181)"
  args=(--server.port="$svc_port" --server.address=127.0.0.1 --batchnorm.store.type="$store")
  if [ "$store" = redis ]; then
    args+=(--spring.data.redis.url="redis://127.0.0.1:$redis_port" --batchnorm.store.redis.key-prefix="bench$$")
  fi
  args+=("$@")
  log "starting the service ($store store) on 127.0.0.1:$svc_port"
  # shellcheck disable=SC2086
  "$java" --add-modules=jdk.incubator.vector $JAVA_OPTS -jar "$jar" "${args[@]}" >"$logdir/service-$store.log" 2>&1 &
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

create_session() { # id: a session with in-place updates ("updateOpsCollection": null)
  local code
  code=$(curl -sS --max-time 10 -o "$logdir/create.out" -w '%{http_code}' -X POST "http://127.0.0.1:$svc_port/v1/sessions" \
    -H 'Content-Type: application/json' -d "{\"id\": \"$1\", \"updateOpsCollection\": null}")
  [ "$code" = 201 ] || die "creating session $1 answered $code: $(cat "$logdir/create.out")"
}

session_forwards() { # id -> counters.forwards
  curl -fsS --max-time 10 "http://127.0.0.1:$svc_port/v1/sessions/$1" | grep -o '"forwards":[0-9]*' | cut -d: -f2
}

# ---------------------------------------------------------------- the load cases
# case -> "path content-type accept body-file session-prefix" (bodies written by bodies.py; the
# small cases use sessions s-00.., the large ones l-00..)
declare -A cases=(
  [small-json]="/v1/sessions/{id}/forward application/json application/json small.json s-"
  [small-npy]="/v1/sessions/{id}/forward?isTraining=true application/x-npy application/x-npy small.npy s-"
  [large-json]="/v1/sessions/{id}/forward application/json application/json large.json l-"
  [large-npy]="/v1/sessions/{id}/forward?isTraining=true application/x-npy application/x-npy large.npy l-"
)

# ---------------------------------------------------------------- one wrk run
# fields of the BENCH line
field() { sed -n 's/.*[[:space:]]'"$2"'=\([^[:space:]]*\).*/\1/p' <<<"$1" | head -1; }

run_wrk() { # out-file, duration, lua args...
  local out="$1" dur="$2"; shift 2
  local secs=${dur%s}
  timeout --signal=INT --kill-after=10 "$((secs + 30))" \
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"$dur" --timeout 5s --latency -s "$here/$WRK_SCRIPT" \
    "http://127.0.0.1:$svc_port" -- "$@" >"$out" 2>&1 &
  wrk_pid=$!
  local rc=0
  wait "$wrk_pid" || rc=$?
  wrk_pid=""
  [ "$rc" = 0 ] || die "wrk failed ($rc): $(tail -5 "$out")"
  grep -q '^BENCH ' "$out" || die "wrk printed no BENCH line: $(tail -5 "$out")"
}


quiet_deadline=$((SECONDS + QUIET_WAIT))
wait_quiet() { # sets QUIET_LOAD: waits (within the script's QUIET_WAIT budget) for a quiet machine
  while QUIET_LOAD=$(background_load); awk -v b="$QUIET_LOAD" 'BEGIN { exit !(b > 0.25) }' && [ "$SECONDS" -lt "$quiet_deadline" ]; do
    log "background load $QUIET_LOAD cores: waiting for the machine to be quiet ($((quiet_deadline - SECONDS))s of waiting left)"
    sleep 7
  done
}
