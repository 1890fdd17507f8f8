#!/usr/bin/env bash
# hoist mirror vs skopeo sync on the same local registries, in one run.
#
#   bench/mirror.sh [--images N] [--layer-kib N] [--runs N] [--jobs N] [--hoist PATH]
#
# Registry A holds N small images (default 100: 20 repositories × 5 tags, 3 random layers of
# --layer-kib KiB each, default 4). The same sync YAML is given to both tools; each round runs
#   mirror hoist    hoist mirror run CONFIG --to docker://B/h   (defaults: signatures and
#                   referrers looked for and copied when present)
#   mirror skopeo   skopeo sync --preserve-digests --src yaml --dest docker CONFIG B/s
# each into a fresh, empty registry B, alternating so both see the same machine load; then
#   noop hoist      hoist again into a B that already holds everything (nothing to do).
# Every hoist run is checked: all N images copied (or, for noop, all up to date), none failed.
# Prints medians (wall seconds, peak RSS), each round's ratio, and the skopeo/hoist ratio.
# Without --hoist (or HOIST=…), builds an optimized hoist in build-bench/ (RelWithDebInfo) first,
# so a Debug build is never what gets measured.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"
HOIST="${HOIST:-}"
IMAGES=100 LAYER_KIB=4 RUNS=5 JOBS=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --images) IMAGES="$2"; shift 2 ;;
    --layer-kib) LAYER_KIB="$2"; shift 2 ;;
    --runs) RUNS="$2"; shift 2 ;;
    --jobs) JOBS="$2"; shift 2 ;;
    --hoist) HOIST="$2"; shift 2 ;;
    *) sed -n '2,17p' "$0"; exit 2 ;;
  esac
done
for tool in skopeo python3 /usr/bin/time cmake ninja; do
  command -v "$tool" >/dev/null || { echo "needs $tool" >&2; exit 2; }
done
if [[ -z "$HOIST" ]]; then
  echo "--- building an optimized hoist in build-bench/ (RelWithDebInfo)"
  cmake -S "$ROOT" -B "$ROOT/build-bench" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
  ninja -C "$ROOT/build-bench" -j2 hoist >/dev/null
  HOIST="$ROOT/build-bench/src/tools/hoist"
fi
[[ -x "$HOIST" ]] || { echo "hoist binary not found at $HOIST (use --hoist PATH)" >&2; exit 2; }
cache="$(dirname "$(dirname "$(dirname "$HOIST")")")/CMakeCache.txt"
if [[ -f "$cache" ]] && grep -q '^CMAKE_BUILD_TYPE:STRING=Debug$' "$cache"; then
  echo "warning: $HOIST is a Debug build; timings are not representative" >&2
fi

WORK="$(mktemp -d "${TMPDIR:-/tmp}/hoist-bench-mirror.XXXXXX")"
cleanup() {
  registry_stop "$WORK/rega"
  registry_stop "$WORK/regb"
  rm -rf "$WORK"
}
trap cleanup EXIT
unset REGISTRY_AUTH_FILE

registry_start "$WORK/rega"
A="$REGISTRY_HOST"
REPOS=$(( (IMAGES + 4) / 5 ))

# --- images: one OCI layout holding every image ("appR:1.T.0"), pushed to A by hoist
python3 - "$WORK/src" "$IMAGES" "$LAYER_KIB" <<'PY'
import hashlib, json, os, sys
d, images, kib = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
os.makedirs(d + "/blobs/sha256")
def blob(data):
    h = hashlib.sha256(data).hexdigest()
    open(d + "/blobs/sha256/" + h, "wb").write(data)
    return {"digest": "sha256:" + h, "size": len(data)}
entries = []
for i in range(images):
    ls = [dict(blob(os.urandom(kib * 1024)), mediaType="application/vnd.oci.image.layer.v1.tar+gzip") for _ in range(3)]
    cfg = blob(json.dumps({"architecture": "amd64", "os": "linux",
                           "rootfs": {"type": "layers", "diff_ids": [l["digest"] for l in ls]}}).encode())
    m = blob(json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                         "config": dict(cfg, mediaType="application/vnd.oci.image.config.v1+json"), "layers": ls}).encode())
    entries.append(dict(m, mediaType="application/vnd.oci.image.manifest.v1+json",
                        annotations={"org.opencontainers.image.ref.name": "app%d:1.%d.0" % (i // 5, i % 5)}))
open(d + "/oci-layout", "w").write('{"imageLayoutVersion":"1.0.0"}')
open(d + "/index.json", "w").write(json.dumps({"schemaVersion": 2, "manifests": entries}))
PY
for ((i = 0; i < IMAGES; i++)); do echo "app$((i / 5)):1.$((i % 5)).0"; done |
  xargs -P 4 -I{} "$HOIST" --progress none --store "$WORK/seed-store" copy --insecure-registry "$A" \
    "oci:$WORK/src:{}" "docker://$A/{}" >/dev/null

{
  echo "$A:"
  echo "  tls-verify: false"
  echo "  images:"
  for ((r = 0; r < REPOS; r++)); do echo "    app$r: []"; done
} >"$WORK/sync.yaml"

# A fresh, empty destination registry B.
fresh_b() {
  rm -rf "$WORK/store"
  registry_start "$WORK/regb"
  B="$REGISTRY_HOST"
  export B
}
hoist_mirror() {
  "$HOIST" --progress none --format json --store "$WORK/store" mirror run "$WORK/sync.yaml" \
    --to "docker://$B/h" --insecure-registry "$B" ${JOBS:+--jobs "$JOBS"}
}
skopeo_sync() {
  skopeo sync --preserve-digests --src yaml --dest docker --dest-tls-verify=false "$WORK/sync.yaml" "$B/s"
}
# Checks the last hoist summary: `field` (copied, up_to_date) equals N and nothing failed.
check_summary() {
  python3 - "$WORK/out" "$1" "$IMAGES" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
field, n = sys.argv[2], int(sys.argv[3])
if s.get(field) != n or s.get("failed") != 0:
    sys.exit("bench: hoist summary wrong: %s=%s failed=%s (want %s=%d, failed=0)" % (field, s.get(field), s.get("failed"), field, n))
PY
}
# Wall seconds of one command (GNU time) whose stdout goes to $WORK/out; peak RSS KiB into $WORK/rss.
timed() {
  /usr/bin/time -f '%e %M' -o "$WORK/time" "$@" >"$WORK/out" 2>"$WORK/err" || { cat "$WORK/err" >&2; return 1; }
  read -r t m <"$WORK/time"
  echo "$m" >"$WORK/rss"
  echo "$t"
}
export -f hoist_mirror skopeo_sync
export HOIST WORK JOBS

H_LABEL="mirror hoist ($IMAGES images)" S_LABEL="mirror skopeo sync ($IMAGES images)" N_LABEL="noop hoist rerun ($IMAGES images)"
h_times=() s_times=() n_times=() h_rss=0 s_rss=0 n_rss=0
max() { (( $1 > $2 )) && echo "$1" || echo "$2"; }
echo "--- $IMAGES images (3 × $LAYER_KIB KiB layers) in $REPOS repositories, A → B; hoist $HOIST"
for ((round = 1; round <= RUNS; round++)); do
  fresh_b; s=$(timed bash -c skopeo_sync); s_rss=$(max "$s_rss" "$(cat "$WORK/rss")")
  fresh_b; h=$(timed bash -c hoist_mirror); h_rss=$(max "$h_rss" "$(cat "$WORK/rss")"); check_summary copied
  n=$(timed bash -c hoist_mirror); n_rss=$(max "$n_rss" "$(cat "$WORK/rss")"); check_summary up_to_date
  h_times+=("$h") s_times+=("$s") n_times+=("$n")
  awk -v r="$round" -v h="$h" -v s="$s" -v n="$n" \
    'BEGIN {printf "round %d: hoist %6.2f s   skopeo sync %6.2f s   ratio %5.2fx   noop %5.2f s\n", r, h, s, s / h, n}'
done
record() {  # label rss times...
  local label=$1 rss=$2; shift 2
  BENCH_MEDIAN[$label]=$(printf '%s\n' "$@" | _median)
  BENCH_RSS[$label]=$rss
  BENCH_ORDER+=("$label")
}
record "$H_LABEL" "$h_rss" "${h_times[@]}"
record "$S_LABEL" "$s_rss" "${s_times[@]}"
record "$N_LABEL" "$n_rss" "${n_times[@]}"
report
ratio "$S_LABEL" "$H_LABEL"
