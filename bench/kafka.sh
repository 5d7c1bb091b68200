#!/usr/bin/env bash
# The prediction log shipped to Kafka against the file alone, in one run: /predictions throughput and latency with the
# Kafka sink on (a KRaft broker on this machine, from the Kafka jars the tests use) and off, alternating, and the
# shipping lag (prediction_log_shipping_lag_seconds, sampled every 0.5 s) while the load runs. 127.0.0.1 only;
# bounded runs; every process started here is stopped.
#
#   bench/kafka.sh
#
# Knobs: BENCH_PORT (18080), BENCH_KAFKA_PORT (19092), BENCH_DURATION (15s), BENCH_WARMUP (5s), BENCH_REPEATS (3),
# BENCH_SKIP_BUILD (reuse target/quarkus-app).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
WORK=$ROOT/bench/work-kafka
PORT=${BENCH_PORT:-18080}
KPORT=${BENCH_KAFKA_PORT:-19092}
DURATION=${BENCH_DURATION:-15s}
WARMUP=${BENCH_WARMUP:-5s}
REPEATS=${BENCH_REPEATS:-3}
JAVA=${JAVA_HOME:+$JAVA_HOME/bin/}java
BASE=http://127.0.0.1:$PORT
PNG=$ROOT/src/test/resources/fixtures/test-00000.png
PIDS=()

. bench/lib.sh
cleanup() { for pid in "${PIDS[@]}" $KAFKA_PID; do kill -KILL "$pid" 2>/dev/null || true; done; }
trap cleanup EXIT

for tool in wrk jq curl; do command -v "$tool" >/dev/null || { apt-get update -qq && apt-get install -y -qq "$tool"; }; done
rm -rf "$WORK" && mkdir -p "$WORK"
if [ -z "${BENCH_SKIP_BUILD:-}" ] || [ ! -f target/quarkus-app/quarkus-run.jar ]; then
    log "building the jar"
    ./mvnw -B -q package -DskipTests >"$WORK/build.log" 2>&1
fi
cp -a target/quarkus-app "$WORK/app"
start_kafka "$KPORT" "$WORK"
BROKER_PID=$KAFKA_PID

# CPU time, in clock ticks, of a process, and of the application's shipping threads (the shipper and the producer's
# network thread): where the Kafka sink's cost goes.
HZ=$(getconf CLK_TCK)
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
shipper_ticks() {
    local total=0 task
    for task in /proc/"$APP_PID"/task/*; do
        case "$(cat "$task/comm" 2>/dev/null)" in
            prediction-log*|kafka-producer*) total=$((total + $(awk '{print $14 + $15}' "$task/stat"))) ;;
        esac
    done
    echo "$total"
}

# --- one run: the app with or without Kafka, warm-up, measured wrk, lag sampled meanwhile -------------------------
run() { # $1 = label (file | kafka), $2 = repeat
    local label=$1 r=$2 options=(-Dx=y)
    [ "$label" = kafka ] && options=(-Dapp.prediction-log.kafka.bootstrap-servers=127.0.0.1:$KPORT)
    rm -f "$WORK"/predictions*  # start_app logs to $WORK/predictions.jsonl: each run begins with an empty log
    start_app "$JAVA" "$WORK/app" "${options[@]}"
    wait_ready
    curl -sf -o /dev/null -X POST "$BASE/users" -H 'Content-Type: application/json' \
        -d '{"username":"bench","password":"bench-password"}'
    TOKEN=$(curl -sf -X POST "$BASE/auth/token" -H 'Content-Type: application/json' \
        -d '{"username":"bench","password":"bench-password"}' | jq -r .access_token)
    export TOKEN BODY=$PNG CTYPE=image/png
    wrk -t2 -c50 -d"$WARMUP" -s bench/lua/post-file.lua "$BASE/predictions" >/dev/null 2>&1
    local out="$WORK/wrk-$label-$r.txt" lag=0 broker0 shipper0
    broker0=$(cpu_ticks "$BROKER_PID"); shipper0=$(shipper_ticks)
    wrk -t2 -c50 -d"$DURATION" --latency -s bench/lua/post-file.lua "$BASE/predictions" >"$out" 2>&1 &
    local wrk_pid=$!
    while kill -0 "$wrk_pid" 2>/dev/null; do
        local now
        now=$(curl -sf "$BASE/q/metrics" | awk '/^prediction_log_shipping_lag_seconds /{print $2}')
        lag=$(awk -v a="$lag" -v b="${now:-0}" 'BEGIN{print (b > a) ? b : a}')
        sleep 0.5
    done
    wait "$wrk_pid"
    local broker_s shipper_s
    broker_s=$(awk -v a="$broker0" -v b="$(cpu_ticks "$BROKER_PID")" -v hz="$HZ" 'BEGIN{printf "%.1f", (b - a) / hz}')
    shipper_s=$(awk -v a="$shipper0" -v b="$(shipper_ticks)" -v hz="$HZ" 'BEGIN{printf "%.1f", (b - a) / hz}')
    local rps p50 p99 bad
    rps=$(awk '/Requests\/sec/{print $2}' "$out")
    p50=$(awk '$1=="50%"{print $2}' "$out" | to_ms)
    p99=$(awk '$1=="99%"{print $2}' "$out" | to_ms)
    bad=$(awk '/Non-2xx/{print $5}' "$out" | grep -E '^[0-9]+$' || echo 0)
    stop_app
    local lines=0
    lines=$(cat "$WORK"/predictions*.jsonl | wc -l)
    echo "$label $r $rps $p50 $p99 $bad $lag $lines $broker_s $shipper_s"
}
: >"$WORK/runs.txt"
for r in $(seq 1 "$REPEATS"); do
    for label in file kafka; do
        log "run $r: $label"
        run "$label" "$r" | tee -a "$WORK/runs.txt" >&2
    done
done
stop_kafka

# --- the report ---------------------------------------------------------------------------------------------------
col() { awk -v l="$1" -v c="$2" '$1 == l {print $c}' "$WORK/runs.txt" | stats | cut -d' ' -f1; }
FILE_RPS=$(col file 3); KAFKA_RPS=$(col kafka 3)
SHARE=$(awk -v a="$KAFKA_RPS" -v b="$FILE_RPS" 'BEGIN{printf "%.0f", 100 * a / b}')
MAX_LAG=$(awk '$1 == "kafka" {print $7}' "$WORK/runs.txt" | stats | awk '{print $3}')
verdict() { if awk "BEGIN{exit !($1)}"; then echo met; else echo "**missed**"; fi; }
DATE=$(date +%F)
RESULT=bench/results/$DATE-kafka.md
{
    echo "## Latest Kafka sink run, $DATE"
    echo
    echo "Command: \`bench/kafka.sh\` on $(nproc) cores, $("$JAVA" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.runtime.version/{print $2}'):"
    echo "\`/predictions\` (a PNG) with wrk -t2 -c50 -d$DURATION after a $WARMUP warm-up, $REPEATS runs each, alternating; the"
    echo "broker (KRaft, Kafka $(ls ~/.m2/repository/org/apache/kafka/kafka_2.13/ 2>/dev/null | tail -1), -Xmx512m) and wrk share the cores with the application."
    echo "Lag: the largest \`prediction_log_shipping_lag_seconds\` sampled every 0.5 s during the measured runs. CPU: seconds"
    echo "used during a measured run ($DURATION, $(nproc) cores) by the broker, and by the application's shipper and producer threads."
    echo
    echo "| sink | requests/s (median) | p50 ms | p99 ms | largest lag s | broker CPU s | shipping threads CPU s |"
    echo "|---|---|---|---|---|---|---|"
    echo "| file | $FILE_RPS | $(col file 4) | $(col file 5) | – | $(col file 9) | – |"
    echo "| file + Kafka | $KAFKA_RPS | $(col kafka 4) | $(col kafka 5) | $MAX_LAG | $(col kafka 9) | $(col kafka 10) |"
    echo
    echo "| target | measured | verdict |"
    echo "|---|---|---|"
    echo "| Kafka sink >= 90% of the file sink's rate | $SHARE% | $(verdict "$SHARE >= 90") |"
    echo "| shipping lag under that load < 2 s | $MAX_LAG s | $(verdict "$MAX_LAG < 2") |"
    echo
    echo "Per run (sink, run, requests/s, p50 ms, p99 ms, non-2xx, largest lag s, lines in the log, broker CPU s, shipping CPU s):"
    echo
    echo '```'
    cat "$WORK/runs.txt"
    echo '```'
} >"$RESULT"
benchmarks_block kafka <"$RESULT"
log "wrote $RESULT and BENCHMARKS.md"
cat "$RESULT"
