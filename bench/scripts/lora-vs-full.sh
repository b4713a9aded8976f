#!/usr/bin/env bash
# LoRA vs full fine-tuning on shared data, from the small encoder pre-trained with `locus pretrain`:
# CrossNER-ai (train split; dev for early stopping; test scored) and Banking77 with 10 examples per label
# (dev: 5 other examples per label from train.csv; test: test.csv). Writes a JSON summary and prints a table.
#
# usage: bench/scripts/lora-vs-full.sh   (env: LOCUS, BASE or CROSSNER_BASE / BANKING_BASE, DATA, WORK, OUT, THREADS,
#        CROSSNER_EPOCHS, BANKING_EPOCHS, CROSSNER_PATIENCE, BANKING_PATIENCE, MAX_LENGTH)
set -euo pipefail
cd "$(dirname "$0")/../.."
LOCUS=${LOCUS:-/tmp/finetune/bin/locus}          # dotnet publish src/Locus.Cli -c Release -o /tmp/finetune/bin
BASE=${BASE:-/work/artifacts/shared-encoder}
CROSSNER_BASE=${CROSSNER_BASE:-$BASE}
BANKING_BASE=${BANKING_BASE:-$BASE}
MAX_LENGTH=${MAX_LENGTH:-128}
DATA=${DATA:-/work/shared/data}
WORK=${WORK:-/tmp/finetune/lora-vs-full}
OUT=${OUT:-bench/results/lora-vs-full.json}
THREADS=${THREADS:-0}
CROSSNER_EPOCHS=${CROSSNER_EPOCHS:-30}
BANKING_EPOCHS=${BANKING_EPOCHS:-20}
mkdir -p "$WORK"

python3 bench/scripts/banking77_fewshot.py "$DATA/classification/banking77/train.csv" "$WORK/banking77" --train-per-label 10 --dev-per-label 5 --seed 13

# name task train dev test epochs mode-flags...
run() {
  local name=$1 task=$2 base=$3 train=$4 dev=$5 test=$6 epochs=$7; shift 7
  local model="$WORK/$name" start end
  rm -rf "$model"
  start=$(date +%s)
  "$LOCUS" train --task "$task" --train "$train" --dev "$dev" --base "$base" --out "$model" --epochs "$epochs" \
    --threads "$THREADS" --seed 42 --json "$@" > "$WORK/$name.train.json" 2> "$WORK/$name.train.log"
  end=$(date +%s)
  "$LOCUS" eval --model "$model" --data "$test" --json > "$WORK/$name.eval.json"
  echo "{\"name\": \"$name\", \"seconds\": $((end - start)), \"args\": \"$*\"}" > "$WORK/$name.run.json"
  echo "$name done in $((end - start)) s" >&2
}

NER="$DATA/ner/crossner/ai"
run crossner-lora ner "$CROSSNER_BASE" "$NER/train.txt" "$NER/dev.txt" "$NER/test.txt" "$CROSSNER_EPOCHS" --rank 32 --alpha 64 --lr 1e-3 --batch-size 8 --max-length "$MAX_LENGTH" --stride 32 --patience "${CROSSNER_PATIENCE:-8}"
run crossner-full ner "$CROSSNER_BASE" "$NER/train.txt" "$NER/dev.txt" "$NER/test.txt" "$CROSSNER_EPOCHS" --full --lr 1e-4 --batch-size 8 --max-length "$MAX_LENGTH" --stride 32 --patience "${CROSSNER_PATIENCE:-8}"
B="$WORK/banking77"
run banking77-lora classification "$BANKING_BASE" "$B/train.csv" "$B/dev.csv" "$DATA/classification/banking77/test.csv" "$BANKING_EPOCHS" --rank 32 --alpha 64 --lr 2e-3 --batch-size 16 --max-length 64 --stride 16 --patience "${BANKING_PATIENCE:-5}"
run banking77-full classification "$BANKING_BASE" "$B/train.csv" "$B/dev.csv" "$DATA/classification/banking77/test.csv" "$BANKING_EPOCHS" --full --lr 2e-4 --batch-size 16 --max-length 64 --stride 16 --patience "${BANKING_PATIENCE:-5}"

python3 - "$WORK" "$OUT" "$CROSSNER_BASE $BANKING_BASE" <<'PY'
import json, os, sys
work, out, base = sys.argv[1:4]
rows = {}
for name in ["crossner-lora", "crossner-full", "banking77-lora", "banking77-full"]:
    train = json.load(open(os.path.join(work, f"{name}.train.json")))
    ev = json.load(open(os.path.join(work, f"{name}.eval.json")))
    run = json.load(open(os.path.join(work, f"{name}.run.json")))
    if "entities" in ev:
        metric, score = "micro-F1", ev["entities"]["micro"]["f1"]
    else:
        metric, score = "accuracy", ev["classification"]["accuracy"]
    phase = train["phases"][0]
    rows[name] = {"metric": metric, "test": score, "best_dev": phase["best_dev_metric"], "best_epoch": phase["best_epoch"],
                  "epochs_run": phase["epochs_run"], "trainable_parameters": train["trainable_parameters"],
                  "total_parameters": train["total_parameters"], "seconds": run["seconds"], "args": run["args"]}
summary = {"base": base, "runs": rows, "lora_over_full": {
    task: rows[f"{task}-lora"]["test"] / rows[f"{task}-full"]["test"] if rows[f"{task}-full"]["test"] else None
    for task in ["crossner", "banking77"]}}
os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
json.dump(summary, open(out, "w"), indent=2)
print("| run | test metric | test | best dev (epoch / run) | trainable params | time s |")
print("|---|---|---|---|---|---|")
for name, r in rows.items():
    print(f"| {name} | {r['metric']} | {r['test']:.4f} | {r['best_dev']:.4f} ({r['best_epoch']}/{r['epochs_run']}) | {r['trainable_parameters']:,} of {r['total_parameters']:,} | {r['seconds']} |")
for task, ratio in summary["lora_over_full"].items():
    print(f"{task}: LoRA/full = {ratio:.3f}" if ratio is not None else f"{task}: full scored 0")
print(f"results: {out}")
PY
