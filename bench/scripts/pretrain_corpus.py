#!/usr/bin/env python3
"""Writes the unlabelled pre-training corpus used by the benchmarks: one sentence per line, from the train and dev
splits of the shared NER and classification sets (never a test split). Usage: pretrain_corpus.py SHARED_DATA OUT.txt"""
import csv, sys
from pathlib import Path

data, out = Path(sys.argv[1]), Path(sys.argv[2])
conll = ["ner/crossner/ai/train.txt", "ner/crossner/ai/dev.txt", "ner/crossner/music/train.txt", "ner/crossner/music/dev.txt",
         "ner/wnut17/train.conll", "ner/wnut17/dev.conll", "ner/bc5cdr/train.tsv", "ner/bc5cdr/devel.tsv"]
lines = []
for name in conll:
    tokens = []
    for line in (data / name).read_text(encoding="utf-8").splitlines() + [""]:
        if line.strip():
            tokens.append(line.split("\t")[0].split(" ")[0])
        elif tokens:
            lines.append(" ".join(tokens)); tokens = []
with open(data / "classification/banking77/train.csv", encoding="utf-8", newline="") as f:
    lines += [row["text"] for row in csv.DictReader(f)]
for line in (data / "classification/trec/TREC.train.all").read_text(encoding="latin-1").splitlines():
    lines.append(line.split(" ", 1)[1])
out.write_text("\n".join(l.replace("\n", " ") for l in lines) + "\n", encoding="utf-8")
print(f"{len(lines)} sentences -> {out}")
