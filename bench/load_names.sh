#!/usr/bin/env bash
# load with many names (issue 17, item 13): a docker archive of one small image with N RepoTags,
# loaded into a fresh store. Every name goes into index.json in one update, so the time grows with
# N, not N^2 (before: 2.9 s for 500 names, 38.5 s for 2,000). Target: 20,000 names in under 2 s.
#
#   bench/load_names.sh [--names N] [--runs R] [--hoist PATH]
#
# Prints the median wall time of R loads (each into a fresh store), the names found afterwards by
# `hoist images -q`-free counting of index.json, and whether the target was met.
set -euo pipefail

NAMES=20000
RUNS=3
TARGET_S=2
HOIST=${HOIST:-}
while [ $# -gt 0 ]; do
  case "$1" in
    --names) NAMES=$2; shift 2 ;;
    --runs) RUNS=$2; shift 2 ;;
    --hoist) HOIST=$2; shift 2 ;;
    -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done
HERE=$(cd "$(dirname "$0")/.." && pwd)
if [ -z "$HOIST" ]; then
  for b in build-release build-archives-rel build; do
    if [ -x "$HERE/$b/src/tools/hoist" ]; then HOIST="$HERE/$b/src/tools/hoist"; break; fi
  done
fi
[ -x "$HOIST" ] || { echo "hoist binary not found: build it or pass --hoist" >&2; exit 1; }

WORK=$(mktemp -d /var/tmp/hoist-bench-names.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
echo "hoist: $HOIST"
echo "work dir: $WORK; one image with $NAMES names"

python3 - "$WORK/names.tar" "$NAMES" <<'PY'
import hashlib, io, json, sys, tarfile
out, n = sys.argv[1], int(sys.argv[2])
def add(t, name, data):
    info = tarfile.TarInfo(name); info.size = len(data); info.mtime = 0
    t.addfile(info, io.BytesIO(data))
layer_buf = io.BytesIO()
with tarfile.open(fileobj=layer_buf, mode="w", format=tarfile.USTAR_FORMAT) as l:
    add(l, "etc/hello", b"hello\n")
layer = layer_buf.getvalue()
diff_id = "sha256:" + hashlib.sha256(layer).hexdigest()
config = json.dumps({"architecture": "amd64", "os": "linux", "created": "2024-01-01T00:00:00Z",
                     "rootfs": {"type": "layers", "diff_ids": [diff_id]},
                     "history": [{"created": "2024-01-01T00:00:00Z", "created_by": "bench"}]}).encode()
chex = hashlib.sha256(config).hexdigest()
lhex = diff_id[7:]
tags = ["bench.example/names/img%d:v%d" % (i // 100, i % 100) for i in range(n)]
manifest = json.dumps([{"Config": chex + ".json", "RepoTags": tags, "Layers": [lhex + ".tar"]}]).encode()
with tarfile.open(out, "w", format=tarfile.USTAR_FORMAT) as t:
    add(t, lhex + ".tar", layer)
    add(t, chex + ".json", config)
    add(t, "manifest.json", manifest)
PY

times=()
for r in $(seq 1 "$RUNS"); do
  rm -rf "$WORK/store"
  start=$(date +%s.%N)
  "$HOIST" --store "$WORK/store" load -q -i "$WORK/names.tar" >/dev/null
  end=$(date +%s.%N)
  times+=("$(echo "$end - $start" | bc)")
done
median=$(printf '%s\n' "${times[@]}" | sort -n | sed -n "$(( (RUNS + 1) / 2 ))p")
count=$(python3 -c 'import json,sys; print(sum(1 for m in json.load(open(sys.argv[1]))["manifests"] if "org.opencontainers.image.ref.name" in m.get("annotations", {})))' "$WORK/store/index.json")
echo "load of $NAMES names: median ${median} s over $RUNS runs (${times[*]}); $count names in index.json"
[ "$count" -eq "$NAMES" ] || { echo "FAIL: expected $NAMES names" >&2; exit 1; }
if [ "$(echo "$median < $TARGET_S" | bc)" -eq 1 ]; then
  echo "target (< ${TARGET_S} s): met"
else
  echo "target (< ${TARGET_S} s): NOT met"
fi
