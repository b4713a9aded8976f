#!/usr/bin/env python3
"""Few-shot Banking77 splits: N training and M dev examples per label drawn from train.csv with a fixed seed.

usage: banking77_fewshot.py TRAIN_CSV OUT_DIR [--train-per-label 10] [--dev-per-label 5] [--seed 13]
Writes OUT_DIR/train.csv and OUT_DIR/dev.csv (columns text,category); the official test.csv stays the test set.
"""
import argparse
import csv
import os
import random
from collections import defaultdict


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("train_csv")
    parser.add_argument("out_dir")
    parser.add_argument("--train-per-label", type=int, default=10)
    parser.add_argument("--dev-per-label", type=int, default=5)
    parser.add_argument("--seed", type=int, default=13)
    args = parser.parse_args()

    by_label = defaultdict(list)
    with open(args.train_csv, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            by_label[row["category"]].append(row["text"])

    rng = random.Random(args.seed)
    splits = {"train": [], "dev": []}
    for label in sorted(by_label):
        texts = sorted(by_label[label])
        rng.shuffle(texts)
        needed = args.train_per_label + args.dev_per_label
        if len(texts) < needed:
            raise SystemExit(f"label {label} has {len(texts)} examples, {needed} needed")
        splits["train"] += [(t, label) for t in texts[: args.train_per_label]]
        splits["dev"] += [(t, label) for t in texts[args.train_per_label : needed]]

    os.makedirs(args.out_dir, exist_ok=True)
    for name, rows in splits.items():
        with open(os.path.join(args.out_dir, f"{name}.csv"), "w", newline="", encoding="utf-8") as f:
            writer = csv.writer(f)
            writer.writerow(["text", "category"])
            writer.writerows(rows)
        print(f"{name}: {len(rows)} examples, {len(by_label)} labels")


if __name__ == "__main__":
    main()
