#!/usr/bin/env bash
# hoist mirror vs skopeo sync on the same local registries, in one run.
#
#   bench/mirror.sh [--images N] [--layer-kib N] [--runs N] [--jobs N] [--hoist PATH]
#
# Registry A holds N small images (default 100: 20 repositories × 5 tags, 3 random layers of
# --layer-kib KiB each, default 4). The same sync YAML is given to both tools:
#   mirror hoist    hoist mirror run CONFIG --to docker://B/h   (fresh registry B each run)
#   mirror skopeo   skopeo sync --preserve-digests --src yaml --dest docker CONFIG B/s  (fresh B)
#   noop hoist      the same hoist run again with nothing to do
# Prints medians (wall seconds, peak RSS) and the skopeo/hoist ratio.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"
HOIST="${HOIST:-$ROOT/build/src/tools/hoist}"
IMAGES=100 LAYER_KIB=4 RUNS=3 JOBS=8
while [[ $# -gt 0 ]]; do
  case "$1" in
    --images) IMAGES="$2"; shift 2 ;;
    --layer-kib) LAYER_KIB="$2"; shift 2 ;;
    --runs) RUNS="$2"; shift 2 ;;
    --jobs) JOBS="$2"; shift 2 ;;
    --hoist) HOIST="$2"; shift 2 ;;
    *) sed -n '2,13p' "$0"; exit 2 ;;
  esac
done
[[ -x "$HOIST" ]] || { echo "hoist binary not found at $HOIST (use --hoist PATH)" >&2; exit 2; }
for tool in skopeo python3 /usr/bin/time; do command -v "$tool" >/dev/null || { echo "needs $tool" >&2; exit 2; }; done

WORK="$(mktemp -d "${TMPDIR:-/tmp}/hoist-bench-mirror.XXXXXX")"
cleanup() {
  "$ROOT/scripts/test-registry" stop --dir "$WORK/rega" >/dev/null 2>&1 || true
  "$ROOT/scripts/test-registry" stop --dir "$WORK/regb" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT
unset REGISTRY_AUTH_FILE

A="$("$ROOT/scripts/test-registry" start --dir "$WORK/rega" | sed -n 's/^HOST=//p')"
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

# Each measured run gets a fresh, empty destination registry B.
reset() {
  "$ROOT/scripts/test-registry" stop --dir "$WORK/regb" >/dev/null 2>&1 || true
  rm -rf "$WORK/regb" "$WORK/store"
  B="$("$ROOT/scripts/test-registry" start --dir "$WORK/regb" | sed -n 's/^HOST=//p')"
  echo "$B" >"$WORK/b-host"
}
hoist_mirror() {
  local b; b="$(cat "$WORK/b-host")"
  "$HOIST" --progress none --store "$WORK/store" mirror run "$WORK/sync.yaml" --to "docker://$b/h" \
    --jobs "$JOBS" --insecure-registry "$b"
}
skopeo_sync() {
  local b; b="$(cat "$WORK/b-host")"
  skopeo sync --preserve-digests --src yaml --dest docker --dest-tls-verify=false "$WORK/sync.yaml" "$b/s"
}
export -f hoist_mirror skopeo_sync
export HOIST WORK JOBS

echo "--- $IMAGES images (3 × $LAYER_KIB KiB layers) in $REPOS repositories, A → B"
measure "mirror hoist ($IMAGES images)" "$RUNS" bash -c hoist_mirror
measure "mirror skopeo sync ($IMAGES images)" "$RUNS" bash -c skopeo_sync
# No-change rerun: B already holds everything from the reset below.
reset
bash -c hoist_mirror
unset -f reset
measure "noop hoist rerun ($IMAGES images)" "$RUNS" bash -c hoist_mirror
report
ratio "mirror skopeo sync ($IMAGES images)" "mirror hoist ($IMAGES images)"
