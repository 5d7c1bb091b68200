#!/bin/sh
# Trains the JDK 25 AOT cache of the packaged application (JEP 483/514/515): starts it with -XX:AOTCacheOutput, sends
# it what a replica serves — registration and login, pictures (PNG, JPEG), V2 inference, orders in JSON and
# multipart, synchronous and in the background, and the usual errors — then stops it; the JVM writes APP_DIR/app.aot
# as it exits. Every answer is checked: a training run that meets an unexpected status fails, so no cache is made from
# a broken application.
#
#   docker/aot-training.sh APP_DIR [JVM option...]      e.g. docker/aot-training.sh target/quarkus-app @docker/jvm.options
#
# The cache is only used by the same JDK build, with the application at the same path and the same JVM options
# (collector, heap): run this where and as the application will run (docker/Dockerfile.jvm does it in the image).
# Env: JAVA (java on PATH), TRAINING_PORT (18089), TRAINING_ROUNDS (20), MODEL (fashion-mnist). Needs curl.
set -eu

[ $# -ge 1 ] || { echo "usage: $0 APP_DIR [JVM option...]" >&2; exit 2; }
app=$(cd "$1" && pwd)
shift
here=$(cd "$(dirname "$0")" && pwd)
java=${JAVA:-java}
port=${TRAINING_PORT:-18089}
rounds=${TRAINING_ROUNDS:-20}
model=${MODEL:-fashion-mnist}
base=http://127.0.0.1:$port
work=$(mktemp -d)
pid=
cleanup() {
    [ -z "$pid" ] || kill -KILL "$pid" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT
fail() {
    echo "aot-training: $*" >&2
    [ ! -f "$work/app.log" ] || tail -30 "$work/app.log" >&2
    exit 1
}

"$java" -XX:+PrintFlagsFinal -version 2>/dev/null | grep -q AOTCacheOutput ||
    fail "$java cannot write an AOT cache in one run (JDK 25 or later is needed; set JAVA)"
rm -f "$app/app.aot" "$app/app.aot.config"

# From inside the application folder, with the jar named relatively: how the image's entrypoint starts it.
(cd "$app" && APP_ADMIN_PASSWORD=training-admin-password \
    APP_TOKEN_SECRET=$(head -c 32 /dev/urandom | base64) \
    exec "$java" "$@" -XX:AOTCacheOutput=app.aot -Dquarkus.http.host=127.0.0.1 -Dquarkus.http.port="$port" \
    -Dapp.prediction-log.path="$work/predictions.jsonl" -Dquarkus.shutdown.delay=0s \
    -jar quarkus-run.jar) >"$work/app.log" 2>&1 &
pid=$!

waited=0
until curl -sf -o /dev/null "$base/q/health/ready"; do
    kill -0 "$pid" 2>/dev/null || fail "the application stopped before it was ready"
    [ "$waited" -lt 1800 ] || fail "not ready in 180 s"
    sleep 0.1
    waited=$((waited + 1))
done

# expect STATUS curl-arguments...: one request, its status checked; its body and headers are kept in $work.
expect() {
    want=$1
    shift
    got=$(curl -s -o "$work/body" -D "$work/headers" -w '%{http_code}' "$@") || fail "request failed: $*"
    [ "$got" = "$want" ] || fail "expected $want, got $got from: $* ($(head -c 300 "$work/body"))"
}
json='Content-Type: application/json'

expect 201 -X POST "$base/users" -H "$json" -d '{"username":"training","password":"training-password"}'
expect 200 -X POST "$base/auth/token" -H "$json" -d '{"username":"training","password":"training-password"}'
token=$(sed -n 's/.*"access_token":"\([^"]*\)".*/\1/p' "$work/body")
[ -n "$token" ] || fail "no token in the login answer"
auth="Authorization: Bearer $token"

# A V2 request of one row and an order of both pictures, written once.
awk 'BEGIN { printf "{\"inputs\":[{\"name\":\"input\",\"shape\":[1,784],\"datatype\":\"FP32\",\"data\":[";
             for (i = 0; i < 784; i++) printf "%s%.3f", (i ? "," : ""), (i % 28) / 28; print "]}]}" }' >"$work/infer.json"
printf '{"items":[{"image":"%s"},{"image":"%s"}]}' "$(base64 <"$here/training/picture.png" | tr -d '\n')" \
    "$(base64 <"$here/training/photo.jpg" | tr -d '\n')" >"$work/order.json"

i=0
while [ "$i" -lt "$rounds" ]; do
    expect 200 -X POST "$base/predictions" -H "$auth" -H 'Content-Type: image/png' \
        --data-binary @"$here/training/picture.png"
    expect 200 -X POST "$base/predictions" -H "$auth" -H 'Content-Type: image/jpeg' \
        --data-binary @"$here/training/photo.jpg"
    expect 200 -X POST "$base/v2/models/$model/infer" -H "$auth" -H "$json" --data-binary @"$work/infer.json"
    expect 201 -X POST "$base/orders" -H "$auth" -H "$json" --data-binary @"$work/order.json"
    expect 201 -X POST "$base/orders" -H "$auth" -F "images=@$here/training/picture.png;type=image/png" \
        -F "images=@$here/training/photo.jpg;type=image/jpeg"
    expect 202 -X POST "$base/orders" -H "$auth" -H "$json" -H 'Prefer: respond-async' \
        --data-binary @"$work/order.json"
    task=$(tr -d '\r' <"$work/headers" | sed -n 's/^[Ll]ocation: *//p')
    [ -n "$task" ] || fail "no Location for the background order"
    case $task in http*) ;; *) task=$base$task ;; esac
    expect 200 "$task?wait=10" -H "$auth"
    expect 200 "$base/users/me" -H "$auth"
    expect 200 "$base/tasks?size=5" -H "$auth"
    expect 200 "$base/model"
    expect 200 "$base/v2/models/$model"
    expect 401 -X POST "$base/predictions" -H 'Content-Type: image/png' --data-binary @"$here/training/picture.png"
    expect 422 -X POST "$base/predictions" -H "$auth" -H 'Content-Type: image/png' --data-binary 'not a picture'
    expect 400 -X POST "$base/v2/models/$model/infer" -H "$auth" -H "$json" -d '{"inputs":[]}'
    expect 200 "$base/q/health/ready"
    i=$((i + 1))
done

# SIGTERM, as Kubernetes stops a pod; the JVM then assembles the cache from what it recorded.
kill -TERM "$pid"
wait "$pid" || true
pid=
[ -s "$app/app.aot" ] || fail "no AOT cache was written"
echo "aot-training: $app/app.aot ($(du -h "$app/app.aot" | cut -f1)) from $rounds rounds"
