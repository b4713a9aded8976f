#!/usr/bin/env python3
"""The two tables of bench/results/specialize.md (and README's few-shot table) from the grid's cells.

usage: bench/scripts/fewshot-tables.py [bench/results/fewshot-cells.jsonl] [--exclude-tags ner-head-fit] [--current TAG]
Headline: per data set, the default tag's conditions (mean ± sample std, n sampling seeds) and specialize / whole split;
with --current, TAG's cells replace the default ones of a data set and condition wherever TAG has any (a rerun
of some conditions under newer code).
Ablations: every other tag against the default `specialize` (or seeds-only) cell of the same sampling seed; a tag
named TAG-something (TAG from --current) against TAG's cells instead.
Refit: the headline tag's cells that record `selection_score` (specialize's model before the refit on all the
seeds), paired per seed.
"""
import json, statistics, sys

args = sys.argv[1:]
exclude = set()
if '--exclude-tags' in args:
    i = args.index('--exclude-tags'); exclude = set(args[i + 1].split(',')); del args[i:i + 2]
current = None
if '--current' in args:
    i = args.index('--current'); current = args[i + 1]; del args[i:i + 2]
cells = [json.loads(l) for l in open(args[0] if args else 'bench/results/fewshot-cells.jsonl')]
cells = [c for c in cells if c['tag'] not in exclude]
SETS = ['trec', 'banking77', 'crossner-ai', 'crossner-music', 'wnut17', 'bc5cdr']

def select(tag, dataset, condition, per_label=None):
    return [c for c in cells if c['tag'] == tag and c['set'] == dataset and c['condition'] == condition
            and (per_label is None or c['per_label'] == per_label)]

def fmt(scores):
    if not scores: return '–'
    mean = sum(scores) / len(scores)
    return f"{mean:.3f} ± {statistics.stdev(scores):.3f} ({len(scores)})" if len(scores) > 1 else f"{mean:.3f} (1)"

print('| data set | probe | seeds only | `specialize` (LoRA) | `specialize --full` | whole train split | specialize / whole |')
print('|---|---|---|---|---|---|---|')
def headline(dataset, condition):
    rerun = select(current, dataset, condition, 10) if current else []
    return [c['score'] for c in rerun or select('default', dataset, condition, 10)]

for dataset in SETS:
    scores = {c: headline(dataset, c) for c in ['probe', 'seeds', 'lora', 'full', 'all']}
    lora, whole = scores['lora'], scores['all']
    ratio = f"{100 * (sum(lora) / len(lora)) / whole[0]:.0f} %" if lora and whole else '–'
    print(f"| {dataset} | " + ' | '.join(fmt(scores[c]) for c in scores) + f" | {ratio} |")
print()
print('| data set | ablation (one factor changed) | score | vs default (same seeds) | minutes per run |')
print('|---|---|---|---|---|')
for dataset in SETS:
    for tag in sorted({c['tag'] for c in cells if c['set'] == dataset and c['tag'] not in ('default', current)}):
        for condition in ['seeds', 'lora']:
            mine = select(tag, dataset, condition)
            if not mine: continue
            base = current if current and tag.startswith(current + '-') else 'default'
            reference = {c['seed']: c['score'] for c in select(base, dataset, condition, 10)}
            deltas = [c['score'] - reference[c['seed']] for c in mine if c['seed'] in reference]
            delta = f"{sum(deltas) / len(deltas):+.3f} ({len(deltas)} seeds)" if deltas else '–'
            minutes = sum(c['seconds'] for c in mine) / len(mine) / 60
            print(f"| {dataset} | {tag} ({condition}) | {fmt([c['score'] for c in mine])} | {delta} | {minutes:.1f} |")

refit = [c for c in cells if 'selection_score' in c and c['tag'] == (current or 'default')]
if refit:
    print()
    print('| data set | before the refit (selection model) | after the refit on all the seeds | difference per sampling seed |')
    print('|---|---|---|---|')
    for dataset in SETS:
        mine = sorted((c for c in refit if c['set'] == dataset), key=lambda c: c['seed'])
        if not mine: continue
        deltas = ', '.join(f"{c['score'] - c['selection_score']:+.3f}" for c in mine)
        mean = sum(c['score'] - c['selection_score'] for c in mine) / len(mine)
        print(f"| {dataset} | {fmt([c['selection_score'] for c in mine])} | {fmt([c['score'] for c in mine])} | {deltas} (mean {mean:+.3f}) |")
