#!/usr/bin/env bash
# Soak test: minutes of mixed load on the packaged jar with a pod's JVM sizing, sampled as it goes, to show that
# memory stays flat and throughput holds. Every load goes to 127.0.0.1 and is bounded in time.
#
#   bench/soak.sh                 # in-memory stores, 10 minutes
#   bench/soak.sh postgres        # PostgreSQL stores (a private server started here from Debian's binaries)
#
# The mix, all at once for the whole run: pictures on /predictions (16 connections), V2 batches of 32 rows
# (4 connections), asynchronous orders of 32 pictures with `Prefer: respond-async` (4 connections), gRPC ModelInfer
# of one raw row (h2load, 4 connections; a failed call shows in the inference counters).
# Every SOAK_INTERVAL seconds: each scenario's rate, RSS, old-generation use and full collections (jstat), and
# every answer by status. Targets (checked at the end, exit 1 when one is missed): no OutOfMemoryError; RSS after
# the first minute within +-15% of its first sample there; each scenario's rate in the last minute >= 80% of the
# second minute's (the first warmed one); no answer but 2xx, and 429 only with Retry-After; exit within 30 s of
# SIGTERM.
#
# Knobs: SOAK_DURATION (seconds, 600), SOAK_INTERVAL (seconds, 30), SOAK_JVM_OPTS ("-XX:MaxRAM=512m": the JVM's
# own sizing in the manifest's 512 Mi pod), SOAK_PORT (18100), SOAK_SKIP_BUILD (unset), SOAK_KAFKA (unset; set: the
# prediction log is also shipped to a Kafka broker started here, and the results say whether every line was sent).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
STORE=${1:-memory}
LABEL=$STORE${SOAK_KAFKA:+-kafka}
WORK=$ROOT/bench/work-soak-$LABEL
PORT=${SOAK_PORT:-18100}
PG_PORT=$((PORT + 1))
DURATION=${SOAK_DURATION:-600}
INTERVAL=${SOAK_INTERVAL:-30}
read -r -a JVM_OPTS <<<"${SOAK_JVM_OPTS:--XX:MaxRAM=512m}"
JAVA=${JAVA_HOME:+$JAVA_HOME/bin/}java
JSTAT=${JAVA_HOME:+$JAVA_HOME/bin/}jstat
BASE=http://127.0.0.1:$PORT
DATASET=/usr/share/datasets/fashion-mnist
PIDS=()
. bench/lib.sh
case $STORE in memory|postgres) ;; *) echo "usage: bench/soak.sh [memory|postgres]" >&2; exit 2 ;; esac

missing=()
for tool in wrk jq curl python3; do command -v "$tool" >/dev/null || missing+=("$tool"); done
command -v h2load >/dev/null || missing+=(nghttp2-client)
[ -d "$DATASET" ] || missing+=(dataset-fashion-mnist)
[ "$STORE" = memory ] || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
if [ ${#missing[@]} -gt 0 ]; then
    log "installing ${missing[*]}"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
[ -n "${SOAK_SKIP_BUILD:-}" ] && [ -f target/quarkus-app/quarkus-run.jar ] || ./mvnw -B -q package -DskipTests
rm -rf "$WORK" && mkdir -p "$WORK/bodies"
cleanup() {
    for pid in "${PIDS[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
    stop_postgres
    stop_kafka
}
trap cleanup EXIT
python3 bench/make-bodies.py "$DATASET" src/test/resources/fixtures "$WORK/bodies"
[ "$STORE" = memory ] || start_postgres "$PG_PORT" soak
kafka=()
if [ -n "${SOAK_KAFKA:-}" ]; then
    start_kafka $((PORT + 2)) "$WORK/kafka"
    kafka=(APP_PREDICTION_LOG_KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:$((PORT + 2)))
fi

log "starting the jar (${JVM_OPTS[*]}, store $STORE)"
database=()
[ "$STORE" = memory ] || database=(QUARKUS_DATASOURCE_REACTIVE_URL=postgresql://127.0.0.1:$PG_PORT/soak
    QUARKUS_DATASOURCE_USERNAME=postgres)
env "${database[@]}" "${kafka[@]}" APP_ADMIN_PASSWORD=soak-admin-password APP_STORE="$STORE" \
    APP_TOKEN_SECRET="$(printf 'soak-secret-soak-secret-soak-secret!!!!' | base64 -w0)" \
    "$JAVA" "${JVM_OPTS[@]}" -Dquarkus.http.host=127.0.0.1 -Dquarkus.http.port="$PORT" \
    -Dapp.prediction-log.path="$WORK/predictions.jsonl" -Dquarkus.http.access-log.enabled=false \
    -Dapp.token.lifetime=PT$((DURATION / 60 + 10))M \
    -jar target/quarkus-app/quarkus-run.jar >"$WORK/app.log" 2>&1 &
APP_PID=$!
PIDS+=("$APP_PID")
deadline=$((SECONDS + 60))
until curl -sf -o /dev/null "$BASE/q/health/ready"; do
    [ $SECONDS -lt $deadline ] && kill -0 "$APP_PID" 2>/dev/null || { tail -20 "$WORK/app.log" >&2; exit 1; }
    sleep 0.1
done
curl -sf -o /dev/null -X POST "$BASE/users" -H 'Content-Type: application/json' \
    -d '{"username":"soak","password":"soak-password"}'
TOKEN=$(curl -sf -X POST "$BASE/auth/token" -H 'Content-Type: application/json' \
    -d '{"username":"soak","password":"soak-password"}' | jq -r .access_token)
export TOKEN

gc() { # "old-generation % full-collections" from jstat's named columns
    "$JSTAT" -gcutil "$APP_PID" | awk 'NR==1{for(i=1;i<=NF;i++)c[$i]=i} NR==2{printf "%s %s\n", $c["O"], $c["FGC"]}'
}
succeeded() { curl -s "$BASE/q/metrics" | awk '/^tasks_finished_total\{.*state="SUCCEEDED"/{print $2+0; f=1} END{if(!f)print 0}'; }
load() { # $1 = name, $2 = connections, $3 = path, then VAR=value for the script; the wrk output in $WORK/NAME-ROUND
    local name=$1 connections=$2 path=$3; shift 3
    env "$@" wrk -t1 -c"$connections" -d"${INTERVAL}s" --timeout 10s -s bench/lua/count-statuses.lua "$BASE$path" \
        >"$WORK/$name-$round.txt" 2>&1
}
field() { awk -v k="$2" '{for(i=1;i<=NF;i++) if($i ~ "^"k"=") {split($i,a,"="); print a[2]; exit}}' "$1"; }
# Inference requests of every protocol that failed: refused, invalid or in error. Not "expired": the load generators
# stop at the end of each round with requests in flight, and those are dropped unrun, as they should be.
failed() { curl -s "$BASE/q/metrics" | awk '/^model_inference_requests_total\{/ && /outcome="(error|rejected|invalid)"/{s+=$2} END{printf "%d\n", s}'; }
grpc_load() { # gRPC ModelInfer for the round; h2load's output in $WORK/grpc-ROUND
    h2load -c4 -m1 -t1 -D "$INTERVAL" -H 'content-type: application/grpc' -H 'te: trailers' \
        -H "authorization: Bearer $TOKEN" -d "$WORK/bodies/infer-1.grpc" \
        "$BASE/inference.GRPCInferenceService/ModelInfer" >"$WORK/grpc-$round.txt" 2>&1
}
statuses() { grep -h '^statuses' "$@" | tr ' ' '\n' | grep -E '^[0-9]+=' | awk -F= '{s[$1]+=$2} END{for(k in s) printf "%s=%s ", k, s[k]}'; }

echo "round seconds predictions/s v2-rows/s orders-accepted/s orders-done/s grpc-calls/s rss-MB old-% full-GCs statuses" \
    >"$WORK/samples.txt"
rounds=$((DURATION / INTERVAL))
done_before=$(succeeded)
failed_before=$(failed)
t0=$SECONDS
for round in $(seq 1 "$rounds"); do
    loads=()
    load predictions 16 /predictions BODY="$ROOT/src/test/resources/fixtures/test-00000.png" CTYPE=image/png &
    loads+=($!)
    load v2 4 /v2/models/fashion-mnist/infer BODY="$WORK/bodies/infer-32.json" CTYPE=application/json &
    loads+=($!)
    load orders 4 /orders BODY="$WORK/bodies/order-32.json" CTYPE=application/json PREFER=respond-async &
    loads+=($!)
    grpc_load &
    loads+=($!)
    wait "${loads[@]}"
    kill -0 "$APP_PID" 2>/dev/null || { log "the application died"; tail -30 "$WORK/app.log" >&2; exit 1; }
    done_now=$(succeeded)
    rps() { awk '/Requests\/sec/{print $2}' "$WORK/$1-$round.txt"; }
    accepted=$(grep -h '^statuses' "$WORK/orders-$round.txt" | tr ' ' '\n' | awk -F= '$1=="202"{print $2+0}')
    grpc_rps=$(awk '/^finished in/{print $4}' "$WORK/grpc-$round.txt")
    line=$(printf '%d %d %.0f %.0f %.1f %.1f %.0f %s %s %s' "$round" $((SECONDS - t0)) "$(rps predictions)" \
        "$(awk -v r="$(rps v2)" 'BEGIN{print r*32}')" "$(awk -v a="${accepted:-0}" -v i="$INTERVAL" 'BEGIN{print a/i}')" \
        "$(awk -v a="$done_now" -v b="$done_before" -v i="$INTERVAL" 'BEGIN{print (a-b)/i}')" "${grpc_rps:-0}" \
        "$(rss_mb)" "$(gc)")
    line="$line $(statuses "$WORK"/*-"$round".txt)retry-after-missing=$(cat "$WORK"/*-"$round".txt | awk -F= '/retry-after-missing/{s+=$NF} END{print s+0}')"
    errors=$(awk '/Socket errors/{gsub(",","");print $4+$6+$8+$10}' "$WORK"/*-"$round".txt | awk '{s+=$1} END{print s+0}')
    line="$line socket-errors=$errors"
    # h2load sees only HTTP statuses and transport errors; a call's own outcome is in the inference counters.
    grpc_bad=$(awk '/^requests:/{print $10} /^status codes:/{print $5 + $7 + $9}' "$WORK/grpc-$round.txt" \
        | awk '{s+=$1} END{print s+0}')
    failed_now=$(failed)
    line="$line grpc-errors=$grpc_bad failed-inferences=$((failed_now - failed_before))"
    failed_before=$failed_now
    echo "$line" | tee -a "$WORK/samples.txt" >&2
    done_before=$done_now
done

metric() { curl -sf "$BASE/q/metrics" | awk -v m="$1" '$1 == m {printf "%.0f", $2}'; }
[ -z "${SOAK_KAFKA:-}" ] || SHIPPING_BEFORE_STOP="sent $(metric prediction_log_events_sent_total), pending $(metric prediction_log_events_pending), dropped $(metric prediction_log_events_dropped_total)"
log "SIGTERM"
term_start=$(date +%s%N)
kill -TERM "$APP_PID"
exited=no
for _ in $(seq 1 300); do kill -0 "$APP_PID" 2>/dev/null || { exited=yes; break; }; sleep 0.1; done
EXIT_MS=$(( ($(date +%s%N) - term_start) / 1000000 ))
[ "$exited" = yes ] || kill -KILL "$APP_PID" 2>/dev/null || true
OOM=$(grep -c OutOfMemoryError "$WORK/app.log" || true)
ERRORS=$(grep -c ' ERROR ' "$WORK/app.log" || true)
LOG_MB=$(cat "$WORK"/predictions*.jsonl 2>/dev/null | wc -c | awk '{printf "%.0f", $1 / 1048576}')
LOG_LINES=$(cat "$WORK"/predictions*.jsonl 2>/dev/null | wc -l)
SHIPPED=$(grep -o 'every event sent before shutdown ([0-9]*' "$WORK/app.log" | grep -o '[0-9]*$' || echo 0)
# Lines written by the process in all, from its shutdown message: the files on disk hold fewer once the shipper has
# deleted rotated files past app.prediction-log.max-files.
WRITTEN=$(sed -n 's/.*flushed on shutdown: .* (\([0-9]*\) in all by this process).*/\1/p' "$WORK/app.log" | tail -1)

# --- verdicts ----------------------------------------------------------------------------------------------------
per_minute=$(( 60 / INTERVAL > 0 ? 60 / INTERVAL : 1 ))
verdicts=$(awk -v pm="$per_minute" -v oom="$OOM" -v exited="$exited" -v exit_ms="$EXIT_MS" \
    -v kafka="${SOAK_KAFKA:+1}" -v shipped="$SHIPPED" -v lines="$WRITTEN" '
    NR == 1 { next }
    { n++; rss[n] = $8; for (c = 3; c <= 7; c++) v[n, c] = $c; bad += badof($0) }
    function badof(line,   i, f, k, s) {
        s = 0; split(line, f, " ")
        for (i in f) if (f[i] ~ /^[0-9]+=/) { split(f[i], k, "="); if (k[1] !~ /^2/ && k[1] != "429") s += k[2] }
        else if (f[i] ~ /^(retry-after-missing|socket-errors|grpc-errors|failed-inferences)=/) { split(f[i], k, "="); s += k[2] }
        return s
    }
    END {
        ok = 1
        printf "| no OutOfMemoryError | %d in the log | %s |\n", oom, oom == 0 ? "met" : "**missed**"; if (oom) ok = 0
        first = pm + 1; lo = hi = rss[first]
        for (i = first; i <= n; i++) { if (rss[i] < lo) lo = rss[i]; if (rss[i] > hi) hi = rss[i] }
        flat = n >= first && hi <= rss[first] * 1.15 && lo >= rss[first] * 0.85
        printf "| RSS after the first minute within +-15%% of %d MB | %d–%d MB | %s |\n", rss[first], lo, hi, flat ? "met" : "**missed**"; if (!flat) ok = 0
        split("predictions/s v2-rows/s orders-accepted/s orders-done/s grpc-calls/s", names, " ")
        for (c = 3; c <= 7; c++) {
            if (c == 5) continue
            a = 0; b = 0
            for (i = pm + 1; i <= 2 * pm; i++) a += v[i, c]
            for (i = n - pm + 1; i <= n; i++) b += v[i, c]
            held = n >= 2 * pm && b >= 0.8 * a
            printf "| %s: last minute >= 80%% of the second | %.0f vs %.0f (%.0f%%) | %s |\n", names[c - 2], b / pm, a / pm, a ? 100 * b / a : 0, held ? "met" : "**missed**"; if (!held) ok = 0
        }
        printf "| only 2xx, 429 with Retry-After, no failed inference | %d other answers or errors | %s |\n", bad, bad == 0 ? "met" : "**missed**"; if (bad) ok = 0
        if (kafka) { printf "| every line of the log sent to Kafka by the end | %d of %d |  %s |\n", shipped, lines, shipped == lines ? "met" : "**missed**"; if (shipped != lines) ok = 0 }
        printf "| exit within 30 s of SIGTERM | %s after %d ms | %s |\n", exited == "yes" ? "exited" : "killed", exit_ms, exited == "yes" && exit_ms <= 30000 ? "met" : "**missed**"; if (exited != "yes" || exit_ms > 30000) ok = 0
        print ok ? "ALL-MET" : "SOME-MISSED"
    }' "$WORK/samples.txt")

DATE=$(date +%F)
jdk=$("$JAVA" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/{print $2}')
OUT=bench/results/$DATE-soak-$LABEL-jdk$jdk.md
{
    echo "# Soak, $STORE stores${SOAK_KAFKA:+ and the Kafka sink} ($DATE, JDK $jdk, $(nproc) cores)"
    echo
    echo "\`${SOAK_KAFKA:+SOAK_KAFKA=1 }bench/soak.sh $STORE\`: $DURATION s of mixed load (/predictions 16 connections, V2 batches of 32 on 4, async"
    echo "orders of 32 pictures on 4, gRPC ModelInfer of one row on 4), JVM options \`${JVM_OPTS[*]}\`, sampled every $INTERVAL s. Prediction log at the end: ${LOG_MB:-0} MB, $LOG_LINES lines on disk of ${WRITTEN:-0} written;"
    echo "ERROR lines in the application log: $ERRORS.${SOAK_KAFKA:+ Shipping before SIGTERM: $SHIPPING_BEFORE_STOP (a broker on the same cores).}"
    echo
    echo "| target | measured | verdict |"
    echo "|---|---|---|"
    echo "$verdicts" | grep '^|'
    echo
    echo '```'
    cat "$WORK/samples.txt"
    echo '```'
} >"$OUT"
sed '1s/^# Soak,/## Latest soak,/' "$OUT" | { cat; echo; echo "Full output: \`$OUT\`."; } | benchmarks_block "soak-$LABEL"
cat "$OUT"
echo "$verdicts" | grep -q ALL-MET
