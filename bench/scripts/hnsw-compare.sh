#!/usr/bin/env bash
# Locus's HNSW next to hnswlib 0.6.2 and FAISS 1.7.3 IndexHNSWFlat (Debian packages) on the same vectors.
#
#   bench/scripts/hnsw-compare.sh [clustered SIZE | real SENTENCE_LIMIT_SECONDS]
#
# Env: THREADS (build threads, all libraries; default 1), EFS (default 10,16,32,64,128,256), QUERIES (1000),
#      M (16), EFC (100), WORK (/tmp/hnsw-compare),
#      OUT (default bench/results/hnsw-compare-real or -clustered-SIZE: OUT.json and OUT.md are written),
#      LOCUS_BIN (a Locus.Bench build folder; default: a copy of bench/Locus.Bench/bin/Release/net10.0),
#      LIBS (which peers run, default hnswlib,faiss: Debian's FAISS is a generic, non-AVX2 build whose 1M build
#      takes over an hour here),
#      BASELINE_BIN (optional second Locus.Bench build, run as "locus-baseline": before/after in the same run).
# The vectors are written once (clustered: the retrieval bench's generator; real: the shared data sets' sentences
# encoded with the built-in all-MiniLM-L6-v2) and reused when WORK already holds them.
# Each timed process runs in its own session with a raised autogroup priority (design.md §5: on these shared
# machines only that lowers other sessions' share) and under /tmp/locus-cpu.lock, so timed runs never overlap.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
KIND=${1:-clustered}
SIZE=${2:-1000000}
THREADS=${THREADS:-1}
EFS=${EFS:-10,16,32,64,128,256}
QUERIES=${QUERIES:-1000}
M=${M:-16}
EFC=${EFC:-100}
WORK=${WORK:-/tmp/hnsw-compare}
OUT=${OUT:-bench/results/hnsw-compare-$KIND$([[ $KIND == clustered ]] && echo "-$SIZE")}
LIBS=${LIBS:-hnswlib,faiss}
PY=/usr/bin/python3   # Debian's interpreter: the python3-hnswlib / python3-faiss packages live in its dist-packages
export MALLOC_MMAP_THRESHOLD_=4294967296 MALLOC_TRIM_THRESHOLD_=68719476736
export DOTNET_gcServer=0

if ! $PY -c 'import hnswlib, faiss, numpy' 2>/dev/null; then
  apt-get install -y python3-hnswlib python3-faiss python3-numpy >/dev/null
fi

if [[ -z "${LOCUS_BIN:-}" ]]; then
  LOCUS_BIN=$(mktemp -d /tmp/locus-bench-bin.XXXX)
  cp -r bench/Locus.Bench/bin/Release/net10.0/. "$LOCUS_BIN"
fi

# Runs a command in its own session with autogroup nice -15, holding the shared CPU lock.
timed() {
  flock /tmp/locus-cpu.lock setsid bash -c 'echo -15 > /proc/self/autogroup; exec "$@"' timed "$@"
}

case "$KIND" in
  clustered) DATA=$WORK/clustered-$SIZE ;;
  real) DATA=$WORK/real ;;
  *) echo "usage: $0 [clustered SIZE | real MAX_ENCODE_SECONDS]" >&2; exit 2 ;;
esac
mkdir -p "$DATA"
if [[ ! -f $DATA/truth.npy ]]; then
  if [[ $KIND == clustered ]]; then
    timed "$LOCUS_BIN/Locus.Bench" hnsw-export --size "$SIZE" --data clustered --queries "$QUERIES" --out "$DATA"
  else
    $PY bench/scripts/hnsw_peer.py sentences --data ../shared/data --out "$DATA/sentences.txt"
    timed "$LOCUS_BIN/Locus.Bench" hnsw-encode --text "$DATA/sentences.txt" --queries "$QUERIES" --max-seconds "$SIZE" \
      --threads 2 --out "$DATA"
  fi
fi

RUN=$DATA/run-$(date -u +%Y%m%dT%H%M%S)
mkdir -p "$RUN"
notes=()
load() { cut -d' ' -f1-3 /proc/loadavg; }
one() {
  local name=$1; shift
  local before; before=$(load)
  timed "$@" --out "$RUN/$name.lib.json"
  notes+=("$name: load average (1/5/15 min) before $before, after $(load)")
}
one locus "$LOCUS_BIN/Locus.Bench" hnsw-run --dir "$DATA" --m "$M" --ef-construction "$EFC" --ef-search "$EFS" --threads "$THREADS"
if [[ -n "${BASELINE_BIN:-}" ]]; then
  one locus-baseline "$BASELINE_BIN/Locus.Bench" hnsw-run --label locus-baseline --dir "$DATA" --m "$M" --ef-construction "$EFC" --ef-search "$EFS" --threads "$THREADS"
fi
for lib in ${LIBS//,/ }; do
  one "$lib" $PY bench/scripts/hnsw_peer.py run --lib "$lib" --dir "$DATA" --m "$M" --ef-construction "$EFC" --ef-search "$EFS" --threads "$THREADS"
done

notes+=("data: $KIND ($DATA), commit $(git rev-parse --short HEAD), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)")
notes+=("isolation: each timed process under flock /tmp/locus-cpu.lock, setsid + autogroup nice -15; MALLOC_MMAP_THRESHOLD_/MALLOC_TRIM_THRESHOLD_ set")
notes+=("latency: wall time of one search call per query (Locus: VectorIndex.Search in process; hnswlib/FAISS: the Python call, so ~µs of binding overhead included)")
args=()
for n in "${notes[@]}"; do args+=(--note "$n"); done
$PY bench/scripts/hnsw_peer.py table --dir "$RUN" --out-json "$OUT.json" --out-md "$OUT.md" "${args[@]}"
