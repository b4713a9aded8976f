#!/usr/bin/env bash
# The few-shot grid of the few-shot quality issue, on the built-in all-MiniLM-L6-v2: data sets x sampling seeds x
# conditions (probe = logistic regression on the frozen encoder; seeds = fine-tuning on the seeds alone; lora / full =
# `specialize` offline; all = the whole training split), then the ablations of `specialize` (LoRA) under their own tags.
# Cells are appended to WORK/cells.jsonl as they finish, so an interrupted grid resumes; the summary (mean ± std) is
# rewritten to bench/results/fewshot.{json,md} after each step.
# usage: bench/scripts/fewshot-grid.sh WORK [main|ablations|all] [extra fewshot options, e.g. --epochs 10 --patience 3]
# Several grids may share the two cores: export OMP_NUM_THREADS=1 for each.
set -euo pipefail
cd "$(dirname "$0")/../.."
work=${1:?usage: fewshot-grid.sh WORK [main|ablations|all] [options]}; shift
part=${1:-all}; [[ $# -gt 0 ]] && shift
dotnet build bench/Locus.Bench -c Release -v q -nologo >/dev/null
# The grid runs a copy of the build, so rebuilding while it runs cannot swap its assemblies.
bin="$work/bin"; rm -rf "$bin"; mkdir -p "$work"; cp -r bench/Locus.Bench/bin/Release/net10.0 "$bin"
# glibc's default malloc on purpose: the speed benches' MALLOC_MMAP_THRESHOLD_/MALLOC_TRIM_THRESHOLD_ settings keep every
# freed tensor in the heap, and over hundreds of training steps the resident size grows without bound (a full
# fine-tuning of deberta-v3-xsmall: 2.7 GB after 3 steps, 8.4 GB after 17; 3.0 GB flat with the defaults).
run() { dotnet "$bin/Locus.Bench.dll" fewshot --work "$work" --out bench/results/fewshot.json "$@"; }
seeds=13,21,42
if [[ $part == main || $part == all ]]; then
  run --sets trec,banking77 --seeds $seeds --conditions probe,seeds,lora,all "$@"
  run --sets crossner-ai,crossner-music,wnut17,bc5cdr --seeds $seeds --conditions seeds,lora,all "$@"
  run --sets trec --seeds $seeds --conditions full "$@"
fi
if [[ $part == ablations || $part == all ]]; then
  # One factor at a time against the default `specialize` (LoRA r 16, 10 seeds per label, retrieval on, offline
  # synthesis, one self-training round).
  # Every factor on TREC; the stage switches on WNUT-17 (the NER set with a real corpus: 3,394 sentences).
  ablate() { local set=$1; shift; run --sets "$set" --seeds $seeds --conditions lora "$@"; }
  for set in trec wnut17; do
    ablate $set --tag synthesis-off --synthesis none "$@"
    ablate $set --tag self-training-0 --self-training 0 "$@"
    ablate $set --tag retrieval-off --retrieval off "$@"
  done
  ablate trec --tag self-training-2 --self-training 2 "$@"
  ablate trec --tag seeds-5 --per-label 5 "$@"
  ablate trec --tag seeds-20 --per-label 20 "$@"
  for rank in 8 32 64; do ablate trec --tag rank-$rank --rank $rank "$@"; done
fi
