# Shared by the bench scripts (sourced): logging, statistics over repeated runs, wrk's units, BENCHMARKS.md blocks.

log() { printf '%s %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

stats() { # numbers on stdin -> "median min max"
    sort -g | awk '{a[NR]=$1} END {m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; printf "%s %s %s\n", m, a[1], a[NR]}'
}

to_ms() { # wrk latency (850.00us, 1.23ms, 1.02s) -> ms
    awk '{v=$1; if (v ~ /us$/) {sub(/us$/,"",v); print v/1000} else if (v ~ /ms$/) {sub(/ms$/,"",v); print v+0} else if (v ~ /s$/) {sub(/s$/,"",v); print v*1000} else print v}'
}

benchmarks_block() { # $1 = block name; the block's text on stdin replaces <!-- results:NAME:... --> in BENCHMARKS.md
    python3 -c '
import re, sys
name, body = sys.argv[1], sys.stdin.read().rstrip("\n")
start, end = "<!-- results:%s:start -->" % name, "<!-- results:%s:end -->" % name
block = start + "\n" + body + "\n" + end
try:
    doc = open("BENCHMARKS.md").read()
except FileNotFoundError:
    doc = "# Benchmarks\n"
if start in doc:
    doc = re.sub(re.escape(start) + ".*" + re.escape(end), lambda m: block, doc, flags=re.S)
else:
    doc = doc.rstrip("\n") + "\n\n" + block + "\n"
open("BENCHMARKS.md", "w").write(doc)
' "$1"
}

# The packaged application as a process, for scripts that set WORK, PORT, BASE and PIDS=() (killed in their EXIT
# trap). Started from inside its folder with the jar named relatively: an AppCDS archive or AOT cache records the class
# path as it was when it was made (there), and is not used when it differs.
APP_PID=
start_app() { # $1 = java, $2 = app dir, rest = JVM options
    local java=$1 dir=$2
    shift 2
    (cd "$dir" && APP_ADMIN_PASSWORD=bench-admin-password \
        APP_TOKEN_SECRET=$(printf 'bench-secret-bench-secret-bench-secret!!' | base64 -w0) \
        exec "$java" "$@" -Dquarkus.http.host=127.0.0.1 -Dquarkus.http.port="$PORT" \
        -Dapp.prediction-log.path="$WORK/predictions.jsonl" -Dquarkus.shutdown.delay=0s \
        -jar quarkus-run.jar >>"$WORK/app.log" 2>&1) &
    APP_PID=$!
    PIDS+=("$APP_PID")
}
wait_ready() { # until /q/health/ready is UP (the model loaded and the request paths warmed up), 120 s at most
    local deadline=$((SECONDS + 120))
    until curl -sf -o /dev/null "$BASE/q/health/ready"; do
        [ $SECONDS -lt $deadline ] || { log "not ready in 120 s"; tail -20 "$WORK/app.log" >&2; exit 1; }
        kill -0 "$APP_PID" 2>/dev/null || { log "the application died"; tail -20 "$WORK/app.log" >&2; exit 1; }
        sleep 0.005
    done
}
stop_app() { kill -TERM "$APP_PID" 2>/dev/null || true; wait "$APP_PID" 2>/dev/null || true; }
rss_mb() { awk '/VmRSS/{printf "%.0f", $2/1024}' "/proc/$APP_PID/status"; }

# A private PostgreSQL server from Debian's binaries on 127.0.0.1:$1 with one database $2, stopped and removed by
# stop_postgres (call it from the script's EXIT trap). As root, the server runs as the postgres user.
PGDATA=
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
start_postgres() { # $1 = port, $2 = database
    PG_BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
    PGDATA=$(mktemp -d /tmp/model-serving-bench-pg.XXXXXX)
    [ "$(id -u)" = 0 ] && chown postgres: "$PGDATA"
    log "starting PostgreSQL on 127.0.0.1:$1"
    # From a folder the postgres user can enter: its tools warn (and fail) otherwise.
    (cd / && as_pg "$PG_BIN/initdb" -D "$PGDATA/data" -U postgres -A trust -E UTF8 >/dev/null &&
        as_pg "$PG_BIN/pg_ctl" -D "$PGDATA/data" -l "$PGDATA/server.log" -w \
            -o "-p $1 -k $PGDATA -c listen_addresses=127.0.0.1" start >/dev/null &&
        as_pg "$PG_BIN/createdb" -h 127.0.0.1 -p "$1" -U postgres "$2")
}
stop_postgres() {
    [ -n "$PGDATA" ] || return 0
    (cd / && as_pg "$PG_BIN/pg_ctl" -D "$PGDATA/data" -m fast -w stop >/dev/null 2>&1) || true
    rm -rf "$PGDATA"
}

# A private Kafka broker (KRaft, broker and controller in one JVM) on 127.0.0.1:$1 (controller on $1 + 1), run from
# the Kafka jars the tests use (the project's test class path, resolved by Maven once into $2/classpath.txt), its
# data in $2. Stopped by stop_kafka (call it from the script's EXIT trap as well).
KAFKA_PID=
start_kafka() { # $1 = port, $2 = work folder
    local port=$1 dir=$2 java=${JAVA:-java}
    mkdir -p "$dir"
    [ -s "$dir/classpath.txt" ] || ./mvnw -B -q dependency:build-classpath -Dmdep.includeScope=test \
        -Dmdep.outputFile="$dir/classpath.txt" >"$dir/classpath.log" 2>&1
    cat >"$dir/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$((port + 1))
listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$((port + 1))
advertised.listeners=PLAINTEXT://127.0.0.1:$port
controller.listener.names=CONTROLLER
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
log.dirs=$dir/kafka-data
num.partitions=1
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
PROPS
    local broker=("$java" -Xms256m -Xmx512m -Djava.util.logging.manager=java.util.logging.LogManager
        -cp "$(cat "$dir/classpath.txt")")
    log "starting a Kafka broker on 127.0.0.1:$port"
    rm -rf "$dir/kafka-data"
    "${broker[@]}" kafka.tools.StorageTool format -c "$dir/server.properties" \
        -t "$(python3 -c 'import uuid, base64; print(base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("="))')" \
        >"$dir/broker.log" 2>&1
    # exec: $! is the broker's JVM itself, so that stop_kafka and the traps reach it.
    (exec "${broker[@]}" kafka.Kafka "$dir/server.properties" >>"$dir/broker.log" 2>&1) &
    KAFKA_PID=$!
    local deadline=$((SECONDS + 120))
    until (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do
        if [ $SECONDS -ge $deadline ] || ! kill -0 "$KAFKA_PID" 2>/dev/null; then
            log "the Kafka broker did not start"; tail "$dir/broker.log" >&2; return 1
        fi
        sleep 0.2
    done
}
stop_kafka() {
    [ -n "$KAFKA_PID" ] || return 0
    kill -TERM "$KAFKA_PID" 2>/dev/null || true
    wait "$KAFKA_PID" 2>/dev/null || true
    KAFKA_PID=
}
