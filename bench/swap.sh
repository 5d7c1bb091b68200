#!/usr/bin/env bash
# Models from a repository directory, in one run: /predictions on the bundled model in steady state, the same load
# while a new version is swapped in every SWAP_EVERY seconds (copied in with one rename, then the load call), and a
# 224 x 224 colour model (ImageNet-style preprocessing: centre crop, mean/std) on a 640 x 480 JPEG. Zero non-2xx during
# the swaps and the p99 against steady state are the figures. 127.0.0.1 only; bounded runs; every process started here
# is stopped.
#
#   bench/swap.sh
#
# Knobs: BENCH_PORT (18080), BENCH_DURATION (15s), BENCH_WARMUP (5s), SWAP_EVERY (2), BENCH_SKIP_BUILD (reuse
# target/quarkus-app and target/test-classes).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
WORK=$ROOT/bench/work-swap
PORT=${BENCH_PORT:-18080}
DURATION=${BENCH_DURATION:-15s}
WARMUP=${BENCH_WARMUP:-5s}
SWAP_EVERY=${SWAP_EVERY:-2}
JAVA=${JAVA_HOME:+$JAVA_HOME/bin/}java
BASE=http://127.0.0.1:$PORT
PNG=$ROOT/src/test/resources/fixtures/test-00000.png
PIDS=()

. bench/lib.sh
cleanup() { for pid in "${PIDS[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done; }
trap cleanup EXIT

for tool in wrk jq curl unzip; do command -v "$tool" >/dev/null || { apt-get update -qq && apt-get install -y -qq "$tool"; }; done
rm -rf "$WORK" && mkdir -p "$WORK"
if [ -z "${BENCH_SKIP_BUILD:-}" ] || [ ! -f target/quarkus-app/quarkus-run.jar ] || [ ! -d target/test-classes ]; then
    log "building the jar and the test classes"
    ./mvnw -B -q package -DskipTests >"$WORK/build.log" 2>&1
fi
cp -a target/quarkus-app "$WORK/app"

# The repository: the bundled model as the jar has it, and the colour model.
REPO=$WORK/repository
unzip -q -o "$WORK"/app/app/model-serving-*.jar 'models/fashion-mnist/*' -d "$WORK/extract"
mkdir -p "$REPO" "$WORK/staging"
cp -a "$WORK/extract/models/fashion-mnist" "$REPO/"
"$JAVA" -cp target/test-classes bench/ColourModel.java "$REPO"
# A 640 x 480 JPEG photo-like picture: a reddish gradient.
cat >"$WORK/Photo.java" <<'JAVA'
import java.awt.image.BufferedImage;
import java.io.File;
import javax.imageio.ImageIO;
public class Photo {
    public static void main(String[] args) throws Exception {
        BufferedImage image = new BufferedImage(640, 480, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 480; y++) {
            for (int x = 0; x < 640; x++) {
                image.setRGB(x, y, (200 + x % 56) << 16 | (y % 128) << 8 | 40);
            }
        }
        ImageIO.write(image, "jpeg", new File(args[0]));
    }
}
JAVA
"$JAVA" "$WORK/Photo.java" "$WORK/photo.jpg"

start_app "$JAVA" "$WORK/app" -Dapp.models.repository="$REPO" -Dapp.models.default=fashion-mnist
wait_ready
curl -sf -o /dev/null -X POST "$BASE/users" -H 'Content-Type: application/json' \
    -d '{"username":"bench","password":"bench-password"}'
TOKEN=$(curl -sf -X POST "$BASE/auth/token" -H 'Content-Type: application/json' \
    -d '{"username":"bench","password":"bench-password"}' | jq -r .access_token)
ADMIN=$(curl -sf -X POST "$BASE/auth/token" -H 'Content-Type: application/json' \
    -d '{"username":"admin","password":"bench-admin-password"}' | jq -r .access_token)
export TOKEN

measure() { # $1 = label, $2 = path, $3 = body file, $4 = content type -> "label rps p50 p99 non2xx"
    local out="$WORK/wrk-$1.txt"
    BODY=$3 CTYPE=$4 wrk -t2 -c50 -d"$DURATION" --latency -s bench/lua/post-file.lua "$BASE$2" >"$out" 2>&1
    echo "$1 $(awk '/Requests\/sec/{print $2}' "$out") $(awk '$1=="50%"{print $2}' "$out" | to_ms)" \
        "$(awk '$1=="99%"{print $2}' "$out" | to_ms) $(awk '/Non-2xx/{print $5}' "$out" | grep -E '^[0-9]+$' || echo 0)"
}
log "warm-up"
BODY=$PNG CTYPE=image/png wrk -t2 -c50 -d"$WARMUP" -s bench/lua/post-file.lua "$BASE/predictions" >/dev/null 2>&1
BODY=$WORK/photo.jpg CTYPE=image/jpeg wrk -t2 -c50 -d"$WARMUP" -s bench/lua/post-file.lua \
    "$BASE/predictions?model=colours" >/dev/null 2>&1
: >"$WORK/runs.txt"
log "steady state"
measure steady /predictions "$PNG" image/png | tee -a "$WORK/runs.txt" >&2

log "swapping a new version in every $SWAP_EVERY s under the same load"
swapper() {
    local version=2
    while sleep "$SWAP_EVERY"; do
        rm -rf "$WORK/staging/$version"
        cp -a "$REPO/fashion-mnist/1" "$WORK/staging/$version"
        mv "$WORK/staging/$version" "$REPO/fashion-mnist/$version"
        local state
        state=$(curl -sf -X POST "$BASE/v2/repository/models/fashion-mnist/load" -H "Authorization: Bearer $ADMIN" \
            | jq -r '[.[] | .version + ":" + .state] | join(",")')
        echo "$(date +%T.%N | cut -c1-12) loaded $state" >>"$WORK/swaps.txt"
        version=$((version + 1))
    done
}
swapper &
SWAPPER=$!
PIDS+=("$SWAPPER")
measure swapping /predictions "$PNG" image/png | tee -a "$WORK/runs.txt" >&2
kill "$SWAPPER" 2>/dev/null || true
wait "$SWAPPER" 2>/dev/null || true
sleep 1
SWAPS=$(grep -c READY "$WORK/swaps.txt" || echo 0)
CLOSED=$(curl -sf "$BASE/q/metrics" | awk '/^model_sessions_closed_total\{.*fashion-mnist/{s+=$2} END{printf "%d", s}')
SERVING=$(curl -sf "$BASE/models" -H "Authorization: Bearer $TOKEN" \
    | jq -r '[.models[] | select(.name == "fashion-mnist") | .version] | join(",")')

log "colour model, 640 x 480 JPEG"
measure colour "/predictions?model=colours" "$WORK/photo.jpg" image/jpeg | tee -a "$WORK/runs.txt" >&2
LABEL=$(curl -sf -X POST "$BASE/predictions?model=colours" -H "Authorization: Bearer $TOKEN" \
    -H 'Content-Type: image/jpeg' --data-binary "@$WORK/photo.jpg" | jq -r .label)
stop_app

# --- the report ---------------------------------------------------------------------------------------------------
col() { awk -v l="$1" -v c="$2" '$1 == l {print $c}' "$WORK/runs.txt"; }
DATE=$(date +%F)
RESULT=bench/results/$DATE-swap.md
{
    echo "## Latest model repository run, $DATE"
    echo
    echo "Command: \`bench/swap.sh\` on $(nproc) cores, $("$JAVA" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.runtime.version/{print $2}'):"
    echo "wrk -t2 -c50 -d$DURATION after a $WARMUP warm-up, one run each. The bundled model served from a repository directory;"
    echo "during the second run a new version (a copy of version 1) was moved in every $SWAP_EVERY s and the load call made"
    echo "($SWAPS swaps, each answered READY; $CLOSED replaced sessions closed by the end; serving afterwards: version $SERVING)."
    echo "The colour model: [N, 3, 224, 224], centre crop, ImageNet mean/std, softmax; answered \"$LABEL\" for the picture."
    echo
    echo "| scenario | requests/s | p50 ms | p99 ms | non-2xx |"
    echo "|---|---|---|---|---|"
    for label in steady swapping colour; do
        echo "| $label | $(col "$label" 2) | $(col "$label" 3) | $(col "$label" 4) | $(col "$label" 5) |"
    done
} >"$RESULT"
cat "$RESULT"
benchmarks_block swap <"$RESULT"
log "wrote $RESULT and the swap block of BENCHMARKS.md"
