#!/usr/bin/env bash
# Cold start as a pod that scales out sees it, in one run: launch to ready, resident memory once ready, and the first
# /predictions after ready against the median of the next ones, for
#   jar    the plain jar (fast-jar) on JDK 17, no JVM options;
#   image  the JVM image's command line: JDK 25, aot-jar packaging, the AOT cache docker/aot-training.sh trains,
#          docker/jvm.options, and the manifest's 512 Mi limit emulated with -XX:MaxRAM=512m.
# Launches alternate between the two, so that a machine that slows down or speeds up affects both alike; the ratios
# are the figures to compare, the absolute times depend on the machine. 127.0.0.1 only; every process is stopped.
#
#   bench/start.sh
#
# Knobs: BENCH_JDK17 (java on PATH), BENCH_JDK25 (the first /usr/lib/jvm/*25*/bin/java), BENCH_PORT (18080),
# BENCH_LAUNCHES (10 per variant), BENCH_NEXT (100 requests after the first), BENCH_SKIP_BUILD (reuse bench/work-start).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
WORK=$ROOT/bench/work-start
PORT=${BENCH_PORT:-18080}
LAUNCHES=${BENCH_LAUNCHES:-10}
NEXT=${BENCH_NEXT:-100}
JAVA17=${BENCH_JDK17:-java}
JAVA25=${BENCH_JDK25:-$(ls -d /usr/lib/jvm/*25*/bin/java 2>/dev/null | head -1)}
BASE=http://127.0.0.1:$PORT
PNG=$ROOT/src/test/resources/fixtures/test-00000.png
IMAGE_OPTIONS=("@$ROOT/docker/jvm.options" -XX:MaxRAM=512m -XX:AOTCache=app.aot)
PIDS=()

. bench/lib.sh
cleanup() { for pid in "${PIDS[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done; }
trap cleanup EXIT

[ -x "$JAVA25" ] || { log "no JDK 25: set BENCH_JDK25"; exit 1; }
for tool in curl jq; do command -v "$tool" >/dev/null || { apt-get update -qq && apt-get install -y -qq "$tool"; }; done
jdk() { "$1" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.runtime.version/{print $2}'; }

# --- builds -------------------------------------------------------------------------------------------------------
if [ -z "${BENCH_SKIP_BUILD:-}" ] || [ ! -f "$WORK/image/app.aot" ]; then
    rm -rf "$WORK" && mkdir -p "$WORK"
    log "building the plain jar"
    ./mvnw -B -q package -DskipTests >"$WORK/build-plain.log" 2>&1
    cp -a target/quarkus-app "$WORK/plain"
    log "building the aot-jar and training its cache with $JAVA25"
    ./mvnw -B -q package -DskipTests -Paot -Daot.training.skip=true >"$WORK/build-image.log" 2>&1
    cp -a target/quarkus-app "$WORK/image"
    # Trained where it runs and with the options it runs with, as the image's training stage does.
    JAVA=$JAVA25 TRAINING_PORT=$PORT sh docker/aot-training.sh "$WORK/image" "@$ROOT/docker/jvm.options" \
        -XX:MaxRAM=512m >"$WORK/training.log" 2>&1 || { cat "$WORK/training.log" >&2; exit 1; }
fi

# --- one launch ---------------------------------------------------------------------------------------------------
predict_ms() { # one /predictions with a fresh connection, as a new client of a new pod makes it; prints ms
    curl -s -o /dev/null -w '%{http_code} %{time_total}\n' -X POST "$BASE/predictions" \
        -H "Authorization: Bearer $TOKEN" -H 'Content-Type: image/png' --data-binary @"$PNG" |
        awk '$1 != 200 {print "status " $1 > "/dev/stderr"; exit 1} {printf "%.2f\n", $2 * 1000}'
}
launch() { # $1 = label, $2 = java, $3 = app dir, rest = options; appends "label ms rss first next-median"
    local label=$1 java=$2 dir=$3; shift 3
    local t0 t1 rss first next
    t0=$(date +%s%N)
    start_app "$java" "$dir" "$@"
    wait_ready
    t1=$(date +%s%N)
    rss=$(rss_mb)
    first=$(predict_ms)
    next=$(for _ in $(seq 1 "$NEXT"); do predict_ms; done | stats | cut -d' ' -f1)
    stop_app
    echo "$label $(((t1 - t0) / 1000000)) $rss $first $next" >>"$WORK/launches.txt"
}

# A token from a first process: the same signing key and administrator in every launch, so no launch's first
# request is a login.
start_app "$JAVA17" "$WORK/plain"
wait_ready
TOKEN=$(curl -sf -X POST "$BASE/auth/token" -H 'Content-Type: application/json' \
    -d '{"username":"admin","password":"bench-admin-password"}' | jq -r .access_token)
stop_app

: >"$WORK/launches.txt"
log "launch to ready and first request, $LAUNCHES launches each, alternating"
for i in $(seq 1 "$LAUNCHES"); do
    launch jar "$JAVA17" "$WORK/plain"
    launch image "$JAVA25" "$WORK/image" "${IMAGE_OPTIONS[@]}"
    log "launch $i: $(tail -2 "$WORK/launches.txt" | tr '\n' ' ')"
done
# The JVM reports a cache it cannot use on stderr ([aot] warnings and errors) and starts without it.
AOT_PROBLEMS=$(grep -c '\[aot' "$WORK/app.log" || true)
[ "$AOT_PROBLEMS" = 0 ] || log "warning: the JVM reported $AOT_PROBLEMS AOT cache problem(s): $(grep -m1 '\[aot' "$WORK/app.log")"

# --- report -------------------------------------------------------------------------------------------------------
col() { awk -v l="$1" -v c="$2" '$1 == l {print $c}' "$WORK/launches.txt" | stats; } # label, column -> median min max
read -r JAR_MS JAR_MS_MIN JAR_MS_MAX < <(col jar 2)
read -r IMG_MS IMG_MS_MIN IMG_MS_MAX < <(col image 2)
read -r JAR_RSS _ _ < <(col jar 3)
read -r IMG_RSS IMG_RSS_MIN IMG_RSS_MAX < <(col image 3)
read -r JAR_FIRST _ _ < <(col jar 4)
read -r IMG_FIRST IMG_FIRST_MIN IMG_FIRST_MAX < <(col image 4)
read -r JAR_NEXT _ _ < <(col jar 5)
read -r IMG_NEXT _ _ < <(col image 5)
# Per launch: its first request over the median of its next ones; the median of those ratios.
ratio() { awk -v l="$1" '$1 == l {print $4 / $5}' "$WORK/launches.txt" | stats | awk '{printf "%.1f", $1}'; }
JAR_RATIO=$(ratio jar)
IMG_RATIO=$(ratio image)
SHARE=$(awk -v a="$IMG_MS" -v b="$JAR_MS" 'BEGIN{printf "%.0f", 100 * a / b}')
verdict() { if awk "BEGIN{exit !($1)}"; then echo met; else echo "**missed**"; fi; }
DATE=$(date +%F)
RESULT=bench/results/$DATE-start.md
{
    echo "## Latest cold-start run, $DATE"
    echo
    echo "Command: \`bench/start.sh\` on $(nproc) cores. jar: $(jdk "$JAVA17"), no options. image: $(jdk "$JAVA25"),"
    echo "\`java @docker/jvm.options -XX:MaxRAM=512m -XX:AOTCache=app.aot -jar quarkus-run.jar\` (aot-jar packaging, cache"
    echo "from docker/aot-training.sh). $LAUNCHES launches each, alternating; after each, one \`/predictions\` then $NEXT more"
    echo "(a PNG, a new connection each, as curl makes them). Ready = \`/q/health/ready\` UP, which includes the warm-up."
    echo "AOT cache problems the JVM reported: $AOT_PROBLEMS."
    echo
    echo "| variant | launch to ready, median ms (min–max) | RSS after ready MB | first /predictions ms | next $NEXT, median ms | first / next (median of launches) |"
    echo "|---|---|---|---|---|---|"
    echo "| jar, JDK 17 | $JAR_MS ($JAR_MS_MIN–$JAR_MS_MAX) | $JAR_RSS | $JAR_FIRST | $JAR_NEXT | ${JAR_RATIO}x |"
    echo "| image, JDK 25 + AOT cache | $IMG_MS ($IMG_MS_MIN–$IMG_MS_MAX) | $IMG_RSS ($IMG_RSS_MIN–$IMG_RSS_MAX) | $IMG_FIRST ($IMG_FIRST_MIN–$IMG_FIRST_MAX) | $IMG_NEXT | ${IMG_RATIO}x |"
    echo
    echo "| target | measured | verdict |"
    echo "|---|---|---|"
    echo "| image launch to ready <= 1000 ms (median) | $IMG_MS ms | $(verdict "$IMG_MS <= 1000") |"
    echo "| image <= 50% of the jar's launch to ready, same run | $SHARE% | $(verdict "$SHARE <= 50") |"
    echo "| image: first /predictions <= 2x the median of the next $NEXT | ${IMG_RATIO}x | $(verdict "$IMG_RATIO <= 2") |"
    echo "| image: RSS after ready <= 150 MB | $IMG_RSS MB | $(verdict "$IMG_RSS <= 150") |"
    echo
    echo "Per launch (variant, ms to ready, RSS MB, first ms, median of next ms):"
    echo
    echo '```'
    cat "$WORK/launches.txt"
    echo '```'
} >"$RESULT"
benchmarks_block start <"$RESULT"
log "wrote $RESULT and BENCHMARKS.md"
cat "$RESULT"
