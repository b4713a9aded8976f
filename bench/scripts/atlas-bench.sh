#!/bin/bash
# Runs `locus atlas bench` on the shared ChemBench and AlpacaEval 2 matrices and writes JSON reports, tables and
# sample-efficiency plots to bench/results/. Usage: bench/scripts/atlas-bench.sh [chembench|alpacaeval2|all] [extra bench options]
# Network settings are small so each data set's three-seed run fits a shared 2-core machine; model mixing 0.8 was
# chosen on ChemBench validation BCE (validation models and queries only, seeds 0-1), see bench/results/atlas.md.
set -euo pipefail
cd "$(dirname "$0")/../.."
which=${1:-all}; shift || true
LOCUS=${LOCUS:-src/Locus.Cli/bin/Release/net10.0/locus}
# The shared data folder sits beside the checkout (../shared) or beside the worktrees' folder (../../shared).
DATA=${DATA:-$(for d in ../shared/data/atlas ../../shared/data/atlas; do [[ -d $d ]] && echo "$d" && break; done)}
OUT=bench/results
mkdir -p "$OUT"
# One intra-op thread: on an oversubscribed machine libtorch's thread pool spins on barriers.
export OMP_NUM_THREADS=${OMP_NUM_THREADS:-1}
COMMON=(--seeds 0 1 2 3 4 --ks 16 32 64 128 256 512 1024 --max-steps 1000 --hidden-size 64 --latents 32 --embedding-dim 64 --factor-dim 16
        --predictor-hidden 128 --support-max 512 --models-per-step 8 ${ATLAS_REGULARISE:---model-mixing 0.8} --cache none)
if [[ $which == chembench || $which == all ]]; then
  "$LOCUS" atlas bench --data "$DATA/chembench/binary_matrix.csv" --encoding Collaborative "${COMMON[@]}" \
    --report "$OUT/atlas-chembench.json" --plot "$OUT/atlas-chembench" "$@" > "$OUT/atlas-chembench.txt"
fi
# AlpacaEval 2: the protocol gives every method the training models' answers to every query (IRT fits a free
# difficulty per query from them), so the atlas's main run encodes queries collaboratively too; the LSA run shows
# what the instruction text alone gives (what routing an unseen query has).
if [[ $which == alpacaeval2 || $which == all ]]; then
  "$LOCUS" atlas bench --data "$DATA/alpacaeval2/preference_matrix.csv" --query-texts "$DATA/alpacaeval2/instructions.jsonl" \
    --binarize 1.5 --encoding Collaborative "${COMMON[@]}" \
    --report "$OUT/atlas-alpacaeval2.json" --plot "$OUT/atlas-alpacaeval2" "$@" > "$OUT/atlas-alpacaeval2.txt"
fi
if [[ $which == alpacaeval2-lsa || $which == all ]]; then
  "$LOCUS" atlas bench --data "$DATA/alpacaeval2/preference_matrix.csv" --query-texts "$DATA/alpacaeval2/instructions.jsonl" \
    --binarize 1.5 --encoding Lsa "${COMMON[@]}" \
    --report "$OUT/atlas-alpacaeval2-lsa.json" "$@" > "$OUT/atlas-alpacaeval2-lsa.txt"
fi
