#!/usr/bin/env bash
# The few-shot table of the specialisation issue: for CrossNER-ai, WNUT-17 and Banking77, test scores of
# (a) the seeds only (10 per label), (b) the seeds plus the offline pipeline (retrieval, mention replacement or EDA,
# one self-training round), (c) the full training set, all with LoRA on the same self-pre-trained encoder.
# Usage: bench/scripts/specialize-table.sh ENCODER_FOLDER WORK_FOLDER [dataset...]
set -euo pipefail
encoder=$1; work=$2; shift 2
datasets=("${@:-crossner-ai wnut17 banking77}")
here=$(cd "$(dirname "$0")" && pwd)
locus=${LOCUS:-"dotnet run --project $here/../../src/Locus.Cli -c Release --"}
python3 "$here/specialize_data.py" "${SHARED_DATA:-$here/../../../shared/data}" "$work/data"
common=(--rank 16 --alpha 32 --lr ${LR:-5e-3} --epochs ${EPOCHS:-40} --patience ${PATIENCE:-10} --batch-size ${BATCH:-8} --max-length 64 --stride 16 --threads ${THREADS:-0} ${EXTRA:-})
for ds in ${datasets[@]}; do
  d="$work/data/$ds"; base=$encoder
  if [ "$encoder" = domain ]; then
    base="$work/encoders/$ds"
    [ -f "$base/config.json" ] || $locus pretrain --corpus "$d/corpus.txt" "$d/seeds.jsonl" --out "$base" --hidden-size 128 --layers 2 --heads 4 \
      --vocab-size 2000 --max-length 64 --epochs ${PRETRAIN_EPOCHS:-15} --lr 2e-3 --json > "$work/$ds-pretrain.json"
  fi
  task=$(python3 -c "import json;print(json.load(open('$d/labels.json'))['task'])")
  spec=(specialize --task "$task" --schema "$d/labels.json" --seeds "$d/seeds.jsonl" --test "$d/test.jsonl" --base "$base" "${common[@]}")
  $locus "${spec[@]}" --synthesis none --self-training-rounds 0 --out "$work/runs/$ds-seeds" --json > "$work/$ds-seeds.json"
  $locus "${spec[@]}" --corpus "$d/corpus.txt" --synthesis offline --out "$work/runs/$ds-offline" --json > "$work/$ds-offline.json"
  $locus train --task "$task" --train "$d/full-train.jsonl" --dev "$d/full-dev.jsonl" --schema "$d/labels.json" --out "$work/models/$ds-full" --base "$base" "${common[@]}" > "$work/$ds-full.train.txt"
  $locus eval --model "$work/models/$ds-full" --data "$d/test.jsonl" --json > "$work/$ds-full.json"
done
python3 - "$work" ${datasets[@]} <<'PY'
import json, sys
work, names = sys.argv[1], sys.argv[2:]
def score(name, kind):
    d = json.load(open(f"{work}/{name}-{kind}.json"))
    if kind != "full": return d["metrics"]["test"].get("f1", d["metrics"]["test"].get("accuracy"))
    return d["entities"]["micro"]["f1"] if "entities" in d else d["classification"]["accuracy"]
rows = {n: {k: score(n, k) for k in ("seeds", "offline", "full")} for n in names}
json.dump(rows, open(f"{work}/specialize-table.json", "w"), indent=2)
print("| data set | metric | (a) seeds only | (b) seeds + offline pipeline | (c) full training set |\n|---|---|---|---|---|")
for n, r in rows.items():
    print(f"| {n} | {'accuracy' if n == 'banking77' else 'entity micro-F1'} | {r['seeds']:.3f} | {r['offline']:.3f} | {r['full']:.3f} |")
PY
