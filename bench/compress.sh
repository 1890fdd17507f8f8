#!/usr/bin/env bash
# Layer (re)compression benchmark (issue 22): hoist's --compress against the compressors themselves,
# on the same 256 MiB tar of /usr/lib, in one run. A benchmark, not a test: it prints times and ratios.
#
#   bench/compress.sh [--size-mib N] [--runs R] [--hoist PATH]
#
# The image: one layer, a tar of files from /usr/lib up to N MiB, stored uncompressed in an OCI layout.
# Work measured (median of R runs, wall and CPU seconds):
#   hoist copy --compress zstd  (default level 3)      vs  zstd -3 -T1, zstd -3 -T0
#   hoist copy --compress gzip  (ISA-L's fast gzip)    vs  gzip -6, pigz -6 (installed when missing)
# Each hoist run starts hoist, reads the (uncompressed) layer and verifies its sha256, compresses it
# (zstd: libzstd's 2 workers; gzip: ISA-L in 512 KiB chunks on 2 workers), hashes the output into a
# spool file, then copies that file into an oci: layout (read, verified, written, fsynced). The bare
# compressors read the tar and write to /dev/null; the "+ sha256 + file" rows do what hoist does
# besides compressing (hash the input and the output, write the output to a file), for a fair peer.
# Nothing decompresses: the source layer is stored uncompressed. On a shared machine, compare the
# CPU seconds too: wall seconds swing with the other load.
set -euo pipefail

SIZE_MIB=256
RUNS=3
HOIST=${HOIST:-}
while [ $# -gt 0 ]; do
  case "$1" in
    --size-mib) SIZE_MIB=$2; shift 2 ;;
    --runs) RUNS=$2; shift 2 ;;
    --hoist) HOIST=$2; shift 2 ;;
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done
HERE=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=bench/lib.sh
. "$HERE/bench/lib.sh"
if [ -z "$HOIST" ]; then
  for b in build-release build; do
    if [ -x "$HERE/$b/src/tools/hoist" ]; then HOIST="$HERE/$b/src/tools/hoist"; break; fi
  done
fi
[ -x "$HOIST" ] || { echo "hoist binary not found: build it (Release) or pass --hoist" >&2; exit 1; }

WORK=$(mktemp -d /var/tmp/hoist-bench-compress.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
export HOIST_STORE="$WORK/store"
echo "hoist: $HOIST; work dir: $WORK; a ${SIZE_MIB} MiB tar of /usr/lib; $(nproc) CPUs; load: $(cut -d' ' -f1-3 /proc/loadavg)"
if ! command -v pigz >/dev/null && [ "$(id -u)" = 0 ]; then
  apt-get install -y -q pigz >/dev/null 2>&1 || echo "pigz could not be installed"
fi

# The tar: whole files from /usr/lib until SIZE_MIB (a valid archive, not a truncated one).
python3 - "$WORK/lib.tar" "$SIZE_MIB" <<'PY'
import os, sys, tarfile
out, limit = sys.argv[1], int(sys.argv[2]) << 20
total = 0
with tarfile.open(out, "w", format=tarfile.PAX_FORMAT) as tar:
    for root, dirs, files in os.walk("/usr/lib"):
        dirs.sort()
        for f in sorted(files):
            p = os.path.join(root, f)
            if not os.path.isfile(p) or os.path.islink(p):
                continue
            size = os.path.getsize(p)
            if total + size > limit:
                continue
            try:
                tar.add(p, recursive=False)
            except OSError:
                continue
            total += size
            if total >= limit * 0.99:
                break
PY
TAR="$WORK/lib.tar"
echo "tar: $(du -m "$TAR" | cut -f1) MiB"

# The image with the layer uncompressed (import gzips it; --compress none --force-compression undoes that).
"$HOIST" import "$TAR" bench.example/compress:src >/dev/null
"$HOIST" --progress none copy bench.example/compress:src "oci:$WORK/plain:src" --compress none --force-compression >/dev/null

reset() { rm -rf "$WORK/out"; }
measure "hoist --compress zstd (level 3)" "$RUNS" \
  "$HOIST" --progress none copy "oci:$WORK/plain:src" "oci:$WORK/out:x" --compress zstd
measure "zstd -3 -T1" "$RUNS" zstd -q -3 -T1 -c "$TAR"
measure "zstd -3 -T0" "$RUNS" zstd -q -3 -T0 -c "$TAR"
measure "zstd -3 -T0 + sha256 + file" "$RUNS" bash -c \
  'tee >(sha256sum >/dev/null) <"$1" | zstd -q -3 -T0 | tee "$2" | sha256sum >/dev/null' _ "$TAR" "$WORK/out.zst"
measure "hoist --compress gzip (ISA-L)" "$RUNS" \
  "$HOIST" --progress none copy "oci:$WORK/plain:src" "oci:$WORK/out:x" --compress gzip
HOIST_GZIP_MIB=$(find "$WORK/out/blobs" -type f -size +1M -printf '%s\n' | awk '{printf "%.1f", $1/1048576}')
measure "gzip -6" "$RUNS" gzip -6 -n -c "$TAR"
if command -v pigz >/dev/null; then
  measure "pigz -6" "$RUNS" pigz -6 -n -c "$TAR"
  measure "pigz -1 --independent" "$RUNS" pigz -1 -i -n -c "$TAR"
else
  echo "pigz not installed: skipped"
fi
unset -f reset

echo "--- speed-ups (how many times faster hoist is; the issue asks >= 3x zstd -3 and >= 10x gzip -6)"
ratio "zstd -3 -T1" "hoist --compress zstd (level 3)"
ratio "zstd -3 -T0" "hoist --compress zstd (level 3)"
ratio "zstd -3 -T0 + sha256 + file" "hoist --compress zstd (level 3)"
ratio "gzip -6" "hoist --compress gzip (ISA-L)"
if command -v pigz >/dev/null; then
  ratio "pigz -6" "hoist --compress gzip (ISA-L)"
  ratio "pigz -1 --independent" "hoist --compress gzip (ISA-L)"
fi
echo "--- output sizes (MiB): zstd -3 $(zstd -q -3 -T0 -c "$TAR" | wc -c | awk '{printf "%.1f", $1/1048576}')," \
  "gzip -6 $(gzip -6 -n -c "$TAR" | wc -c | awk '{printf "%.1f", $1/1048576}')," \
  "hoist gzip $HOIST_GZIP_MIB"
report
