#!/usr/bin/env bash
# hoist serve beside CNCF Distribution (Debian's docker-registry) on the same machine, driven by the
# same client (hoist), in one run (issue 23's speed targets).
#
#   bench/serve.sh [--small N] [--small-kib N] [--big-mib N] [--heads N] [--runs N] [--hoist PATH]
#
# Per server, from fresh storage each run:
#   small push / pull  --small blobs of --small-kib KiB (default 200 × 100 KiB): wall seconds and the
#                      server's CPU (utime+stime from /proc/PID/stat) per request; requests are counted
#                      by serve's /metrics (the same client sends the same requests to both)
#   big push / pull    one image of --big-mib MiB in 4 layers (default 1024): wall seconds
#   HEAD               --heads HEAD requests of one blob (default 10,000) over 16 kept-alive connections
#                      (bench/head_load.c, built here with cc: wrk 4.1 hangs on HEAD answers): requests/second
#   RSS                the server's peak RSS (VmHWM) after all of the above
# Both servers log every request to a file (Distribution at its test config's level info, serve its access log).
# Prints medians over --runs (default 1) and the ratios against the issue's targets: server CPU per
# request ≤ 1/3 of Distribution's, small-blob wall time no slower, HEAD rate ≥ 3×, serve's RSS < 40 MiB.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"
HOIST="${HOIST:-$ROOT/build/src/tools/hoist}"
SMALL=200 SMALL_KIB=100 BIG_MIB=1024 HEADS=10000 RUNS=1
while [[ $# -gt 0 ]]; do
  case "$1" in
    --small) SMALL="$2"; shift 2 ;;
    --small-kib) SMALL_KIB="$2"; shift 2 ;;
    --big-mib) BIG_MIB="$2"; shift 2 ;;
    --heads) HEADS="$2"; shift 2 ;;
    --runs) RUNS="$2"; shift 2 ;;
    --hoist) HOIST="$2"; shift 2 ;;
    *) sed -n '2,17p' "$0"; exit 2 ;;
  esac
done
[[ -x "$HOIST" ]] || { echo "hoist binary not found at $HOIST (use --hoist PATH)" >&2; exit 2; }
for tool in cc python3 curl; do command -v "$tool" >/dev/null || { echo "needs $tool (apt-get install $tool)" >&2; exit 2; }; done

WORK="$(mktemp -d "${TMPDIR:-/tmp}/hoist-bench-serve.XXXXXX")"
SRV_PID=""
cleanup() {
  registry_stop "$WORK/dist"
  if [[ -n "$SRV_PID" ]]; then kill -TERM "$SRV_PID" 2>/dev/null || true; wait "$SRV_PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

# --- images: OCI layouts written directly (random layers, exact sizes)
random_layout "$WORK/big" 4 $((BIG_MIB * 1048576 / 4))
random_layout "$WORK/small" "$SMALL" $((SMALL_KIB * 1024))
HEAD_DIGEST="$(head -n 1 "$WORK/small.layers")"

cc -O2 -pthread -o "$WORK/head_load" "$ROOT/bench/head_load.c"

declare -A VAL  # "server metric" → space-separated values, one per run
record() { VAL["$1 $2"]+="$3 "; }
now() { date +%s.%N; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }  # utime + stime, clock ticks
TICK="$(getconf CLK_TCK)"
hwm_kib() { awk '/^VmHWM:/ {print $2}' "/proc/$1/status"; }
serve_requests() { [[ -n "$SERVE_HOST" ]] || { echo 0; return; }; curl -s "http://$SERVE_HOST/metrics" | awk '/^hoist_serve_requests_total/ {n += $NF} END {print n + 0}'; }

start_dist() { registry_start "$WORK/dist"; DIST_HOST="$REGISTRY_HOST" DIST_PID="$REGISTRY_PID"; }
start_serve() {
  rm -rf "$WORK/served"
  coproc SERVE { exec "$HOIST" serve "$WORK/served" --listen 127.0.0.1:0 --access-log "$WORK/serve-access.log"; }
  SRV_PID="$SERVE_PID"
  local line; read -r line <&"${SERVE[0]}"
  SERVE_HOST="127.0.0.1:${line##*:}"
}
stop_serve() { kill -TERM "$SRV_PID"; wait "$SRV_PID" 2>/dev/null || true; SRV_PID=""; }

hoist_copy() { "$HOIST" --progress none --store "$WORK/store" copy --insecure-registry "$1" "$2" "$3" >/dev/null; }

# bench_one NAME HOST PID: every measurement against one server.
bench_one() {
  local name="$1" host="$2" pid="$3" t0 c0 r0 t1 c1 r1
  for kind in push pull; do
    rm -rf "$WORK/store" "$WORK/pulled"
    r0=$(serve_requests); c0=$(cpu_ticks "$pid"); t0=$(now)
    if [[ $kind == push ]]; then hoist_copy "$host" "oci:$WORK/small:1" "docker://$host/bench/small:1"
    else hoist_copy "$host" "docker://$host/bench/small:1" "oci:$WORK/pulled:1"; fi
    t1=$(now); c1=$(cpu_ticks "$pid"); r1=$(serve_requests)
    # The request count is serve's (its own /metrics requests excluded): the same client sends the same ones to both.
    if [[ $name == serve ]]; then record serve "small-$kind-requests" $((r1 - r0 - 1)); fi
    record "$name" "small-$kind-s" "$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.3f", b - a}')"
    record "$name" "small-$kind-cpu-s" "$(awk -v a="$c0" -v b="$c1" -v t="$TICK" 'BEGIN {printf "%.3f", (b - a) / t}')"
  done
  local out
  out=$("$WORK/head_load" "${host%:*}" "${host##*:}" "/v2/bench/small/blobs/$HEAD_DIGEST" "$HEADS" 16)
  record "$name" head-rps "$(awk '{print $3}' <<<"$out")"
  for kind in push pull; do
    rm -rf "$WORK/store" "$WORK/pulled"
    t0=$(now)
    if [[ $kind == push ]]; then hoist_copy "$host" "oci:$WORK/big:1" "docker://$host/bench/big:1"
    else hoist_copy "$host" "docker://$host/bench/big:1" "oci:$WORK/pulled:1"; fi
    t1=$(now)
    record "$name" "big-$kind-s" "$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.3f", b - a}')"
  done
  rm -rf "$WORK/store" "$WORK/pulled"
  record "$name" rss-mib "$(awk -v k="$(hwm_kib "$pid")" 'BEGIN {printf "%.1f", k / 1024}')"
}

for run in $(seq 1 "$RUNS"); do
  start_serve
  bench_one serve "$SERVE_HOST" "$SRV_PID"
  stop_serve
  start_dist
  SERVE_HOST=""  # serve_requests is not asked of Distribution
  bench_one distribution "$DIST_HOST" "$DIST_PID"
  registry_stop "$WORK/dist"
done

m() { median "${VAL["$1 $2"]:-}"; }
echo "--- hoist serve vs Distribution ($(docker-registry --version 2>/dev/null | head -1 || echo docker-registry)), medians of $RUNS run(s)"
printf '%-26s %14s %14s %10s\n' metric serve distribution ratio
for metric in small-push-s small-pull-s small-push-cpu-s small-pull-cpu-s big-push-s big-pull-s head-rps rss-mib; do
  s=$(m serve "$metric"); d=$(m distribution "$metric")
  printf '%-26s %14s %14s %10s\n' "$metric" "$s" "$d" "$(awk -v s="$s" -v d="$d" 'BEGIN {if (d > 0) printf "%.2f", s / d}')"
done
for kind in push pull; do
  n=$(m serve "small-$kind-requests")
  s=$(awk -v c="$(m serve "small-$kind-cpu-s")" -v n="$n" 'BEGIN {printf "%.3f", n ? 1000 * c / n : 0}')
  d=$(awk -v c="$(m distribution "small-$kind-cpu-s")" -v n="$n" 'BEGIN {printf "%.3f", n ? 1000 * c / n : 0}')
  printf '%-26s %14s %14s %10s\n' "cpu-ms/request ($kind, $n)" "$s" "$d" "$(awk -v s="$s" -v d="$d" 'BEGIN {if (d > 0) printf "%.2f", s / d}')"
done
echo "--- targets"
for kind in push pull; do
  awk -v s="$(m serve "small-$kind-cpu-s")" -v d="$(m distribution "small-$kind-cpu-s")" -v k="$kind" \
    'BEGIN {r = d > 0 ? s / d : 0; printf "server CPU/request, small %s: %.2f of Distribution (target <= 0.33): %s\n", k, r, r <= 1/3 ? "met" : "NOT met"}'
  awk -v s="$(m serve "small-$kind-s")" -v d="$(m distribution "small-$kind-s")" -v k="$kind" \
    'BEGIN {r = d > 0 ? s / d : 0; printf "wall time, small %s: %.2f of Distribution (target <= 1): %s\n", k, r, r <= 1 ? "met" : "NOT met"}'
done
awk -v s="$(m serve head-rps)" -v d="$(m distribution head-rps)" \
  'BEGIN {r = d > 0 ? s / d : 0; printf "HEAD rate: %.2fx that of Distribution (target >= 3): %s\n", r, (r >= 3 ? "met" : "NOT met")}'
awk -v s="$(m serve rss-mib)" 'BEGIN {printf "serve peak RSS: %.1f MiB (target < 40): %s\n", s, (s < 40 ? "met" : "NOT met")}'
