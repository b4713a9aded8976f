#!/bin/bash
# Kills `locus corpus ingest` and `locus pretrain` with SIGKILL at random points, reruns each until it finishes, and
# checks that the result is byte-identical to an uninterrupted run (issue 14: resume, completeness, identical results).
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

ingest() { "$LOCUS" corpus ingest --in "$WORK/corpus.txt" --index "$1" --encoder lexical --dim 64 --checkpoint-every 2000 > /dev/null 2>&1; }
pretrain() { "$LOCUS" pretrain --corpus "$WORK/small.txt" --out "$1" --hidden-size 32 --layers 1 --heads 2 --vocab-size 200 --max-length 24 \
  --epochs 3 --batch-size 32 --threads 1 --seed 5 --overwrite > /dev/null 2>&1; }

# Runs "$1 DIR" killed after a random delay (up to $2 tenths of a second), then reruns it to the end; compares with $3.
try() {
  local command=$1 max=$2 reference=$3 dir=$4 delay
  delay=$(( RANDOM % max + 1 ))
  ( "$command" "$dir" ) & local pid=$!
  sleep "$(printf '%d.%d' $((delay / 10)) $((delay % 10)))"
  pkill -KILL -P "$pid" 2>/dev/null; kill -KILL "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
  "$command" "$dir" || { echo "$command: rerun after a kill at ${delay}00 ms failed"; return 1; }
  for f in "$reference"/*; do
    [[ -d $f ]] && continue
    cmp -s "$f" "$dir/$(basename "$f")" || { echo "$command: $(basename "$f") differs after a kill at ${delay}00 ms"; return 1; }
  done
  echo "$command: killed at ${delay}00 ms, resumed, identical"
}

ingest "$WORK/ingest-reference"
pretrain "$WORK/pretrain-reference"
for i in $(seq 1 "$KILLS"); do
  if try ingest 50 "$WORK/ingest-reference" "$WORK/ingest-$i"; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
  if try pretrain 80 "$WORK/pretrain-reference" "$WORK/pretrain-$i"; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
  rm -rf "$WORK/ingest-$i" "$WORK/pretrain-$i"
done
echo "$passed passed, $failed failed"
