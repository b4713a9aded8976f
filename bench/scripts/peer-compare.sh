#!/usr/bin/env bash
# Locus against Hugging Face's modelling code on PyTorch (shared/peer), interleaved on the same machine:
# for each model, ROUNDS times: peer, then Locus (`Locus.Bench finetune`), with identical shapes and settings
# (threads, training batch x seq, inference batch, LoRA r / alpha / no dropout / the peer's targets, warm-up,
# repeats), the same malloc settings, and both raised in the scheduler the same way (setsid + autogroup nice).
# Writes every run's JSON to $WORK and the ratios to $OUT.json and $OUT.md (peer-compare-summary.py).
#
# usage: bench/scripts/peer-compare.sh
#   env: MODELS (Locus names, default "deberta-v3-xsmall deberta-v3-small deberta-v3-base bert-base"), ROUNDS (2),
#        THREADS (2), BATCH (16), INFER_BATCH (32), SEQ (128), WARMUP (2), REPEATS (5), MEM_STEPS (3, the peer's
#        peak-RSS child), RANK (32), ALPHA (32), NICE (-15: the autogroup nice value), PEER (../shared/peer),
#        LOCUS_BENCH (a folder holding a built Locus.Bench; default: build bench/Locus.Bench and copy it to $WORK),
#        WORK (/tmp/peer-compare), OUT (bench/results/peer-compare)
# The timed part holds the machine's CPU lock (/tmp/locus-cpu.lock, or $CPU_LOCK) so that no other timed run overlaps.
set -euo pipefail
cd "$(dirname "$0")/../.."
MODELS=${MODELS:-"deberta-v3-xsmall deberta-v3-small deberta-v3-base bert-base"}
ROUNDS=${ROUNDS:-2}
THREADS=${THREADS:-2}
BATCH=${BATCH:-16}
INFER_BATCH=${INFER_BATCH:-32}
SEQ=${SEQ:-128}
WARMUP=${WARMUP:-2}
REPEATS=${REPEATS:-5}
MEM_STEPS=${MEM_STEPS:-3}
RANK=${RANK:-32}
ALPHA=${ALPHA:-32}
NICE=${NICE:--15}
PEER=${PEER:-../shared/peer}
WORK=${WORK:-/tmp/peer-compare}
OUT=${OUT:-bench/results/peer-compare}
mkdir -p "$WORK"

# Page faults are expensive on these machines: keep freed buffers in both processes (run.sh sets the same for the peer).
export MALLOC_MMAP_THRESHOLD_=4294967296 MALLOC_TRIM_THRESHOLD_=68719476736

# The peer extracts into /tmp; it never writes into shared/.
rm -rf "$WORK/peer"
cp -r "$PEER" "$WORK/peer"

if [ -z "${LOCUS_BENCH:-}" ]; then
  dotnet build -c Release bench/Locus.Bench >&2
  rm -rf "$WORK/locus-bench"
  cp -r bench/Locus.Bench/bin/Release/net10.0 "$WORK/locus-bench"
  LOCUS_BENCH="$WORK/locus-bench"
fi

CPU_LOCK=${CPU_LOCK:-/tmp/locus-cpu.lock}
exec 9> "$CPU_LOCK"
echo "waiting for $CPU_LOCK..." >&2
flock 9

# A new session whose autogroup gets nice $NICE: with kernel.sched_autogroup_enabled=1 that, not `nice`, sets the
# share against other sessions' processes. Both sides start this way.
raised() { setsid --wait bash -c 'echo "$0" > /proc/self/autogroup; exec "$@"' "$NICE" "$@"; }

peer_name() { case $1 in bert-base) echo bert-base-uncased ;; *) echo "$1" ;; esac; }

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
STARTED=$(date -u +%Y-%m-%dT%H:%M:%SZ)
echo "load average before: $LOAD_BEFORE" >&2
for model in $MODELS; do
  for round in $(seq 1 "$ROUNDS"); do
    echo "[$(date -u +%H:%M:%S)] $model round $round: peer" >&2
    raised "$WORK/peer/run.sh" --models "$(peer_name "$model")" --threads "$THREADS" --train-batch "$BATCH" \
      --infer-batch "$INFER_BATCH" --seq-len "$SEQ" --warmup "$WARMUP" --repeats "$REPEATS" --mem-steps "$MEM_STEPS" \
      --lora-r "$RANK" --lora-alpha "$ALPHA" --tasks infer-fp32,infer-bf16,train-full,train-lora,mem-full,mem-lora \
      --json "$WORK/peer-$model-$round.json" > "$WORK/peer-$model-$round.log" 2>&1
    echo "[$(date -u +%H:%M:%S)] $model round $round: Locus" >&2
    raised "$LOCUS_BENCH/Locus.Bench" finetune --configs "$model" --threads "$THREADS" --batch "$BATCH" \
      --infer-batch "$INFER_BATCH" --seq "$SEQ" --warmup "$WARMUP" --repeats "$REPEATS" --rank "$RANK" --lora-alpha "$ALPHA" \
      --lora-dropout 0 --targets peer --tasks load,full,lora,lora-mixed,infer-fp32,infer-bf16,infer-mixed \
      --out "$WORK/locus-$model-$round.json" > "$WORK/locus-$model-$round.log" 2>&1
  done
done
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)
echo "load average after: $LOAD_AFTER" >&2

python3 bench/scripts/peer-compare-summary.py --work "$WORK" --models "$MODELS" --rounds "$ROUNDS" --out "$OUT" \
  --command "MODELS='$MODELS' ROUNDS=$ROUNDS WARMUP=$WARMUP REPEATS=$REPEATS MEM_STEPS=$MEM_STEPS bench/scripts/peer-compare.sh" \
  --commit "$(git rev-parse --short HEAD)" \
  --started "$STARTED" --load-before "$LOAD_BEFORE" --load-after "$LOAD_AFTER" \
  --isolation "setsid + autogroup nice $NICE for both; MALLOC_MMAP_THRESHOLD_=$MALLOC_MMAP_THRESHOLD_ MALLOC_TRIM_THRESHOLD_=$MALLOC_TRIM_THRESHOLD_ for both; under flock $CPU_LOCK (no other timed run that takes the lock overlaps)" \
  --settings "threads $THREADS, training $BATCH x $SEQ, inference $INFER_BATCH x $SEQ, warm-up $WARMUP, repeats $REPEATS, LoRA r $RANK alpha $ALPHA dropout 0 on attention query/key/value and both feed-forward linears"
