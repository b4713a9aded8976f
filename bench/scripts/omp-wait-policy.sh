#!/bin/bash
# CPU cost of libtorch's OpenMP wait policy on a loaded machine (issue 14): two busy loops in their own sessions stand
# in for other users' jobs, then `locus train` runs with 1 and 2 threads, libgomp's default policy and PASSIVE (the
# one every Locus program sets since NativeEnvironment). Prints wall and CPU seconds per run.
# Usage: bench/scripts/omp-wait-policy.sh TRAIN.jsonl DEV.jsonl SCHEMA.json [repeats, default 1]
# "default" is libgomp's own behaviour: with a binary built before NativeEnvironment set OMP_WAIT_POLICY the variable is
# simply unset; with a current binary (which sets PASSIVE when the variable is unset) GOMP_SPINCOUNT=300000, libgomp's
# documented default spin count, which takes precedence over the wait policy, brings the spinning back.
set -uo pipefail
TRAIN=$1; DEV=$2; SCHEMA=$3; REPEATS=${4:-1}
LOCUS=${LOCUS:-src/Locus.Cli/bin/Release/net10.0/locus}
OUT=$(mktemp -d)
setsid bash -c 'while :; do :; done' & h1=$!
setsid bash -c 'while :; do :; done' & h2=$!
trap 'kill $h1 $h2; rm -rf "$OUT"' EXIT
for rep in $(seq 1 "$REPEATS"); do
  for cfg in "1 default" "2 default" "2 PASSIVE" "1 PASSIVE"; do
    set -- $cfg
    if [ "$2" = default ]; then policy=(env -u OMP_WAIT_POLICY GOMP_SPINCOUNT=300000); else policy=(env -u GOMP_SPINCOUNT OMP_WAIT_POLICY="$2"); fi
    rm -rf "$OUT/model"
    /usr/bin/time -f "threads=$1 policy=$2 wall=%e user=%U sys=%S" "${policy[@]}" "$LOCUS" train --task ner --train "$TRAIN" --dev "$DEV" \
      --schema "$SCHEMA" --out "$OUT/model" --epochs 3 --patience 0 --threads "$1" --quiet 2>&1 | grep threads=
    echo "load $(cut -d' ' -f1 /proc/loadavg)"
  done
done
