#!/bin/bash
# Kills `locus corpus ingest`, `locus pretrain`, `locus train` and `locus specialize` with SIGKILL at random points,
# reruns each until it finishes, and checks that the result is byte-identical to an uninterrupted run (issue 14:
# resume, completeness, identical results). train and specialize run on a tiny base model pre-trained here on the
# quick start's corpus, so that a try takes seconds; specialize uses the lexical retrieval encoder and offline synthesis.
# Usage: bench/scripts/kill-resume.sh [kills per command, default 20] [seed, default 1]
# LOCUS defaults to the Debug build of the CLI (dotnet build src/Locus.Cli first). Prints one line per try and
# ends with "N passed, M failed".
set -uo pipefail
cd "$(dirname "$0")/../.."
KILLS=${1:-20}
RANDOM=${2:-1}
LOCUS=${LOCUS:-src/Locus.Cli/bin/Debug/net10.0/locus}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
export OMP_NUM_THREADS=1
passed=0; failed=0

# A corpus big enough that an ingest runs a few seconds (lexical encoder, checkpoints every 2,000 sentences).
python3 - "$WORK/corpus.txt" <<'EOF'
import random, sys
random.seed(7)
words = "bank rates team cup frog forest market city river storm vote school train song film price".split()
with open(sys.argv[1], "w") as f:
    for i in range(30000):
        f.write(" ".join(random.choice(words) for _ in range(9)) + f" number {i}.\n")
EOF
head -1500 "$WORK/corpus.txt" > "$WORK/small.txt"

SAMPLES=src/Locus.Cli/Samples
ingest() { "$LOCUS" corpus ingest --in "$WORK/corpus.txt" --index "$1" --encoder lexical --dim 64 --checkpoint-every 2000 > /dev/null 2>&1; }
pretrain() { "$LOCUS" pretrain --corpus "$WORK/small.txt" --out "$1" --hidden-size 32 --layers 1 --heads 2 --vocab-size 200 --max-length 24 \
  --epochs 3 --batch-size 32 --threads 1 --seed 5 --overwrite > /dev/null 2>&1; }

# A kill can land after train wrote its manifest (the model is complete) but before the process ended: the rerun is
# then not needed, and train would rightly refuse to overwrite the model without --overwrite.
train() { [[ -f $1/model/locus_model.json ]] || "$LOCUS" train --task ner --train "$SAMPLES/seeds.jsonl" --schema "$SAMPLES/labels.json" --base "$WORK/base" --out "$1/model" \
  --epochs 4 --patience 0 --min-steps-per-epoch 4 --threads 1 --seed 5 > /dev/null 2>&1; }
# The run's own record holds timestamps and the version's history, so specialize is compared on what it makes: the
# model folder and the data files of the finished version (a resumed version is v1 again: a rerun continues it).
specialize() { "$LOCUS" specialize --task ner --schema "$SAMPLES/labels.json" --seeds "$SAMPLES/seeds.jsonl" --corpus "$SAMPLES/corpus.txt" \
  --test "$SAMPLES/test.jsonl" --base "$WORK/base" --retrieval-encoder lexical --synthesis Offline --epochs 3 --patience 0 \
  --min-steps-per-epoch 4 --threads 1 --seed 5 --out "$1/runs/tiny" > /dev/null 2>&1 && flatten "$1"; }
# Copies the files to compare into DIR/compare (one level: try() compares the plain files of a folder).
flatten() {
  mkdir -p "$1/compare"
  local v; v=$(ls -d "$1"/runs/tiny/v* | tail -1)
  for f in "$v"/model/* "$v"/data/*; do [[ -f $f ]] && cp "$f" "$1/compare/$(basename "$(dirname "$f")")-$(basename "$f")"; done
  python3 -c 'import json,sys; print(json.dumps(json.load(open(sys.argv[1]))["metrics"], sort_keys=True))' "$v/run.json" > "$1/compare/metrics.json"
}

# Runs "$1 DIR" killed after a random delay (up to $2 tenths of a second), then reruns it to the end; compares with $3.
try() {
  local command=$1 max=$2 reference=$3 dir=$4 delay
  delay=$(( RANDOM % max + 1 ))
  ( "$command" "$dir" ) & local pid=$!
  sleep "$(printf '%d.%d' $((delay / 10)) $((delay % 10)))"
  pkill -KILL -P "$pid" 2>/dev/null; kill -KILL "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
  "$command" "$dir" || { echo "$command: rerun after a kill at ${delay}00 ms failed"; return 1; }
  local compared=$dir
  [[ -d $reference/compare ]] && compared=$dir/compare && reference=$reference/compare
  [[ -d $reference/model ]] && compared=$dir/model && reference=$reference/model
  local files=0
  for f in "$reference"/*; do
    [[ -d $f ]] && continue
    cmp -s "$f" "$compared/$(basename "$f")" || { echo "$command: $(basename "$f") differs after a kill at ${delay}00 ms"; return 1; }
    files=$((files + 1))
  done
  (( files > 0 )) || { echo "$command: the reference run left no files to compare"; return 1; }
  echo "$command: killed at ${delay}00 ms, resumed, $files files identical"
}

ingest "$WORK/ingest-reference"
pretrain "$WORK/pretrain-reference"
"$LOCUS" pretrain --corpus "$SAMPLES/corpus.txt" --out "$WORK/base" --hidden-size 32 --layers 2 --heads 2 --vocab-size 400 \
  --max-length 32 --epochs 2 --batch-size 32 --threads 1 --seed 5 > /dev/null 2>&1 || { echo "pretraining the tiny base failed"; exit 1; }
train "$WORK/train-reference" || { echo "the reference train run failed"; exit 1; }
specialize "$WORK/specialize-reference" || { echo "the reference specialize run failed"; exit 1; }
# Kill windows (tenths of a second) cover each command's whole run on a quiet machine.
for i in $(seq 1 "$KILLS"); do
  for c in "ingest 50" "pretrain 80" "train 60" "specialize 150"; do
    set -- $c
    if try "$1" "$2" "$WORK/$1-reference" "$WORK/$1-$i"; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
    rm -rf "${WORK:?}/$1-$i"
  done
done
echo "$passed passed, $failed failed"
