#!/usr/bin/env bash
# save/load benchmark: hoist against skopeo on the same data, in one run (issue 4).
#
#   bench/save_load.sh [--size-mib N] [--real-mib N] [--runs R] [--hoist PATH]
#
# Images (made once, in a temp dir under /var/tmp):
#   random: 4 layers of N/4 MiB random bytes, gzip -1 (incompressible: shows raw streaming speed)
#   real:   1 layer, a tar of files from /usr/lib up to N MiB, gzip -6 (compressible: shows zlib speed)
# Work measured (median of R runs, wall seconds, and peak RSS from /usr/bin/time):
#   save docker-archive   hoist save -o F IMG              vs skopeo copy oci:SRC docker-archive:F
#   save oci-archive      hoist save --format oci-archive  vs skopeo copy oci:SRC oci-archive:F
#   save to a pipe        hoist save IMG | cat >/dev/null   (no skopeo equivalent)
#   load docker-archive   hoist load -i F (fresh store)     vs skopeo copy docker-archive:F oci:DIR
#   images                hoist images on a store of 1,000 images (target < 0.2 s; no skopeo equivalent)
# Both tools read the same OCI layout (hoist's store is one) and the same docker archive.
set -euo pipefail

SIZE_MIB=1024
REAL_MIB=256
RUNS=3
HOIST=${HOIST:-}
while [ $# -gt 0 ]; do
  case "$1" in
    --size-mib) SIZE_MIB=$2; shift 2 ;;
    --real-mib) REAL_MIB=$2; shift 2 ;;
    --runs) RUNS=$2; shift 2 ;;
    --hoist) HOIST=$2; shift 2 ;;
    -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done
HERE=$(cd "$(dirname "$0")/.." && pwd)
if [ -z "$HOIST" ]; then
  for b in build-release build-archives-rel build; do
    if [ -x "$HERE/$b/src/tools/hoist" ]; then HOIST="$HERE/$b/src/tools/hoist"; break; fi
  done
fi
[ -x "$HOIST" ] || { echo "hoist binary not found: build it (Release) or pass --hoist" >&2; exit 1; }
command -v skopeo >/dev/null || { echo "skopeo is needed" >&2; exit 1; }

WORK=$(mktemp -d /var/tmp/hoist-bench.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
STORE="$WORK/store"
echo "hoist: $HOIST"
echo "skopeo: $(skopeo --version)"
echo "work dir: $WORK; random image ${SIZE_MIB} MiB in 4 layers, real image ${REAL_MIB} MiB of /usr/lib"

# ---- test images, written as an OCI layout (the store) ----
python3 - "$STORE" "$SIZE_MIB" "$REAL_MIB" <<'PY'
import hashlib, json, os, subprocess, sys, tarfile
store, size_mib, real_mib = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
blobs = os.path.join(store, "blobs", "sha256")
os.makedirs(blobs, exist_ok=True)
tmp = os.path.join(store, "..", "gen")
os.makedirs(tmp, exist_ok=True)

def sha_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest(), os.path.getsize(path)

def put_file(path):
    d, n = sha_file(path)
    os.replace(path, os.path.join(blobs, d))
    return d, n

def put_bytes(b):
    d = hashlib.sha256(b).hexdigest()
    open(os.path.join(blobs, d), "wb").write(b)
    return d, len(b)

def layer_from_tar(tar_path, level):
    diff, _ = sha_file(tar_path)
    subprocess.run(f"gzip -{level} -n -c '{tar_path}' > '{tar_path}.gz'", shell=True, check=True)
    os.remove(tar_path)
    d, n = put_file(tar_path + ".gz")
    return {"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": "sha256:" + d, "size": n}, "sha256:" + diff

def image(name, layers_and_diffs):
    layers = [l for l, _ in layers_and_diffs]
    diffs = [d for _, d in layers_and_diffs]
    cfg = json.dumps({"architecture": "amd64", "os": "linux", "config": {},
                      "rootfs": {"type": "layers", "diff_ids": diffs},
                      "history": [{"created_by": "bench"} for _ in diffs]}).encode()
    cd, cn = put_bytes(cfg)
    m = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                    "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": "sha256:" + cd, "size": cn},
                    "layers": layers}).encode()
    md, mn = put_bytes(m)
    return {"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": "sha256:" + md, "size": mn,
            "annotations": {"org.opencontainers.image.ref.name": name}}

entries = []
rand = []
for i in range(4):
    data = os.path.join(tmp, f"random{i}")
    subprocess.run(f"head -c {size_mib * 1024 * 1024 // 4} /dev/urandom > '{data}'", shell=True, check=True)
    t = os.path.join(tmp, f"random{i}.tar")
    subprocess.run(["tar", "-cf", t, "-C", tmp, f"random{i}"], check=True)
    os.remove(data)
    rand.append(layer_from_tar(t, 1))
entries.append(image("docker.io/library/bench:random", rand))

t = os.path.join(tmp, "real.tar")
budget = real_mib * 1024 * 1024
with tarfile.open(t, "w", format=tarfile.PAX_FORMAT) as tf:
    total = 0
    for root, dirs, files in os.walk("/usr/lib"):
        dirs.sort()
        for f in sorted(files):
            p = os.path.join(root, f)
            try:
                if os.path.islink(p) or not os.path.isfile(p):
                    continue
                n = os.path.getsize(p)
                if total + n > budget:
                    continue
                tf.add(p, arcname=p.lstrip("/"), recursive=False)
                total += n
            except OSError:
                pass
        if total >= budget * 0.98:
            break
entries.append(image("docker.io/library/bench:real", [layer_from_tar(t, 6)]))
json.dump({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json", "manifests": entries},
          open(os.path.join(store, "index.json"), "w"))
open(os.path.join(store, "oci-layout"), "w").write('{"imageLayoutVersion":"1.0.0"}')
PY
rm -rf "$WORK/gen"

# measure NAME CMD...: runs CMD (a shell string) RUNS times; prints median seconds and max RSS (MiB).
# $PREP is run before each run (not timed).
declare -A MED RSS
measure() {
  local name=$1 cmd=$2 prep=${3:-true}
  local times=() rss=0
  for _ in $(seq "$RUNS"); do
    eval "$prep"
    sync
    /usr/bin/time -f "%e %M" -o "$WORK/time" bash -c "$cmd" >/dev/null 2>"$WORK/err" || { cat "$WORK/err" >&2; echo "FAILED: $name" >&2; exit 1; }
    read -r t m < <(tail -1 "$WORK/time")
    times+=("$t")
    [ "$m" -gt "$rss" ] && rss=$m
  done
  MED[$name]=$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  RSS[$name]=$((rss / 1024))
  printf '  %-34s %7.2f s   peak RSS %4d MiB\n' "$name" "${MED[$name]}" "${RSS[$name]}"
}
ratio() { awk -v a="${MED[$1]}" -v b="${MED[$2]}" 'BEGIN { if (b > 0) printf "%.2fx", a / b; else print "n/a" }'; }

for img in random real; do
  echo
  echo "== image bench:$img =="
  OUT="$WORK/out"
  measure "hoist save docker-archive" "$HOIST --store $STORE save -o $OUT.tar bench:$img" "rm -f $OUT.tar"
  measure "skopeo oci: -> docker-archive:" "skopeo copy -q oci:$STORE:docker.io/library/bench:$img docker-archive:$OUT.tar:bench:$img" "rm -f $OUT.tar"
  measure "hoist save docker-archive | pipe" "$HOIST --store $STORE save bench:$img | cat > /dev/null"
  measure "hoist save oci-archive" "$HOIST --store $STORE save --format oci-archive -o $OUT.tar bench:$img" "rm -f $OUT.tar"
  measure "skopeo oci: -> oci-archive:" "skopeo copy -q oci:$STORE:docker.io/library/bench:$img oci-archive:$OUT.tar:bench:$img" "rm -f $OUT.tar"
  # The same docker archive (skopeo's) is the input of both loads.
  rm -f "$OUT.tar"
  skopeo copy -q "oci:$STORE:docker.io/library/bench:$img" "docker-archive:$WORK/in.tar:bench:$img"
  measure "hoist load docker-archive" "$HOIST --store $WORK/loadstore load -q -i $WORK/in.tar" "rm -rf $WORK/loadstore"
  measure "skopeo docker-archive: -> oci:" "skopeo copy -q docker-archive:$WORK/in.tar oci:$WORK/loaddir:bench" "rm -rf $WORK/loaddir"
  rm -rf "$WORK/loadstore" "$WORK/loaddir" "$WORK/in.tar"
  echo "  ratios (skopeo / hoist; target >= 2x):"
  echo "    save docker-archive  $(ratio 'skopeo oci: -> docker-archive:' 'hoist save docker-archive')"
  echo "    save oci-archive     $(ratio 'skopeo oci: -> oci-archive:' 'hoist save oci-archive')"
  echo "    load docker-archive  $(ratio 'skopeo docker-archive: -> oci:' 'hoist load docker-archive')"
done

# ---- hoist images on a store of 1,000 images (each its own config and manifest, one shared layer) ----
MANY="$WORK/many"
python3 - "$MANY" <<'PY'
import hashlib, json, os, sys
store = sys.argv[1]
blobs = os.path.join(store, "blobs", "sha256")
os.makedirs(blobs, exist_ok=True)
def put(b):
    d = hashlib.sha256(b).hexdigest()
    open(os.path.join(blobs, d), "wb").write(b)
    return "sha256:" + d, len(b)
layer, layer_size = put(os.urandom(1024))
entries = []
for i in range(1000):
    cfg, cn = put(json.dumps({"architecture": "amd64", "os": "linux", "created": "2026-01-01T00:00:00Z",
                              "config": {"Env": [f"N={i}"]},
                              "rootfs": {"type": "layers", "diff_ids": [layer]}}).encode())
    m, mn = put(json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                            "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": cfg, "size": cn},
                            "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar",
                                        "digest": layer, "size": layer_size}]}).encode())
    entries.append({"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": m, "size": mn,
                    "annotations": {"org.opencontainers.image.ref.name": f"docker.io/bench/app{i % 50}:v{i}"}})
json.dump({"schemaVersion": 2, "manifests": entries}, open(os.path.join(store, "index.json"), "w"))
open(os.path.join(store, "oci-layout"), "w").write('{"imageLayoutVersion":"1.0.0"}')
PY
echo
echo "== hoist images, store of 1,000 images =="
[ "$($HOIST --store "$MANY" images | wc -l)" -eq 1001 ] || { echo "FAILED: hoist images did not list 1,000 images" >&2; exit 1; }
measure "hoist images (1,000 images)" "$HOIST --store $MANY images"
echo "  target < 0.2 s"
