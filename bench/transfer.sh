#!/usr/bin/env bash
# hoist vs skopeo vs an ideal client (bench/ideal_client.py) on the same local registries, in one run.
#
#   bench/transfer.sh [--big-mib N] [--layers N] [--small N] [--small-kib N] [--real-mib N] [--runs N]
#                     [--hoist PATH]
#
# Images (random, incompressible), made here as OCI layouts:
#   big:   N MiB in --layers layers (default 1024 MiB in 4 layers)
#   small: --small layers of --small-kib KiB (default 200 × 100 KiB)
# Work measured (median of --runs: wall seconds, the tool's own CPU seconds (user + sys) and peak RSS, all
# from /usr/bin/time; against a registry on the same cores, CPU shows the client's own cost where wall time
# shows the registry's):
#   push  oci layout → registry B, a fresh registry for every measured run (nothing to mount or skip)
#   copy  registry A → registry B (fresh, as for push)
#   pull  registry A → a fresh OCI layout directory
#   noop  the image copied again to where it already is
#   docker-archive push  a docker-archive (uncompressed layers: a tar of /usr/lib) → fresh registry B,
#         gzip-compressing on the way (with --real-mib N > 0)
#   ideal the floor: bench/ideal_client.py (the fewest requests, 8 blobs at a time on kept-alive connections,
#         digests checked, one streamed PUT per blob) doing the same push, copy and pull
# BENCH_VERBOSE=1 prints every timed run as it ends (to stderr).
# Every tool starts cold: fresh hoist stores, and skopeo's blob-info cache removed before each of its runs,
# so neither can mount from what an earlier run left.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"
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
    *) sed -n '2,23p' "$0"; exit 2 ;;
  esac
done
[[ -x "$HOIST" ]] || { echo "hoist binary not found at $HOIST (use --hoist PATH)" >&2; exit 2; }
for tool in skopeo python3 /usr/bin/time; do command -v "$tool" >/dev/null || { echo "needs $tool" >&2; exit 2; }; done

WORK="$(mktemp -d "${TMPDIR:-/tmp}/hoist-bench.XXXXXX")"
cleanup() {
  registry_stop "$WORK/rega"
  registry_stop "$WORK/regb"
  rm -rf "$WORK"
}
trap cleanup EXIT

registry_start "$WORK/rega"
A="$REGISTRY_HOST"
B=""
# fresh_b: registry B replaced by an empty one (new storage, new port), so no run benefits from another's blobs.
fresh_b() { registry_start "$WORK/regb"; B="$REGISTRY_HOST"; }
# skopeo remembers where it saw blobs (and mounts them); forget that before each of its runs.
forget_skopeo() { rm -rf /var/lib/containers/cache "${XDG_DATA_HOME:-$HOME/.local/share}/containers/cache"; }
unset REGISTRY_AUTH_FILE

# --- images: OCI layouts written directly (random layers; sizes exact)
random_layout "$WORK/big" "$LAYERS" $((BIG_MIB * 1048576 / LAYERS))
random_layout "$WORK/small" "$SMALL" $((SMALL_KIB * 1024))

declare -A SECS RSS CPU
# measure KEY CMD...: one timed run; appends seconds and peak RSS (KiB) to the lists for KEY (this
# script's own, in place of lib.sh's: every run is kept, for the medians and the largest RSS below).
measure() {
  local key="$1"; shift
  local out
  sync  # nobody's writeback (the last run's, the registries') lands in this run
  if ! out=$( { /usr/bin/time -f "%e %M %U %S" "$@" >/dev/null 2>"$WORK/cmd.err"; } 2>&1 ); then :; fi
  local last; last="$(tail -n 1 "$WORK/cmd.err")"
  if [[ ! "$last" =~ ^[0-9.]+\ [0-9]+\ [0-9.]+\ [0-9.]+$ ]]; then echo "FAILED: $key: $(cat "$WORK/cmd.err")" >&2; return 1; fi
  local wall rss user sys
  read -r wall rss user sys <<<"$last"
  SECS[$key]+="$wall "
  RSS[$key]+="$rss "
  CPU[$key]+="$(awk -v u="$user" -v s="$sys" 'BEGIN{printf "%.2f", u+s}') "
  [[ -n "${BENCH_VERBOSE:-}" ]] && echo "  $key: $wall s, cpu $user+$sys s, rss $rss KiB" >&2
  return 0
}

IDEAL="$ROOT/bench/ideal_client.py"

hoist_cmd() { echo "$HOIST" --progress none --store "$WORK/store-$1" copy --insecure-registry "$A" --insecure-registry "$B"; }

for img in big small; do
  "$HOIST" --progress none --store "$WORK/seed" copy --insecure-registry "$A" "oci:$WORK/$img:1" "docker://$A/seed/$img:1" >/dev/null
  for run in $(seq 1 "$RUNS"); do
    fresh_b; measure "$img push hoist" $(hoist_cmd "push-$img-$run") "oci:$WORK/$img:1" "docker://$B/bench/$img:1"
    fresh_b; forget_skopeo; measure "$img push skopeo" skopeo copy -q --dest-tls-verify=false "oci:$WORK/$img:1" "docker://$B/bench/$img:1"
    fresh_b; measure "$img push ideal" python3 "$IDEAL" push "$WORK/$img" 1 "$B" "bench/$img"
    fresh_b; measure "$img copy hoist" $(hoist_cmd "copy-$img-$run") "docker://$A/seed/$img:1" "docker://$B/bench/$img:1"
    # the no-op: the same copy again, to where it now is
    measure "$img noop hoist" $(hoist_cmd "copy-$img-$run") "docker://$A/seed/$img:1" "docker://$B/bench/$img:1"
    fresh_b; forget_skopeo; measure "$img copy skopeo" skopeo copy -q --src-tls-verify=false --dest-tls-verify=false "docker://$A/seed/$img:1" "docker://$B/bench/$img:1"
    measure "$img noop skopeo" skopeo copy -q --src-tls-verify=false --dest-tls-verify=false "docker://$A/seed/$img:1" "docker://$B/bench/$img:1"
    fresh_b; measure "$img copy ideal" python3 "$IDEAL" copy "$A" "seed/$img" 1 "$B" "bench/$img"
    measure "$img pull hoist" $(hoist_cmd "pull-$img-$run") "docker://$A/seed/$img:1" "oci:$WORK/pull-h-$img-$run:1"
    forget_skopeo; measure "$img pull skopeo" skopeo copy -q --src-tls-verify=false "docker://$A/seed/$img:1" "oci:$WORK/pull-s-$img-$run:1"
    measure "$img pull ideal" python3 "$IDEAL" pull "$A" "seed/$img" 1 "$WORK/pull-i-$img-$run"
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

printf "\n%-6s %-5s %8s %8s %8s %9s %9s %11s %12s %9s\n" image work hoist skopeo ideal "CPU hoist" "CPU skopeo" hoist/ideal skopeo/hoist "RSS hoist"
for img in big small real; do
  for work in push copy pull noop; do
    [[ -n "${SECS[$img $work hoist]:-}" ]] || continue
    h="$(median "${SECS[$img $work hoist]:-}")"; s="$(median "${SECS[$img $work skopeo]:-}")"
    i="$(median "${SECS[$img $work ideal]:-}")"
    ch="$(median "${CPU[$img $work hoist]:-}")"; cs="$(median "${CPU[$img $work skopeo]:-}")"
    r="$(median "${RSS[$img $work hoist]:-}")"
    ratio_s="$(awk -v a="$s" -v b="$h" 'BEGIN{ if (a>0 && b>0) printf "%.2fx", a/b; else print "-" }')"
    ratio_i="$(awk -v a="$h" -v b="$i" 'BEGIN{ if (b>0) printf "%.2fx", a/b; else print "-" }')"
    sec() { if [[ -n "$1" ]]; then echo "${1}s"; else echo "-"; fi; }
    printf "%-6s %-5s %8s %8s %8s %9s %9s %11s %12s %5s MiB\n" "$img" "$work" "$(sec "$h")" "$(sec "$s")" "$(sec "$i")" \
      "$(sec "$ch")" "$(sec "$cs")" \
      "$ratio_i" "$ratio_s" "$(awk -v k="$r" 'BEGIN{printf "%.1f", k/1024}')"
  done
done
# The peak RSS of every hoist job, to find the largest.
for key in "${!RSS[@]}"; do
  [[ "$key" == *" hoist" ]] || continue
  for k in ${RSS[$key]}; do echo "$k $key"; done
done | sort -n | tail -n 1 | awk '{printf "largest hoist RSS: %.1f MiB (%s %s)\n", $1/1024, $2, $3}'
GIB="$(awk -v m="$BIG_MIB" 'BEGIN{print m/1024}')"
for work in pull copy; do
  [[ -n "${CPU[big $work hoist]:-}" ]] || continue
  awk -v c="$(median "${CPU[big $work hoist]}")" -v g="$GIB" -v w="$work" 'BEGIN{printf "hoist CPU per GiB (%s): %.2f s\n", w, c/g}'
done
echo "(big: ${BIG_MIB} MiB in ${LAYERS} layers; small: ${SMALL} × ${SMALL_KIB} KiB; real: docker-archive of ${REAL_MIB} MiB of /usr/lib;"
echo " median of ${RUNS} runs; every push and copy goes to a fresh registry; CPU is user + sys of the tool's process)"
