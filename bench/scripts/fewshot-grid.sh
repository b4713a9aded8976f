#!/usr/bin/env bash
# The few-shot grid of the few-shot quality issue, on the built-in all-MiniLM-L6-v2: data sets x sampling seeds x
# conditions (probe = logistic regression on the frozen encoder; seeds = fine-tuning on the seeds alone; lora / full =
# `specialize` offline; all = the whole training split). Cells are appended to WORK/cells.jsonl as they finish, so an
# interrupted grid resumes; the summary (mean ± std) is rewritten to bench/results/fewshot.{json,md} after each step.
# usage: bench/scripts/fewshot-grid.sh WORK [extra fewshot options, e.g. --epochs 10 --patience 3]
set -euo pipefail
cd "$(dirname "$0")/../.."
work=${1:?usage: fewshot-grid.sh WORK [options]}; shift
dotnet build bench/Locus.Bench -c Release -v q -nologo >/dev/null
# The grid runs a copy of the build, so rebuilding while it runs cannot swap its assemblies.
bin="$work/bin"; rm -rf "$bin"; mkdir -p "$work"; cp -r bench/Locus.Bench/bin/Release/net10.0 "$bin"
export MALLOC_MMAP_THRESHOLD_=4294967296 MALLOC_TRIM_THRESHOLD_=68719476736
run() { dotnet "$bin/Locus.Bench.dll" fewshot --work "$work" --out bench/results/fewshot.json "$@"; }
run --sets trec --seeds 13,21,42 --conditions probe,seeds,lora "$@"
run --sets banking77 --seeds 13,21,42 --conditions probe,seeds "$@"
run --sets crossner-ai --seeds 13,21,42 --conditions seeds,lora "$@"
run --sets trec,crossner-ai --seeds 13 --conditions all "$@"
run --sets banking77 --seeds 13 --conditions lora "$@"
run --sets wnut17 --seeds 13 --conditions seeds,lora "$@"
run --sets banking77,wnut17 --seeds 13 --conditions all "$@"
