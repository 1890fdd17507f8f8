#!/usr/bin/env bash
# hoist vs skopeo vs a curl floor on the same local registries, in one run.
#
#   bench/transfer.sh [--big-mib N] [--layers N] [--small N] [--small-kib N] [--real-mib N] [--runs N]
#                     [--hoist PATH]
#
# Images (random, incompressible), made here as OCI layouts:
#   big:   N MiB in --layers layers (default 1024 MiB in 4 layers)
#   small: --small layers of --small-kib KiB (default 200 × 100 KiB)
# Work measured (median of --runs, wall seconds and peak RSS from /usr/bin/time):
#   push  oci layout → registry B, a fresh registry for every measured run (nothing to mount or skip)
#   copy  registry A → registry B (fresh, as for push)
#   pull  registry A → a fresh OCI layout directory
#   noop  the image copied again to where it already is
#   docker-archive push  a docker-archive (uncompressed layers: a tar of /usr/lib) → fresh registry B,
#         gzip-compressing on the way (with --real-mib N > 0)
#   curl  push floor: every blob POST+PUT in parallel; pull floor: every blob GET in parallel
# BENCH_VERBOSE=1 prints every timed run as it ends (to stderr).
# Every tool starts cold: fresh hoist stores, and skopeo's blob-info cache removed before each of its runs,
# so neither can mount from what an earlier run left.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
HOIST="${HOIST:-$ROOT/build/src/tools/hoist}"
BIG_MIB=1024 LAYERS=4 SMALL=200 SMALL_KIB=100 RUNS=3 REAL_MIB=256
while [[ $# -gt 0 ]]; do
  case "$1" in
    --big-mib) BIG_MIB="$2"; shift 2 ;;
    --layers) LAYERS="$2"; shift 2 ;;
    --small) SMALL="$2"; shift 2 ;;
    --small-kib) SMALL_KIB="$2"; shift 2 ;;
    --runs) RUNS="$2"; shift 2 ;;
    --real-mib) REAL_MIB="$2"; shift 2 ;;
    --hoist) HOIST="$2"; shift 2 ;;
    *) sed -n '2,22p' "$0"; exit 2 ;;
  esac
done
[[ -x "$HOIST" ]] || { echo "hoist binary not found at $HOIST (use --hoist PATH)" >&2; exit 2; }
for tool in skopeo curl python3 /usr/bin/time; do command -v "$tool" >/dev/null || { echo "needs $tool" >&2; exit 2; }; done

WORK="$(mktemp -d "${TMPDIR:-/tmp}/hoist-bench.XXXXXX")"
cleanup() {
  "$ROOT/scripts/test-registry" stop --dir "$WORK/rega" >/dev/null 2>&1 || true
  "$ROOT/scripts/test-registry" stop --dir "$WORK/regb" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT

A="$("$ROOT/scripts/test-registry" start --dir "$WORK/rega" | sed -n 's/^HOST=//p')"
B=""
# fresh_b: registry B replaced by an empty one (new storage, new port), so no run benefits from another's blobs.
fresh_b() {
  "$ROOT/scripts/test-registry" stop --dir "$WORK/regb" >/dev/null 2>&1 || true
  rm -rf "$WORK/regb"
  B="$("$ROOT/scripts/test-registry" start --dir "$WORK/regb" | sed -n 's/^HOST=//p')"
}
# skopeo remembers where it saw blobs (and mounts them); forget that before each of its runs.
forget_skopeo() { rm -rf /var/lib/containers/cache "${XDG_DATA_HOME:-$HOME/.local/share}/containers/cache"; }
unset REGISTRY_AUTH_FILE

# --- images: OCI layouts written directly (random layers; sizes exact)
python3 - "$WORK" "$BIG_MIB" "$LAYERS" "$SMALL" "$SMALL_KIB" <<'PY'
import hashlib, json, os, sys
work, big_mib, layers, small, small_kib = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
def layout(name, sizes):
    d = os.path.join(work, name); os.makedirs(d + "/blobs/sha256")
    def blob(data=None, path_size=None):
        h = hashlib.sha256(); tmp = d + "/blobs/tmp"
        with open(tmp, "wb") as f:
            if data is not None:
                f.write(data); h.update(data); n = len(data)
            else:
                n = 0
                while n < path_size:
                    chunk = os.urandom(min(1 << 20, path_size - n)); f.write(chunk); h.update(chunk); n += len(chunk)
        os.rename(tmp, d + "/blobs/sha256/" + h.hexdigest())
        return "sha256:" + h.hexdigest(), n
    ls = []
    for s in sizes:
        dg, n = blob(path_size=s)
        ls.append({"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": dg, "size": n})
    cfg = json.dumps({"architecture": "amd64", "os": "linux", "rootfs": {"type": "layers", "diff_ids": [l["digest"] for l in ls]}}).encode()
    cd, cn = blob(cfg)
    m = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                    "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": cd, "size": cn}, "layers": ls}).encode()
    md, mn = blob(m)
    open(d + "/oci-layout", "w").write('{"imageLayoutVersion":"1.0.0"}')
    open(d + "/index.json", "w").write(json.dumps({"schemaVersion": 2, "manifests": [{"mediaType": "application/vnd.oci.image.manifest.v1+json",
        "digest": md, "size": mn, "annotations": {"org.opencontainers.image.ref.name": "1"}}]}))
layout("big", [big_mib * (1 << 20) // layers] * layers)
layout("small", [small_kib * 1024] * small)
PY

declare -A SECS RSS
# measure KEY CMD...: one timed run; appends seconds and peak RSS (KiB) to the lists for KEY.
measure() {
  local key="$1"; shift
  local out
  sync  # nobody's writeback (the last run's, the registries') lands in this run
  if ! out=$( { /usr/bin/time -f "%e %M" "$@" >/dev/null 2>"$WORK/cmd.err"; } 2>&1 ); then :; fi
  local last; last="$(tail -n 1 "$WORK/cmd.err")"
  if [[ ! "$last" =~ ^[0-9.]+\ [0-9]+$ ]]; then echo "FAILED: $key: $(cat "$WORK/cmd.err")" >&2; return 1; fi
  SECS[$key]+="${last%% *} "
  [[ -n "${BENCH_VERBOSE:-}" ]] && echo "  $key: ${last%% *} s" >&2
  RSS[$key]+="${last##* } "
}
median() { tr ' ' '\n' <<<"$1" | { grep -v '^$' || true; } | sort -g |
  awk '{a[NR]=$1} END {if (NR) print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

# curl floors: blobs of a layout, all at once.
curl_push() {  # curl_push LAYOUT HOST REPO
  local dir="$1" host="$2" repo="$3" pids=()
  for f in "$dir"/blobs/sha256/*; do
    (
      loc="$(curl -sS -o /dev/null -D - -X POST "http://$host/v2/$repo/blobs/uploads/" | tr -d '\r' | sed -n 's/^[Ll]ocation: //p')"
      sep='?'; [[ "$loc" == *\?* ]] && sep='&'
      curl -sS -o /dev/null -X PUT -H 'Content-Type: application/octet-stream' --data-binary "@$f" \
        "$loc${sep}digest=sha256:$(basename "$f")"
    ) & pids+=($!)
  done
  wait "${pids[@]}"
}
curl_pull() {  # curl_pull LAYOUT REPO
  local dir="$1" repo="$2" pids=()
  for f in "$dir"/blobs/sha256/*; do
    # the manifest is not a blob of the repository: skip it (config and layers are what a pull GETs)
    if [[ $(stat -c %s "$f") -lt 65536 ]] && grep -q '"schemaVersion"' "$f"; then continue; fi
    curl -sSf -o /dev/null "http://$A/v2/$repo/blobs/sha256:$(basename "$f")" & pids+=($!)
  done
  wait "${pids[@]}"
}
export -f curl_push curl_pull
export A

hoist_cmd() { echo "$HOIST" --progress none --store "$WORK/store-$1" copy --insecure-registry "$A" --insecure-registry "$B"; }

for img in big small; do
  "$HOIST" --progress none --store "$WORK/seed" copy --insecure-registry "$A" "oci:$WORK/$img:1" "docker://$A/seed/$img:1" >/dev/null
  for run in $(seq 1 "$RUNS"); do
    fresh_b; measure "$img push hoist" $(hoist_cmd "push-$img-$run") "oci:$WORK/$img:1" "docker://$B/bench/$img:1"
    fresh_b; forget_skopeo; measure "$img push skopeo" skopeo copy -q --dest-tls-verify=false "oci:$WORK/$img:1" "docker://$B/bench/$img:1"
    fresh_b; measure "$img push curl" bash -c "curl_push '$WORK/$img' '$B' bench/$img"
    fresh_b; measure "$img copy hoist" $(hoist_cmd "copy-$img-$run") "docker://$A/seed/$img:1" "docker://$B/bench/$img:1"
    # the no-op: the same copy again, to where it now is
    measure "$img noop hoist" $(hoist_cmd "copy-$img-$run") "docker://$A/seed/$img:1" "docker://$B/bench/$img:1"
    fresh_b; forget_skopeo; measure "$img copy skopeo" skopeo copy -q --src-tls-verify=false --dest-tls-verify=false "docker://$A/seed/$img:1" "docker://$B/bench/$img:1"
    measure "$img noop skopeo" skopeo copy -q --src-tls-verify=false --dest-tls-verify=false "docker://$A/seed/$img:1" "docker://$B/bench/$img:1"
    measure "$img pull hoist" $(hoist_cmd "pull-$img-$run") "docker://$A/seed/$img:1" "oci:$WORK/pull-h-$img-$run:1"
    forget_skopeo; measure "$img pull skopeo" skopeo copy -q --src-tls-verify=false "docker://$A/seed/$img:1" "oci:$WORK/pull-s-$img-$run:1"
    measure "$img pull curl" bash -c "curl_pull '$WORK/$img' seed/$img"
    rm -rf "$WORK"/pull-*-"$img"-"$run" "$WORK"/store-*-"$img"-"$run"
  done
done

# A docker-archive of a real, compressible tree: its layers are uncompressed, so a push compresses them.
if (( REAL_MIB > 0 )); then
  python3 - "$WORK/real-root.tar" "$REAL_MIB" <<'PY'
import os, sys, tarfile
out, limit = sys.argv[1], int(sys.argv[2]) << 20
total = 0
with tarfile.open(out, "w") as t:
    for root, dirs, files in os.walk("/usr/lib"):
        dirs.sort()
        for f in sorted(files):
            p = os.path.join(root, f)
            if os.path.islink(p) or not os.path.isfile(p): continue
            size = os.path.getsize(p)
            if total + size > limit: continue
            t.add(p, arcname=p.lstrip("/")); total += size
PY
  "$HOIST" --progress none --store "$WORK/real-store" import "$WORK/real-root.tar" bench/real:1 >/dev/null
  "$HOIST" --progress none --store "$WORK/real-store" save -o "$WORK/real.tar" bench/real:1 >/dev/null
  img=real
  for run in $(seq 1 "$RUNS"); do
    fresh_b; measure "real push hoist" $(hoist_cmd "real-$run") "docker-archive:$WORK/real.tar" "docker://$B/bench/real:1"
    fresh_b; forget_skopeo; measure "real push skopeo" skopeo copy -q --dest-tls-verify=false "docker-archive:$WORK/real.tar" "docker://$B/bench/real:1"
    rm -rf "$WORK"/store-real-"$run"
  done
fi

printf "\n%-12s %-6s %9s %9s %9s %12s %12s %11s\n" image work hoist skopeo curl skopeo/hoist hoist/curl "RSS hoist"
for img in big small real; do
  for work in push copy pull noop; do
    [[ -n "${SECS[$img $work hoist]:-}" ]] || continue
    h="$(median "${SECS[$img $work hoist]:-}")"; s="$(median "${SECS[$img $work skopeo]:-}")"
    c="$(median "${SECS[$img $work curl]:-}")"; [[ "$work" == copy ]] && c="$(median "${SECS[$img push curl]:-}")"
    r="$(median "${RSS[$img $work hoist]:-}")"
    ratio_s="$(awk -v a="$s" -v b="$h" 'BEGIN{ if (b>0) printf "%.2fx", a/b; else print "-" }')"
    ratio_c="$(awk -v a="$h" -v b="$c" 'BEGIN{ if (b>0) printf "%.2fx", a/b; else print "-" }')"
    printf "%-12s %-6s %8ss %8ss %8ss %12s %12s %8s MiB\n" "$img" "$work" "$h" "$s" "${c:--}" "$ratio_s" "$ratio_c" \
      "$(awk -v k="$r" 'BEGIN{printf "%.1f", k/1024}')"
  done
done
echo "(big: ${BIG_MIB} MiB in ${LAYERS} layers; small: ${SMALL} × ${SMALL_KIB} KiB; real: docker-archive of ${REAL_MIB} MiB of /usr/lib;"
echo " median of ${RUNS} runs; copy's floor is the push floor; every push and copy goes to a fresh registry)"
