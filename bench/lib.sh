# Shared helpers for the bench/ scripts: source it, do not run it.
#   measure LABEL REPS CMD...   runs CMD REPS times (a `reset` function, if defined, runs before
#                               each rep, untimed, then `sync`, so no run pays for the disk writeback
#                               of the one before); records the median wall seconds, the median CPU
#                               seconds (user + system) and peak RSS
#   ratio A B                   prints A/B of two recorded labels' medians (wall and CPU seconds)
#   report                      prints the table of everything measured
#   median "V1 V2 …"            prints the median of a space-separated list ("" when empty)
#   registry_start DIR          a throw-away Distribution registry (scripts/test-registry, plain HTTP)
#                               on fresh storage in DIR (one running there and its data go first);
#                               sets REGISTRY_HOST (127.0.0.1:PORT) and REGISTRY_PID
#   registry_stop DIR           stops DIR's registry, if one runs (safe in cleanup traps)
#   random_layout DIR N BYTES   an OCI layout at DIR with one image, named 1, of N layers of BYTES
#                               random (incompressible) bytes each; their digests go to DIR.layers
# Timing uses GNU time (/usr/bin/time, Debian package `time`): %e wall seconds, %M peak RSS KiB,
# %U + %S CPU seconds (on a shared machine, CPU seconds are steadier than wall seconds).
set -euo pipefail

declare -gA BENCH_MEDIAN=() BENCH_RSS=() BENCH_CPU=()
declare -ga BENCH_ORDER=()

_median() { sort -n | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else printf "%.3f\n", (a[NR/2]+a[NR/2+1])/2}'; }

measure() {
  local label=$1 reps=$2; shift 2
  local times=() rss=() cpus=() out
  out=$(mktemp)
  for ((i = 0; i < reps; i++)); do
    if declare -F reset >/dev/null; then reset; fi
    sync  # no run pays for the writeback of what the one before it wrote
    if ! /usr/bin/time -f '%e %M %U %S' -o "$out" "$@" >/dev/null 2>"$out.err"; then
      echo "bench: '$label' failed: $*" >&2; cat "$out.err" >&2; rm -f "$out" "$out.err"; return 1
    fi
    read -r t m u sy <"$out"
    times+=("$t"); rss+=("$m"); cpus+=("$(awk -v u="$u" -v s="$sy" 'BEGIN {print u + s}')")
  done
  rm -f "$out" "$out.err"
  BENCH_MEDIAN[$label]=$(printf '%s\n' "${times[@]}" | _median)
  BENCH_RSS[$label]=$(printf '%s\n' "${rss[@]}" | sort -n | tail -1)
  BENCH_CPU[$label]=$(printf '%s\n' "${cpus[@]}" | _median)
  BENCH_ORDER+=("$label")
  printf '%-44s median %7.3f s   CPU %7.3f s   peak RSS %7.1f MiB   (%d runs)\n' "$label" \
    "${BENCH_MEDIAN[$label]}" "${BENCH_CPU[$label]}" "$(awk -v k="${BENCH_RSS[$label]}" 'BEGIN {print k/1024}')" "$reps"
}

ratio() {
  awk -v a="${BENCH_MEDIAN[$1]}" -v b="${BENCH_MEDIAN[$2]}" -v ca="${BENCH_CPU[$1]:-0}" -v cb="${BENCH_CPU[$2]:-0}" \
    -v la="$1" -v lb="$2" \
    'BEGIN {if (b > 0) printf "%-44s %6.2fx wall, %6.2fx CPU  (%s / %s)\n", la " vs " lb, a / b, (cb > 0 ? ca / cb : 0), la, lb}'
}

report() {
  echo "--- summary (median wall seconds, peak RSS MiB)"
  for l in "${BENCH_ORDER[@]}"; do
    printf '%-44s %7.3f s %7.1f MiB\n' "$l" "${BENCH_MEDIAN[$l]}" "$(awk -v k="${BENCH_RSS[$l]}" 'BEGIN {print k/1024}')"
  done
}

# Random, incompressible bytes: random_file PATH MIB
random_file() { head -c "$(($2 * 1024 * 1024))" /dev/urandom >"$1"; }

median() { tr ' ' '\n' <<<"$1" | { grep -v '^$' || true; } | sort -g |
  awk '{a[NR]=$1} END {if (NR) print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

_BENCH_TEST_REGISTRY="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/scripts/test-registry"
registry_stop() { "$_BENCH_TEST_REGISTRY" stop --dir "$1" >/dev/null 2>&1 || true; }
registry_start() {
  local out
  registry_stop "$1"
  rm -rf "$1"
  out="$("$_BENCH_TEST_REGISTRY" start --dir "$1")"
  # shellcheck disable=SC2034  # read by the scripts that source this file
  REGISTRY_HOST="$(sed -n 's/^HOST=//p' <<<"$out")"
  # shellcheck disable=SC2034
  REGISTRY_PID="$(sed -n 's/^PID=//p' <<<"$out")"
}

random_layout() {
  python3 - "$@" <<'PY'
import hashlib, json, os, sys
d, sizes = sys.argv[1], [int(sys.argv[3])] * int(sys.argv[2])
os.makedirs(d + "/blobs/sha256")
def blob(data=None, size=None):
    h = hashlib.sha256(); tmp = d + "/blobs/tmp"
    with open(tmp, "wb") as f:
        if data is not None:
            f.write(data); h.update(data); n = len(data)
        else:
            n = 0
            while n < size:
                chunk = os.urandom(min(1 << 20, size - n)); f.write(chunk); h.update(chunk); n += len(chunk)
    os.rename(tmp, d + "/blobs/sha256/" + h.hexdigest())
    return "sha256:" + h.hexdigest(), n
ls = []
for s in sizes:
    dg, n = blob(size=s)
    ls.append({"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": dg, "size": n})
cfg = json.dumps({"architecture": "amd64", "os": "linux", "rootfs": {"type": "layers", "diff_ids": [l["digest"] for l in ls]}}).encode()
cd, cn = blob(cfg)
m = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": cd, "size": cn}, "layers": ls}).encode()
md, mn = blob(m)
open(d + "/oci-layout", "w").write('{"imageLayoutVersion":"1.0.0"}')
open(d + "/index.json", "w").write(json.dumps({"schemaVersion": 2, "manifests": [{"mediaType": "application/vnd.oci.image.manifest.v1+json",
    "digest": md, "size": mn, "annotations": {"org.opencontainers.image.ref.name": "1"}}]}))
open(d + ".layers", "w").write("".join(l["digest"] + "\n" for l in ls))
PY
}
