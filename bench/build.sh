#!/usr/bin/env bash
# hoist build benchmark (issue 21, "Speed"): rebuilds beside Debian's buildah (`buildah bud --layers
# --storage-driver vfs --isolation chroot`, skipped with a message when it is not installed), on the same
# Dockerfiles, in one run. A benchmark, not a test: it prints medians and ratios, and hoist's CPU time.
#
#   bench/build.sh [--runs R] [--hoist PATH]
#
# The Dockerfile: FROM scratch, COPY of a busybox root, then 10 steps (RUN, ENV, WORKDIR, COPY src/, LABEL).
# Work measured (median of R runs; wall seconds, and user+sys CPU seconds):
#   unchanged    the same build again: every step cached (the issue asks < 0.3 s for hoist)
#   one change   one file of src/ changed before each run: only the steps after its COPY run
#   cache mount  RUN --mount=type=cache over a 64 MiB file made once, the step forced to run (a new
#                --build-arg each time), beside the same command run by hand with the same busybox
set -euo pipefail

RUNS=5
HOIST=${HOIST:-}
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) RUNS=$2; shift 2 ;;
    --hoist) HOIST=$2; shift 2 ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done
HERE=$(cd "$(dirname "$0")/.." && pwd)
if [ -z "$HOIST" ]; then
  for b in build-release build; do
    if [ -x "$HERE/$b/src/tools/hoist" ]; then HOIST="$HERE/$b/src/tools/hoist"; break; fi
  done
fi
[ -x "$HOIST" ] || { echo "hoist binary not found: build it (Release) or pass --hoist" >&2; exit 1; }
[ -x /bin/busybox ] || { echo "busybox-static not installed" >&2; exit 1; }

WORK=$(mktemp -d /var/tmp/hoist-bench-build.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
export HOIST_STORE="$WORK/store"
BUILDAH=""
if command -v buildah >/dev/null; then
  BUILDAH="buildah --root $WORK/buildah --runroot $WORK/buildah-run --storage-driver vfs"
else
  echo "buildah not installed (apt-get install buildah): its column is skipped"
fi
echo "hoist: $HOIST; work dir: $WORK; $(nproc) CPUs; $RUNS runs each"

declare -A MEDIAN=() CPU=()
# measure LABEL CMD...: median wall and user+sys seconds over RUNS runs (`reset`, if defined, runs first, untimed).
measure() {
  local label=$1; shift
  local walls=() cpus=() t
  t=$(mktemp)
  for ((i = 0; i < RUNS; i++)); do
    if declare -F reset >/dev/null; then reset; fi
    # The commands are shell functions: bash -c runs them (a few ms of bash start-up included).
    if ! /usr/bin/time -f '%e %U %S' -o "$t" bash -c "$*" >/dev/null 2>"$t.err"; then
      echo "bench: '$label' failed" >&2; cat "$t.err" >&2; exit 1
    fi
    read -r w u s <"$t"
    walls+=("$w"); cpus+=("$(awk -v u="$u" -v s="$s" 'BEGIN {print u + s}')")
  done
  rm -f "$t" "$t.err"
  MEDIAN[$label]=$(printf '%s\n' "${walls[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  CPU[$label]=$(printf '%s\n' "${cpus[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  printf '%-36s wall %7.3f s   cpu (user+sys) %7.3f s\n' "$label" "${MEDIAN[$label]}" "${CPU[$label]}"
}
ratio() {
  [ -n "${MEDIAN[$1]:-}" ] && [ -n "${MEDIAN[$2]:-}" ] || return 0
  awk -v a="${MEDIAN[$1]}" -v b="${MEDIAN[$2]}" -v l="$1 / $2" 'BEGIN {if (b > 0) printf "%-52s %6.2fx\n", l, a / b}'
}

CTX="$WORK/ctx"
mkdir -p "$CTX/rootfs/bin" "$CTX/rootfs/etc" "$CTX/src"
cp /bin/busybox "$CTX/rootfs/bin/"
for a in sh cat ls echo head wc test; do ln -s busybox "$CTX/rootfs/bin/$a"; done
for i in 1 2 3 4 5 6 7 8; do echo "file $i" >"$CTX/src/f$i.txt"; done
cat >"$CTX/Dockerfile" <<'DF'
FROM scratch
COPY rootfs/ /
RUN echo one > /1
ENV A=1
RUN echo two > /2
WORKDIR /work
RUN echo three > /3
COPY src/ /work/src/
RUN cat /work/src/* > /out
RUN ls /work > /list
LABEL bench=build
DF
cat >"$CTX/Dockerfile.cache" <<'DF'
FROM scratch
COPY rootfs/ /
ARG N
RUN --mount=type=cache,target=/cache sh -c 'test -f /cache/data || head -c 67108864 /dev/zero > /cache/data; echo $N; wc -c < /cache/data > /size'
DF

hoist_build() { "$HOIST" build -q -t bench/app:1 "$@" "$CTX"; }
buildah_build() { $BUILDAH bud --layers --isolation chroot -q -t bench/app:1 "$@" "$CTX"; }

export HOIST CTX BUILDAH WORK n=0
export -f hoist_build buildah_build
hoist_build >/dev/null
[ -n "$BUILDAH" ] && buildah_build >/dev/null
measure "hoist: unchanged" hoist_build
[ -n "$BUILDAH" ] && measure "buildah: unchanged" buildah_build

reset() { n=$((n + 1)); export n; echo "changed $n $RANDOM" >"$CTX/src/f3.txt"; }
measure "hoist: one source changed" hoist_build
[ -n "$BUILDAH" ] && measure "buildah: one source changed" buildah_build
unset -f reset

hoist_build -f "$CTX/Dockerfile.cache" --build-arg N=0 >/dev/null
[ -n "$BUILDAH" ] && buildah_build -f "$CTX/Dockerfile.cache" --build-arg N=0 >/dev/null
reset() { n=$((n + 1)); export n; }
hoist_cache() { hoist_build -f "$CTX/Dockerfile.cache" --build-arg "N=$n"; }
buildah_cache() { buildah_build -f "$CTX/Dockerfile.cache" --build-arg "N=$n"; }
# The same command with the same programs the container runs (busybox's wc reads the whole file;
# coreutils' wc -c on a regular file only asks for its size, which would compare two other programs).
by_hand() {
  mkdir -p "$WORK/hand"
  local bb="$CTX/rootfs/bin/busybox"
  "$bb" sh -c 'test -f "$1/data" || "$3" head -c 67108864 /dev/zero > "$1/data"; echo $2; "$3" wc -c < "$1/data" > "$1/size"' \
    sh "$WORK/hand" "$n" "$bb"
}
export -f hoist_cache buildah_cache by_hand
measure "hoist: RUN --mount=type=cache" hoist_cache
[ -n "$BUILDAH" ] && measure "buildah: RUN --mount=type=cache" buildah_cache
measure "by hand: the same command" by_hand
unset -f reset

echo "--- ratios (buildah / hoist: how many times faster hoist is; the issue asks < 0.3 s unchanged)"
ratio "buildah: unchanged" "hoist: unchanged"
ratio "buildah: one source changed" "hoist: one source changed"
ratio "buildah: RUN --mount=type=cache" "hoist: RUN --mount=type=cache"
ratio "hoist: RUN --mount=type=cache" "by hand: the same command"
